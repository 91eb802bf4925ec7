"""MXNet 1.9.1's SGD, NAG, Adam, RMSProp, AdaGrad, AdaDelta and Signum updates bit for bit: three steps on 1000-element weights
(with and without weight decay and clipping; float64 for SGD), enough elements for every rounding
difference of a reordered formula or a differently rounded scalar to show.
Writes tests/data/training/update_bits.npz: "<optimizer>:<case>/step<i>".

    .venv-mxnet/bin/python tools/mxnet_reference/gen_update_bits.py
"""
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
}

r = C.rng(77)
out = {"w0": r.standard_normal(1000).astype(np.float32)}
for i in range(3):
    out["g%d" % i] = r.standard_normal(1000).astype(np.float32)
for key, (dtype, kw) in CASES.items():
    opt = mx.optimizer.create(key.split(":")[0], learning_rate=0.037, rescale_grad=1 / 128., **kw)
    w = mx.nd.array(out["w0"], dtype=dtype)
    state = opt.create_state(0, w)
    for i in range(3):
        opt.update(0, w, mx.nd.array(out["g%d" % i], dtype=dtype), state)
        out["%s/step%d" % (key, i)] = w.asnumpy()
np.savez(os.path.join(C.out_dir("training"), "update_bits.npz"), **out)
print("wrote update_bits.npz:", ", ".join(CASES))
