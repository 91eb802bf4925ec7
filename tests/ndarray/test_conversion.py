"""Host conversion: asnumpy, asscalar, bool/float/int, numpy interop, DLPack, strict-device refusals."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd


def test_asnumpy_is_a_copy(ctx):
    x = nd.array([1, 2], ctx=ctx)
    h = x.asnumpy()
    h[0] = 5
    assert x.asnumpy()[0] == 1


def test_asscalar(ctx):
    v = nd.array([3], ctx=ctx).asscalar()
    assert type(v) is np.float32 and v == 3
    assert type(nd.array([3], ctx=ctx, dtype="int32").asscalar()) is np.int32
    with pytest.raises(ValueError, match="^The current array is not a scalar$"):
        nd.ones(2, ctx=ctx).asscalar()


def test_bool(ctx):
    assert bool(nd.array(np.zeros((0, 3)), ctx=ctx)) is False
    assert bool(nd.array([2], ctx=ctx)) is True
    assert bool(nd.array([0], ctx=ctx)) is False
    with pytest.raises(ValueError, match=r"^The truth value of an NDArray with multiple elements is ambiguous\.$"):
        bool(nd.ones(2, ctx=ctx))


def test_float_and_int_are_not_supported(ctx):
    with pytest.raises(TypeError, match=r"^float\(\) argument must be a string or a real number, not 'NDArray'$"):
        float(nd.ones(1, ctx=ctx))
    with pytest.raises(TypeError):
        int(nd.ones(1, ctx=ctx))


def test_mixing_with_numpy_arrays_is_refused(ctx):
    x = nd.ones(2, ctx=ctx)
    with pytest.raises(TypeError, match=r"^type <class 'numpy.ndarray'> not supported$"):
        x + np.ones(2)
    with pytest.raises(TypeError, match="not supported"):
        np.ones(2) + x


def test_array_protocol_only_on_cpu(ctx):
    x = nd.array([1, 2], ctx=ctx)
    if ctx == mx.cpu():
        np.testing.assert_array_equal(np.asarray(x), [1, 2])
    else:
        with pytest.raises(TypeError, match="Implicit conversion"):
            np.asarray(x)


def test_dlpack_roundtrip_from_ndx():
    x = nd.array([1, 2, 3])
    y = nd.from_dlpack(x.to_dlpack_for_read())  # a bare capsule, as in MXNet
    np.testing.assert_array_equal(y.asnumpy(), [1, 2, 3])
    x[0] = 9  # shares memory
    assert y.asnumpy()[0] == 9


def test_dlpack_both_ways_with_numpy():
    host = np.arange(4, dtype=np.float32)
    x = nd.from_dlpack(host)
    assert x.context == mx.cpu() and x.dtype is np.float32
    host[0] = 7
    assert x.asnumpy()[0] == 7
    back = np.from_dlpack(nd.array([5, 6]))
    np.testing.assert_array_equal(back, [5, 6])


def test_from_numpy_shares_memory():
    host = np.zeros(3, dtype=np.float32)
    x = nd.from_numpy(host)
    x[:] = 2
    np.testing.assert_array_equal(host, [2, 2, 2])
    assert nd.from_numpy(host, zero_copy=False).asnumpy() is not host


def test_tolist_and_wait(ctx):
    x = nd.array([[1, 2]], ctx=ctx)
    assert x.tolist() == [[1.0, 2.0]]
    x.wait_to_read()
    nd.waitall()


def test_asscalar_of_2d_and_up_returns_the_numpy_array(ctx):
    """Observed on MXNet 1.9.1: nd.array([[1]], dtype='int32').asscalar() is array([[1]], dtype=int32),
    while (1,) and 0-d arrays give numpy scalars."""
    got = nd.array([[1]], dtype="int32", ctx=ctx).asscalar()
    assert isinstance(got, np.ndarray) and got.shape == (1, 1) and got.dtype == np.int32 and got[0, 0] == 1
    got = nd.array([[[2.5]]], dtype="float64", ctx=ctx).asscalar()
    assert isinstance(got, np.ndarray) and got.shape == (1, 1, 1) and got.dtype == np.float64
    assert type(nd.array([3], dtype="uint8", ctx=ctx).asscalar()) is np.uint8
    assert type(nd.array(3.5, ctx=ctx).asscalar()) is np.float32


def test_array_from_a_non_array_like_object():
    for source in ([[1, 2], [3]], "abc"):
        with pytest.raises(TypeError, match="^source_array must be array like object$"):
            nd.array(source)


def test_copyto_itself_warns_and_returns_false(ctx):
    x = nd.array([1, 2], ctx=ctx)
    with pytest.warns(RuntimeWarning, match="^You are attempting to copy an array to itself$"):
        assert x.copyto(x) is False
    with pytest.warns(RuntimeWarning):
        assert x.copyto(x[:]) is False  # x[:] is x itself, as in MXNet


def test_full_slice_is_the_array_itself(ctx):
    x = nd.ones((2, 3), ctx=ctx)
    assert x[:] is x and x[::1] is x
    assert x[0:] is not x and x[:, :] is not x
    np.testing.assert_array_equal(x[0:].asnumpy(), np.ones((2, 3)))
