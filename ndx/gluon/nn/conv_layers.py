"""Convolution, transposed convolution and pooling layers (``Conv2D``, ``MaxPool2D``, ...), as MXNet 1.x.

Parameters are created with unknown input channels (0) unless ``in_channels`` is given; the first
input fills them in (``_infer_shapes``). The reprs read the "in -> out" mapping naively from weight
dims 1 and 0, exactly as MXNet does (so NHWC and transposed convolutions print oddly there too).
"""
import numbers

from ...base import MXNetError
from ...base import shape_text as _dims
from ...ndarray.nn_layer_ops import _check_kernel_fits, check_conv_rank
from ..block import HybridBlock
from .basic_layers import Activation, fusable_relu

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
           "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D"]


def _expand(value, n):
    return (value,) * n if isinstance(value, numbers.Integral) else tuple(value)


_ADJ_AXES = {1: "x", 2: "yx", 3: "dyx"}
_DATA_VAR = {1: "dshape_ncw", 2: "dshape_nchw", 3: "dshape_ncdhw"}


def _check_conv_params(op, kw, in_channels, adj, prefix):
    """What MXNet's construction-time weight-shape inference rejects: first the operator's parameter
    parsing, then its shape checks (those name the operator node, ``conv0_convolution0``)."""
    kernel, nf, g = kw["kernel"], kw["num_filter"], kw["num_group"]
    if nf < 1:
        doc = "Number of output filters." if op == "Deconvolution" else (
            "Convolution filter(channel) number, in operator Convolution(name=\"\", layout=\"{layout}\", "
            "pad=\"{pad}\", num_filter=\"{num_filter}\", dilate=\"{dilate}\", num_group=\"{num_group}\", "
            "stride=\"{stride}\", no_bias=\"{no_bias}\", kernel=\"{kernel}\")".format(**kw))
        raise MXNetError(f"MXNetError: value {nf} for Parameter num_filter should be greater equal to 1\n"
                         f"num_filter: {doc}")
    for key, word, noun in (("stride", "Stride", "stride"), ("dilate", "Dilate", "dilate"),
                            ("pad", "Padding", "padding")):
        if len(kw[key]) != len(kernel):
            raise MXNetError(f"MXNetError: Check failed: param_.kernel.ndim() == param_.{key}.ndim() "
                             f"({len(kernel)} vs. {len(kw[key])}) : {word} must have the same number of dimensions "
                             f"with kernel_size,but kernel_size is set to {_dims(kernel)} while {noun} is "
                             f"{_dims(kw[key])}")
    failed = []  # (text, left, right, reason) of each failing check, in MXNet's order
    if in_channels and in_channels % g:
        var = "dshape[1]" if op == "Convolution" else _DATA_VAR[len(kernel)] + "[1]"
        failed.append((f"{var} % param_.num_group == 0U", in_channels % g, 0, "input num_filter must divide group size"))
    if nf % g:
        failed.append(("param_.num_filter % param_.num_group == 0U", nf % g, 0,
                       "output num_filter must divide group size"))
    for key in ("kernel", "stride", "dilate"):
        size = 1
        for v in kw[key]:
            size *= v
        if size <= 0:
            failed.append((f"param_.{key}.Size() > 0U", size, 0, f"incorrect {key} size: {_dims(kw[key])}"))
    for i, a in enumerate(adj or ()):
        if kw["stride"][i] - 1 < a:
            failed.append((f"param_.stride[{i}]-1 >= o_adj[{i}]", kw["stride"][i] - 1, a,
                           f"adj({_ADJ_AXES[len(kernel)][i]}) must be samller than stride[{i}]"))
    if failed:
        text, left, right, why = failed[0]
        raise MXNetError(f"MXNetError: Error in operator {prefix}{op.lower()}0: Check failed: {text} "
                         f"({left} vs. {right}) : {why}")



class _Conv(HybridBlock):
    """Shared N-D (transposed) convolution: ``op_name`` is ``Convolution`` or ``Deconvolution``."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups, layout, in_channels=0,
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 op_name="Convolution", adj=None, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            n = len(kernel_size)
            strides, padding, dilation = _expand(strides, n), _expand(padding, n), _expand(dilation, n)
            self._op_name = op_name
            self._kwargs = {"kernel": kernel_size, "stride": strides, "dilate": dilation, "pad": padding,
                            "num_filter": channels, "num_group": groups, "no_bias": not use_bias, "layout": layout}
            if adj is not None:
                self._kwargs["adj"] = adj
            self._channel_last = layout[-1] == "C"
            _check_conv_params(op_name, self._kwargs, in_channels, adj, self.prefix)
            wshape = self._weight_shape(in_channels)
            self.weight = self.params.get("weight", shape=wshape, init=weight_initializer, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def _weight_shape(self, in_channels):
        k = tuple(self._kwargs["kernel"])
        g = self._kwargs["num_group"]
        if self._op_name == "Convolution":
            outer, inner = self._channels, in_channels // g
        else:
            outer, inner = in_channels, self._channels // g
        return (outer,) + k + (inner,) if self._channel_last else (outer, inner) + k

    def _infer_shapes(self, x, *args):
        try:  # MXNet's shape inference: the input's rank, and a kernel no larger than the input
            check_conv_rank(x.ndim, self._kwargs["kernel"], self._op_name)
            if self._op_name == "Convolution":
                c, g = (x.shape[-1] if self._channel_last else x.shape[1]), self._kwargs["num_group"]
                if c % g:
                    raise MXNetError(f"MXNetError: Check failed: dshape[1] % param_.num_group == 0U ({c % g} vs. 0) "
                                     ": input num_filter must divide group size")
                _check_kernel_fits(x.shape[1:-1] if self._channel_last else x.shape[2:], self._kwargs)
        except MXNetError as e:
            raise self._graph_error(e) from None
        in_channels = x.shape[-1] if self._channel_last else x.shape[1]
        self._set_shape(self.weight, self._weight_shape(in_channels))

    def _alias(self):
        return "conv"

    def _fusable_relu(self, F):
        """Imperative Convolution + ReLU run fused (see ``basic_layers.fusable_relu``)."""
        return self._op_name == "Convolution" and fusable_relu(self.act, F)

    def hybrid_forward(self, F, x, weight, bias=None):
        op = getattr(F, self._op_name)
        if self._fusable_relu(F):  # one op, one output buffer; same values and gradients
            return op(x, weight, bias, name="fwd", _fused_act="relu", **self._kwargs)
        out = op(x, weight, bias, name="fwd", **self._kwargs)
        if self.act is not None:
            out = self.act(out)
        return out

    def __repr__(self):
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        n = len(self._kwargs["kernel"])
        if self._kwargs["pad"] != (0,) * n:
            s += ", padding={pad}"
        if self._kwargs["dilate"] != (1,) * n:
            s += ", dilation={dilate}"
        if self._kwargs["num_group"] != 1:
            s += ", groups={num_group}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += ", {}".format(self.act)
        s += ")"
        shape = self.weight.shape
        return s.format(name=type(self).__name__,
                        mapping="{0} -> {1}".format(shape[1] if shape[1] else None, shape[0]), **self._kwargs)


def _conv_class(name, ndim, layouts, default_layout, transpose):
    doc_kind = "transposed convolution (fractionally strided)" if transpose else "convolution"
    one = (1,) * ndim if ndim > 1 else 1
    zero = (0,) * ndim if ndim > 1 else 0
    if len(layouts) == 1:
        message = f"Only supports '{layouts[0]}' layout for now"
    else:
        message = f"Only supports '{layouts[0]}' and '{layouts[1]}' layout for now"

    if transpose:
        def __init__(self, channels, kernel_size, strides=one, padding=zero, output_padding=zero, dilation=one,
                     groups=1, layout=default_layout, activation=None, use_bias=True, weight_initializer=None,
                     bias_initializer="zeros", in_channels=0, **kwargs):
            assert layout in layouts, message
            k = _expand(kernel_size, ndim)
            assert len(k) == ndim, f"kernel_size must be a number or a list of {ndim} ints"
            adj = _expand(output_padding, ndim)
            assert len(adj) == ndim, f"output_padding must be a number or a list of {ndim} ints"
            _Conv.__init__(self, channels, k, strides, padding, dilation, groups, layout, in_channels, activation,
                           use_bias, weight_initializer, bias_initializer, op_name="Deconvolution", adj=adj,
                           **kwargs)
            self.outpad = adj
    else:
        def __init__(self, channels, kernel_size, strides=one, padding=zero, dilation=one, groups=1,
                     layout=default_layout, activation=None, use_bias=True, weight_initializer=None,
                     bias_initializer="zeros", in_channels=0, **kwargs):
            assert layout in layouts, message
            k = _expand(kernel_size, ndim)
            assert len(k) == ndim, f"kernel_size must be a number or a list of {ndim} ints"
            _Conv.__init__(self, channels, k, strides, padding, dilation, groups, layout, in_channels, activation,
                           use_bias, weight_initializer, bias_initializer, **kwargs)

    cls = type(name, (_Conv,), {"__init__": __init__, "__doc__": f"{ndim}-D {doc_kind} layer ({default_layout})."})
    return cls


Conv1D = _conv_class("Conv1D", 1, ("NCW",), "NCW", False)
Conv2D = _conv_class("Conv2D", 2, ("NCHW", "NHWC"), "NCHW", False)
Conv3D = _conv_class("Conv3D", 3, ("NCDHW", "NDHWC"), "NCDHW", False)
Conv1DTranspose = _conv_class("Conv1DTranspose", 1, ("NCW",), "NCW", True)
Conv2DTranspose = _conv_class("Conv2DTranspose", 2, ("NCHW", "NHWC"), "NCHW", True)
Conv3DTranspose = _conv_class("Conv3DTranspose", 3, ("NCDHW", "NDHWC"), "NCDHW", True)


# ----------------------------------------------------------------------------- pooling

class _Pooling(HybridBlock):
    """Shared pooling layer; ``ceil_mode`` selects MXNet's 'full' pooling convention."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type, layout,
                 count_include_pad=None, **kwargs):
        super().__init__(**kwargs)
        assert len(pool_size) == len(layout) - 2, f"pool_size must be a number or a list of {len(layout) - 2} ints"
        if strides is None:
            strides = pool_size
        n = len(pool_size)
        strides, padding = _expand(strides, n), _expand(padding, n)
        self._kwargs = {"kernel": pool_size, "stride": strides, "pad": padding, "global_pool": global_pool,
                        "pool_type": pool_type, "layout": layout,
                        "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self):
        return "pool"

    def hybrid_forward(self, F, x):
        return F.Pooling(x, name="fwd", **self._kwargs)

    def __repr__(self):
        s = "{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}, global_pool={global_pool}, " \
            "pool_type={pool_type}, layout={layout})"
        return s.format(name=type(self).__name__, ceil_mode=self._kwargs["pooling_convention"] == "full",
                        **self._kwargs)


def _pool_class(name, ndim, pool_type, default_layout, layouts, avg):
    default_size = 2 if ndim == 1 else (2,) * ndim
    message = f"Only {layouts[0]} and {layouts[1]} layouts are valid for {ndim}D Pooling"

    if avg and ndim == 1:
        def __init__(self, pool_size=default_size, strides=None, padding=0, layout=default_layout, ceil_mode=False,
                     count_include_pad=True, **kwargs):
            assert layout in layouts, message
            _Pooling.__init__(self, _expand(pool_size, ndim), strides, padding, ceil_mode, False, pool_type, layout,
                              count_include_pad, **kwargs)
    elif avg:
        def __init__(self, pool_size=default_size, strides=None, padding=0, ceil_mode=False, layout=default_layout,
                     count_include_pad=True, **kwargs):
            assert layout in layouts, message
            _Pooling.__init__(self, _expand(pool_size, ndim), strides, padding, ceil_mode, False, pool_type, layout,
                              count_include_pad, **kwargs)
    else:
        def __init__(self, pool_size=default_size, strides=None, padding=0, layout=default_layout, ceil_mode=False,
                     **kwargs):
            assert layout in layouts, message
            _Pooling.__init__(self, _expand(pool_size, ndim), strides, padding, ceil_mode, False, pool_type, layout,
                              **kwargs)
    return type(name, (_Pooling,), {"__init__": __init__,
                                    "__doc__": f"{ndim}-D {pool_type} pooling ({default_layout})."})


def _global_pool_class(name, ndim, pool_type, default_layout, layouts):
    message = f"Only {layouts[0]} and {layouts[1]} layouts are valid for {ndim}D Pooling"

    def __init__(self, layout=default_layout, **kwargs):
        assert layout in layouts, message
        _Pooling.__init__(self, (1,) * ndim, None, 0, True, True, pool_type, layout, **kwargs)
    return type(name, (_Pooling,), {"__init__": __init__,
                                    "__doc__": f"Global {ndim}-D {pool_type} pooling: spatial dims become 1."})


_LAYOUTS = {1: ("NCW", "NWC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}
MaxPool1D = _pool_class("MaxPool1D", 1, "max", "NCW", _LAYOUTS[1], False)
MaxPool2D = _pool_class("MaxPool2D", 2, "max", "NCHW", _LAYOUTS[2], False)
MaxPool3D = _pool_class("MaxPool3D", 3, "max", "NCDHW", _LAYOUTS[3], False)
AvgPool1D = _pool_class("AvgPool1D", 1, "avg", "NCW", _LAYOUTS[1], True)
AvgPool2D = _pool_class("AvgPool2D", 2, "avg", "NCHW", _LAYOUTS[2], True)
AvgPool3D = _pool_class("AvgPool3D", 3, "avg", "NCDHW", _LAYOUTS[3], True)
GlobalMaxPool1D = _global_pool_class("GlobalMaxPool1D", 1, "max", "NCW", _LAYOUTS[1])
GlobalMaxPool2D = _global_pool_class("GlobalMaxPool2D", 2, "max", "NCHW", _LAYOUTS[2])
GlobalMaxPool3D = _global_pool_class("GlobalMaxPool3D", 3, "max", "NCDHW", _LAYOUTS[3])
GlobalAvgPool1D = _global_pool_class("GlobalAvgPool1D", 1, "avg", "NCW", _LAYOUTS[1])
GlobalAvgPool2D = _global_pool_class("GlobalAvgPool2D", 2, "avg", "NCHW", _LAYOUTS[2])
GlobalAvgPool3D = _global_pool_class("GlobalAvgPool3D", 3, "avg", "NCDHW", _LAYOUTS[3])
