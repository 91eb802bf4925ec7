"""autograd.Function: user forward/backward, saved tensors, several inputs and outputs."""
import numpy as np

from ndx import autograd, nd


class Sigmoid(autograd.Function):
    def forward(self, x):
        y = 1 / (1 + nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


class MulAndAdd(autograd.Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b, a + b

    def backward(self, d_prod, d_sum):
        a, b = self.saved_tensors
        return d_prod * b + d_sum, d_prod * a + d_sum


def test_custom_sigmoid(ctx):
    host = np.array([0.0, 1.0, -2.0], np.float32)
    x = nd.array(host, ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = Sigmoid()(x)
    y.backward()
    s = 1 / (1 + np.exp(-host))
    np.testing.assert_allclose(y.asnumpy(), s, rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), s * (1 - s), rtol=1e-6)


def test_two_inputs_two_outputs_inside_a_graph(ctx):
    a_host, b_host = np.array([1.0, 2.0], np.float32), np.array([3.0, -1.0], np.float32)
    a, b = nd.array(a_host, ctx=ctx), nd.array(b_host, ctx=ctx)
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        prod, total = MulAndAdd()(a * 2, b)
        loss = (prod * 3 + total).sum()
    loss.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), 2 * (3 * b_host + 1))
    np.testing.assert_allclose(b.grad.asnumpy(), 3 * 2 * a_host + 1)


def test_function_outside_record_is_plain(ctx):
    y = Sigmoid()(nd.zeros(2, ctx=ctx))
    np.testing.assert_allclose(y.asnumpy(), [0.5, 0.5])
