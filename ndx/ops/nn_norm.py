"""Normalization ops: BatchNorm, the affine normalizations (LayerNorm, InstanceNorm, GroupNorm) and
L2Normalization, forward and backward.

Statistics use the biased variance (divide by the count), as MXNet does. BatchNorm's running
statistics are auxiliary inputs: like MXNet's CPU build, they are updated in place when the
backward pass runs through a training-mode BatchNorm (not during the recorded forward).
"""
import numpy

from .op import Op


def _stats(xp, x, axes):
    mean = x.mean(axis=axes, keepdims=True)
    d = x - mean
    var = (d * d).mean(axis=axes, keepdims=True)
    return mean, var


def _norm_grad(xp, dxhat, xhat, rstd, axes):
    """Gradient through ``xhat = (x - mean(x)) * rstd`` with batch statistics over ``axes``."""
    m1 = dxhat.mean(axis=axes, keepdims=True)
    m2 = (dxhat * xhat).mean(axis=axes, keepdims=True)
    return rstd * (dxhat - m1 - xhat * m2)


# ----------------------------------------------------------------------------- BatchNorm

def _bn_geometry(x, axis):
    axes = tuple(i for i in range(x.ndim) if i != axis)
    bshape = tuple(x.shape[axis] if i == axis else 1 for i in range(x.ndim))
    return axes, bshape


def _bn_fwd(xp, x, gamma, beta, mmean, mvar, eps, momentum, fix_gamma, use_global_stats, axis, training,
            output_mean_var):
    axes, bshape = _bn_geometry(x, axis)
    g = xp.ones(bshape, dtype=x.dtype) if fix_gamma else gamma.reshape(bshape).astype(x.dtype, copy=False)
    if training and not use_global_stats:
        mean, var = _stats(xp, x, axes)
    else:
        mean, var = mmean.reshape(bshape).astype(x.dtype), mvar.reshape(bshape).astype(x.dtype)
    rstd = 1 / xp.sqrt(var + x.dtype.type(eps))
    y = (x - mean) * (rstd * g) + beta.reshape(bshape).astype(x.dtype, copy=False)
    saved = (mean, var, rstd)
    if output_mean_var:
        # MXNet's extra outputs are the mean and the inverse standard deviation used
        return (y, mean.reshape(-1), rstd.reshape(-1)), saved
    return y, saved


def _bn_bwd(xp, gy, inputs, y, saved, eps, momentum, fix_gamma, use_global_stats, axis, training,
            output_mean_var):
    if output_mean_var:
        gy = gy[0]
    x, gamma, beta, mmean, mvar = inputs
    mean, var, rstd = saved
    axes, bshape = _bn_geometry(x, axis)
    xhat = (x - mean) * rstd
    g = xp.ones(bshape, dtype=x.dtype) if fix_gamma else gamma.reshape(bshape).astype(x.dtype, copy=False)
    if use_global_stats:
        dx = gy * (g * rstd)
    else:
        # MXNet differentiates through the statistics unless use_global_stats, even in inference mode
        # (where the "statistics" are the running ones): same formula, as observed on MXNet 1.9.1
        dx = _norm_grad(xp, gy * g, xhat, rstd, axes)
    if training and not use_global_stats:
        # running statistics move when the gradient flows, as in MXNet's CPU build
        # MXNet weighs in float32 whatever the dtype: 1 - 0.9 is 0.100000024, so a batch mean of 2
        # moves a zero running mean to 0.20000005
        m = numpy.float32(momentum)
        m, rest = float(m), float(numpy.float32(1) - m)
        mmean[...] = mmean * m + mean.reshape(-1).astype(mmean.dtype) * rest
        mvar[...] = mvar * m + var.reshape(-1).astype(mvar.dtype) * rest
    dgamma = xp.zeros_like(gamma) if fix_gamma else (gy * xhat).sum(axis=axes).astype(gamma.dtype, copy=False)
    dbeta = gy.sum(axis=axes).astype(beta.dtype, copy=False)
    return dx, dgamma, dbeta, None, None


batch_norm = Op("BatchNorm", _bn_fwd, _bn_bwd, saves=True)
batch_norm_mean_var = Op("BatchNorm", _bn_fwd, _bn_bwd, saves=True, multi_output=True)


# ----------------------------------------------------------------------------- LayerNorm, InstanceNorm, GroupNorm

def _an_fwd(xp, x, gamma, beta, view, axes, pshape, eps):
    """Normalize ``x`` viewed as ``view`` over ``axes``, then scale/shift by gamma/beta shaped ``pshape``."""
    v = x.reshape(view)
    mean, var = _stats(xp, v, axes)
    rstd = 1 / xp.sqrt(var + x.dtype.type(eps))
    xhat = (v - mean) * rstd
    y = xhat * gamma.reshape(pshape) + beta.reshape(pshape)
    return y.reshape(x.shape), (mean, rstd)


def _an_bwd(xp, gy, inputs, y, saved, view, axes, pshape, eps):
    x, gamma, beta = inputs
    mean, rstd = saved
    v = x.reshape(view)
    gv = gy.reshape(view)
    xhat = (v - mean) * rstd
    pax = tuple(i for i, n in enumerate(pshape) if n == 1)
    dx = _norm_grad(xp, gv * gamma.reshape(pshape), xhat, rstd, axes).reshape(x.shape)
    dgamma = (gv * xhat).sum(axis=pax).reshape(gamma.shape)
    dbeta = gv.sum(axis=pax).reshape(beta.shape)
    return dx, dgamma, dbeta


affine_norm = Op("Norm", _an_fwd, _an_bwd, saves=True)


# ----------------------------------------------------------------------------- L2Normalization

def _l2_axes(ndim, mode):
    if mode == "instance":
        return tuple(range(1, ndim))
    if mode == "channel":
        return (1,)
    return tuple(range(2, ndim))


def _l2_fwd(xp, x, eps, mode):
    axes = _l2_axes(x.ndim, mode)
    norm = xp.sqrt((x * x).sum(axis=axes, keepdims=True) + x.dtype.type(eps))
    return x / norm, norm


def _l2_bwd(xp, g, inputs, y, norm, eps, mode):
    axes = _l2_axes(y.ndim, mode)
    return ((g - y * (g * y).sum(axis=axes, keepdims=True)) / norm,)


l2_normalization = Op("L2Normalization", _l2_fwd, _l2_bwd, saves=True)
