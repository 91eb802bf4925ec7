"""lp pooling as MXNet 1.9.1 computes it: ``(sum x^p)^(1/p)`` with x itself (not |x|) and the real root
(signed for odd p), gradient ``g * (x/y)^(p-1)``; only p in {1, 2, 3} exists."""
import numpy as np
import pytest

from ndx import nd
from ndx.base import MXNetError
from ndx.test_utils import check_numeric_gradient


def ref_lp(x, p):
    """2x2 stride-2 windows of an (N, C, H, W) array."""
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2)
    s = (win ** p).sum(axis=(3, 5))
    return s if p == 1 else np.sqrt(s) if p == 2 else np.cbrt(s)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_lp_forward_signed(ctx, rng, p):
    x = rng.standard_normal((2, 3, 4, 6)).astype(np.float32)
    y = nd.Pooling(nd.array(x, ctx=ctx), kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=p)
    np.testing.assert_allclose(y.asnumpy(), ref_lp(x.astype(np.float64), p), rtol=1e-5, atol=1e-6)


def test_lp1_is_the_plain_window_sum(ctx):
    """MXNet 1.9.1: lp with p_value=1 of [[-4,-3.5],[-2,-1.5]] is -11 (the signed sum)."""
    x = nd.array(np.arange(-8, 8, dtype=np.float32).reshape(1, 1, 4, 4) * 0.5, ctx=ctx)
    y = nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=1)
    np.testing.assert_array_equal(y.asnumpy(), ref_lp(x.asnumpy(), 1))


@pytest.mark.parametrize("p", [1, 2, 3])
def test_lp_gradient(ctx, rng, p):
    x = rng.permutation(50).reshape(1, 2, 5, 5) / 10.0 + 0.1
    x[0, 0, :2] *= -1  # mixed signs: the odd-p root stays real
    check_numeric_gradient(lambda a: nd.Pooling(a, kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type="lp",
                                                pooling_convention="full", p_value=p), [x], ctx=ctx)


def test_lp_other_p_is_an_error(ctx):
    with pytest.raises(MXNetError, match="p value of 4 is not supported yet"):
        nd.Pooling(nd.ones((1, 1, 2, 2), ctx=ctx), kernel=(2, 2), pool_type="lp", p_value=4)
