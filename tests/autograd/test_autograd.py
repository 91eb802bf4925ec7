"""autograd scopes and flags, grad buffers and grad_req, backward/grad, errors (spec/training.md section 1)."""
import numpy as np
import pytest

import ndx as mx
from ndx import autograd, nd

NOT_IN_GRAPH = (r"^Check failed: !AGInfo: :IsNone\(\*i\): Cannot differentiate node because it is not in a "
                r"computational graph\. You need to set is_recording to true or use autograd\.record\(\) to save "
                r"computational graphs for backward\. If you want to differentiate the same graph twice, you need to "
                r"pass retain_graph=True to backward\.$")
NO_INPUTS = (r"^Check failed: xs\.size\(\) > 0 \(0 vs\. 0\) : There are no inputs in computation graph that require "
             r"gradients\.$")
IN_PLACE = (r"^Check failed: AGInfo: :IsNone\(\*output\): Assigning to NDArrays that are already in a computational "
            r"graph will cause undefined behavior when evaluating gradients\. Please call backward first to clear the "
            r"graph or do this out side of a record section\. Also note that you cannot use inplace operations like "
            r"\+=, \*=, relu\(x, out=x\), y\[idx\]=x, etc inside a record section\.$")


def _flags():
    return autograd.is_recording(), autograd.is_training()


def test_scopes_set_flags():
    assert _flags() == (False, False)
    with autograd.record():
        assert _flags() == (True, True)
        with autograd.pause():
            assert _flags() == (False, False)
        with autograd.pause(train_mode=True):
            assert _flags() == (False, True)
        with autograd.predict_mode():
            assert _flags() == (True, False)
    with autograd.record(train_mode=False):
        assert _flags() == (True, False)
    with autograd.train_mode():
        assert _flags() == (False, True)
    assert _flags() == (False, False)


def test_setters_return_previous():
    assert autograd.set_recording(True) is False
    assert autograd.set_recording(False) is True
    assert autograd.set_training(True) is False
    assert autograd.set_training(False) is True
    assert _flags() == (False, False)


def test_scope_restored_after_exception():
    with pytest.raises(RuntimeError):
        with autograd.record():
            raise RuntimeError("boom")
    assert _flags() == (False, False)


def test_attach_grad_and_implicit_head(ctx):
    host = np.array([1.0, 2.0, 3.0], np.float32)
    x = nd.array(host, ctx=ctx)
    assert x.grad is None
    x.attach_grad()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.zeros(3))
    assert x.grad.context == ctx
    with autograd.record():
        y = x * x
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), 2 * host)
    x.attach_grad()  # re-attaching gives a fresh zero buffer
    np.testing.assert_array_equal(x.grad.asnumpy(), np.zeros(3))


def test_out_grad_weights_the_head(ctx):
    host = np.array([1.0, 2.0, 3.0], np.float32)
    x = nd.array(host, ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(nd.array([1, 0, 2], ctx=ctx))
    np.testing.assert_array_equal(x.grad.asnumpy(), 2 * host * [1, 0, 2])


def test_second_backward_needs_retain_graph(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        z = (x * x) * 2
    z.backward(retain_graph=True)
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [4, 8])
    with pytest.raises(mx.MXNetError, match=NOT_IN_GRAPH):
        z.backward()


def test_backward_without_recording(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with pytest.raises(mx.MXNetError, match=NOT_IN_GRAPH):
        (x * x).backward()


def test_grad_req_add_accumulates_and_write_overwrites(ctx):
    host = np.array([1.0, 2.0, 3.0], np.float32)
    for req, factor in [("add", 4), ("write", 2)]:
        x = nd.array(host, ctx=ctx)
        x.attach_grad(req)
        for _ in range(2):
            with autograd.record():
                y = (x * x).sum()
            y.backward()
        np.testing.assert_array_equal(x.grad.asnumpy(), factor * host)


def test_grad_req_null(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad("null")
    assert x.grad is None
    with autograd.record():
        y = x * x
    with pytest.raises(mx.MXNetError, match=NO_INPUTS):
        y.backward()
    w = nd.array([3.0, 4.0], ctx=ctx)
    w.attach_grad()
    with autograd.record():
        y = x * w
    y.backward()
    assert x.grad is None
    np.testing.assert_array_equal(w.grad.asnumpy(), [1, 2])


def test_backward_of_several_heads_sums(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        a = x * x
        b = x * 3
    autograd.backward([a, b])
    np.testing.assert_array_equal(x.grad.asnumpy(), [5, 7])
    with autograd.record():
        a = x * x
        b = x * 3
    autograd.backward([a, b], head_grads=[nd.ones(2, ctx=ctx), nd.array([2, 0], ctx=ctx)])
    np.testing.assert_array_equal(x.grad.asnumpy(), [8, 4])


def test_autograd_grad_returns_list_without_touching_grad(ctx):
    x = nd.array([1.0, 2.0, 3.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = x * x
    grads = autograd.grad(y, x)
    assert isinstance(grads, list) and len(grads) == 1
    np.testing.assert_array_equal(grads[0].asnumpy(), [2, 4, 6])
    np.testing.assert_array_equal(x.grad.asnumpy(), [0, 0, 0])
    with pytest.raises(mx.MXNetError, match=NOT_IN_GRAPH):
        y.backward()  # retain_graph defaults to create_graph (False)


def test_autograd_grad_retain_graph(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = x * x
    first = autograd.grad(y, [x], retain_graph=True)[0].asnumpy()
    y.backward()
    np.testing.assert_array_equal(first, x.grad.asnumpy())


def test_autograd_grad_rejects_non_variables(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = x * 2
        z = y * 3
    with pytest.raises(mx.MXNetError, match="Cannot differentiate with respect to the 2-th variable because it "
                                            "does not require gradient."):
        autograd.grad(z, [x, y])


def test_mark_variables(ctx):
    a = nd.array([1.0, 2.0], ctx=ctx)
    ga = nd.zeros(2, ctx=ctx)
    autograd.mark_variables(a, ga)
    with autograd.record():
        y = a * a * a
    y.backward()
    np.testing.assert_array_equal(ga.asnumpy(), [3, 12])
    assert a.grad is ga
    b, gb = nd.array([1.0], ctx=ctx), nd.ones(1, ctx=ctx)
    autograd.mark_variables([b], [gb], grad_reqs="add")
    with autograd.record():
        y = b * 5
    y.backward()
    np.testing.assert_array_equal(gb.asnumpy(), [6])


def test_detach_cuts_the_graph(ctx):
    host = np.array([1.0, 2.0, 3.0], np.float32)
    x = nd.array(host, ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = x * x
        u = y.detach() * x
    u.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), host * host)


@pytest.mark.parametrize("write", ["iadd", "setitem", "out", "leaf_setitem"])
def test_in_place_inside_record_is_refused(ctx, write):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with pytest.raises(mx.MXNetError, match=IN_PLACE):
        with autograd.record():
            y = x * 2
            if write == "iadd":
                y += 1
            elif write == "setitem":
                y[0] = 1
            elif write == "out":
                nd.relu(y, out=y)
            else:
                x[:] = 5


def test_writes_to_fresh_arrays_inside_record_are_fine(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        z = nd.zeros(2, ctx=ctx)
        z[:] = 1
        w = z * x
    w.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [1, 1])
    x += 1  # outside record: fine
    np.testing.assert_array_equal(x.asnumpy(), [2, 3])


def test_uses_of_one_variable_are_summed(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = x * 3 + x * x + x
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [3 + 2 + 1, 3 + 4 + 1])


def test_backward_train_mode_flag(ctx):
    seen = []

    class Probe(autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            seen.append(autograd.is_training())
            return dy

    x = nd.ones(1, ctx=ctx)
    x.attach_grad()
    for flag in (True, False):
        with autograd.record():
            y = Probe()(x)
        y.backward(train_mode=flag)
    assert seen == [True, False]


def test_attach_grad_refuses_unknown_requests(ctx):
    """Observed on MXNet 1.9.1: attach_grad(grad_req='bogus') raises KeyError('bogus')."""
    x = nd.ones(2, ctx=ctx)
    with pytest.raises(KeyError) as e:
        x.attach_grad(grad_req="bogus")
    assert e.value.args == ("bogus",)


def test_grad_refuses_a_variable_unreachable_from_the_heads(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    w = nd.array([3.0], ctx=ctx)
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y = x * x
    for variables, nth in (([x, w], 2), ([w, x], 1)):
        with pytest.raises(mx.MXNetError) as e:
            autograd.grad(y, variables, retain_graph=True)
        assert str(e.value) == ("Check failed: output_grads.find(xs[i].node.get()) != output_grads.end(): Cannot "
                                f"differentiate with respect to the {nth}-th variable because it is unreachable from "
                                "the outputs.")


def test_variable_behind_stop_gradient_gets_a_zero_gradient(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    x.grad[:] = 5
    with autograd.record():
        z = nd.stop_gradient(x * 2)
    np.testing.assert_array_equal(autograd.grad(z, [x], retain_graph=True)[0].asnumpy(), [0, 0])
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [0, 0])


def test_heads_and_head_grads_must_pair_up(ctx):
    x = nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y1, y2 = x * 2, x * 3
    for call in (lambda: autograd.backward([y1, y2], [nd.ones(2, ctx=ctx)]),
                 lambda: autograd.grad([y1, y2], [x], head_grads=[nd.ones(2, ctx=ctx)])):
        with pytest.raises(AssertionError, match="^heads and head_grads must be lists of the same length$"):
            call()
    autograd.backward(y1, [nd.ones(2, ctx=ctx)])
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 2])
