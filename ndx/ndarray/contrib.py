"""``nd.contrib``: MXNet's contrib operators that ndx implements (``BilinearResize2D``, ``CTCLoss``)."""
from ..base import MXNetError
from ..ops import resize
from .ctc import CTCLoss, ctc_loss
from .dispatch import invoke
from .functions import _out

__all__ = ["BilinearResize2D", "CTCLoss", "ctc_loss"]

_MODES = ("like", "odd_scale", "size", "to_even_down", "to_even_up", "to_odd_down", "to_odd_up")


def _out_size(n, size, scale, mode):
    if mode == "size":
        return int(n * scale) if scale is not None else int(size)
    if mode == "odd_scale":
        return int((n - 1) * scale) + 1 if n % 2 else int(n * scale)
    odd = n % 2 == 1
    return {"to_even_down": n - odd, "to_even_up": n + odd, "to_odd_down": n - (not odd),
            "to_odd_up": n + (not odd)}[mode]


def BilinearResize2D(data, like=None, height=1, width=1, scale_height=None, scale_width=None, mode="size",
                     align_corners=True, out=None, name=None, **kwargs):
    """Resize NCHW ``data`` bilinearly to ``(height, width)``, to ``scale_*`` times its size, to ``like``'s
    spatial size (``mode='like'``) or to the nearest even/odd size (``mode='to_even_up'``, ...)."""
    if mode not in _MODES:
        raise MXNetError(f"Invalid Input: '{mode}', valid values are: {{{', '.join(repr(m) for m in _MODES)}}}, "
                         f"in operator _contrib_BilinearResize2D(mode=\"{mode}\")")
    if data.ndim != 4:
        raise MXNetError(f"BilinearResize2D expects 4-D NCHW input, got shape {data.shape}")
    if mode == "like":
        if like is None:
            raise MXNetError("BilinearResize2D: mode='like' needs the like input")
        h, w = like.shape[2], like.shape[3]
        args = (data, like)
    else:
        h = _out_size(data.shape[2], height, scale_height, mode)
        w = _out_size(data.shape[3], width, scale_width, mode)
        args = (data,)
    attrs = {"height": h, "width": w, "align_corners": bool(align_corners)}
    return _out(invoke(resize.bilinear_resize_2d, args, attrs), out)
