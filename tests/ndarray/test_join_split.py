"""concat (default dim 1), stack, split (default axis 1, single part unwrapped), split_v2."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd

A = np.arange(6, dtype=np.float32).reshape(2, 3)


def test_concat(ctx):
    a, b = nd.array(A, ctx=ctx), nd.array(A + 10, ctx=ctx)
    np.testing.assert_array_equal(nd.concat(a, b).asnumpy(), np.concatenate([A, A + 10], axis=1))
    np.testing.assert_array_equal(nd.concat(a, b, dim=0).asnumpy(), np.concatenate([A, A + 10], axis=0))
    with pytest.raises(mx.MXNetError, match=r"Incompatible input shape: expected \[2,-1\], got \[3,3\]$"):
        nd.concat(a, nd.ones((3, 3), ctx=ctx))


def test_stack(ctx):
    a, b = nd.array(A, ctx=ctx), nd.array(A + 10, ctx=ctx)
    assert nd.stack(a, b).shape == (2, 2, 3)
    np.testing.assert_array_equal(nd.stack(a, b, axis=2).asnumpy(), np.stack([A, A + 10], axis=2))
    with pytest.raises((mx.MXNetError, ValueError)):
        nd.stack(a, nd.ones((3, 3), ctx=ctx))


def test_split(ctx):
    host = np.arange(8, dtype=np.float32).reshape(2, 4)
    x = nd.array(host, ctx=ctx)
    parts = nd.split(x, 2)
    assert isinstance(parts, list)
    for got, expected in zip(parts, np.split(host, 2, axis=1)):
        np.testing.assert_array_equal(got.asnumpy(), expected)
    single = nd.split(x, 1)
    assert isinstance(single, nd.NDArray) and single.shape == (2, 4)
    assert [p.shape for p in nd.split(x, 2, axis=0, squeeze_axis=True)] == [(4,), (4,)]
    assert [p.shape for p in x.split(4)] == [(2, 1)] * 4


def test_split_errors(ctx):
    with pytest.raises(mx.MXNetError, match=r"Check failed: param_.axis < dshape.ndim\(\) \(1 vs. 1\)"):
        nd.split(nd.ones(4, ctx=ctx), 2)
    with pytest.raises(mx.MXNetError, match="2 does not evenly divide 3$"):
        nd.split(nd.ones((2, 3), ctx=ctx), 2)


def test_split_v2(ctx):
    host = np.arange(10, dtype=np.float32)
    parts = nd.split_v2(nd.array(host, ctx=ctx), (3, 7))
    assert [p.shape for p in parts] == [(3,), (4,), (3,)]
    for got, expected in zip(parts, np.split(host, (3, 7))):
        np.testing.assert_array_equal(got.asnumpy(), expected)
    assert [p.shape for p in nd.split_v2(nd.ones((6, 2), ctx=ctx), 3)] == [(2, 2)] * 3
    assert isinstance(nd.split_v2(nd.ones((6, 2), ctx=ctx), 1), nd.NDArray)
    assert [p.shape for p in nd.split_v2(nd.ones((3, 2), ctx=ctx), 3, squeeze_axis=True)] == [(2,)] * 3
    with pytest.raises(ValueError, match="^indices_or_sections must either int or tuple of ints$"):
        nd.split_v2(nd.ones(10, ctx=ctx), [3, 7])


def test_concat_and_stack_refuse_bad_axes_and_mixed_dtypes(ctx):
    """Messages observed on MXNet 1.9.1 (an out-of-range axis never wraps; dtypes never promote)."""
    a = nd.ones((2, 3), ctx=ctx)
    with pytest.raises(Exception) as e:
        nd.concat(a, a, dim=2)
    assert str(e.value) == "Check failed: axis < ndim && axis >= -ndim: axis 2 exceeds the input dimension of 2"
    with pytest.raises(Exception) as e:
        nd.concat(a, a, dim=-3)
    assert str(e.value) == "Check failed: axis < ndim && axis >= -ndim: axis -3 exceeds the input dimension of 2"
    with pytest.raises(Exception) as e:
        nd.stack(a, a, axis=3)
    assert str(e.value) == "Check failed: axis < ndim && axis >= -ndim: axis 3 exceeds the input dimension of 3"
    with pytest.raises(Exception) as e:
        nd.concat(a, nd.ones((2, 3), ctx=ctx, dtype="int32"))
    assert str(e.value) == ("Check failed: in_type->at(i) == dtype || in_type->at(i) == -1: Non-uniform data type "
                            "in Concat, expected data type float32, got data type int32 for input 1")


def test_split_and_concat_refusals_observed_on_mxnet(ctx):
    x = nd.ones((2, 4), ctx=ctx)
    with pytest.raises(mx.MXNetError) as e:
        nd.split(x, num_outputs=2, squeeze_axis=True)
    assert str(e.value) == ("Check failed: ishape[real_axis] == param_.num_outputs (4 vs. 2) : If squeeze axis is "
                            "True, the size of the sliced axis must be the same as num_outputs. Input shape=[2,4], "
                            "axis=1, num_outputs=2.")
    with pytest.raises(mx.MXNetError) as e:
        nd.split(x, num_outputs=2, axis=2)
    assert str(e.value) == "Check failed: param_.axis < dshape.ndim() (2 vs. 2) : "
    with pytest.raises(mx.MXNetError) as e:
        nd.concat()
    assert str(e.value) == ("MXNetError: value 0 for Parameter num_args should be greater equal to 1\nnum_args: "
                            "Number of inputs to be concated., in operator Concat(name=\"\", num_args=\"0\")")
