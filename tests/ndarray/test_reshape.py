"""Reshape special codes (0, -1, -2, -3, -4, reverse), their errors, transpose and friends."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd

CASES = [((0, -1), (2, 12)), ((0, 0, -1), (2, 3, 4)), ((-1,), (24,)), ((-2,), (2, 3, 4)), ((2, -2), (2, 3, 4)),
         ((-3, 4), (6, 4)), ((2, -3), (2, 12)), ((-3, -2), (6, 4)), ((-4, 1, 2, -2), (1, 2, 3, 4)),
         ((2, -4, -1, 3, 4), (2, 1, 3, 4)), ((4, 6), (4, 6))]


@pytest.mark.parametrize("codes,expected", CASES)
def test_reshape_codes(ctx, codes, expected):
    host = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    y = nd.array(host, ctx=ctx).reshape(codes)
    assert y.shape == expected
    np.testing.assert_array_equal(y.asnumpy(), host.reshape(expected))


def test_reshape_call_forms(ctx):
    x = nd.arange(24, ctx=ctx).reshape((2, 3, 4))
    assert x.reshape(6, 4).shape == (6, 4)
    assert x.reshape(shape=(4, 6)).shape == (4, 6)
    assert nd.reshape(x, (3, 8)).shape == (3, 8)


def test_reverse(ctx):
    x = nd.ones((10, 5, 4), ctx=ctx)
    assert x.reshape((-1, 0), reverse=True).shape == (50, 4)
    assert x.reshape((-1, 0)).shape == (40, 5)
    assert nd.ones((2, 3, 4), ctx=ctx).reshape((0, -1), reverse=True).shape == (3, 8)


def test_reshape_shares_memory(ctx):
    x = nd.zeros((2, 3), ctx=ctx)
    x.reshape((6,))[0] = 5
    assert x.asnumpy()[0, 0] == 5


@pytest.mark.parametrize("codes,error,message", [
    ((6, 0), ValueError, r"^Cannot reshape array of size 24 into shape \(6, 0\)$"),
    ((5, -1), ValueError, r"^Cannot reshape array of size 24 into shape \(5, -1\)$"),
    ((-1, -1), mx.MXNetError, "One and only one dim can be inferred"),
    ((0, 0, 0, 0), mx.MXNetError, r"src_idx < dshape_len \(3 vs. 3\)"),
    ((2, 3, -3), mx.MXNetError, r"src_idx < dshape_len-1 \(2 vs. 2\)"),
    ((-5, 4), mx.MXNetError, "shape dim size must be >= -1, while received -5"),
    ((-4, 1, 3, -2), mx.MXNetError, "Split dims 1, 3 do not divide original dim 2"),
    ((-4, -1, 4, -2), mx.MXNetError, "Split dims 0, 4 do not divide original dim 2"),   # -1 shown as inferred
    ((-4, 3, -1, -2), mx.MXNetError, "Split dims 3, 0 do not divide original dim 2"),
    # observed on MXNet 1.9.1: a plain target larger than the array fails in the backend, a smaller one in Python
    ((5, 6), mx.MXNetError, r"^NDArray.Reshape: Check failed: shape_.Size\(\) >= shape.Size\(\) \(24 vs. 30\) : "
                            "target shape size is larger than the current shape$"),
    ((5, 4), ValueError, r"^Cannot reshape array of size 24 into shape \(5, 4\)$"),
])
def test_reshape_errors(ctx, codes, error, message):
    with pytest.raises(error, match=message):
        nd.ones((2, 3, 4), ctx=ctx).reshape(codes)


def test_transpose_forms(ctx):
    host = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = nd.array(host, ctx=ctx)
    assert x.T.shape == (4, 3, 2) and x.transpose().shape == (4, 3, 2)
    np.testing.assert_array_equal(x.transpose((1, 0, 2)).asnumpy(), host.transpose(1, 0, 2))
    np.testing.assert_array_equal(nd.transpose(x, axes=(2, 0, 1)).asnumpy(), host.transpose(2, 0, 1))
    with pytest.raises(TypeError, match=r"^object of type 'int' has no len\(\)$"):
        x.transpose(1, 0, 2)


def test_shape_helpers_match_numpy(ctx):
    host = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = nd.array(host, ctx=ctx)
    assert nd.ones((2, 3, 4), ctx=ctx).flatten().shape == (2, 12)
    assert nd.expand_dims(x, 1).shape == (2, 1, 3)
    assert nd.ones((1, 3, 1), ctx=ctx).squeeze().shape == (3,)
    np.testing.assert_array_equal(nd.tile(x, (2, 1)).asnumpy(), np.tile(host, (2, 1)))
    np.testing.assert_array_equal(nd.repeat(x, 2, axis=1).asnumpy(), np.repeat(host, 2, axis=1))
    np.testing.assert_array_equal(nd.repeat(x, 2).asnumpy(), np.repeat(host, 2))
    np.testing.assert_array_equal(x[0:1].broadcast_to((3, 3)).asnumpy(), np.broadcast_to(host[:1], (3, 3)))
    np.testing.assert_array_equal(nd.flip(x, axis=1).asnumpy(), host[:, ::-1])
    assert nd.swapaxes(nd.ones((2, 3, 4), ctx=ctx), 0, 2).shape == (4, 3, 2)


def test_broadcast_to_error(ctx):
    with pytest.raises(mx.MXNetError, match=r"Array cannot be broadcasted from \[2,3\] to \[3,3\]"):
        nd.broadcast_to(nd.ones((2, 3), ctx=ctx), (3, 3))


def test_repeat_and_broadcast_refusals_observed_on_mxnet(ctx):
    """Messages observed on MXNet 1.9.1: no axis wrap-around, no implicit new leading axes, no negative repeats."""
    x = nd.arange(6, ctx=ctx).reshape((2, 3))
    with pytest.raises(Exception) as e:
        nd.repeat(x, 2, axis=2)
    assert str(e.value) == "Check failed: axis >= 0 && axis < ndims: axis = 2 out of bounds"
    with pytest.raises(Exception) as e:
        nd.repeat(x, -1)
    assert str(e.value) == "Check failed: *repeats >= 0 (-1 vs. 0) : repeats cannot be a negative number"
    row = nd.arange(3, ctx=ctx).reshape((1, 3))
    with pytest.raises(Exception) as e:
        nd.broadcast_to(row, (4, 1, 3))
    assert str(e.value) == ("Check failed: ishape.ndim() == param.shape.ndim() (2 vs. 3) : "
                            "Operand of shape [1,3] cannot be broadcasted to [4,1,3]")
    with pytest.raises(Exception) as e:
        nd.broadcast_axis(row, axis=1, size=3)
    assert str(e.value) == "Check failed: oshape[param.axis[i]] == 1U (3 vs. 1) : Broadcasting axis must have size 1"


def test_broadcast_methods_prepend_axes_like_numpy(ctx):
    """Observed on MXNet 1.9.1: ``x.broadcast_to``/``x.broadcast_like`` (the methods, unlike the
    ``nd.broadcast_to`` operator) add leading axes, and refuse with numpy's ValueError."""
    from ndx import autograd
    a = nd.array([[1.0], [2.0]], ctx=ctx)
    a.attach_grad()
    with autograd.record():
        y = a.broadcast_to((3, 2, 4))
    y.backward()
    np.testing.assert_array_equal(y.asnumpy(), np.broadcast_to(np.array([[1.0], [2.0]]), (3, 2, 4)))
    np.testing.assert_array_equal(a.grad.asnumpy(), np.full((2, 1), 12.0))
    assert a.broadcast_like(nd.zeros((5, 2, 3), ctx=ctx)).shape == (5, 2, 3)
    assert a.broadcast_to((2, 0)).shape == (2, 1)          # 0 keeps the input's length
    for shape in ((4,), (3, 3, 4)):
        with pytest.raises(ValueError) as e:
            a.broadcast_to(shape)
        assert str(e.value) == ("operands could not be broadcast together with remapped shapes"
                                f"[original->remapped]: (2, 1) and requested shape {shape}")
    with pytest.raises(Exception, match="cannot be broadcasted"):
        nd.broadcast_to(a, shape=(3, 2, 4))               # the operator still wants equal ranks


@pytest.mark.parametrize("codes, where", [((-1, -1), 0), ((2, -1, -1), 1), ((0, 0, -1, -1), 2)])
def test_second_inferred_dim_names_the_first(ctx, codes, where):
    with pytest.raises(mx.MXNetError) as e:
        nd.ones((2, 3, 4), ctx=ctx).reshape(codes)
    assert str(e.value) == f"Check failed: inf_idx < 0 ({where} vs. 0) : One and only one dim can be inferred"


def test_reshape_method_arguments(ctx):
    x = nd.ones((1,), ctx=ctx)
    assert x.reshape(()).shape == ()
    for call in (lambda: x.reshape(), lambda: x.reshape(shape=())):
        with pytest.raises(AssertionError, match="^Shape must be provided.$"):
            call()
    with pytest.raises(TypeError) as e:
        x.reshape((1,), foo=1)
    assert str(e.value) == ("Got unknown keywords in reshape: foo. Accepted keyword arguments are 'shape' and "
                            "'reverse'.")


@pytest.mark.parametrize("lhs, rhs, kwargs, expected", [
    ((2, 3), (3, 2), {}, (3, 2)),
    ((30, 7), (15, 2, 4), dict(lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=2), (15, 2, 7)),
    ((30, 12), (4, 2, 2, 3), dict(lhs_begin=-1, rhs_begin=1), (30, 2, 2, 3)),
    ((6, 4), (2, 3, 5), dict(lhs_end=1, rhs_end=2), (2, 3, 4)),
    ((2, 3, 4), (6, 4, 2), dict(rhs_end=-1), (6, 4)),
])
def test_reshape_like_ranges(ctx, lhs, rhs, kwargs, expected):
    values = np.arange(np.prod(lhs), dtype=np.float32).reshape(lhs)
    got = nd.reshape_like(nd.array(values, ctx=ctx), nd.ones(rhs, ctx=ctx), **kwargs)
    np.testing.assert_array_equal(got.asnumpy(), values.reshape(expected))
    assert nd.array(values, ctx=ctx).reshape_like(nd.ones(rhs, ctx=ctx), **kwargs).shape == expected


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Check failed: (*in_attrs)[0].Size() == oshape.Size() (24 vs. 8) : Cannot reshape lhs with shape "
         "[2,3,4]to new shape [2,2,2] because they have different size."),
    (dict(lhs_begin=-5), "Check failed: *cbegin >= 0: Invalid begin for lhs_begin=-5"),
    (dict(lhs_begin=2, lhs_end=1), "Check failed: (*cbegin < *cend): Invalid begin, end, get lhs_begin=2, lhs_end=1"),
    (dict(lhs_end=5), "Check failed: *cend <= ndims: Invalid end for lhs_end=5 as dimension number is 3"),
    (dict(lhs_end=0), "Check failed: (*cbegin < *cend): Invalid begin, end, get lhs_begin=None, lhs_end=0"),
    (dict(rhs_begin=2, rhs_end=2), "Check failed: (*cbegin < *cend): Invalid begin, end, get rhs_begin=2, rhs_end=2"),
])
def test_reshape_like_errors(ctx, kwargs, message):
    with pytest.raises(mx.MXNetError) as e:
        nd.reshape_like(nd.ones((2, 3, 4), ctx=ctx), nd.ones((2, 2, 2), ctx=ctx), **kwargs)
    assert str(e.value) == message


@pytest.mark.parametrize("call, message", [
    (lambda x: x.expand_dims(axis=3), "Check failed: axis >= 0 && axis <= indim: axis must be in the range [-2, 2] "
                                      "(3 provided)"),
    (lambda x: x.expand_dims(axis=-4), "Check failed: axis >= 0 && axis <= indim: axis must be in the range [-2, 2] "
                                       "(-4 provided)"),
    (lambda x: x.reshape((1, 2, 1, 3)).squeeze(axis=1), "Check failed: dshape[axes[i]] == 1 (2 vs. 1) : cannot "
                                                        "select an axis to squeeze out which has size=2 not equal to one"),
    (lambda x: x.reshape((1, 2, 3)).squeeze(axis=3), "Check failed: axes[i] < dndim (3 vs. 3) : axis 3 is out of "
                                                     "bounds for array of dimension 3"),
    (lambda x: x.reshape((1, 2, 3)).squeeze(axis=-4), "Check failed: axes[i] >= 0 (-1 vs. 0) : axis -4 is out of "
                                                      "bounds for array of dimension 3"),
    (lambda x: x.reshape((1, 2, 3)).squeeze(axis=(0, 0)), "Check failed: oshape[axes[i]] != -1 (-1 vs. -1) : "
                                                          "duplicate value in axis"),
    (lambda x: x.swapaxes(0, 2), "axis2: Check failed: axis2 >= 0 && axis2 < shape0.ndim(): axis 2 is out of bounds "
                                 "for array of ndim 2"),
    (lambda x: nd.swapaxes(x, -3, 0), "axis1: Check failed: axis1 >= 0 && axis1 < shape0.ndim(): axis -3 is out of "
                                      "bounds for array of ndim 2"),
    (lambda x: nd.tile(x, reps=(-1,)), "Check failed: dim_size >= -1 (-3 vs. -1) : shape dim size must be >= -1, "
                                       "while received -3"),
])
def test_axis_checks_observed_on_mxnet(ctx, call, message):
    with pytest.raises(mx.MXNetError) as e:
        call(nd.ones((2, 3), ctx=ctx))
    assert str(e.value) == message


def test_axis_arguments_in_range(ctx):
    x = nd.ones((2, 3), ctx=ctx)
    assert x.expand_dims(axis=2).shape == (2, 3, 1) and x.expand_dims(axis=-3).shape == (1, 2, 3)
    assert x.reshape((1, 2, 1, 3)).squeeze(axis=(0, -2)).shape == (2, 3)
    assert nd.swapaxes(nd.ones((2, 3, 4), ctx=ctx), 0, -1).shape == (4, 3, 2)


def test_pad_needs_4d_or_5d_floating_input(ctx):
    host = np.arange(9, dtype=np.float32).reshape((1, 1, 3, 3))
    got = nd.pad(nd.array(host, ctx=ctx), mode="reflect", pad_width=(0, 0, 0, 0, 1, 1, 1, 1))
    np.testing.assert_array_equal(got.asnumpy(), np.pad(host, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="reflect"))
    with pytest.raises(mx.MXNetError) as e:
        nd.pad(nd.ones((2, 2), ctx=ctx), mode="constant", pad_width=(1, 1, 1, 1))
    assert str(e.value) == "MXNetError: Current implementation only supports 4-D or 5-D input."
    with pytest.raises(mx.MXNetError) as e:
        nd.pad(nd.ones((1, 1, 2, 2), dtype="int32", ctx=ctx), mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 1, 1))
    assert str(e.value) == "This operation only support floating point types, not int32"
