"""Pooling against a per-window numpy reference, spec-observed MXNet values, and gradients."""
import itertools

import numpy as np
import pytest

from ndx import nd
from ndx.test_utils import check_numeric_gradient


def ref_pool(x, k, s, p, pool_type, ceil, count_include_pad):
    """Loop over output windows; windows are clipped to the padded extent (MXNet's rule)."""
    sp = x.shape[2:]
    osz = [(-(-(n + 2 * pp - kk) // ss) if ceil else (n + 2 * pp - kk) // ss) + 1 for n, kk, ss, pp in zip(sp, k, s, p)]
    out = np.zeros(x.shape[:2] + tuple(osz))
    for o in itertools.product(*[range(m) for m in osz]):
        lo = [oi * si - pi for oi, si, pi in zip(o, s, p)]
        hi_pad = [min(l + kk, n + pi) for l, kk, n, pi in zip(lo, k, sp, p)]
        real = tuple(slice(max(l, 0), min(h, n)) for l, h, n in zip(lo, hi_pad, sp))
        win = x[(slice(None), slice(None)) + real]
        if pool_type == "max":
            val = win.max(axis=tuple(range(2, x.ndim))) if win.size else np.full(x.shape[:2], np.finfo(x.dtype).min)
        else:
            val = win.sum(axis=tuple(range(2, x.ndim)))
            if pool_type == "avg":
                if count_include_pad:
                    cnt = np.prod([h - l for l, h in zip(lo, hi_pad)])
                else:
                    cnt = max(np.prod([max(r.stop - r.start, 0) for r in real]), 1)
                val = val / cnt
        out[(slice(None), slice(None)) + o] = val
    return out


CASES = [
    ((2, 3, 7), (3,), (2,), (1,)),
    ((2, 2, 6, 6), (3, 3), (2, 2), (1, 1)),
    ((1, 2, 5, 5), (2, 2), (2, 2), (1, 1)),
    ((1, 2, 4, 5), (2, 3), (1, 2), (0, 1)),
    ((1, 1, 4, 5, 3), (2, 2, 2), (2, 1, 2), (1, 0, 1)),
]


@pytest.mark.parametrize("pool_type", ["max", "avg", "sum"])
@pytest.mark.parametrize("convention", ["valid", "full"])
@pytest.mark.parametrize("shape,k,s,p", CASES)
def test_pooling_matches_reference(ctx, rng, shape, k, s, p, pool_type, convention):
    x = rng.standard_normal(shape).astype(np.float32)
    for cip in (True, False):
        y = nd.Pooling(nd.array(x, ctx=ctx), kernel=k, stride=s, pad=p, pool_type=pool_type,
                       pooling_convention=convention, count_include_pad=cip)
        ref = ref_pool(x, k, s, p, pool_type, convention == "full", cip)
        np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-5, atol=1e-6)


def test_pooling_spec_values(ctx):
    """Observed on MXNet 1.9.1 (spec/layers.md §8)."""
    x = nd.array(np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4), ctx=ctx)
    inc = nd.Pooling(x, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="avg")
    exc = nd.Pooling(x, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="avg", count_include_pad=False)
    assert np.float32(inc.asnumpy()[0, 0, 0, 0]) == np.float32(1.5555556)
    assert exc.asnumpy()[0, 0, 0, 0] == 3.5
    ones = nd.ones((1, 1, 5), ctx=ctx)
    assert nd.Pooling(ones, kernel=(2,), stride=(2,), pool_type="avg",
                      pooling_convention="full").asnumpy().tolist() == [[[1, 1, 1]]]
    # in=5, k=2, s=2, p=1, ceil: 4 outputs, the last covering only padding
    y5 = nd.arange(1, 6, ctx=ctx).reshape((1, 1, 5))
    avg = nd.Pooling(y5, kernel=(2,), stride=(2,), pad=(1,), pool_type="avg", pooling_convention="full")
    mx_ = nd.Pooling(y5, kernel=(2,), stride=(2,), pad=(1,), pool_type="max", pooling_convention="full")
    assert avg.shape == (1, 1, 4) and avg.asnumpy()[0, 0, 3] == 0
    assert mx_.asnumpy()[0, 0, 3] == np.float32(-3.4028235e+38)
    exc = nd.Pooling(y5, kernel=(2,), stride=(2,), pad=(1,), pool_type="avg", pooling_convention="full",
                     count_include_pad=False)
    assert exc.asnumpy().tolist() == [[[1.0, 2.5, 4.5, 0.0]]]


def test_global_pooling_and_nhwc(ctx, rng):
    x = rng.standard_normal((2, 3, 5, 4)).astype(np.float32)
    g = nd.Pooling(nd.array(x, ctx=ctx), global_pool=True, pool_type="avg")
    assert g.shape == (2, 3, 1, 1)
    np.testing.assert_allclose(g.asnumpy()[..., 0, 0], x.mean(axis=(2, 3)), rtol=1e-5)
    y = nd.Pooling(nd.array(x.transpose(0, 2, 3, 1), ctx=ctx), kernel=(2, 2), stride=(2, 2), layout="NHWC")
    np.testing.assert_allclose(y.asnumpy(), ref_pool(x, (2, 2), (2, 2), (0, 0), "max", False, True).transpose(0, 2, 3, 1))


@pytest.mark.parametrize("pool_type", ["max", "avg", "sum", "lp"])
def test_pooling_gradient(ctx, rng, pool_type):
    x = rng.permutation(50).reshape(1, 2, 5, 5) / 10.0 + 0.1  # distinct values: max is unambiguous
    check_numeric_gradient(lambda a: nd.Pooling(a, kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type=pool_type,
                                                pooling_convention="full", p_value=2, count_include_pad=False),
                           [x], ctx=ctx)


def test_max_pool_gradient_goes_to_first_maximum(ctx):
    x = nd.ones((1, 1, 2, 2), ctx=ctx)
    x.attach_grad()
    from ndx import autograd
    with autograd.record():
        y = nd.Pooling(x, kernel=(2, 2), stride=(2, 2))
    y.backward()
    assert x.grad.asnumpy().ravel().tolist() == [1, 0, 0, 0]


@pytest.mark.parametrize("data, kernel, pad, message", [
    ((1, 2, 5), (7,), (0,), "param.kernel[0] <= dshape_ncw[2] + 2 * param.pad[0]: kernel size (7) exceeds input "
                            "(5 padded to 5)"),
    ((1, 2, 5, 5), (3, 7), (0, 0), "param.kernel[1] <= dshape_nchw[3] + 2 * param.pad[1]: kernel size (7) exceeds "
                                   "input (5 padded to 5)"),
    ((1, 2, 5, 5, 5), (1, 1, 7), (0, 0, 0), "param.kernel[2] <= dshape_ncdhw[4] + 2 * param.pad[2] (7 vs. 5) : "
                                            "kernel size exceeds input"),
])
def test_pooling_rejects_kernel_larger_than_input(ctx, data, kernel, pad, message):
    # Messages observed on MXNet 1.9.1 (the 3-D check words it differently).
    from ndx.base import MXNetError
    with pytest.raises(MXNetError) as e:
        nd.Pooling(nd.ones(data, ctx=ctx), kernel=kernel, pad=pad, pool_type="max")
    assert str(e.value) == f"MXNetError: Check failed: {message}"
    assert nd.Pooling(nd.ones((1, 2, 5, 5), ctx=ctx), kernel=(7, 3), pad=(1, 1), pool_type="avg").shape == (1, 2, 1, 5)


def _first_max_grad(x, g, kernel, stride):
    """Brute force: each window's gradient to its first maximum in row-major kernel order (no padding)."""
    import itertools
    dx = np.zeros_like(x)
    osz = g.shape[2:]
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in itertools.product(*[range(m) for m in osz]):
            best, where = None, None
            for k in itertools.product(*[range(kk) for kk in kernel]):
                pos = tuple(oo * s + kk for oo, s, kk in zip(o, stride, k))
                v = x[(n, c) + pos]
                if best is None or v > best:
                    best, where = v, pos
            dx[(n, c) + where] += g[(n, c) + o]
    return dx


@pytest.mark.parametrize("shape, kernel, stride", [
    ((2, 3, 8, 6), (2, 2), (2, 2)),        # tiled: windows cover the input exactly
    ((2, 2, 6, 9), (2, 3), (2, 3)),
    ((1, 2, 4, 4, 6), (2, 2, 3), (2, 2, 3)),
    ((2, 3, 12), (3,), (3,)),
    ((2, 3, 7, 7), (3, 3), (2, 2)),        # overlapping windows
    ((2, 2, 9, 8), (2, 2), (2, 2)),        # not tiled: the last row is left over
])
def test_max_pool_ties_go_to_first_maximum(ctx, shape, kernel, stride):
    """Small integers make many ties (as all-zero windows after a ReLU do)."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=shape).astype(np.float32)
    xa = nd.array(x, ctx=ctx)
    xa.attach_grad()
    from ndx import autograd
    with autograd.record():
        y = nd.Pooling(xa, kernel=kernel, stride=stride, pool_type="max")
    g = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(nd.array(g, ctx=ctx))
    # overlapping windows add into shared cells in another order than the reference: a few ulps
    np.testing.assert_allclose(xa.grad.asnumpy(), _first_max_grad(x, g, kernel, stride), rtol=1e-6, atol=1e-6)


def _avg_grad_reference(n, k, s, p, whole_kernel):
    """Gradient of sum(avg_pool_1d(ones(n))) in the ``full`` convention, each window's share divided
    by the whole kernel or by the window clipped to the padded input."""
    out = -(-(n + 2 * p - k) // s) + 1
    g = np.zeros(n + 2 * p + s * out)
    for o in range(out):
        start, end = o * s, o * s + k
        size = k if whole_kernel else min(end, n + 2 * p) - start
        g[start:start + size] += 1.0 / size
    return g[p:p + n]


# Observed on MXNet 1.9.1 (float32): whether the backward divided by the whole kernel ("whole",
# oneDNN) or by the clipped window ("clipped", its own kernel), for input length n, kernel k,
# stride s, pad p. Rule: oneDNN iff (out + 2p - k) % s == 0, checked on the output's length.
AVG_FULL_1D = [(3, 2, 2, 0, "whole"), (5, 2, 2, 0, "clipped"), (7, 2, 2, 0, "whole"), (4, 3, 2, 0, "clipped"),
               (6, 3, 2, 0, "whole"), (8, 3, 2, 0, "clipped"), (4, 3, 2, 1, "whole"), (6, 3, 2, 1, "clipped"),
               (8, 3, 2, 1, "whole"), (4, 2, 3, 0, "whole"), (7, 2, 3, 0, "clipped"), (3, 3, 3, 1, "clipped"),
               (4, 3, 3, 0, "clipped"), (7, 3, 3, 0, "whole"), (6, 3, 3, 1, "clipped")]


@pytest.mark.parametrize("n, k, s, p, divisor", AVG_FULL_1D)
def test_ceil_mode_average_pool_gradient_divides_as_mxnet(ctx, n, k, s, p, divisor):
    from ndx import autograd
    x = nd.ones((1, 1, n), ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = nd.Pooling(x, kernel=(k,), stride=(s,), pad=(p,), pool_type="avg", pooling_convention="full")
    y.backward()
    want = _avg_grad_reference(n, k, s, p, divisor == "whole")
    np.testing.assert_allclose(x.grad.asnumpy().ravel(), want, rtol=1e-6)
    if divisor == "clipped":   # float64 never takes oneDNN; neither does any clipped case
        x64 = nd.ones((1, 1, n), ctx=ctx, dtype="float64")
        x64.attach_grad()
        with autograd.record():
            y = nd.Pooling(x64, kernel=(k,), stride=(s,), pad=(p,), pool_type="avg", pooling_convention="full")
        y.backward()
        np.testing.assert_allclose(x64.grad.asnumpy().ravel(), want, rtol=1e-12)


def test_ceil_mode_average_pool_gradient_in_2d_needs_every_axis():
    """Observed on MXNet 1.9.1: a 7x5 input, 2x2 windows, stride 2 (rows fit on the output's shape,
    columns do not) takes the clipped divisor; 7x7 takes the whole kernel; float64 7x7 the clipped."""
    from ndx import autograd, gluon

    def grad(shape, dtype="float32"):
        x = nd.ones(shape, dtype=dtype)
        x.attach_grad()
        with autograd.record():
            y = gluon.nn.AvgPool2D(2, 2, ceil_mode=True)(x)
        y.backward()
        return x.grad.asnumpy()[0, 0]
    edge = grad((1, 1, 7, 5))
    assert edge[-1, -1] == 1.0 and edge[0, -1] == 0.5 and edge[-1, 0] == 0.5 and edge[0, 0] == 0.25
    assert np.all(grad((1, 1, 7, 7)) == 0.25)
    assert grad((1, 1, 7, 7), "float64")[-1, -1] == 1.0
