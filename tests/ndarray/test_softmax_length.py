"""nd.softmax with ``length``/``use_length`` (MXNet's masked softmax): only the first ``length`` entries
along ``axis`` take part, the others are 0; a row of length 0 is all zeros, and so is its gradient."""
import numpy as np
import pytest

from ndx import autograd, nd
from ndx.base import MXNetError
from ndx.test_utils import check_numeric_gradient


def ref_softmax_length(x, length, axis, temperature=1.0):
    x = np.moveaxis(x.astype(np.float64) / temperature, axis, -1)
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape[:-1]):
        n = max(int(length[idx]), 0)
        if n:
            e = np.exp(x[idx][:n] - x[idx][:n].max())
            out[idx][:n] = e / e.sum()
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_masked_softmax_matches_numpy(ctx, rng, axis):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    lshape = tuple(n for i, n in enumerate(x.shape) if i != axis % 3)
    length = rng.integers(0, x.shape[axis] + 1, lshape).astype(np.int32)
    length.flat[0] = 0
    y = nd.softmax(nd.array(x, ctx=ctx), nd.array(length, ctx=ctx, dtype="int32"), axis=axis, use_length=True)
    np.testing.assert_allclose(y.asnumpy(), ref_softmax_length(x, length, axis), rtol=1e-5, atol=1e-7)


def test_masked_softmax_temperature_and_huge_masked_values(ctx):
    x = np.array([[0.0, 1.0, 1000.0], [5.0, -5.0, 2.0]], dtype=np.float32)
    length = np.array([2, 3], dtype=np.int64)
    y = nd.softmax(nd.array(x, ctx=ctx), nd.array(length, ctx=ctx, dtype="int64"), temperature=2.0,
                   use_length=True)
    np.testing.assert_allclose(y.asnumpy(), ref_softmax_length(x, length, -1, 2.0), rtol=1e-6)


def test_masked_softmax_gradient(ctx, rng):
    length = nd.array(np.array([[2, 0, 4], [1, 3, 4]]), ctx=ctx, dtype="int32")
    x = rng.standard_normal((2, 3, 4))
    check_numeric_gradient(lambda a: nd.softmax(a, length, axis=-1, use_length=True),
                           [x], ctx=ctx)


def test_masked_softmax_length_gets_no_gradient(ctx):
    x = nd.ones((2, 3), ctx=ctx)
    length = nd.array([1, 3], ctx=ctx, dtype="int32")
    x.attach_grad()
    with autograd.record():
        y = nd.softmax(x, length, use_length=True)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 0, atol=1e-7)


def test_length_must_be_integer_and_match_use_length(ctx):
    x = nd.ones((2, 3), ctx=ctx)
    with pytest.raises(MXNetError, match="only support integer types, not float32"):
        nd.softmax(x, nd.array([1, 2], ctx=ctx), use_length=True)
    with pytest.raises(MXNetError, match="expects 1 inputs, but got 2 instead"):
        nd.softmax(x, nd.array([1, 2], ctx=ctx, dtype="int32"))
