"""Activation-like NN ops: the LeakyReLU family, softmax losses, Dropout, Embedding, UpSampling.

Random parts (Dropout's mask) are drawn by the ``nd`` wrapper from the context's generator and
passed in as an input, so the ops themselves stay deterministic.
"""
import math

from .elemwise import erf_array
from .op import Op

SELU_ALPHA = 1.6732632423543772
SELU_LAMBDA = 1.0507009873554805
_INV_SQRT2 = 1 / math.sqrt(2.0)
_INV_SQRT2PI = 1 / math.sqrt(2.0 * math.pi)


# ----------------------------------------------------------------------------- LeakyReLU family

def _gamma_shape(x, gamma):
    """PReLU's slope broadcasts along axis 1 (one per channel), or everywhere if it has one element."""
    if gamma.size == 1:
        return (1,) * x.ndim
    return (1, -1) + (1,) * (x.ndim - 2) if x.ndim > 1 else (-1,)  # 1-D data: one slope per element


def _leaky_fwd(xp, x, *gamma, act_type, slope, lower_bound, upper_bound):
    t = x.dtype.type
    if act_type == "leaky":
        return xp.where(x > 0, x, x * t(slope))
    if act_type == "rrelu":
        return xp.where(x > 0, x, x * t((lower_bound + upper_bound) / 2))
    if act_type == "prelu":
        a = gamma[0]
        a = a.reshape(_gamma_shape(x, a))
        return xp.where(x > 0, x, x * a.astype(x.dtype, copy=False))
    if act_type == "elu":
        return xp.where(x > 0, x, t(slope) * xp.expm1(xp.minimum(x, 0)))
    if act_type == "selu":
        return t(SELU_LAMBDA) * xp.where(x > 0, x, t(SELU_ALPHA) * xp.expm1(xp.minimum(x, 0)))
    if act_type == "gelu":
        return (x * t(0.5) * (1 + erf_array(xp, x * t(_INV_SQRT2)))).astype(x.dtype, copy=False)
    raise ValueError(f"unknown act_type {act_type!r}")


def _leaky_bwd(xp, g, inputs, y, saved, act_type, slope, lower_bound, upper_bound):
    x = inputs[0]
    t = x.dtype.type
    pos = x > 0
    if act_type == "leaky":
        return (xp.where(pos, g, g * t(slope)),)
    if act_type == "rrelu":
        return (xp.where(pos, g, g * t((lower_bound + upper_bound) / 2)),)
    if act_type == "prelu":
        a = inputs[1]
        ab = a.reshape(_gamma_shape(x, a)).astype(x.dtype, copy=False)
        dx = xp.where(pos, g, g * ab)
        da = xp.where(pos, 0, g * x)
        channel = 1 if x.ndim > 1 else 0
        axes = tuple(i for i in range(x.ndim) if a.size == 1 or i != channel)
        return dx, da.sum(axis=axes).reshape(a.shape).astype(a.dtype, copy=False)
    if act_type == "elu":
        return (xp.where(pos, g, g * (y + t(slope))),)
    if act_type == "selu":
        # MXNet 1.9.1's gradient for x <= 0 is lambda*(y + alpha), not the derivative lambda*alpha*exp(x)
        return (xp.where(pos, g * t(SELU_LAMBDA), g * t(SELU_LAMBDA) * (y + t(SELU_ALPHA))),)
    # gelu: d/dx x*Phi(x) = Phi(x) + x*phi(x)
    phi = xp.exp(-x * x * t(0.5)) * t(_INV_SQRT2PI)
    cdf = t(0.5) * (1 + erf_array(xp, x * t(_INV_SQRT2)))
    return ((g * (cdf + x * phi)).astype(x.dtype, copy=False),)


leaky_relu = Op("LeakyReLU", _leaky_fwd, _leaky_bwd)


def _rrelu_train_fwd(xp, x, slopes):
    return xp.where(x > 0, x, x * slopes)


def _rrelu_train_bwd(xp, g, inputs, y, saved):
    x, slopes = inputs
    return xp.where(x > 0, g, g * slopes), None


rrelu_train = Op("LeakyReLU", _rrelu_train_fwd, _rrelu_train_bwd)


# ----------------------------------------------------------------------------- softmax losses

def _softmax(xp, x, axis):
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _onehot(xp, label, n, axis, ndim, dtype):
    """One-hot of integer-valued ``label`` along ``axis`` of an ``ndim`` output."""
    lab = label.astype("int64")
    shape = [1] * ndim
    shape[axis] = n
    return (xp.expand_dims(lab, axis) == xp.arange(n).reshape(shape)).astype(dtype)


def _sce_fwd(xp, x, label):
    p = _softmax(xp, x, -1)
    oh = _onehot(xp, label, x.shape[-1], x.ndim - 1, x.ndim, x.dtype)
    tiny = x.dtype.type(1e-30)
    return (-(xp.log(xp.maximum(p, tiny)) * oh).sum()).reshape(1).astype(x.dtype), p


def _sce_bwd(xp, g, inputs, y, p, **attrs):
    x, label = inputs
    oh = _onehot(xp, label, x.shape[-1], x.ndim - 1, x.ndim, x.dtype)
    return (p - oh) * g.reshape(()), None


softmax_cross_entropy = Op("softmax_cross_entropy", _sce_fwd, _sce_bwd, saves=True)


def _so_axis(x, multi_output, preserve_shape):
    if multi_output:
        return 1
    return -1 if preserve_shape or x.ndim == 2 else None


def _so_fwd(xp, x, label, grad_scale, ignore_label, multi_output, use_ignore, preserve_shape, normalization):
    axis = _so_axis(x, multi_output, preserve_shape)
    if axis is None:  # MXNet flattens the trailing dims into one softmax axis
        return _softmax(xp, x.reshape(x.shape[0], -1), -1).reshape(x.shape)
    return _softmax(xp, x, axis)


def _so_bwd(xp, g, inputs, p, saved, grad_scale, ignore_label, multi_output, use_ignore, preserve_shape,
            normalization):
    # SoftmaxOutput is a loss layer: its gradient ignores the head gradient, as in MXNet
    x, label = inputs
    axis = _so_axis(x, multi_output, preserve_shape)
    pv = p if axis is not None else p.reshape(x.shape[0], -1)
    ax = axis if axis is not None else 1
    ax = ax % pv.ndim
    lab = label.reshape(tuple(n for i, n in enumerate(pv.shape) if i != ax))
    grad = pv - _onehot(xp, lab, pv.shape[ax], ax, pv.ndim, pv.dtype)
    valid_count = None
    if use_ignore:
        keep = xp.expand_dims(lab != ignore_label, ax)
        grad = grad * keep
        valid_count = keep.sum()
    scale = grad_scale
    if normalization == "batch":
        scale = scale / x.shape[0]
    grad = grad * pv.dtype.type(scale)
    if normalization == "valid":
        n = valid_count if valid_count is not None else xp.asarray(lab.size)
        grad = grad / xp.maximum(n, 1).astype(pv.dtype)
    return grad.reshape(x.shape), None


softmax_output = Op("SoftmaxOutput", _so_fwd, _so_bwd)


# ----------------------------------------------------------------------------- Dropout (mask given)

def _mask_fwd(xp, x, mask):
    return x * mask


def _mask_bwd(xp, g, inputs, y, saved):
    from .op import unbroadcast
    return unbroadcast(xp, g * inputs[1], inputs[0].shape), None


apply_mask = Op("Dropout", _mask_fwd, _mask_bwd)


# ----------------------------------------------------------------------------- Embedding

def _emb_index(xp, data, input_dim):
    return xp.clip(data.astype("int64") if data.dtype.kind == "f" else data, 0, input_dim - 1)


def _emb_fwd(xp, data, weight, input_dim):
    return weight[_emb_index(xp, data, input_dim)]


def _emb_bwd(xp, g, inputs, y, saved, input_dim, needs=(False, True)):
    from ..backends import scatter_add
    if needs[0]:  # MXNet's backward refuses a gradient request for the indices
        from ..base import MXNetError
        raise MXNetError("MXNetError: Check failed: req[embedding: :kData] == kNullOp (1 vs. 0) : "
                         "Embedding layer doesn't support calculate data gradient")
    data, weight = inputs
    idx = _emb_index(xp, data, input_dim).reshape(-1)
    dw = xp.zeros(weight.shape, dtype=g.dtype)
    scatter_add(xp, dw, idx, g.reshape(-1, weight.shape[1]))
    return None, dw


embedding = Op("Embedding", _emb_fwd, _emb_bwd, masked=True)


# ----------------------------------------------------------------------------- UpSampling (nearest)

def _up_fwd(xp, x, scale):
    n, c, h, w = x.shape
    y = xp.broadcast_to(x[:, :, :, None, :, None], (n, c, h, scale, w, scale))
    return y.reshape(n, c, h * scale, w * scale)


def _up_bwd(xp, g, inputs, y, saved, scale):
    n, c, h, w = inputs[0].shape
    return (g.reshape(n, c, h, scale, w, scale).sum(axis=(3, 5)),)


upsampling_nearest = Op("UpSampling", _up_fwd, _up_bwd)
