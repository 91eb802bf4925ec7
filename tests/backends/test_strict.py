"""The strict test backend keeps CuPy's manners: no implicit host conversion, no mixing with numpy arrays."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd
from ndx.backends import scatter_add
from ndx.backends.strict import StrictArray, StrictBackend

STRICT = StrictBackend()


def test_refuses_implicit_conversion():
    a = STRICT.from_host(np.arange(3.0), None)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(a)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.concatenate([a, a])  # numpy functions are refused too


def test_refuses_mixing_with_numpy_arrays():
    a = STRICT.from_host(np.arange(3.0), None)
    with pytest.raises(TypeError, match="cannot be mixed"):
        a + np.ones(3)
    with pytest.raises(TypeError, match="cannot be mixed"):
        STRICT.xp.add(a, np.ones(3))


def test_computes_like_numpy_through_xp():
    host = np.arange(6.0).reshape(2, 3)
    a = STRICT.from_host(host, None)
    s = STRICT.xp.sum(a, axis=0)
    assert type(s) is StrictArray
    np.testing.assert_array_equal(STRICT.to_host(s), host.sum(axis=0))
    total = STRICT.xp.sum(a)
    assert type(total) is StrictArray and total.shape == ()  # 0-d array, not a numpy scalar
    np.testing.assert_array_equal(STRICT.to_host(a * np.float32(2)), host * 2)  # numpy scalars are fine


def test_from_host_copies_and_to_host_copies():
    host = np.zeros(2)
    a = STRICT.from_host(host, None)
    host[0] = 1
    assert STRICT.to_host(a)[0] == 0
    out = STRICT.to_host(a)
    out[1] = 5
    assert STRICT.to_host(a)[1] == 0


def test_scatter_add_accumulates_repeats():
    target = STRICT.from_host(np.zeros(3), None)
    idx = STRICT.from_host(np.array([0, 0, 2]), None)
    vals = STRICT.from_host(np.array([1.0, 2.0, 3.0]), None)
    scatter_add(mx.Context("strict", 0).backend.xp, target, idx, vals)
    np.testing.assert_array_equal(STRICT.to_host(target), [3, 0, 3])


def test_ndarray_on_strict_context():
    ctx = mx.Context("strict", 0)  # registered by conftest
    x = nd.array([1, 2, 3], ctx=ctx)
    assert type(x._data) is StrictArray
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.array(x)
    with pytest.raises(TypeError):
        x + np.ones(3)
    assert repr(x) == "\n[1. 2. 3.]\n<NDArray 3 @strict(0)>"
