"""Operators: implicit broadcasting, no dtype promotion, scalars take the array's dtype, comparisons, in-place."""
import operator

import numpy as np
import pytest

import ndx as mx
from ndx import nd

A = np.array([[1.5, -2.0, 3.0], [4.0, 0.5, -6.0]], dtype=np.float32)
B = np.array([2.0, -1.0, 0.5], dtype=np.float32)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                                operator.mod, operator.eq, operator.ne, operator.lt, operator.le,
                                operator.gt, operator.ge])
@pytest.mark.parametrize("rhs", [B, B.reshape(1, 3), np.array([[2.0], [-3.0]], np.float32), A + 1])
def test_binary_operators_broadcast_like_numpy(ctx, op, rhs):
    lhs = np.abs(A) if op is operator.pow else A
    got = op(nd.array(lhs, ctx=ctx), nd.array(rhs, ctx=ctx))
    expected = op(lhs, rhs).astype(np.float32)
    assert got.dtype is np.float32
    np.testing.assert_allclose(got.asnumpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                                operator.mod, operator.gt, operator.lt, operator.eq])
def test_scalar_forms_both_sides(ctx, op):
    x = np.array([1.0, 2.0, 4.0], np.float32)
    a = nd.array(x, ctx=ctx)
    np.testing.assert_allclose(op(a, 3).asnumpy(), op(x, np.float32(3)).astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(op(3, a).asnumpy(), op(np.float32(3), x).astype(np.float32), rtol=1e-6)


def test_unary_operators(ctx):
    a = nd.array(A, ctx=ctx)
    np.testing.assert_array_equal((-a).asnumpy(), -A)
    np.testing.assert_array_equal(abs(a).asnumpy(), np.abs(A))
    np.testing.assert_array_equal(a.abs().asnumpy(), np.abs(A))


def test_incompatible_shapes(ctx):
    with pytest.raises(mx.MXNetError, match=r"Check failed: l == 1 \|\| r == 1: operands could not be broadcast "
                                            r"together with shapes \[2,3\] \[3,2\]$"):
        nd.ones((2, 3), ctx=ctx) + nd.ones((3, 2), ctx=ctx)
    with pytest.raises(mx.MXNetError, match=r"shapes \[2,3\] \[3,2\]$"):
        nd.broadcast_add(nd.ones((2, 3), ctx=ctx), nd.ones((3, 2), ctx=ctx))
    with pytest.raises(mx.MXNetError, match=r"shapes \[2,3\] \[3,2\]$"):
        nd.ones((2, 3), ctx=ctx) > nd.ones((3, 2), ctx=ctx)


def test_named_elemwise_ops_need_equal_shapes(ctx):
    with pytest.raises(mx.MXNetError, match=r"Incompatible attr in node  at 1-th input: expected \[2,3\], got \[3\]"):
        nd.elemwise_add(nd.ones((2, 3), ctx=ctx), nd.ones(3, ctx=ctx))
    np.testing.assert_array_equal(nd.broadcast_add(nd.ones((2, 1), ctx=ctx), nd.ones((1, 3), ctx=ctx)).asnumpy(),
                                  np.full((2, 3), 2))
    np.testing.assert_array_equal(nd.elemwise_mul(nd.array(A, ctx=ctx), nd.array(A, ctx=ctx)).asnumpy(), A * A)


@pytest.mark.parametrize("dtypes", [("int32", "float32"), ("float64", "float32"), ("float32", "float16")])
def test_no_type_promotion(ctx, dtypes):
    a, b = (nd.ones(2, ctx=ctx, dtype=d) for d in dtypes)
    message = (r"^Check failed: assign\(&dattr, vec.at\(i\)\): Incompatible attr in node  at 1-th input: "
               f"expected {dtypes[0]}, got {dtypes[1]}$")
    with pytest.raises(mx.MXNetError, match=message):
        a + b
    with pytest.raises(mx.MXNetError, match=message):
        a * b


def test_python_scalars_take_the_array_dtype(ctx):
    i = nd.array([1, 2], ctx=ctx, dtype="int32")
    for got, expected in [(i + 1.5, [2, 3]), (i * 0.5, [0, 0]), (nd.array([7], ctx=ctx, dtype="int32") / 2, [3])]:
        assert got.dtype is np.int32
        np.testing.assert_array_equal(got.asnumpy(), expected)
    h = nd.array([1, 2], ctx=ctx, dtype="float16") + 1.5
    assert h.dtype is np.float16


def test_float_division_by_zero(ctx):
    with np.errstate(all="ignore"):
        got = (nd.array([1, -1, 0], ctx=ctx) / nd.zeros(3, ctx=ctx)).asnumpy()
    assert got[0] == np.inf and got[1] == -np.inf and np.isnan(got[2])


def test_missing_operators(ctx):
    a = nd.ones((2, 2), ctx=ctx)
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for @: 'NDArray' and 'NDArray'"):
        a @ a
    with pytest.raises(TypeError):
        a // a


def test_comparisons_keep_input_dtype(ctx):
    f = nd.array([1, 2, 3], ctx=ctx) == nd.array([1, 5, 3], ctx=ctx)
    assert f.dtype is np.float32
    np.testing.assert_array_equal(f.asnumpy(), [1, 0, 1])
    i = nd.array([1, 2], ctx=ctx, dtype="int32") > 1
    assert i.dtype is np.int32
    np.testing.assert_array_equal(i.asnumpy(), [0, 1])
    assert (nd.ones(1, ctx=ctx) == None) is False  # noqa: E711


@pytest.mark.parametrize("op", ["__iadd__", "__isub__", "__imul__", "__itruediv__"])
def test_in_place_keeps_the_object(ctx, op):
    host = np.array([2.0, 4.0], np.float32)
    x = nd.array(host, ctx=ctx)
    y = getattr(x, op)(nd.array([2, 2], ctx=ctx))
    assert y is x
    np.testing.assert_array_equal(x.asnumpy(), getattr(host.copy(), op)(np.float32(2)))


def test_in_place_result_must_keep_the_shape(ctx):
    x = nd.ones((3,), ctx=ctx)
    with pytest.raises(mx.MXNetError) as e:
        x += nd.ones((2, 3), ctx=ctx)
    assert str(e.value) == "Shape inconsistent, Provided = [3], inferred shape=[2,3]"
    np.testing.assert_array_equal(x.asnumpy(), np.ones(3))


def test_out_argument_writes_in_place(ctx):
    x = nd.array([-1, 2], ctx=ctx)
    out = nd.zeros(2, ctx=ctx)
    assert nd.relu(x, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), [0, 2])


def test_math_functions(ctx):
    x = np.array([0.5, 1.5, 2.5, -2.5, -0.5], np.float32)
    a = nd.array(x, ctx=ctx)
    np.testing.assert_array_equal(nd.round(a).asnumpy(), np.sign(x) * np.floor(np.abs(x) + 0.5))
    np.testing.assert_array_equal(nd.round(nd.array([2.5, -2.5, 0.5], ctx=ctx)).asnumpy(), [3, -3, 1])
    for name in ["sign", "floor", "ceil", "square", "abs"]:
        np.testing.assert_array_equal(getattr(nd, name)(a).asnumpy(), getattr(np, name)(x))
    p = nd.array(np.abs(x), ctx=ctx)
    for name in ["exp", "log", "sqrt"]:
        np.testing.assert_allclose(getattr(nd, name)(p).asnumpy(), getattr(np, name)(np.abs(x)), rtol=1e-6)
    np.testing.assert_array_equal(nd.clip(a, -1, 1).asnumpy(), np.clip(x, -1, 1))
    np.testing.assert_array_equal(nd.maximum(a, 1).asnumpy(), np.maximum(x, 1))
    np.testing.assert_array_equal(nd.minimum(a, nd.zeros(5, ctx=ctx)).asnumpy(), np.minimum(x, 0))
    col = nd.array([[-2], [3]], ctx=ctx)
    np.testing.assert_array_equal(nd.maximum(col, nd.array([0, 1], ctx=ctx)).asnumpy(),
                                  np.maximum([[-2], [3]], [0, 1]))
    np.testing.assert_allclose(nd.power(p, 2).asnumpy(), np.abs(x) ** 2, rtol=1e-6)


def test_integer_power_goes_through_float32_as_in_mxnet(ctx):
    # MXNet 1.9.1 takes powf of the float32 values and converts back: negative exponents truncate toward 0
    # and large results carry float32's rounding (the literals were observed on MXNet)
    i32 = nd.array([2, 3, -1, 1, 0], dtype="int32", ctx=ctx)
    got = i32 ** nd.array([-1, -2, -1, -3, 2], dtype="int32", ctx=ctx)
    assert got.dtype == np.int32 and got.asnumpy().tolist() == [0, 0, -1, 1, 0]
    assert (nd.array([2, -1, 1], dtype="int32", ctx=ctx) ** -1).asnumpy().tolist() == [0, -1, 1]
    assert ((-2) ** nd.array([-1, 2, 3], dtype="int32", ctx=ctx)).asnumpy().tolist() == [0, 4, -8]
    big = nd.array([-7, 7], dtype="int32", ctx=ctx) ** nd.array([3, 11], dtype="int32", ctx=ctx)
    assert big.asnumpy().tolist() == [-343, 1977326720]
    assert (nd.array([3], dtype="int64", ctx=ctx) ** 39).asnumpy().tolist() == [4052555218645155840]
    assert (nd.array([-2, 3], dtype="int8", ctx=ctx) ** 5).asnumpy().tolist() == [-32, -13]
    assert (nd.array([2, 16], dtype="uint8", ctx=ctx) ** 2).asnumpy().tolist() == [4, 0]


def test_integer_ops(ctx):
    i = nd.array([5, -5], ctx=ctx, dtype="int32")
    np.testing.assert_array_equal((i % 3).asnumpy(), np.array([5, -5]) % 3)
    np.testing.assert_array_equal((i / nd.array([2, 2], ctx=ctx, dtype="int32")).asnumpy(), [2, -2])


@pytest.mark.parametrize("name, expected", [
    ("sqrt", [1, 1]), ("sin", [0, 0]), ("log", [0, 0]), ("sigmoid", [0, 0]), ("reciprocal", [1, 0]),
    ("degrees", [57, 114]), ("arctan", [0, 1]), ("relu", [1, 2])])
def test_unary_math_keeps_integer_dtype(ctx, name, expected):
    """Observed on MXNet 1.9.1 for int32 [1, 2]: the result stays int32, truncated."""
    got = getattr(nd, name)(nd.array([1, 2], dtype="int32", ctx=ctx))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got.asnumpy(), np.array(expected, dtype=np.int32))


@pytest.mark.parametrize("fn", ["maximum", "minimum"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_scalar_extrema_match_numpy_bit_for_bit(ctx, fn, dtype):
    """nd.maximum/minimum with a scalar equal numpy's own call with the scalar, bit for bit (NaN,
    -0 and +0 included), on arrays long enough for several blocks and with more distinct scalars
    than the block cache keeps."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1 << 17) * 2 + 5).astype(dtype)
    x[:6] = [np.nan, -0.0, 0.0, -np.inf, np.inf, 0.5]
    a = nd.array(x, ctx=ctx, dtype=dtype)
    for value in [0, -0.0, 0.5, -1.25, np.inf, -np.inf, np.nan, 3, 4, 5, 6, 7, 8, 9, 0]:
        got = getattr(nd, fn)(a, value).asnumpy()
        want = getattr(np, fn)(x, np.dtype(dtype).type(value))
        assert got.dtype == x.dtype and got.tobytes() == want.tobytes(), (fn, dtype, value)


def test_scalar_extrema_of_integer_arrays_keep_their_dtype(ctx):
    x = np.arange(-3000, 3000, dtype=np.int32)
    a = nd.array(x, ctx=ctx, dtype="int32")
    assert np.array_equal(nd.maximum(a, 7).asnumpy(), np.maximum(x, 7))
    assert nd.minimum(a, -2).dtype == np.int32
