"""``nd.image``: MXNet's image operators for ``gluon.data.vision.transforms`` (HWC images, NHWC batches)."""
import numbers

import numpy as np

from ..base import MXNetError
from . import functions as F
from . import random as _random
from .ndarray import _shape_str as _shape, array

__all__ = ["to_tensor", "normalize", "flip_left_right", "flip_top_bottom", "random_flip_left_right",
           "random_flip_top_bottom"]


def _check_image(data):
    if data.ndim not in (3, 4):
        raise MXNetError("MXNetError: Check failed: (shp.ndim() == 3) || (shp.ndim() == 4): Input image must have "
                         f"shape (height, width, channels), or (N, height, width, channels) but got "
                         f"{_shape(data.shape)}")


def to_tensor(data, out=None):
    """(H, W, C) or (N, H, W, C) values in [0, 255] -> float32 (C, H, W) / (N, C, H, W) in [0, 1]."""
    _check_image(data)
    axes = (2, 0, 1) if data.ndim == 3 else (0, 3, 1, 2)
    return F._out(F.transpose(data.astype("float32"), axes) / 255.0, out)


def _per_channel(values, name, data, channels, axis):
    values = (values,) if isinstance(values, numbers.Number) else tuple(values)
    if len(values) not in (1, channels):
        shown = "[" + ",".join(f"{v:g}" for v in values) + "]"
        raise MXNetError(f"MXNetError: Check failed: (param.{name}.ndim() == 1) || (param.{name}.ndim() == "
                         f"nchannels): Invalid {name} for input with shape {_shape(data.shape)}. {name} must have "
                         f"either 1 or {channels} elements, but got {shown}")
    shape = [1] * data.ndim
    shape[axis] = len(values)
    return array(np.asarray(values, dtype=np.float64).reshape(shape), ctx=data.context, dtype=data.dtype)


def normalize(data, mean=0.0, std=1.0, out=None):
    """``(x - mean[c]) / std[c]`` for (C, H, W) or (N, C, H, W) tensors (one value, or one per channel)."""
    if data.ndim not in (3, 4):
        raise MXNetError("MXNetError: Check failed: (dshape.ndim() == 3) || (dshape.ndim() == 4): Input tensor must "
                         f"have shape (channels, height, width), or (N, channels, height, width), but got "
                         f"{_shape(data.shape)}")
    axis = data.ndim - 3
    channels = data.shape[axis]
    m = _per_channel(mean, "mean", data, channels, axis)
    s = _per_channel(std, "std", data, channels, axis)
    return F._out(F.broadcast_div(F.broadcast_sub(data, m), s), out)


def flip_left_right(data, out=None):
    """Mirror the width axis of (H, W, C) / (N, H, W, C) images."""
    _check_image(data)
    return F._out(F.flip(data, axis=data.ndim - 2), out)


def flip_top_bottom(data, out=None):
    """Mirror the height axis of (H, W, C) / (N, H, W, C) images."""
    _check_image(data)
    return F._out(F.flip(data, axis=data.ndim - 3), out)


def _coin(ctx):
    return float(_random.uniform(0, 1, shape=(1,), ctx=ctx).asscalar()) < 0.5


def random_flip_left_right(data, out=None):
    """``flip_left_right`` with probability 1/2 (the context's generator), else a copy."""
    return flip_left_right(data, out) if _coin(data.context) else F._out(data.copy(), out)


def random_flip_top_bottom(data, out=None):
    """``flip_top_bottom`` with probability 1/2 (the context's generator), else a copy."""
    return flip_top_bottom(data, out) if _coin(data.context) else F._out(data.copy(), out)
