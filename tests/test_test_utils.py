"""``mx.test_utils``: MXNet's symbolic checks and comparison helpers (they must fail when they should)."""
import numpy as np
import pytest

import ndx as mx
from ndx import test_utils as tu


def _fc():
    x, w = mx.sym.var("x"), mx.sym.var("w")
    return mx.sym.FullyConnected(x, w, num_hidden=3, no_bias=True)


def test_symbolic_forward_backward_and_numeric_gradient_pass_on_correct_values():
    rng = np.random.default_rng(0)
    loc = {"x": rng.random((2, 4)), "w": rng.random((3, 4))}
    sym = _fc()
    out = tu.check_symbolic_forward(sym, loc, [loc["x"] @ loc["w"].T])
    assert out[0].shape == (2, 3)
    head = rng.standard_normal((2, 3))
    grads = tu.check_symbolic_backward(sym, [loc["x"], loc["w"]], [head],
                                       {"x": head @ loc["w"], "w": head.T @ loc["x"]})
    assert set(grads) == {"x", "w"}
    tu.check_numeric_gradient(sym, loc)
    tu.check_numeric_gradient(mx.sym.tanh(mx.sym.var("a")), [rng.random((3, 2))], grad_nodes=["a"])
    bn = mx.sym.BatchNorm(mx.sym.var("d"), mx.sym.var("g"), mx.sym.var("b"), mx.sym.var("mm"), mx.sym.var("mv"),
                          fix_gamma=False)
    tu.check_numeric_gradient(bn, {"d": rng.random((4, 3)), "g": rng.random(3) + 0.5, "b": rng.random(3)},
                              numeric_eps=1e-4)


def test_symbolic_checks_fail_on_wrong_values():
    rng = np.random.default_rng(1)
    loc = {"x": rng.random((2, 4)), "w": rng.random((3, 4))}
    with pytest.raises(AssertionError):
        tu.check_symbolic_forward(_fc(), loc, [loc["x"] @ loc["w"].T + 0.01])
    head = np.ones((2, 3))
    with pytest.raises(AssertionError):
        tu.check_symbolic_backward(_fc(), loc, [head], {"x": 2 * head @ loc["w"]})
    with pytest.raises(ValueError, match="do not match"):
        tu.check_numeric_gradient(_fc(), [loc["x"]])


def test_a_wrong_gradient_is_caught_by_the_numeric_check(monkeypatch):
    from ndx.ops import elemwise
    monkeypatch.setattr(elemwise.tanh, "backward", lambda xp, g, i, y, s: (g * 2,))
    with pytest.raises(AssertionError, match="NUMERICAL_a"):
        tu.check_numeric_gradient(mx.sym.tanh(mx.sym.var("a")), [np.random.default_rng(2).random((3,))])


def test_comparisons_and_random_helpers():
    a = mx.nd.array([1.0, 2.0])
    assert tu.almost_equal(a, np.array([1.0, 2.0 + 1e-6])) and not tu.almost_equal(a, np.array([1.0, 2.1]))
    assert tu.same(a, np.array([1.0, 2.0])) and not tu.same(a, np.array([1.0, 2.0 + 1e-6]))
    tu.assert_almost_equal(a, np.array([1.0, 2.0 + 1e-5]))          # float32 default rtol 1e-4
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(a, np.array([1.0, 2.01]))
    tu.assert_exception(lambda: a + mx.nd.ones(3), mx.MXNetError)
    with pytest.raises(AssertionError, match="did not raise"):
        tu.assert_exception(lambda: a + 1, mx.MXNetError)
    r = tu.rand_ndarray((3, 4), dtype="float64")
    assert r.shape == (3, 4) and r.dtype == np.float64 and 0 <= r.asnumpy().min() and r.asnumpy().max() < 1
    assert len(tu.rand_shape_2d()) == 2 and len(tu.rand_shape_3d()) == 3 and len(tu.rand_shape_nd(4, 5)) == 4
    assert all(1 <= d <= 5 for d in tu.rand_shape_nd(4, 5))
