"""NDArray methods that mirror ``nd`` functions (``x.sum()``, ``x.reshape(...)``, ...)."""
from . import functions as F
from .ndarray import NDArray


def _reshape(self, *shape, **kwargs):
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = shape[0]
    if not shape:
        shape = kwargs.pop("shape")
    return F.reshape(self, shape, **kwargs)


def _transpose(self, *args, axes=None):
    if args:
        axes = args[0]
    if isinstance(axes, int):
        len(axes)  # MXNet rejects ints and varargs: TypeError: object of type 'int' has no len()
    return F.transpose(self, axes)


def _zeros_like(self, *args, **kwargs):
    return F.zeros_like(self)


def _ones_like(self, *args, **kwargs):
    return F.ones_like(self)


def _split(self, num_outputs, axis=1, squeeze_axis=False):
    return F.split(self, num_outputs, axis, squeeze_axis)


_SAME = ["reshape_like", "flatten", "expand_dims", "squeeze", "swapaxes", "broadcast_to", "broadcast_like",
         "broadcast_axes", "tile", "repeat", "flip", "slice", "slice_axis", "slice_like", "take", "pick",
         "one_hot", "pad", "sort", "argsort", "topk", "argmax", "argmin", "argmax_channel", "sum", "nansum",
         "mean", "max", "min", "prod", "norm", "clip", "softmax", "log_softmax", "softmin", "split_v2"]


def install():
    for name in _SAME:
        setattr(NDArray, name, getattr(F, name))
    for name in F._UNARY:
        if name not in ("negative", "identity", "stop_gradient"):
            setattr(NDArray, name, getattr(F, name))
    NDArray.reshape = _reshape
    NDArray.transpose = _transpose
    NDArray.zeros_like = _zeros_like
    NDArray.ones_like = _ones_like
    NDArray.split = _split
