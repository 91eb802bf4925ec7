"""Local response normalization across channels (axis 1), MXNet's LRN:
``y = x / (knorm + alpha/nsize * sum_{|c'-c| <= nsize//2} x[c']^2) ** beta``."""
from .op import Op


def _window_sum(xp, v, nsize):
    """Sum of ``v`` over a centred window of ``nsize`` channels (zero outside)."""
    half = nsize // 2
    c = v.shape[1]
    pad = [(0, 0)] * v.ndim
    pad[1] = (half, half)
    csum = xp.cumsum(xp.pad(v, pad), axis=1)
    zero = xp.zeros_like(csum[:, :1])
    csum = xp.concatenate([zero, csum], axis=1)
    return csum[:, nsize:nsize + c] - csum[:, :c]


def _lrn_fwd(xp, x, alpha, beta, knorm, nsize):
    t = x.dtype.type
    d = t(knorm) + t(alpha / nsize) * _window_sum(xp, x * x, nsize)
    return (x * d ** t(-beta)).astype(x.dtype, copy=False), d


def _lrn_bwd(xp, g, inputs, y, d, alpha, beta, knorm, nsize):
    x = inputs[0]
    t = x.dtype.type
    # dy_c/dx_k = [c == k] d_c^-beta - 2 alpha beta / n * x_c x_k d_c^(-beta-1) for k in c's window
    inner = _window_sum(xp, g * y / d, nsize)  # the window is symmetric: k's windows are c's
    return ((g * d ** t(-beta) - t(2 * alpha * beta / nsize) * x * inner).astype(x.dtype, copy=False),)


lrn = Op("LRN", _lrn_fwd, _lrn_bwd, saves=True)
