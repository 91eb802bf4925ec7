"""Elementwise unary math: the precision MXNet 1.9.1 evaluates it in for non-float32 dtypes."""
import numpy as np
import pytest

from ndx import nd


def test_float16_math_is_float32_rounded(ctx):
    # observed: float16 sigmoid([1..6]) prints [[0.731 0.881 0.9526] [0.982 0.993 0.9976]]
    x = nd.array([[1, 2, 3], [4, 5, 6]], ctx=ctx, dtype="float16")
    y = nd.sigmoid(x)
    assert y.dtype == np.float16
    expected = (1 / (1 + np.exp(-np.arange(1, 7, dtype=np.float32)))).astype(np.float16).reshape(2, 3)
    np.testing.assert_array_equal(y.asnumpy(), expected)
    assert str(y) == "\n[[0.731  0.881  0.9526]\n [0.982  0.993  0.9976]]\n<NDArray 2x3 @" + str(ctx) + ">"


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "int64"])
def test_integer_math_is_double_then_truncated(ctx, dtype):
    x = nd.array([4, 5, 6], ctx=ctx, dtype=dtype)
    # observed: tanh(5) and erf(4) are below 1 in double and truncate to 0; erf(6) is 1
    assert nd.tanh(x).asnumpy().tolist() == [0, 0, 0]
    assert nd.erf(x).asnumpy().tolist() == [0, 0, 1]
    assert nd.exp(nd.array([5], ctx=ctx, dtype=dtype)).asnumpy().tolist() == [np.array([148]).astype(dtype)[0]]
    if dtype in ("int32", "int64"):
        # double exp(20) = 485165195.4 (float32 would give 485165216)
        assert nd.exp(nd.array([20], ctx=ctx, dtype=dtype)).asnumpy().tolist() == [485165195]
        assert nd.sinh(nd.array([20], ctx=ctx, dtype=dtype)).asnumpy().tolist() == [242582597]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_degrees_radians_use_float32_constants(ctx, dtype):
    x = nd.array([1], ctx=ctx, dtype=dtype)
    # observed for both float32 and float64 input
    assert nd.degrees(x).asnumpy().item() == 57.2957763671875
    assert nd.radians(x).asnumpy().item() == pytest.approx(0.01745329238474369, rel=1e-7 if dtype == "float32" else 1e-15)
