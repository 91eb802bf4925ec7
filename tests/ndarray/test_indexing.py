"""Indexing: first-axis basic indexing shares memory, the rest copies; (1,) for single elements; assignment."""
import numpy as np
import pytest

from ndx import nd

HOST = np.arange(12, dtype=np.float32).reshape(3, 4)


def _y(ctx):
    return nd.array(HOST, ctx=ctx)


@pytest.mark.parametrize("key,shares", [(1, True), (slice(1, 2), True), (-1, True), ((1, 2), True),
                                        ((slice(None), 1), False), (slice(None, None, 2), False),
                                        ((slice(None), slice(None, None, -1)), False)])
def test_values_and_memory_sharing(ctx, key, shares):
    y = _y(ctx)
    part = y[key]
    expected = HOST[key]
    np.testing.assert_array_equal(part.asnumpy(), np.reshape(expected, part.shape))
    part[:] = -1
    changed = (y.asnumpy() == -1).any()
    assert changed == shares


def test_shapes(ctx):
    y = _y(ctx)
    assert y[1].shape == (4,) and y[1:2].shape == (1, 4) and y[:, 1].shape == (3,)
    single = y[1, 2]
    assert single.shape == (1,) and single.asscalar() == 6
    assert nd.array([1, 2, 3], ctx=ctx)[1].shape == (1,)
    assert [a.shape for a in nd.array([1, 2], ctx=ctx)] == [(1,), (1,)]
    assert nd.ones((2, 3, 4), ctx=ctx)[1, 2].shape == (4,)


def test_integer_array_indices(ctx):
    y = _y(ctx)
    np.testing.assert_array_equal(y[[0, 2]].asnumpy(), HOST[[0, 2]])
    np.testing.assert_array_equal(y[nd.array([0, 2], ctx=ctx)].asnumpy(), HOST[[0, 2]])
    # a 0/1 float array is still integer indices, not a mask
    np.testing.assert_array_equal(y[nd.array([1, 0, 1], ctx=ctx)].asnumpy(), HOST[[1, 0, 1]])


def test_assignment_broadcasts_value(ctx):
    y = _y(ctx)
    expected = HOST.copy()
    y[0] = 7
    expected[0] = 7
    y[1, :] = nd.array([9, 9, 9, 9], ctx=ctx)
    expected[1, :] = 9
    y[2, 1:3] = 0
    expected[2, 1:3] = 0
    y[:, 0] = nd.array([5, 6, 7], ctx=ctx)
    expected[:, 0] = [5, 6, 7]
    y[1] = nd.array([[1, 2, 3, 4]], ctx=ctx)  # leading 1s are dropped
    expected[1] = [1, 2, 3, 4]
    y[2] = [4, 3, 2, 1]
    expected[2] = [4, 3, 2, 1]
    np.testing.assert_array_equal(y.asnumpy(), expected)
    y[:] = 1
    np.testing.assert_array_equal(y.asnumpy(), np.ones((3, 4)))


def test_assignment_shape_error(ctx):
    y = _y(ctx)
    with pytest.raises(ValueError, match=r"^operands could not be broadcast together with remapped "
                                         r"shapes\[original->remapped\]: \(3, 1\) and requested shape \(3,\)$"):
        y[:, 0] = nd.array([[5], [6], [7]], ctx=ctx)


def test_index_out_of_range(ctx):
    with pytest.raises(IndexError):
        _y(ctx)[5]


def test_slice_ops(ctx):
    y = _y(ctx)
    np.testing.assert_array_equal(nd.slice(y, begin=(0, 1), end=(2, 3)).asnumpy(), HOST[0:2, 1:3])
    np.testing.assert_array_equal(nd.slice_axis(y, axis=1, begin=1, end=3).asnumpy(), HOST[:, 1:3])


@pytest.mark.parametrize("kwargs, message", [
    (dict(axis=1, begin=2, end=1), "Check failed: (*begin < *end): Invalid begin, end, get begin=2, end=1"),
    (dict(axis=1, begin=3, end=None), "Check failed: (*begin < *end): Invalid begin, end, get begin=3, end=None"),
    (dict(axis=1, begin=0, end=5), "Check failed: *end <= axis_size: Invalid end for end=5 as axis_size is 3"),
    (dict(axis=1, begin=-5, end=2), "Check failed: *begin >= 0: Invalid begin for begin=-5"),
    (dict(axis=-4, begin=0, end=1), "Check failed: *axis < ishape.ndim() && *axis >= 0: Transformed axis must be "
     "smaller than the source ndim and larger than zero! Recieved axis=-4, src_ndim=3, transformed axis=-1"),
])
def test_slice_axis_refuses_bad_bounds(ctx, kwargs, message):
    """Messages observed on MXNet 1.9.1 (it never returns an empty or clipped slice here)."""
    x = nd.arange(24, ctx=ctx).reshape((2, 3, 4))
    with pytest.raises(Exception) as e:
        nd.slice_axis(x, **kwargs)
    assert str(e.value) == message


@pytest.mark.parametrize("kwargs, message", [
    (dict(begin=(0, 0), end=(1,)),
     "Check failed: param_begin.ndim() == param_end.ndim() (2 vs. 1) : begin and end must have the same length"),
    (dict(begin=(0,), end=(1,), step=(1, 1)),
     "Check failed: param_step.ndim() == param_begin.ndim() (2 vs. 1) : step and begin must have the same length"),
    (dict(begin=(0, 0, 0, 0), end=(1, 1, 1, 1)),
     "Check failed: param_begin.ndim() <= dshape.ndim() (4 vs. 3) : Slicing axis exceeds data dimensions"),
    (dict(begin=(0,), end=(1,), step=(0,)), "Check failed: s != 0 (0 vs. 0) : slice op step[0] cannot be 0"),
])
def test_slice_refuses_bad_parameters(ctx, kwargs, message):
    """Messages observed on MXNet 1.9.1."""
    x = nd.arange(24, ctx=ctx).reshape((2, 3, 4))
    with pytest.raises(Exception) as e:
        nd.slice(x, **kwargs)
    assert str(e.value) == message


def test_slice_like_checks_shapes(ctx):
    """Messages observed on MXNet 1.9.1 (its missing space before 'exceeds' included)."""
    x = nd.arange(24, ctx=ctx).reshape((2, 3, 4))
    with pytest.raises(Exception) as e:
        nd.slice_like(x, nd.ones((1, 2), ctx=ctx))
    assert str(e.value) == ("Check failed: ishape.ndim() == from_shape.ndim() (3 vs. 2) : By default slice_axis "
                            "performs slice on all axes, but ndim mismatch for inputs: 3 vs. 2")
    with pytest.raises(Exception) as e:
        nd.slice_like(x, nd.ones((5, 2, 3), ctx=ctx))
    assert str(e.value) == ("Check failed: ishape[i] >= from_shape[i] (2 vs. 5) : Slice axis 0 with size "
                            "5exceeds limit of input with size 2")


def test_bad_keys_get_mxnet_errors(ctx):
    """Errors observed on MXNet 1.9.1 for a float or string key and for more indices than axes."""
    y = nd.arange(24, ctx=ctx).reshape((2, 3, 4))
    with pytest.raises(ValueError) as e:
        y[1.0]
    assert str(e.value) == "NDArray does not support slicing with key 1.0 of type <class 'float'>."
    with pytest.raises(ValueError) as e:
        y["a"]
    assert str(e.value) == "NDArray does not support slicing with key a of type <class 'str'>."
    with pytest.raises(IndexError) as e:
        y[0, 1, 2, 3]
    assert str(e.value) == "too many indices (4) for array with 3 dimensions"


def test_single_element_index_out_of_range(ctx):
    """MXNet 1.9.1 refuses an integer that selects one element past the end (it reports every axis as axis 0)."""
    for x, key, message in [(nd.zeros((3,), ctx=ctx), 5, "index 5 is out of bounds for axis 0 with size 3"),
                            (nd.zeros((3,), ctx=ctx), -4, "index -4 is out of bounds for axis 0 with size 3"),
                            (nd.zeros((2, 3), ctx=ctx), (0, 5), "index 5 is out of bounds for axis 0 with size 3"),
                            (nd.zeros((2, 3, 4), ctx=ctx), (0, 0, 9),
                             "index 9 is out of bounds for axis 0 with size 4")]:
        with pytest.raises(IndexError) as e:
            x[key]
        assert str(e.value) == message
    assert nd.arange(6, ctx=ctx).reshape((2, 3))[1, -1].asnumpy().tolist() == [5.0]


def test_boolean_index_is_refused_in_legacy_mode(ctx):
    x = nd.zeros((3,), ctx=ctx)
    mask = nd.array([1, 0, 1], dtype="bool", ctx=ctx)
    message = ("Cannot perform boolean indexing in legacy mode. Please activate numpy semantics by calling "
               "`npx.set_np()` in the global scope before calling this function.")
    with pytest.raises(ValueError) as e:
        x[mask]
    assert str(e.value) == message
    with pytest.raises(ValueError) as e:
        x[mask] = 1
    assert str(e.value) == message


def test_assignment_with_too_many_indices(ctx):
    x = nd.zeros((3,), ctx=ctx)
    with pytest.raises(IndexError) as e:
        x[0, 0] = 1
    assert str(e.value) == "too many indices (2) for array with 1 dimensions"
