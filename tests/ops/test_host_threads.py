"""Batch-parallel CPU ops: split runs give the single-thread results, and the BLAS gets its threads back."""
import numpy as np
import pytest

from ndx.ops import host_threads, nn_conv

blas = host_threads._blas()
needs_blas = pytest.mark.skipif(blas is None, reason="threadpoolctl finds no single BLAS to control here")


@pytest.fixture
def split_everything(monkeypatch):
    monkeypatch.setattr(host_threads, "MIN_PART_WORK", 1)
    monkeypatch.setattr(host_threads, "_width", lambda blas: 3)


CASES = [  # (x shape, w shape, kernel, stride, dilate, pad, groups)
    ((5, 4, 9, 8), (6, 4, 3, 3), (3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((4, 4, 9, 8), (6, 2, 3, 2), (3, 2), (2, 1), (1, 2), (1, 0), 2),
    ((3, 3, 11), (4, 3, 3), (3,), (2,), (1,), (2,), 1),
    ((4, 2, 5, 4, 4), (3, 2, 2, 3, 2), (2, 3, 2), (1, 1, 1), (1, 1, 1), (0, 1, 1), 1),
]


@needs_blas
@pytest.mark.parametrize("case", CASES, ids=range(len(CASES)))
def test_split_convolution_matches_one_part(monkeypatch, case):
    xs, ws, k, s, d, p, g = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal(xs).astype(np.float64)
    w = rng.standard_normal(ws).astype(np.float64)
    y1 = nn_conv.conv_forward(np, x, w, k, s, d, p, g)
    gy = rng.standard_normal(y1.shape)
    dx1, dw1 = nn_conv.conv_backward(np, gy, x, w, k, s, d, p, g)
    calls = []
    real = host_threads.run_parts
    monkeypatch.setattr(host_threads, "MIN_PART_WORK", 1)
    monkeypatch.setattr(host_threads, "_width", lambda blas: 3)
    monkeypatch.setattr(host_threads, "run_parts", lambda fn, parts: calls.append(parts) or real(fn, parts))
    y = nn_conv.conv_forward(np, x, w, k, s, d, p, g)
    dx, dw = nn_conv.conv_backward(np, gy, x, w, k, s, d, p, g)
    assert calls and all(c is not None and len(c) == min(3, xs[0]) for c in calls)
    np.testing.assert_allclose(y, y1, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, dx1, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dw, dw1, rtol=1e-12, atol=1e-12)


@needs_blas
def test_blas_threads_restored_after_success_and_failure(split_everything):
    before = blas.get_num_threads()
    seen = []

    def fn(part):
        seen.append(blas.get_num_threads())
        return part

    parts = host_threads.batch_parts(np, 6, 10**9)
    assert [(p.start, p.stop) for p in parts] == [(0, 2), (2, 4), (4, 6)]
    assert host_threads.run_parts(fn, parts) == parts
    assert seen == [1, 1, 1] and blas.get_num_threads() == before

    def boom(part):
        if part.start == 2:
            raise ValueError("part failed")
        return part
    with pytest.raises(ValueError, match="part failed"):
        host_threads.run_parts(boom, parts)
    assert blas.get_num_threads() == before


def test_small_or_non_numpy_work_stays_on_one_part():
    assert host_threads.batch_parts(np, 64, 10) is None          # too little work
    assert host_threads.batch_parts(np, 1, 10**12) is None       # one sample
    assert host_threads.batch_parts(object(), 64, 10**12) is None  # not numpy
    assert host_threads.run_parts(lambda b: b, None) == [slice(None)]


def test_forked_child_gets_blas_threads_back(monkeypatch):
    """A fork while parts run leaves the child without the pool threads and with a 1-thread BLAS:
    the at-fork hook restores the count and forgets the pool."""
    calls = []

    class FakeBlas:
        def set_num_threads(self, n):
            calls.append(n)
    monkeypatch.setitem(host_threads._state, "blas", FakeBlas())
    monkeypatch.setitem(host_threads._state, "active", 2)
    monkeypatch.setitem(host_threads._state, "saved", 4)
    monkeypatch.setitem(host_threads._state, "pool", object())
    host_threads._forget_pool()
    assert calls == [4] and host_threads._state["active"] == 0 and host_threads._state["pool"] is None
