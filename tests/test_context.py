"""Contexts: reprs, equality and hashing, `with` scoping, placement, copies, GPU without CuPy."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd


def test_reprs_and_attributes():
    assert [repr(c) for c in (mx.cpu(), mx.cpu(1), mx.gpu(), mx.gpu(2), mx.cpu_pinned())] == [
        "cpu(0)", "cpu(1)", "gpu(0)", "gpu(2)", "cpu_pinned(0)"]
    assert str(mx.Context("cpu", 0)) == "cpu(0)" and str(mx.Context("gpu", 3)) == "gpu(3)"
    assert str(mx.Context(mx.cpu(2))) == "cpu(2)"
    c = mx.cpu()
    assert (c.device_type, c.device_id, c.device_typeid) == ("cpu", 0, 1)
    assert mx.gpu().device_typeid == 2 and mx.cpu_pinned().device_typeid == 3


def test_equality_and_hashing():
    assert mx.cpu() == mx.cpu(0) and hash(mx.cpu()) == hash(mx.cpu(0))
    assert mx.cpu(0) != mx.cpu(1)
    assert mx.cpu() != mx.gpu()
    assert (mx.cpu() == "cpu(0)") is False
    assert len({mx.cpu(), mx.cpu(0), mx.cpu(1)}) == 2


def test_current_context_and_with_scoping():
    assert mx.current_context() == mx.cpu() and mx.context.current_context() == mx.cpu()
    with mx.cpu(1):
        assert mx.current_context() == mx.cpu(1)
        assert nd.ones(2).context == mx.cpu(1)
        with mx.cpu(2):
            assert nd.zeros(1).context == mx.cpu(2)
        assert nd.array([1]).context == mx.cpu(1)
    assert nd.ones(2).context == mx.cpu(0)
    assert nd.ones(2, ctx=mx.cpu(2)).context == mx.cpu(2)


def test_num_gpus_never_raises():
    n = mx.context.num_gpus()
    assert isinstance(n, int) and n >= 0 and n == mx.num_gpus()


def test_as_in_context_and_copyto(ctx):
    x = nd.array([1, 2], ctx=ctx)
    assert x.as_in_context(ctx) is x
    moved = x.as_in_context(mx.cpu(1))
    assert moved.context == mx.cpu(1)
    np.testing.assert_array_equal(moved.asnumpy(), [1, 2])
    back = moved.as_in_context(ctx)
    assert back.context == ctx
    copy = x.copyto(ctx)
    assert copy is not x and copy.context == ctx
    target = nd.zeros(2, ctx=mx.cpu())
    assert x.copyto(target) is target
    np.testing.assert_array_equal(target.asnumpy(), [1, 2])
    # MXNet 1.9.1 expects the source's shape and names the target's as the one it got
    with pytest.raises(mx.MXNetError) as e:
        nd.ones(3, ctx=ctx).copyto(nd.zeros(2, ctx=ctx))
    assert str(e.value) == ("Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at 0-th output: "
                            "expected [3], got [2]")


def test_cpu_contexts_mix():
    out = nd.ones(2) + nd.ones(2, ctx=mx.cpu(1))
    assert out.context == mx.cpu(0)
    np.testing.assert_array_equal(out.asnumpy(), [2, 2])


def test_different_backends_do_not_mix():
    strict = mx.Context("strict", 0)  # a non-CPU backend, registered by conftest
    with pytest.raises(mx.MXNetError, match="different contexts"):
        nd.ones(2) + nd.ones(2, ctx=strict)


@pytest.mark.skipif(mx.num_gpus() > 0, reason="this machine has a GPU")
def test_gpu_without_cupy_or_device_has_clear_error():
    with pytest.raises(mx.MXNetError, match=r"ndxlib\[cuda12\]"):
        nd.ones(2, ctx=mx.gpu(0))


def test_gpu_arrays(gpu_ctx):
    x = nd.array([1, 2, 3], ctx=gpu_ctx)
    assert x.context == gpu_ctx and repr(x) == "\n[1. 2. 3.]\n<NDArray 3 @gpu(0)>"
    np.testing.assert_array_equal((x * 2).asnumpy(), [2, 4, 6])
    assert x.as_in_context(mx.cpu()).context == mx.cpu()
