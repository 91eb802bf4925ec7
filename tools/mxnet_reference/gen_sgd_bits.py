"""MXNet 1.9.1's plain SGD update bit for bit: three steps on 1000-element float32/float64 weights
(with and without weight decay and clipping), enough elements for every rounding difference of a
reordered formula to show. Writes tests/data/training/sgd_bits.npz.

    .venv-mxnet/bin/python tools/mxnet_reference/gen_sgd_bits.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

mx = C.import_mxnet()
np = C.np

CASES = {  # name: (dtype, SGD keyword arguments)
    "wd": ("float32", dict(wd=0.001)),
    "nowd": ("float32", dict(wd=0.0)),
    "wd_clip": ("float32", dict(wd=0.001, clip_gradient=0.005)),
    "float64": ("float64", dict(wd=0.001)),
    "momentum": ("float32", dict(wd=0.001, momentum=0.9)),
}

r = C.rng(77)
out = {"w0": r.standard_normal(1000).astype(np.float32)}
for i in range(3):
    out["g%d" % i] = r.standard_normal(1000).astype(np.float32)
for name, (dtype, kw) in CASES.items():
    opt = mx.optimizer.SGD(learning_rate=0.037, rescale_grad=1 / 128., **kw)
    w = mx.nd.array(out["w0"], dtype=dtype)
    state = opt.create_state(0, w)
    for i in range(3):
        opt.update(0, w, mx.nd.array(out["g%d" % i], dtype=dtype), state)
        out["%s/step%d" % (name, i)] = w.asnumpy()
np.savez(os.path.join(C.out_dir("training"), "sgd_bits.npz"), **out)
print("wrote sgd_bits.npz:", ", ".join(CASES))
