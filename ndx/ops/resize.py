"""Bilinear resizing of NCHW images (MXNet's contrib.BilinearResize2D), as two interpolation matrices:
``y = Wh @ x @ Ww^T``, so the backward pass is ``Wh^T @ g @ Ww``."""
from .op import Op


def _interp_matrix(xp, n_in, n_out, align_corners, dtype):
    """(n_out, n_in) weights of linear interpolation from ``n_in`` samples to ``n_out``."""
    dst = xp.arange(n_out, dtype="float64")
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        src = xp.maximum((dst + 0.5) * (n_in / n_out) - 0.5, 0.0)
    lo = xp.floor(src).astype("int64")
    lo = xp.minimum(lo, n_in - 1)
    hi = xp.minimum(lo + 1, n_in - 1)
    lam = (src - lo)[:, None]
    cols = xp.arange(n_in)[None, :]
    w = (cols == lo[:, None]) * (1 - lam) + (cols == hi[:, None]) * lam
    return w.astype(dtype)


def _resize_fwd(xp, x, *like, height, width, align_corners):
    wh = _interp_matrix(xp, x.shape[2], height, align_corners, x.dtype)
    ww = _interp_matrix(xp, x.shape[3], width, align_corners, x.dtype)
    return xp.matmul(xp.matmul(wh, x), ww.T)


def _resize_bwd(xp, g, inputs, y, saved, height, width, align_corners):
    x = inputs[0]
    wh = _interp_matrix(xp, x.shape[2], height, align_corners, g.dtype)
    ww = _interp_matrix(xp, x.shape[3], width, align_corners, g.dtype)
    gx = xp.matmul(xp.matmul(wh.T, g), ww)
    return (gx,) + (None,) * (len(inputs) - 1)


bilinear_resize_2d = Op("_contrib_BilinearResize2D", _resize_fwd, _resize_bwd)
