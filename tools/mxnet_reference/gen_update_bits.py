"""MXNet 1.9.1's SGD, NAG, Adam, RMSProp, AdaGrad, AdaDelta, Signum, Adamax, Nadam, DCASGD, FTML and Ftrl updates bit for bit: three steps on 1000-element weights
(with and without weight decay and clipping; float64 for SGD), enough elements for every rounding
difference of a reordered formula or a differently rounded scalar to show. AdamW, which MXNet 1.9.1
has only as the ``contrib.adamw_update`` op, is that op driven as ndx's AdamW drives it (``eta`` the
learning rate, Adam's bias correction as the op's ``lr``).
Writes tests/data/training/update_bits.npz: "<optimizer>:<case>/step<i>", and the case table as
JSON under "__cases__" (the test reads it from there).

    .venv-mxnet/bin/python tools/mxnet_reference/gen_update_bits.py
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

mx = C.import_mxnet()
np = C.np

CASES = {  # "<optimizer>:<case>": (dtype, keyword arguments)
    "sgd:wd": ("float32", dict(wd=0.001)),
    "sgd:nowd": ("float32", dict(wd=0.0)),
    "sgd:wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005)),
    "sgd:float64": ("float64", dict(wd=0.001)),
    "sgd:momentum": ("float32", dict(wd=0.001, momentum=0.9)),
    "adam:wd": ("float32", dict(wd=0.001)),
    "adam:wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005)),
    "rmsprop:wd": ("float32", dict(wd=0.001)),
    "rmsprop:centered": ("float32", dict(wd=0.001, centered=True)),
    "nag:momentum": ("float32", dict(wd=0.001, momentum=0.9)),
    "nag:momentum_clip": ("float32", dict(wd=0.001, momentum=0.9, clip_gradient=0.005)),
    "adagrad:wd": ("float32", dict(wd=0.001)),
    "adadelta:wd": ("float32", dict(wd=0.001)),
    "signum:momentum": ("float32", dict(wd=0.001, momentum=0.9)),
    "adamax:wd": ("float32", dict(wd=0.001)),
    "adamax:wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005)),
    "nadam:wd": ("float32", dict(wd=0.001)),
    "nadam:wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005)),
    "dcasgd:wd": ("float32", dict(wd=0.001)),
    "dcasgd:wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005, lamda=0.1)),
    "ftml:wd": ("float32", dict(wd=0.001)),
    "ftml:wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005)),
    "ftrl:wd": ("float32", dict(wd=0.001)),
    "ftrl:wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005)),
    "adamw:wd": ("float32", dict(wd=0.001)),
    "adamw:wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005)),
}
LR, RESCALE = 0.037, 1 / 128.


class ContribAdamW:
    """The ``contrib.adamw_update`` op behind the optimizer interface the loop below uses."""

    def __init__(self, wd=0.0, clip_gradient=None, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.wd, self.clip, self.b1, self.b2, self.eps, self.t = wd, clip_gradient, beta1, beta2, epsilon, 0

    def create_state(self, index, w):
        return mx.nd.zeros(w.shape, dtype=w.dtype), mx.nd.zeros(w.shape, dtype=w.dtype)

    def update(self, index, w, g, state):
        self.t += 1
        coef = math.sqrt(1.0 - self.b2 ** self.t) / (1.0 - self.b1 ** self.t)
        mx.nd.contrib.adamw_update(w, g, state[0], state[1], rescale_grad=mx.nd.array([RESCALE]), lr=coef,
                                   eta=LR, beta1=self.b1, beta2=self.b2, epsilon=self.eps, wd=self.wd,
                                   clip_gradient=-1 if self.clip is None else self.clip, out=w)


def create(name, **kw):
    if name == "adamw":
        return ContribAdamW(**{k: v for k, v in kw.items() if k not in ("learning_rate", "rescale_grad")})
    return mx.optimizer.create(name, **kw)


r = C.rng(77)
out = {"w0": r.standard_normal(1000).astype(np.float32)}
for i in range(3):
    out["g%d" % i] = r.standard_normal(1000).astype(np.float32)
for key, (dtype, kw) in CASES.items():
    opt = create(key.split(":")[0], learning_rate=LR, rescale_grad=RESCALE, **kw)
    w = mx.nd.array(out["w0"], dtype=dtype)
    state = opt.create_state(0, w)
    for i in range(3):
        opt.update(0, w, mx.nd.array(out["g%d" % i], dtype=dtype), state)
        out["%s/step%d" % (key, i)] = w.asnumpy()
out["__cases__"] = np.array(json.dumps(CASES))
np.savez(os.path.join(C.out_dir("training"), "update_bits.npz"), **out)
print("wrote update_bits.npz:", ", ".join(CASES))
