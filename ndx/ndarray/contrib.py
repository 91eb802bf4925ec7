"""``nd.contrib``: MXNet's contrib operators that ndx implements (``BilinearResize2D``, ``CTCLoss``,
``boolean_mask``, ``index_copy``, ``arange_like``, ``AdaptiveAvgPooling2D``, ``isnan``/``isinf``/``isfinite``)."""
import numbers

import numpy as np

from ..base import MXNetError
from ..ops import contrib_ops as C
from ..ops import resize
from .ctc import CTCLoss, ctc_loss
from .dispatch import invoke
from .functions import _float_only_text, _out, logical_and, ones_like, zeros_like

__all__ = ["AdaptiveAvgPooling2D", "BilinearResize2D", "CTCLoss", "arange_like", "boolean_mask", "ctc_loss",
           "index_copy", "isfinite", "isinf", "isnan"]

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


# ----------------------------------------------------------------------------- NaN/inf tests
# MXNet defines these in Python as comparisons, so they answer 0/1 in the input's dtype.

def _floating(data):
    return np.dtype(data.dtype).kind == "f"


def isnan(data):
    """1 where ``data`` is NaN, else 0 (in ``data``'s dtype)."""
    return data != data


def isinf(data):
    """1 where ``data`` is +inf or -inf, else 0."""
    if not _floating(data):
        return zeros_like(data)
    return data.abs() == np.inf


def isfinite(data):
    """1 where ``data`` is neither NaN nor infinite, else 0."""
    if not _floating(data):
        return ones_like(data)
    return logical_and(data.abs() != np.inf, data == data)


# ----------------------------------------------------------------------------- indexing

def boolean_mask(data, index, axis=0, out=None, name=None, **kwargs):
    """The slices of ``data`` along axis 0 whose ``index`` entry is non-zero (only axis 0, as in MXNet)."""
    axis = int(axis)
    if axis != 0:
        raise MXNetError(f"Check failed: axis == 0 ({axis} vs. 0) : Not supported yet")
    if index.ndim != 1:
        raise MXNetError(f"Check failed: idx.shape().ndim() == 1U ({index.ndim} vs. 1) : ")
    if data.shape[0] != index.shape[0]:
        raise MXNetError(f"Check failed: data.shape()[axis] == idx.shape()[0] ({data.shape[0]} vs. "
                         f"{index.shape[0]}) : ")
    return _out(invoke(C.boolean_mask, (data, index)), out)


def index_copy(old_tensor, index_vector, new_tensor, out=None, name=None, **kwargs):
    """A copy of ``old_tensor`` with rows ``index_vector`` replaced by ``new_tensor``'s rows (indices out of
    range are skipped, as MXNet's kernel does)."""
    if index_vector.ndim != 1:
        raise MXNetError(f"Check failed: in_attrs->at(1).ndim() == 1 ({index_vector.ndim} vs. 1) : ")
    if index_vector.shape[0] != new_tensor.shape[0]:
        raise MXNetError(f"Check failed: in_attrs->at(1)[0] == in_attrs->at(2)[0] ({index_vector.shape[0]} vs. "
                         f"{new_tensor.shape[0]}) : ")
    for i in range(1, old_tensor.ndim):
        if old_tensor.shape[i] != new_tensor.shape[i]:
            raise MXNetError(f"Check failed: in_attrs->at(0)[i] == in_attrs->at(2)[i] ({old_tensor.shape[i]} vs. "
                             f"{new_tensor.shape[i]}) : ")
    if old_tensor.dtype != new_tensor.dtype:
        raise MXNetError("Check failed: mshadow: :DataType<DType>::kFlag == type_flag_: TBlob.get_with_shape: data "
                         f"type do not match specified type.Expected: {_C_NAMES[np.dtype(new_tensor.dtype).name]} v.s. "
                         f"given {_C_NAMES[np.dtype(old_tensor.dtype).name]}")
    return _out(invoke(C.index_copy, (old_tensor, index_vector, new_tensor)), out)


_C_NAMES = {"float32": "float", "float64": "double", "float16": "half", "int32": "int", "int64": "long int",
            "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def arange_like(data, start=0.0, step=1.0, repeat=1, ctx=None, axis=None, out=None, name=None, **kwargs):
    """``start, start + step, ...`` shaped like ``data`` (or along ``axis``), each value ``repeat`` times.

    MXNet truncates ``start`` and ``step`` to integers unless ``data`` is float32 or float64 (float16
    included)."""
    if axis is not None:
        axis = int(axis)
        real = axis + data.ndim if axis < 0 else axis
        if not 0 <= real < data.ndim:
            raise MXNetError(f"Check failed: real_axis >=0 && real_axis < (*in_attrs)[0].ndim(): cannot handle "
                             f"param.axis {axis}.")
        axis = real
    start, step = float(start), float(step)
    if np.dtype(data.dtype).name not in ("float32", "float64"):
        start, step = float(int(start)), float(int(step))
    attrs = {"start": start, "step": step, "repeat": int(repeat), "axis": axis}
    return _out(invoke(C.arange_like, (data,), attrs), out)


# ----------------------------------------------------------------------------- pooling

def _output_size(output_size):
    """MXNet's reading: none or a size of another length gives 1x1, one number is square."""
    if output_size is None:
        return 1, 1
    if isinstance(output_size, numbers.Integral):
        return int(output_size), int(output_size)
    size = tuple(int(n) for n in output_size)
    if len(size) == 1:
        return size[0], size[0]
    return size if len(size) == 2 else (1, 1)


def AdaptiveAvgPooling2D(data, output_size=None, out=None, name=None, **kwargs):
    """Average-pool NCHW ``data`` to ``output_size`` with adaptive bins: output ``i`` averages inputs
    ``floor(i*H/h)`` to ``ceil((i+1)*H/h)``, so bins overlap when sizes do not divide."""
    if data.ndim < 4:
        raise MXNetError(f"Check failed: i >= 0 && i < ndim(): index = {data.ndim} must be in range [0, {data.ndim})")
    if data.ndim > 4:
        raise MXNetError(f"Check failed: dim == ndim() (4 vs. {data.ndim}) : dimension do not match target "
                         f"dimension 4 vs {data.ndim}")
    name_ = np.dtype(data.dtype).name
    if not name_.startswith("float"):
        raise MXNetError(_float_only_text(name_, bool_enum=True))
    height, width = _output_size(output_size)
    return _out(invoke(C.adaptive_avg_pool2d, (data,), {"height": height, "width": width}), out)
