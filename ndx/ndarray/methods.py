"""NDArray methods that mirror ``nd`` functions (``x.sum()``, ``x.reshape(...)``, ...)."""
from . import functions as F
from .ndarray import NDArray


def _reshape(self, *shape, **kwargs):
    unknown = [k for k in kwargs if k not in ("shape", "reverse")]
    if unknown:
        raise TypeError(f"Got unknown keywords in reshape: {', '.join(unknown)}. "
                        "Accepted keyword arguments are 'shape' and 'reverse'.")
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = tuple(shape[0])  # x.reshape(()) is a 0-d array
    elif not shape:
        shape = kwargs.pop("shape", None)
        assert shape, "Shape must be provided."
    kwargs.pop("shape", None)
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


def _broadcast_to(self, shape):
    """The method, unlike ``nd.broadcast_to``, first gives the array leading axes of length 1, as numpy does."""
    have = self.shape
    problem = ValueError("operands could not be broadcast together with remapped shapes"
                         "[original->remapped]: {} and requested shape {}".format(have, shape))
    if len(shape) < len(have):
        raise problem
    padded = (1,) * (len(shape) - len(have)) + have
    if any(h != n and h != 1 for h, n in zip(padded, shape)):
        raise problem
    return F.broadcast_to(self.reshape(padded) if padded != have else self, tuple(shape))


def _broadcast_like(self, other):
    return _broadcast_to(self, other.shape)


def _split(self, num_outputs, axis=1, squeeze_axis=False):
    return F.split(self, num_outputs, axis, squeeze_axis)


_SAME = ["reshape_like", "flatten", "expand_dims", "squeeze", "swapaxes", "broadcast_axes", "tile", "repeat", "flip", "slice", "slice_axis", "slice_like", "take", "pick",
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
    NDArray.broadcast_to = _broadcast_to
    NDArray.broadcast_like = _broadcast_like
