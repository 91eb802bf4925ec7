"""Ops that skip gradients of inputs outside the graph (``Op(masked=True)``) still give the right ones."""
import numpy as np

from ndx import autograd, nd


def test_dot_and_fully_connected_with_a_constant_input(ctx):
    rng = np.random.default_rng(1)
    x_np, w_np, b_np = rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    x = nd.array(x_np, ctx=ctx, dtype="float64")          # constant: no attach_grad
    w = nd.array(w_np, ctx=ctx, dtype="float64")
    b = nd.array(b_np, ctx=ctx, dtype="float64")
    w.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = nd.FullyConnected(x, w, b, num_hidden=5) + nd.dot(x, w, transpose_b=True)
    y.backward()
    np.testing.assert_allclose(w.grad.asnumpy(), 2 * np.ones((4, 5)).T @ x_np)
    np.testing.assert_allclose(b.grad.asnumpy(), np.full(5, 4.0))


def test_dot_with_constant_second_input(ctx):
    a_np, c_np = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    a = nd.array(a_np, ctx=ctx, dtype="float64")
    a.attach_grad()
    with autograd.record():
        y = nd.dot(a, nd.array(c_np, ctx=ctx, dtype="float64"))
    y.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), np.ones((2, 4)) @ c_np.T)
