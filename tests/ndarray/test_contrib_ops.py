"""nd.contrib: isnan/isinf/isfinite, boolean_mask, arange_like, index_copy and AdaptiveAvgPooling2D."""
import math

import numpy as np
import pytest

import ndx as mx
from ndx import autograd, nd
from ndx.test_utils import check_numeric_gradient

C = nd.contrib
RNG = np.random.default_rng(0)


def _message(fn):
    with pytest.raises(mx.MXNetError) as e:
        fn()
    return str(e.value)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_nan_inf_tests_answer_in_the_input_dtype(ctx, dtype):
    """Observed on MXNet 1.9.1: 0/1 in the input's dtype."""
    x = nd.array([1, np.nan, np.inf, -np.inf, 0], ctx=ctx, dtype=dtype)
    for fn, want in ((C.isnan, [0, 1, 0, 0, 0]), (C.isinf, [0, 0, 1, 1, 0]), (C.isfinite, [1, 0, 0, 0, 1])):
        got = fn(x)
        assert got.dtype == np.dtype(dtype)
        assert got.asnumpy().tolist() == want


def test_nan_inf_tests_on_integers(ctx):
    """Observed on MXNet 1.9.1: int32 input gives int32 zeros (isnan, isinf) and ones (isfinite)."""
    x = nd.array([1, 2], ctx=ctx, dtype="int32")
    assert [(f(x).dtype, f(x).asnumpy().tolist()) for f in (C.isnan, C.isinf, C.isfinite)] == [
        (np.int32, [0, 0]), (np.int32, [0, 0]), (np.int32, [1, 1])]


def test_isnan_passes_no_gradient(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = C.isnan(x) * x + x
    y.backward()
    assert x.grad.asnumpy().tolist() == [1.0, 1.0]


def test_boolean_mask_keeps_nonzero_rows(ctx):
    data = RNG.standard_normal((4, 3)).astype(np.float32)
    index = np.array([0, 0.5, -1, 0], dtype=np.float32)  # any non-zero value keeps its row
    got = C.boolean_mask(nd.array(data, ctx=ctx), nd.array(index, ctx=ctx))
    np.testing.assert_array_equal(got.asnumpy(), data[index != 0])
    empty = C.boolean_mask(nd.array(data, ctx=ctx), nd.zeros((4,), ctx=ctx, dtype="int32"))
    assert empty.shape == (0, 3)


def test_boolean_mask_gradient(ctx):
    check_numeric_gradient(lambda d, i: C.boolean_mask(d, i), [RNG.standard_normal((4, 2, 3)),
                                                              np.array([1, 0, 1, 1], np.int64)], ctx=ctx)


def test_boolean_mask_refusals_observed_on_mxnet(ctx):
    """Messages observed on MXNet 1.9.1."""
    d = nd.ones((3, 4), ctx=ctx)
    assert _message(lambda: C.boolean_mask(d, nd.ones((4,), ctx=ctx), axis=1)) == (
        "Check failed: axis == 0 (1 vs. 0) : Not supported yet")
    assert _message(lambda: C.boolean_mask(d, nd.ones((2,), ctx=ctx))) == (
        "Check failed: data.shape()[axis] == idx.shape()[0] (3 vs. 2) : ")
    assert _message(lambda: C.boolean_mask(d, nd.ones((3, 4), ctx=ctx))) == (
        "Check failed: idx.shape().ndim() == 1U (2 vs. 1) : ")


def test_arange_like(ctx):
    d = nd.ones((3, 4), ctx=ctx)
    np.testing.assert_array_equal(C.arange_like(d).asnumpy(), np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(C.arange_like(d, start=2, step=0.5, axis=1).asnumpy(), [2, 2.5, 3, 3.5])
    np.testing.assert_array_equal(C.arange_like(d, repeat=2, axis=-1).asnumpy(), [0, 0, 1, 1])
    np.testing.assert_array_equal(C.arange_like(d, repeat=5).asnumpy(), (np.arange(12) // 5).reshape(3, 4))
    assert C.arange_like(d.astype("float64")).dtype == np.float64


def test_arange_like_truncates_start_and_step_unless_float32_or_64(ctx):
    """Observed on MXNet 1.9.1: int32 start=0.25, step=1.5 gives [0 1 2 3] and float16 start=1.75, step=1.5
    gives [1 2 3 4]; float64 keeps the fractions."""
    ones = lambda dtype: nd.ones((4,), ctx=ctx, dtype=dtype)  # noqa: E731
    assert C.arange_like(ones("int32"), start=0.25, step=1.5).asnumpy().tolist() == [0, 1, 2, 3]
    assert C.arange_like(ones("float16"), start=1.75, step=1.5).asnumpy().tolist() == [1, 2, 3, 4]
    assert C.arange_like(ones("float64"), start=0.25, step=0.5).asnumpy().tolist() == [0.25, 0.75, 1.25, 1.75]


def test_arange_like_bad_axis_observed_on_mxnet(ctx):
    assert _message(lambda: C.arange_like(nd.ones((4,), ctx=ctx), axis=2)) == (
        "Check failed: real_axis >=0 && real_axis < (*in_attrs)[0].ndim(): cannot handle param.axis 2.")


def test_index_copy(ctx):
    old = RNG.standard_normal((5, 3)).astype(np.float32)
    new = RNG.standard_normal((2, 3)).astype(np.float32)
    got = C.index_copy(nd.array(old, ctx=ctx), nd.array([3, 0], ctx=ctx), nd.array(new, ctx=ctx))
    want = old.copy()
    want[[3, 0]] = new
    np.testing.assert_array_equal(got.asnumpy(), want)


def test_index_copy_skips_out_of_range_and_last_duplicate_wins(ctx):
    """Observed on MXNet 1.9.1: index 7 of 5 rows is skipped; for index [1, 4, 1] row 1 takes the third row."""
    old, new = nd.zeros((5, 3), ctx=ctx), nd.array(np.arange(9).reshape(3, 3), ctx=ctx)
    got = C.index_copy(old, nd.array([7, 0, 2], ctx=ctx), new).asnumpy()
    assert got[:, 0].tolist() == [3, 0, 6, 0, 0]
    got = C.index_copy(old, nd.array([1, 4, 1], ctx=ctx, dtype="int64"), new).asnumpy()
    assert got.tolist() == [[0, 0, 0], [6, 7, 8], [0, 0, 0], [0, 0, 0], [3, 4, 5]]


def test_index_copy_gradient(ctx):
    check_numeric_gradient(lambda o, i, n: C.index_copy(o, i, n),
                           [RNG.standard_normal((5, 2)), np.array([3, 0], np.int64), RNG.standard_normal((2, 2))],
                           ctx=ctx)


def test_index_copy_refusals_observed_on_mxnet(ctx):
    """Messages observed on MXNet 1.9.1."""
    old = nd.zeros((5, 3), ctx=ctx)
    assert _message(lambda: C.index_copy(old, nd.array([3, 0, 1], ctx=ctx), nd.ones((2, 3), ctx=ctx))) == (
        "Check failed: in_attrs->at(1)[0] == in_attrs->at(2)[0] (3 vs. 2) : ")
    assert _message(lambda: C.index_copy(old, nd.array([3, 0], ctx=ctx), nd.ones((2, 4), ctx=ctx))) == (
        "Check failed: in_attrs->at(0)[i] == in_attrs->at(2)[i] (3 vs. 4) : ")
    assert _message(lambda: C.index_copy(old, nd.array([3, 0], ctx=ctx), nd.ones((2, 3), ctx=ctx,
                                                                              dtype="float64"))) == (
        "Check failed: mshadow: :DataType<DType>::kFlag == type_flag_: TBlob.get_with_shape: data type do not match "
        "specified type.Expected: double v.s. given float")


def _adaptive_avg_reference(x, oh, ow):
    """Per-bin mean with bins [floor(i*H/oh), ceil((i+1)*H/oh))."""
    n, c, h, w = x.shape
    out = np.zeros((n, c, oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            hs, he = (i * h) // oh, math.ceil((i + 1) * h / oh)
            ws, we = (j * w) // ow, math.ceil((j + 1) * w / ow)
            out[:, :, i, j] = x[:, :, hs:he, ws:we].mean(axis=(2, 3))
    return out


@pytest.mark.parametrize("size,want", [(3, (3, 3)), ((2, 4), (2, 4)), ((3,), (3, 3)), ((6, 9), (6, 9)),
                                       (None, (1, 1)), ((2, 3, 4), (1, 1))])
def test_adaptive_avg_pooling(ctx, size, want):
    """Output sizes observed on MXNet 1.9.1 (a size tuple of length 3 gives 1x1, as none does)."""
    x = np.arange(2 * 2 * 5 * 7, dtype=np.float32).reshape(2, 2, 5, 7)
    got = C.AdaptiveAvgPooling2D(nd.array(x, ctx=ctx), output_size=size)
    assert got.shape == (2, 2) + want
    np.testing.assert_allclose(got.asnumpy(), _adaptive_avg_reference(x, *want), rtol=1e-6)


def test_adaptive_avg_pooling_values_observed_on_mxnet(ctx):
    """Observed on MXNet 1.9.1: arange(35) as 5x7 pooled to 3x4 (overlapping bins)."""
    x = nd.array(np.arange(35).reshape(1, 1, 5, 7), ctx=ctx)
    got = C.AdaptiveAvgPooling2D(x, output_size=(3, 4)).asnumpy()
    assert got.ravel().tolist() == [4, 5.5, 7.5, 9, 14.5, 16, 18, 19.5, 25, 26.5, 28.5, 30]


@pytest.mark.parametrize("size", [(3, 4), (4, 5)])
def test_adaptive_avg_pooling_gradient(ctx, size):
    check_numeric_gradient(lambda x: C.AdaptiveAvgPooling2D(x, output_size=size), [RNG.standard_normal((2, 1, 3, 7))],
                           ctx=ctx)


def test_adaptive_avg_pooling_refusals_observed_on_mxnet(ctx):
    """Messages observed on MXNet 1.9.1."""
    assert _message(lambda: C.AdaptiveAvgPooling2D(nd.ones((2, 5, 7), ctx=ctx), output_size=2)) == (
        "Check failed: i >= 0 && i < ndim(): index = 3 must be in range [0, 3)")
    assert _message(lambda: C.AdaptiveAvgPooling2D(nd.ones((1, 1, 1, 5, 7), ctx=ctx), output_size=2)) == (
        "Check failed: dim == ndim() (4 vs. 5) : dimension do not match target dimension 4 vs 5")
    assert _message(lambda: C.AdaptiveAvgPooling2D(nd.ones((1, 1, 5, 7), ctx=ctx, dtype="int32"))) == (
        "This operation only support floating point types, not int32")
