"""``nd`` wrappers of the convolution, pooling, normalization and activation-family operators.

MXNet 1.x names, signatures and defaults (``nd.Convolution(data, weight, bias, kernel=..., ...)``),
so ``hybrid_forward(F, ...)`` code runs with ``F = nd``. Served through ``ndx.ndarray.nn_ops``.
"""
import numbers

import numpy as np

from .. import autograd
from ..base import MXNetError, unnamed_error
from ..base import shape_text as _shape_str
from ..ops import nn_act as A
from ..ops import nn_conv as C
from ..ops import nn_norm as N
from ..ops import nn_pool as P
from .dispatch import invoke
from .functions import _out
from .ndarray import _wrap
from .type_checks import check_float32_only, check_same_dtype, check_type_consistent, check_uniform_dtype

__all__ = ["BatchNorm", "Convolution", "Deconvolution", "Dropout", "Embedding", "GroupNorm", "InstanceNorm",
           "L2Normalization", "LayerNorm", "LeakyReLU", "Pooling", "SoftmaxOutput", "UpSampling",
           "softmax_cross_entropy"]

_CHANNEL_LAST = {"NWC": 1, "NHWC": 2, "NDHWC": 3}
_CHANNEL_FIRST = {"NCW": 1, "NCHW": 2, "NCDHW": 3}
_RANK_OF_LAYOUT = {**_CHANNEL_LAST, **_CHANNEL_FIRST}


def _tuple(value, nd, name, default):
    if value is None or value == ():
        return (default,) * nd
    if isinstance(value, numbers.Integral):
        return (int(value),) * nd
    value = tuple(int(v) for v in value)
    if len(value) != nd:
        raise MXNetError(f"{name} must have {nd} elements (one per spatial dimension), got {value}")
    return value


def _layout(layout, ndim, op):
    nd = ndim - 2
    if nd not in (1, 2, 3):
        raise MXNetError(f"{op} expects 3-D, 4-D or 5-D input (N, C, spatial...), got {ndim}-D")
    if layout is None or layout == "None":
        return nd, False
    if layout in _CHANNEL_LAST and _CHANNEL_LAST[layout] == nd:
        return nd, True
    if layout in _CHANNEL_FIRST and _CHANNEL_FIRST[layout] == nd:
        return nd, False
    raise MXNetError(f"{op}: layout {layout!r} does not fit {ndim}-D input")


# ----------------------------------------------------------------------------- convolution

def _conv_attrs(data, kernel, stride, dilate, pad, num_group, layout, op):
    nd, last = _layout(layout, data.ndim, op)
    kernel = _tuple(kernel, nd, "kernel", 1)
    return nd, {"kernel": kernel, "stride": _tuple(stride, nd, "stride", 1),
                "dilate": _tuple(dilate, nd, "dilate", 1), "pad": _tuple(pad, nd, "pad", 0),
                "num_group": int(num_group), "channel_last": last}


def _shape_inconsistent(provided, dim, size):
    """MXNet's shape-inference error for a weight whose ``dim`` should be ``size``."""
    inferred = list(provided)
    inferred[dim] = size
    raise MXNetError(f"MXNetError: Shape inconsistent, Provided = [{','.join(map(str, provided))}], "
                     f"inferred shape=({','.join(map(str, inferred))})")


_CONV_RANKS = {1: "3D in batch-num_filter-x", 2: "4D in batch-num_filter-y-x", 3: "5D in batch-num_filter-depth-y-x"}
_POOL_RANKS = {1: "3D in (batch, channel, x)", 2: "4D in (batch, channel, y, x)", 3: "5D in (batch, channel, d, y, x)"}
_POOL_ANY_RANK = ("Input data should be  3D in (batch, channel, x) Or 4D in (batch, channel, y, x)  "
                  "Or 5D in (batch, channel, d, y, x)")


def check_conv_rank(ndim, kernel, op="Convolution"):
    """MXNet's check that the input has 2 + len(kernel) dims (the kernel sets the convolution's rank)."""
    k = len(kernel) if isinstance(kernel, (tuple, list)) else None
    if k in _CONV_RANKS and ndim != k + 2:
        var = "dshp" if op == "Convolution" else "dshape"
        raise MXNetError(f"MXNetError: Check failed: {var}.ndim() == {k + 2}U ({ndim} vs. {k + 2}) : "
                         f"Input data should be {_CONV_RANKS[k]}")


def check_pool_rank(ndim, kernel, global_pool):
    """MXNet's Pooling checks: 3-5 input dims, and 2 + len(kernel) of them unless pooling globally."""
    if ndim < 3:
        raise MXNetError(f"Pooling: Check failed: dshape.ndim() >= 3 ({ndim} vs. 3) : {_POOL_ANY_RANK}")
    if ndim > 5:
        raise MXNetError(f"Pooling: Check failed: dshape.ndim() <= 5 ({ndim} vs. 5) : {_POOL_ANY_RANK}")
    k = len(kernel) if isinstance(kernel, (tuple, list)) else None
    if not global_pool and k in _POOL_RANKS and ndim != k + 2:
        raise MXNetError(f"Pooling: Check failed: dshape.ndim() == {k + 2}U ({ndim} vs. {k + 2}) : "
                         f"Input data should be {_POOL_RANKS[k]}")


def _check_kernel_fits(spatial, attrs):
    """MXNet's Convolution shape check: each dilated kernel extent must fit in the padded input."""
    names = ("d", "y", "x")[3 - len(spatial):]
    for i, (n, k, d, p) in enumerate(zip(spatial, attrs["kernel"], attrs["dilate"], attrs["pad"])):
        extent = d * (k - 1) + 1
        if extent > n + 2 * p:
            raise MXNetError(f"MXNetError: Check failed: dilated_ksize_{names[i]} <= AddPad(dshape[{i + 2}], "
                             f"param_.pad[{i}]) ({extent} vs. {n + 2 * p}) : kernel size exceed input")


def Convolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(), num_filter=None, num_group=1,
                workspace=1024, no_bias=False, cudnn_tune=None, cudnn_off=False, layout=None, out=None, name=None,
                **kwargs):
    """N-D convolution: ``weight`` (num_filter, C/num_group, *kernel) for channel-first layouts."""
    check_conv_rank(data.ndim, kernel, "Convolution")
    check_uniform_dtype((("data", data), ("weight", weight), ("bias", None if no_bias else bias)))
    nd, attrs = _conv_attrs(data, kernel, stride, dilate, pad, num_group, layout, "Convolution")
    c = data.shape[-1] if attrs["channel_last"] else data.shape[1]
    g = attrs["num_group"]
    if c % g:
        raise MXNetError(f"MXNetError: Check failed: dshape[1] % param_.num_group == 0U ({c % g} vs. 0) : "
                         "input num_filter must divide group size")
    wdim = weight.ndim - 1 if attrs["channel_last"] else 1
    if weight.shape[wdim] != c // g:
        _shape_inconsistent(weight.shape, wdim, c // g)
    _check_kernel_fits(data.shape[1:-1] if attrs["channel_last"] else data.shape[2:], attrs)
    act = kwargs.pop("_fused_act", None)  # ndx-internal: Gluon conv layers fuse their ReLU
    if act is not None:
        attrs["act"] = act
    args = (data, weight) if no_bias or bias is None else (data, weight, bias)
    return _out(invoke(C.convolution, args, attrs), out)


def Deconvolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(), adj=(), target_shape=(),
                  num_filter=None, num_group=1, workspace=512, no_bias=True, cudnn_tune=None, cudnn_off=False,
                  layout=None, out=None, name=None, **kwargs):
    """Transposed convolution: ``weight`` (C, num_filter/num_group, *kernel); output size
    ``(in-1)*stride - 2*pad + dilate*(kernel-1) + 1 + adj`` (or ``target_shape``)."""
    check_conv_rank(data.ndim, kernel, "Deconvolution")
    check_uniform_dtype((("data", data), ("weight", weight), ("bias", None if no_bias else bias)))
    nd, attrs = _conv_attrs(data, kernel, stride, dilate, pad, num_group, layout, "Deconvolution")
    adj = _tuple(adj, nd, "adj", 0)
    if target_shape:
        spatial = data.shape[1:-1] if attrs["channel_last"] else data.shape[2:]
        target = _tuple(target_shape, nd, "target_shape", 0)
        adj, pad = [], list(attrs["pad"])
        for i in range(nd):
            full = C.deconv_out_size(spatial[i], attrs["kernel"][i], attrs["stride"][i], attrs["dilate"][i], 0, 0)
            total = full - target[i]
            pad[i] = (total + 1) // 2
            adj.append(total % 2)
        attrs["pad"] = tuple(pad)
        adj = tuple(adj)
    attrs["adj"] = adj
    c = data.shape[-1] if attrs["channel_last"] else data.shape[1]
    if weight.shape[0] != c:
        _shape_inconsistent(weight.shape, 0, c)
    args = (data, weight) if no_bias or bias is None else (data, weight, bias)
    return _out(invoke(C.deconvolution, args, attrs), out)


# ----------------------------------------------------------------------------- pooling

def Pooling(data, kernel=(), pool_type="max", global_pool=False, cudnn_off=False, pooling_convention="valid",
            stride=(), pad=(), p_value=None, count_include_pad=None, layout=None, out=None, name=None, **kwargs):
    """Max/avg/sum/lp pooling over 1-3 spatial dims; ``pooling_convention`` 'valid' (floor), 'full' (ceil)
    or 'same'; ``global_pool`` pools each channel's whole extent to size 1."""
    check_pool_rank(data.ndim, kernel, global_pool)
    if global_pool and layout in _RANK_OF_LAYOUT and _RANK_OF_LAYOUT[layout] != data.ndim - 2:
        # the layout fixes the pooled rank: MXNet's kernel check fails on a missing dim, or the kernel refuses
        want = _RANK_OF_LAYOUT[layout]
        raise unnamed_error(f"MXNetError: Check failed: kernel[{data.ndim - 2}] > 0 (0 vs. 0) : Filter dimensions "
                            "cannot be zero." if want > data.ndim - 2 else "MXNetError: dimensions are invalid")
    nd, last = _layout(layout, data.ndim, "Pooling")
    if pool_type not in ("max", "avg", "sum", "lp"):
        raise MXNetError(f"Invalid Input: '{pool_type}', valid values are: {{'avg', 'lp', 'max', 'sum'}}, "
                         f"in operator Pooling(pool_type=\"{pool_type}\")")
    spatial = data.shape[1:-1] if last else data.shape[2:]
    if global_pool:
        attrs = {"kernel": tuple(spatial), "stride": (1,) * nd, "pad": (0,) * nd, "convention": "valid"}
    else:
        attrs = {"kernel": _tuple(kernel, nd, "kernel", 1), "stride": _tuple(stride, nd, "stride", 1),
                 "pad": _tuple(pad, nd, "pad", 0), "convention": pooling_convention}
    if not global_pool:
        dname = ("dshape_ncw", "dshape_nchw", "dshape_ncdhw")[nd - 1]
        for i, (n, k, p) in enumerate(zip(spatial, attrs["kernel"], attrs["pad"])):
            if k > n + 2 * p:
                check = f"param.kernel[{i}] <= {dname}[{i + 2}] + 2 * param.pad[{i}]"
                raise MXNetError(f"MXNetError: Check failed: {check} ({k} vs. {n + 2 * p}) : kernel size exceeds input"
                                 if nd == 3 else f"MXNetError: Check failed: {check}: kernel size ({k}) exceeds "
                                 f"input ({n} padded to {n + 2 * p})")
    p_value = 2 if p_value is None else int(p_value)
    if pool_type == "lp" and p_value not in (1, 2, 3):
        raise MXNetError(f"MXNetError: p value of {p_value} is not supported yet...")
    attrs.update(pool_type=pool_type, count_include_pad=True if count_include_pad is None else bool(count_include_pad),
                 p_value=p_value)
    if last:
        perm = (0, nd + 1) + tuple(range(1, nd + 1))
        back = (0,) + tuple(range(2, nd + 2)) + (1,)
        return _out(invoke(P.pooling, (data.transpose(perm),), attrs).transpose(back), out)
    return _out(invoke(P.pooling, (data,), attrs), out)


# ----------------------------------------------------------------------------- normalization

def check_norm_axis(ndim, axis, op):
    """The channel axis of BatchNorm/LayerNorm as a non-negative index, or MXNet's shape-check failure."""
    ax = axis + ndim if axis < 0 else axis
    if 0 <= ax < ndim:
        return ax
    if op == "BatchNorm":  # MXNet prints the wrapped-around unsigned index
        raise MXNetError(f"MXNetError: Check failed: channelAxis < dshape.ndim() ({ax % 2 ** 64} vs. {ndim}) : "
                         f"Channel axis out of range: {axis}")
    raise MXNetError("MXNetError: Check failed: axis >= 0 && axis < dshape.ndim(): "
                     f"Channel axis out of range: axis={axis}")


def BatchNorm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9, fix_gamma=True,
              use_global_stats=False, output_mean_var=False, axis=1, cudnn_off=False, min_calib_range=None,
              max_calib_range=None, out=None, name=None, **kwargs):
    """Batch normalization. In training mode (``autograd.is_training()``) it uses batch statistics and the
    backward pass moves ``moving_mean``/``moving_var`` by ``momentum``; otherwise the moving statistics."""
    attrs = {"eps": float(eps), "momentum": float(momentum), "fix_gamma": bool(fix_gamma),
             "use_global_stats": bool(use_global_stats), "axis": check_norm_axis(data.ndim, int(axis), "BatchNorm"),
             "training": autograd.is_training(), "output_mean_var": bool(output_mean_var)}
    # float16 data takes float32 parameters; any other dtype its own
    check_uniform_dtype((("data", data), ("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                         ("moving_var", moving_var)),
                        expected="float32" if data._data.dtype == np.float16 else data._data.dtype, var="dtype_param")
    op = N.batch_norm_mean_var if output_mean_var else N.batch_norm
    result = invoke(op, (data, gamma, beta, moving_mean, moving_var), attrs)
    if fix_gamma:  # MXNet's operator sets gamma to 1 in place on every forward
        gamma._data[...] = 1
    return _out(result, out)


def LayerNorm(data, gamma, beta, axis=-1, eps=1e-5, output_mean_var=False, out=None, name=None, **kwargs):
    """Normalize over ``axis`` (biased variance), then ``* gamma + beta`` (shape (C,))."""
    check_same_dtype((data, gamma, beta))
    axis = check_norm_axis(data.ndim, int(axis), "LayerNorm")
    shape = data.shape
    if gamma.shape != (shape[axis],) or beta.shape != (shape[axis],):
        provided = gamma.shape if gamma.shape != (shape[axis],) else beta.shape
        raise MXNetError(f"MXNetError: Shape inconsistent, Provided = [{','.join(map(str, provided))}], "
                         f"inferred shape=[{shape[axis]}]")
    view = (int(np.prod(shape[:axis])), shape[axis], int(np.prod(shape[axis + 1:])))
    return _out(invoke(N.affine_norm, (data, gamma, beta),
                       {"view": view, "axes": (1,), "pshape": (1, shape[axis], 1), "eps": float(eps)}), out)


def InstanceNorm(data, gamma, beta, eps=1e-3, out=None, name=None, **kwargs):
    """Normalize each (sample, channel) over the spatial axes, then per-channel ``* gamma + beta``."""
    if data.ndim < 3:
        raise MXNetError(f"MXNetError: Check failed: in_data[instance_norm: :kData].ndim() >= 3 ({data.ndim} vs. 3) : "
                         "InstanceNorm only supports input tensors of rank >= 3.")
    check_float32_only((data, gamma, beta))
    n, c = data.shape[:2]
    view = (n, c, int(np.prod(data.shape[2:])))
    return _out(invoke(N.affine_norm, (data, gamma, beta),
                       {"view": view, "axes": (2,), "pshape": (1, c, 1), "eps": float(eps)}), out)


def GroupNorm(data, gamma, beta, num_groups=1, eps=1e-5, output_mean_var=False, out=None, name=None, **kwargs):
    """Normalize each sample's channel groups; gamma/beta have one value per group (MXNet 1.x)."""
    if data.ndim < 3:
        raise MXNetError(f"MXNetError: Check failed: dshape.ndim() >= 3U ({data.ndim} vs. 3) : ")
    n = data.shape[0]
    g = int(num_groups)
    if data.shape[1] % g:
        raise MXNetError(f"MXNetError: Check failed: dshape[1] % num_groups == 0 ({data.shape[1] % g} vs. 0) : "
                         "# of channels must be divisible by # of groups")
    check_same_dtype((data, gamma, beta))
    view = (n, g, data.size // (n * g) if n else 0)
    return _out(invoke(N.affine_norm, (data, gamma, beta),
                       {"view": view, "axes": (2,), "pshape": (1, g, 1), "eps": float(eps)}), out)


def L2Normalization(data, eps=1e-10, mode="instance", out=None, name=None, **kwargs):
    """``x / sqrt(sum(x**2) + eps)`` per instance (all but axis 0), per channel (axis 1) or spatially."""
    if mode not in ("instance", "channel", "spatial"):
        raise MXNetError(f"Invalid Input: '{mode}', valid values are: {{'channel', 'instance', 'spatial'}}, "
                         f"in operator L2Normalization(mode=\"{mode}\")")
    return _out(invoke(N.l2_normalization, (data,), {"eps": float(eps), "mode": mode}), out)


# ----------------------------------------------------------------------------- activations, losses, misc

_LEAKY_TYPES = ("elu", "gelu", "leaky", "prelu", "rrelu", "selu")


def LeakyReLU(data, gamma=None, act_type="leaky", slope=0.25, lower_bound=0.125, upper_bound=0.334, out=None,
              name=None, **kwargs):
    """leaky: ``x if x>0 else slope*x``; prelu: learned ``gamma`` per channel; elu (alpha=slope); selu; gelu;
    rrelu: ``[output, mask]`` as MXNet: in training each negative element gets a slope drawn from
    U(lower_bound, upper_bound) (the mask holds the slopes); otherwise the mean slope, and the mask is zeros
    (MXNet leaves it uninitialized)."""
    if act_type not in _LEAKY_TYPES:
        raise MXNetError(f"Invalid Input: '{act_type}', valid values are: {{'elu', 'gelu', 'leaky', 'prelu', "
                         f"'rrelu', 'selu'}}, in operator LeakyReLU(act_type=\"{act_type}\")")
    attrs = {"act_type": act_type, "slope": float(slope), "lower_bound": float(lower_bound),
             "upper_bound": float(upper_bound)}
    if act_type == "rrelu":
        return _rrelu(data, attrs, out)
    if act_type == "prelu":
        check_type_consistent(data, gamma)
        if gamma.size != 1 and gamma.size != data.shape[1 if data.ndim > 1 else 0]:
            raise unnamed_error(f"MXNetError: Check failed: s == -1: Cannot broadcast gamma to data. gamma: "
                                f"{_shape_str(gamma.shape)}, data: {_shape_str(data.shape)}")
    args = (data, gamma) if act_type == "prelu" else (data,)
    return _out(invoke(A.leaky_relu, args, attrs), out)


def _rrelu(data, attrs, out):
    ctx = data._ctx
    dt = np.dtype(data.dtype)
    if autograd.is_training():
        slopes = _wrap(ctx.backend.generator(ctx).uniform(attrs["lower_bound"], attrs["upper_bound"], data.shape,
                                                          dt), ctx)
        y = invoke(A.rrelu_train, (data, slopes))
        return [_out(y, out), slopes]
    return [_out(invoke(A.leaky_relu, (data,), attrs), out), _wrap(ctx.backend.xp.zeros(data.shape, dt), ctx)]


def softmax_cross_entropy(data, label, out=None, name=None, **kwargs):
    """Sum over the batch of ``-log(softmax(data)[label])``; shape (1,)."""
    return _out(invoke(A.softmax_cross_entropy, (data, label)), out)


def SoftmaxOutput(data, label, grad_scale=1.0, ignore_label=-1.0, multi_output=False, use_ignore=False,
                  preserve_shape=False, normalization="null", out_grad=False, smooth_alpha=0.0, out=None, name=None,
                  **kwargs):
    """Softmax forward; its backward is ``(softmax - onehot(label)) * grad_scale`` whatever the head gradient."""
    attrs = {"grad_scale": float(grad_scale), "ignore_label": float(ignore_label),
             "multi_output": bool(multi_output), "use_ignore": bool(use_ignore),
             "preserve_shape": bool(preserve_shape), "normalization": normalization}
    return _out(invoke(A.softmax_output, (data, label), attrs), out)


_UNSET = object()


def _dropout_attrs(given):
    """The attributes MXNet's Dropout error texts list: the name, then those the caller gave."""
    return ", ".join(['name=""'] + [f'{k}="{v}"' for k, v in given if v is not _UNSET])


def Dropout(data, p=0.5, mode=_UNSET, axes=_UNSET, cudnn_off=_UNSET, out=None, name=None, **kwargs):
    """Inverted dropout: in training mode (or ``mode='always'``) zero each element with probability ``p`` and
    scale the kept ones by ``1/(1-p)``; the mask is shared along ``axes``. Otherwise an identity copy.

    ``mode`` defaults to ``'training'``, ``axes`` to ``()``, ``cudnn_off`` to False; ``p`` outside [0, 1]
    and an unknown ``mode`` are MXNet's errors, whatever the mode."""
    given = (("cudnn_off", cudnn_off), ("axes", axes), ("mode", mode), ("p", p))
    mode = "training" if mode is _UNSET else mode
    axes = () if axes is _UNSET else axes
    if not 0 <= float(p) <= 1:
        raise MXNetError(f"MXNetError: value {float(p):g} for Parameter p exceed bound [0,1]\n"
                         f"p: Fraction of the input that gets dropped out during training time., "
                         f"in operator Dropout({_dropout_attrs(given)})")
    if mode not in ("training", "always"):
        raise MXNetError(f"MXNetError: Invalid Input: '{mode}', valid values are: {{'always', 'training'}}, "
                         f"in operator Dropout({_dropout_attrs(given)})")
    active = mode == "always" or autograd.is_training()
    if not active or p == 0:
        return _out(invoke(_identity(), (data,)), out)
    ctx = data._ctx
    shape = tuple(1 if i in {a % data.ndim for a in axes} else n for i, n in enumerate(data.shape))
    keep = 1.0 - float(p)
    dt = np.dtype(data.dtype)
    u = ctx.backend.generator(ctx).uniform(0.0, 1.0, shape, dt)
    mask = (u < keep).astype(dt) * dt.type(1.0 / keep) if keep > 0 else ctx.backend.xp.zeros(shape, dt)
    return _out(invoke(A.apply_mask, (data, _wrap(mask, ctx))), out)


def _identity():
    from ..ops import elemwise as E
    return E.identity


def Embedding(data, weight, input_dim=None, output_dim=None, dtype="float32", sparse_grad=False, out=None,
              name=None, **kwargs):
    """Rows of ``weight`` for the indices in ``data`` (truncated toward zero, clipped to [0, input_dim-1]);
    output shape ``data.shape + (output_dim,)``. ``sparse_grad`` is accepted; the gradient is dense."""
    input_dim = weight.shape[0] if input_dim is None else int(input_dim)
    return _out(invoke(A.embedding, (data, weight), {"input_dim": input_dim}), out)


def UpSampling(*data, scale=1, sample_type="nearest", num_args=1, num_filter=0, multi_input_mode="concat",
               workspace=512, out=None, name=None, **kwargs):
    """Upsample NCHW input by the integer ``scale``: ``nearest`` repeats pixels; ``bilinear`` is MXNet's
    depthwise Deconvolution of ``data`` with the ``weight`` input (C, 1, k, k), ``k = 2*scale - scale%2``,
    stride ``scale``, pad ``ceil((scale-1)/2)`` (initialize the weight with ``mx.init.Bilinear()``)."""
    scale = int(scale)
    if sample_type == "bilinear":
        if len(data) != 2:
            raise MXNetError(f"Check failed: num_inputs == infered_num_inputs ({len(data)} vs. 2) : "
                             f"Operator UpSampling expects 2 inputs, but got {len(data)} instead.")
        x, weight = data
        k = 2 * scale - scale % 2
        c = x.shape[1]
        if weight.shape != (c, 1, k, k):
            raise MXNetError(f"MXNetError: Shape inconsistent, Provided = {_shape_str(weight.shape)}, "
                             f"inferred shape=({c},1,{k},{k})")
        p = scale // 2  # ceil((scale - 1) / 2)
        attrs = {"kernel": (k, k), "stride": (scale, scale), "dilate": (1, 1), "pad": (p, p), "adj": (0, 0),
                 "num_group": c, "channel_last": False}
        return _out(invoke(C.deconvolution, (x, weight), attrs), out)
    if sample_type != "nearest":
        raise MXNetError(f"Invalid Input: '{sample_type}', valid values are: {{'bilinear', 'nearest'}}, "
                         f"in operator UpSampling(sample_type=\"{sample_type}\")")
    if len(data) != 1:
        raise NotImplementedError("UpSampling: ndx supports one input (num_args=1) for sample_type='nearest'")
    return _out(invoke(A.upsampling_nearest, (data[0],), {"scale": scale}), out)

