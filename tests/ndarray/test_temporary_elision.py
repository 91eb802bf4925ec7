"""``a * b + c`` reuses the unnamed ``a * b`` buffer for large arrays; nothing a user can see changes."""
import numpy as np

from ndx import nd
from ndx.ndarray import ndarray as ndarray_module

SHAPE = (300, 300)  # 360 KB of float32: above the elision threshold


def _arrays(ctx):
    rng = np.random.default_rng(0)
    hosts = [rng.standard_normal(SHAPE).astype(np.float32) for _ in range(3)]
    return hosts, [nd.array(h, ctx=ctx) for h in hosts]


def test_expression_values(ctx):
    (an, bn, cn), (a, b, c) = _arrays(ctx)
    np.testing.assert_allclose((a * b + c).asnumpy(), an * bn + cn, rtol=1e-6)
    np.testing.assert_allclose((a * b - c / b).asnumpy(), an * bn - cn / bn, rtol=1e-5)
    for x, h in zip((a, b, c), (an, bn, cn)):
        np.testing.assert_array_equal(x.asnumpy(), h)


def test_named_and_viewed_arrays_are_never_written(ctx):
    (an, bn, cn), (a, b, c) = _arrays(ctx)
    t = a * b
    r = t + c
    np.testing.assert_array_equal(t.asnumpy(), an * bn)
    np.testing.assert_allclose(r.asnumpy(), an * bn + cn, rtol=1e-6)
    held = [a * b]
    _ = held[0] + c
    np.testing.assert_array_equal(held[0].asnumpy(), an * bn)
    view = a[0:200]                       # shares a's memory
    _ = view + c[0:200]
    np.testing.assert_array_equal(a.asnumpy(), an)
    detached = (a * b).detach()           # two NDArrays on one buffer
    _ = detached + c
    np.testing.assert_array_equal(detached.asnumpy(), an * bn)


def test_broadcast_never_reuses_the_smaller_operand(ctx):
    (an, bn, _), (a, b, _) = _arrays(ctx)
    row = nd.array(an[:1], ctx=ctx)
    np.testing.assert_allclose((row * 1 + b).asnumpy(), an[:1] + bn, rtol=1e-6)


def test_the_interpreter_tells_temporaries_apart():
    import sys
    import pytest
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 14):
        pytest.skip("the refcount probe is only known to work on CPython 3.10-3.13 (elision is off elsewhere)")
    assert ndarray_module._TEMP_REFS is not None and ndarray_module._TEMP_REFS >= 2


def test_large_temporary_is_reused_on_the_cpu():
    import tracemalloc
    if ndarray_module._TEMP_REFS is None:
        import pytest
        pytest.skip("this interpreter cannot tell temporaries apart: elision is off")
    _, (a, b, c) = _arrays(None)
    nbytes = a.asnumpy().nbytes
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        r = a * b + c
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * nbytes, f"a*b+c allocated {peak} bytes at peak for {nbytes}-byte operands"
    del r
