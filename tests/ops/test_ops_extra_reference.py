"""LRN, SequenceMask/Last/Reverse, contrib.BilinearResize2D, linalg.gemm2 and bilinear UpSampling against
MXNet 1.9.1 (outputs and input gradients recorded by tools/mxnet_reference/gen_ops_extra.py into
tests/data/ops_extra/), and their gradients against central differences on every context."""
import functools
import json
from pathlib import Path

import numpy as np
import pytest

from ndx import autograd, nd
from ndx.base import MXNetError
from ndx.test_utils import check_numeric_gradient

DATA = Path(__file__).resolve().parents[1] / "data" / "ops_extra"
REF = json.loads((DATA / "ops_extra.json").read_text())
ARRAYS = dict(np.load(DATA / "ops_extra.npz"))


def _fn(op):
    return functools.reduce(getattr, op.split("."), nd)


@pytest.mark.parametrize("case", REF["cases"], ids=[c["id"] for c in REF["cases"]])
def test_matches_mxnet(ctx, case):
    inputs = {k: nd.array(ARRAYS[v["key"]], ctx=ctx, dtype=v["dtype"]) for k, v in case["inputs"].items()}
    for k in case["grad_wrt"]:
        inputs[k].attach_grad()
    with autograd.record():
        y = _fn(case["op"])(*inputs.values(), **case["kwargs"])
    np.testing.assert_allclose(y.asnumpy(), ARRAYS[case["outputs"]["0"]["key"]], rtol=1e-4, atol=1e-5,
                               err_msg="output")
    if not case["grad_wrt"]:
        return
    y.backward(nd.array(ARRAYS[case["head_grads"]["0"]["key"]], ctx=ctx))
    for k, ref in case["grads"].items():
        np.testing.assert_allclose(inputs[k].grad.asnumpy(), ARRAYS[ref["key"]], rtol=1e-4, atol=1e-5,
                                   err_msg=f"gradient of {k}")


def _const(ctx, values, dtype="float32"):
    return nd.array(np.array(values), ctx=ctx, dtype=dtype)


GRADIENT_CASES = {
    "lrn": (lambda ctx: lambda x: nd.LRN(x, nsize=3, alpha=0.1, beta=0.6, knorm=1.5), [(2, 5, 2, 3)]),
    "sequence_mask": (lambda ctx: lambda x: nd.SequenceMask(x, _const(ctx, [2, 4, 0]), use_sequence_length=True,
                                                            value=-2.0), [(4, 3, 2)]),
    "sequence_mask_axis1": (lambda ctx: lambda x: nd.SequenceMask(x, _const(ctx, [1, 3], "int32"), axis=1,
                                                                  use_sequence_length=True), [(2, 4, 3)]),
    "sequence_last": (lambda ctx: lambda x: nd.SequenceLast(x, _const(ctx, [2, 4, 1]), use_sequence_length=True),
                      [(4, 3, 2)]),
    "sequence_last_axis1": (lambda ctx: lambda x: nd.SequenceLast(x, _const(ctx, [3, 1]), axis=1,
                                                                  use_sequence_length=True), [(2, 4, 3)]),
    "sequence_last_off": (lambda ctx: lambda x: nd.SequenceLast(x), [(4, 3, 2)]),
    "sequence_reverse": (lambda ctx: lambda x: nd.SequenceReverse(x, _const(ctx, [2, 4, 1]),
                                                                  use_sequence_length=True), [(4, 3, 2)]),
    "bilinear_resize": (lambda ctx: lambda x: nd.contrib.BilinearResize2D(x, height=5, width=3), [(1, 2, 3, 4)]),
    "bilinear_resize_no_align": (lambda ctx: lambda x: nd.contrib.BilinearResize2D(x, height=7, width=2,
                                                                                   align_corners=False),
                                 [(2, 1, 3, 4)]),
    "gemm2": (lambda ctx: lambda a, b: nd.linalg.gemm2(a, b, transpose_b=True, alpha=0.5), [(2, 3, 4), (2, 5, 4)]),
    "gemm2_axis": (lambda ctx: lambda a, b: nd.linalg.gemm2(a, b, transpose_a=True, axis=-3),
                   [(3, 2, 4), (3, 2, 5)]),
    "upsampling_bilinear": (lambda ctx: lambda x, w: nd.UpSampling(x, w, scale=2, sample_type="bilinear",
                                                                   num_filter=2), [(1, 2, 3, 2), (2, 1, 4, 4)]),
}


@pytest.mark.parametrize("name", GRADIENT_CASES)
def test_gradient(ctx, rng, name):
    make, shapes = GRADIENT_CASES[name]
    check_numeric_gradient(make(ctx), [rng.standard_normal(s) for s in shapes], ctx=ctx)


def test_lrn_matches_its_formula(ctx, rng):
    x = rng.standard_normal((2, 6, 3, 2)).astype(np.float32)
    sq = np.pad(x.astype(np.float64) ** 2, ((0, 0), (2, 2), (0, 0), (0, 0)))
    win = sum(sq[:, i:i + 6] for i in range(5))
    ref = x / (2.0 + 1e-4 / 5 * win) ** 0.75
    np.testing.assert_allclose(nd.LRN(nd.array(x, ctx=ctx), nsize=5).asnumpy(), ref, rtol=1e-5)


def test_sequence_ops_bad_input(ctx):
    x = nd.ones((4, 3, 2), ctx=ctx)
    with pytest.raises(MXNetError, match=r"Shape inconsistent, Provided = \[2\], inferred shape=\(3,\)"):
        nd.SequenceMask(x, _const(ctx, [1, 2]), use_sequence_length=True)
    with pytest.raises(MXNetError, match="expects axis to be 0"):
        nd.SequenceReverse(x, _const(ctx, [1, 2, 3]), use_sequence_length=True, axis=1)


def test_upsampling_bilinear_checks_its_weight(ctx):
    x = nd.ones((1, 2, 3, 3), ctx=ctx)
    with pytest.raises(MXNetError, match=r"Provided = \[2,1,3,3\], inferred shape=\(2,1,4,4\)"):
        nd.UpSampling(x, nd.ones((2, 1, 3, 3), ctx=ctx), scale=2, sample_type="bilinear", num_filter=2)
    with pytest.raises(MXNetError, match="expects 2 inputs, but got 1 instead"):
        nd.UpSampling(x, scale=2, sample_type="bilinear", num_filter=2)
