"""Large fresh gradients replace a leaf's `write` buffer instead of being copied into it, and only
when nothing else can see either array: user views, other leaves and exports keep the copy."""
import numpy as np

import ndx as mx
from ndx import autograd

N = 200  # 200*200 float32 = 160 kB, above the adoption threshold


def _leaf(shape=(N, N), seed=0):
    x = mx.nd.array(np.random.default_rng(seed).random(shape, dtype=np.float32))
    x.attach_grad()
    return x


def test_fresh_gradient_is_adopted_and_correct():
    x = _leaf()
    buf = x.grad
    before = id(buf._data)
    for scale in (2.0, 3.0):
        with autograd.record():
            y = (x * scale).sum()
        y.backward()
        assert x.grad is buf  # the same NDArray object, as MXNet's grad buffer
        np.testing.assert_array_equal(x.grad.asnumpy(), np.full((N, N), scale, np.float32))
    assert id(buf._data) != before


def test_a_view_of_the_gradient_keeps_seeing_updates():
    x = _leaf()
    view = x.grad[0:3]
    for scale in (2.0, 5.0):
        with autograd.record():
            y = (x * scale).sum()
        y.backward()
        np.testing.assert_array_equal(view.asnumpy(), np.full((3, N), scale, np.float32))


def test_two_leaves_with_the_same_gradient_do_not_share_a_buffer():
    a, b = _leaf(seed=1), _leaf(seed=2)
    with autograd.record():
        y = a + b   # add's backward hands the same head gradient to both inputs
    y.backward(mx.nd.ones((N, N)) * 4)
    a.grad[:] = 0
    np.testing.assert_array_equal(b.grad.asnumpy(), np.full((N, N), 4, np.float32))
    assert not np.shares_memory(a.grad.asnumpy(), b.grad.asnumpy())
    assert a.grad._data is not b.grad._data


def test_exported_gradient_buffer_is_written_in_place():
    x = _leaf()
    exported = np.from_dlpack(x.grad)   # shares memory with the buffer
    with autograd.record():
        y = (x * 7.0).sum()
    y.backward()
    np.testing.assert_array_equal(exported, np.full((N, N), 7, np.float32))


def test_add_requests_accumulate():
    x = _leaf()
    x.attach_grad(grad_req="add")
    for _ in range(3):
        with autograd.record():
            y = (x * 2.0).sum()
        y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.full((N, N), 6, np.float32))
