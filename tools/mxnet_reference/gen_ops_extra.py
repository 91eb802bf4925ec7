"""MXNet 1.9.1 reference for the ops added to close the symbol-import gaps: LRN, SequenceMask/Last/Reverse,
contrib.BilinearResize2D, linalg.gemm2 and bilinear UpSampling (forward outputs and input gradients).

Writes tests/data/ops_extra/ops_extra.{json,npz}. Each case: ``id``, ``op`` (attribute path under
``mx.nd``), ``inputs`` (positional order), ``kwargs``, ``grad_wrt``, ``outputs``, ``head_grads``, ``grads``.
Run: .venv-mxnet/bin/python tools/mxnet_reference/gen_ops_extra.py
"""
import functools
from collections import OrderedDict

from _common import CaseStore, jsonable, out_dir, rng, run_autograd, import_mxnet

mx = import_mxnet()
R = rng(7)


def f32(*shape):
    return R.standard_normal(shape).astype("float32")


def bilinear_weight(c, scale):
    """The bilinear kernel MXNet's Bilinear initializer writes (one per channel)."""
    import numpy as np
    k = 2 * scale - scale % 2
    f = (k + 1) // 2
    cen = (2 * f - 1 - f % 2) / (2.0 * f)
    og = np.ogrid[:k, :k]
    w = (1 - abs(og[0] / f - cen)) * (1 - abs(og[1] / f - cen))
    return np.broadcast_to(w, (c, 1, k, k)).astype("float32").copy()


def lengths(*vals, dtype="float32"):
    import numpy as np
    return np.array(vals, dtype=dtype)


CASES = [
    ("lrn_n3", "LRN", OrderedDict(data=f32(2, 5, 3, 3)), {"nsize": 3}, ["data"]),
    ("lrn_n5_params", "LRN", OrderedDict(data=f32(1, 6, 2, 4)),
     {"nsize": 5, "alpha": 0.01, "beta": 0.5, "knorm": 1.5}, ["data"]),
    ("seqmask_off", "SequenceMask", OrderedDict(data=f32(4, 2, 3)), {}, ["data"]),
    ("seqmask_len", "SequenceMask", OrderedDict(data=f32(4, 3, 2), sequence_length=lengths(2, 4, 0)),
     {"use_sequence_length": True, "value": -1.0}, ["data"]),
    ("seqmask_axis1", "SequenceMask", OrderedDict(data=f32(2, 5, 3), sequence_length=lengths(1, 3, dtype="int32")),
     {"use_sequence_length": True, "axis": 1, "value": 0.5}, ["data"]),
    ("seqlast_off", "SequenceLast", OrderedDict(data=f32(4, 2, 3)), {}, []),  # its backward segfaults
    ("seqlast_len", "SequenceLast", OrderedDict(data=f32(4, 3, 2), sequence_length=lengths(2, 4, 1)),
     {"use_sequence_length": True}, ["data"]),
    ("seqlast_axis1", "SequenceLast", OrderedDict(data=f32(2, 5, 3, 2), sequence_length=lengths(5, 2)),
     {"use_sequence_length": True, "axis": 1}, ["data"]),
    ("seqrev_off", "SequenceReverse", OrderedDict(data=f32(4, 2, 3)), {}, ["data"]),
    ("seqrev_len", "SequenceReverse", OrderedDict(data=f32(5, 3, 2), sequence_length=lengths(2, 5, 1)),
     {"use_sequence_length": True}, ["data"]),
    ("bilinear_resize_up", "contrib.BilinearResize2D", OrderedDict(data=f32(1, 2, 3, 4)),
     {"height": 5, "width": 7}, ["data"]),
    ("bilinear_resize_down", "contrib.BilinearResize2D", OrderedDict(data=f32(2, 1, 5, 6)),
     {"height": 3, "width": 4}, ["data"]),
    ("bilinear_resize_no_align", "contrib.BilinearResize2D", OrderedDict(data=f32(1, 2, 3, 4)),
     {"height": 6, "width": 5, "align_corners": False}, ["data"]),
    ("bilinear_resize_scale", "contrib.BilinearResize2D", OrderedDict(data=f32(1, 1, 3, 4)),
     {"scale_height": 2.0, "scale_width": 1.5, "mode": "size"}, ["data"]),
    ("bilinear_resize_like", "contrib.BilinearResize2D", OrderedDict(data=f32(1, 2, 3, 3), like=f32(1, 2, 4, 6)),
     {"mode": "like"}, ["data"]),
    ("gemm2_alpha", "linalg.gemm2", OrderedDict(A=f32(2, 3), B=f32(3, 4)), {"alpha": 2.0}, ["A", "B"]),
    ("gemm2_batched_t", "linalg.gemm2", OrderedDict(A=f32(2, 3, 4), B=f32(2, 5, 3)),
     {"transpose_a": True, "transpose_b": True}, ["A", "B"]),
    ("gemm2_axis", "linalg.gemm2", OrderedDict(A=f32(3, 2, 4, 2), B=f32(3, 2, 4, 5)),
     {"axis": -3}, ["A", "B"]),
    ("upsampling_bilinear_s2", "UpSampling", OrderedDict(data=f32(1, 2, 3, 3), weight=bilinear_weight(2, 2)),
     {"scale": 2, "sample_type": "bilinear", "num_filter": 2}, ["data", "weight"]),
    ("upsampling_bilinear_s3", "UpSampling", OrderedDict(data=f32(2, 1, 2, 3), weight=f32(1, 1, 5, 5)),
     {"scale": 3, "sample_type": "bilinear", "num_filter": 1}, ["data", "weight"]),
]


def main():
    store = CaseStore()
    for cid, op, inputs, kwargs, grad_wrt in CASES:
        fn = functools.reduce(getattr, op.split("."), mx.nd)

        def call(_fn=fn, _kw=kwargs, **nd):
            return _fn(*nd.values(), **_kw)

        outs, hg, grads, _ = run_autograd(mx, call, inputs, grad_wrt=grad_wrt,
                                       head_grads="random" if grad_wrt else None, seed=1)
        store.add({"id": cid, "op": op, "kwargs": jsonable(kwargs), "grad_wrt": grad_wrt,
                   "inputs": store.put_many(cid, "input", inputs),
                   "outputs": store.put_many(cid, "output", outs),
                   "head_grads": store.put_many(cid, "head_grad", hg or []),
                   "grads": store.put_many(cid, "grad", grads)})
    store.write(out_dir("ops_extra"), "ops_extra", "gen_ops_extra.py",
                {"notes": "mx.nd.<op>(*inputs, **kwargs) under autograd.record(); backward with head_grads"})


if __name__ == "__main__":
    main()
