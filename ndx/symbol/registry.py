"""The one table of graph operators: op name -> inputs, attribute schema (MXNet 1.9.1 defaults), and
the ndx ``nd`` function that computes it.

Every node of a graph is checked against this table when the graph is bound (``SymbolBlock``,
``describe_graph``); evaluation calls ``spec.compute(nd, inputs, attrs)`` with the parsed attributes,
so graphs run on any backend and autograd records through them.

Ops of ``spec/symbol.md`` have full schemas (unknown attributes are errors, absent ones take MXNet's
registry default). A few more ops that map one-to-one onto an ``nd`` function are listed in
``_GENERIC``: their attribute strings are parsed by :func:`attrs.guess`.
"""
import math

from . import attrs as A
from .attrs import REQUIRED as REQ

__all__ = ["OpSpec", "get", "supported", "canonical", "ALIASES"]


class OpSpec:
    """How to read, shape and compute one operator."""

    def __init__(self, name, inputs, schema, compute, *, aux=(), outputs=None, hidden=None,
                 output_names=None, params=None, generic=False):
        self.name = name
        self._inputs = inputs        # tuple of input names, or callable(attrs) -> list
        self.schema = schema         # attr -> (parser, default)
        self.compute = compute       # (nd, [NDArray], attrs) -> NDArray or list
        self.aux = aux               # names of mutable (auxiliary-state) inputs
        self._outputs = outputs      # callable(attrs) -> number of visible outputs (None: 1)
        self._hidden = hidden        # callable(attrs) -> outputs counted in node_row_ptr
        self._output_names = output_names
        self.params = params         # callable(attrs, in_shapes) -> {slot: shape} for unknown inputs
        self.generic = generic

    def inputs(self, a):
        return list(self._inputs(a)) if callable(self._inputs) else list(self._inputs)

    def num_outputs(self, a):
        return self._outputs(a) if self._outputs else 1

    def num_hidden(self, a):
        return self._hidden(a) if self._hidden else self.num_outputs(a)

    def output_names(self, a):
        n = 1 if self.generic else self.num_outputs(a)
        if self._output_names:
            return list(self._output_names(a))[:n]
        return ["output"] if n == 1 else [f"output{i}" for i in range(n)]

    def parse(self, raw):
        """Parsed attributes (defaults filled in) from a node's string map; ``ValueError`` lists problems."""
        if self.generic:
            return {k: A.guess(v) for k, v in raw.items() if not k.startswith("__")}
        out = {}
        for key, value in raw.items():
            if key.startswith("__") and key.endswith("__"):
                continue
            if key not in self.schema:
                raise ValueError(f"Cannot find argument '{key}', Possible Arguments: "
                                 f"{', '.join(self.schema) or '(none)'}")
            parser = self.schema[key][0]
            try:
                out[key] = parser(value)
            except ValueError as e:
                raise ValueError(f"Invalid Parameter format for {key} {e}") from None
        for key, (parser, default) in self.schema.items():
            if key not in out:
                if default is REQ:
                    raise ValueError(f"Required parameter {key} of {parser.kind} is not presented")
                out[key] = default
        return out


def _nd(name):
    """``nd.<name>(*inputs, **attrs)`` (resolved at call time: the NN operators load lazily)."""
    def compute(nd, ins, a, _name=name):
        return getattr(nd, _name)(*ins, **a)
    return compute


def _pick(a, *keys):
    return {k: a[k] for k in keys}


def _ones(k, n):
    return tuple(k) if k else (n,) * 0


def _spatial(a, key, rank, fill):
    v = a[key]
    return tuple(v) if v else (fill,) * rank


# ----------------------------------------------------------------------------- NN operators

def _conv(nd, ins, a):
    k = len(a["kernel"])
    kw = dict(kernel=a["kernel"], stride=_spatial(a, "stride", k, 1), dilate=_spatial(a, "dilate", k, 1),
              pad=_spatial(a, "pad", k, 0), num_filter=a["num_filter"], num_group=a["num_group"],
              no_bias=a["no_bias"])
    if a["layout"] is not None:
        kw["layout"] = a["layout"]
    return nd.Convolution(*ins, **kw)


def _conv_params(a, shapes):
    c = shapes[0][1]
    out = {1: (a["num_filter"], c // a["num_group"]) + tuple(a["kernel"])}
    if not a["no_bias"]:
        out[2] = (a["num_filter"],)
    return out


def _deconv(nd, ins, a):
    k = len(a["kernel"])
    kw = dict(kernel=a["kernel"], stride=_spatial(a, "stride", k, 1), dilate=_spatial(a, "dilate", k, 1),
              pad=_spatial(a, "pad", k, 0), adj=_spatial(a, "adj", k, 0), num_filter=a["num_filter"],
              num_group=a["num_group"], no_bias=a["no_bias"])
    if a["target_shape"]:
        kw["target_shape"] = a["target_shape"]
    if a["layout"] is not None:
        kw["layout"] = a["layout"]
    return nd.Deconvolution(*ins, **kw)


def _deconv_params(a, shapes):
    c = shapes[0][1]
    out = {1: (c, a["num_filter"] // a["num_group"]) + tuple(a["kernel"])}
    if not a["no_bias"]:
        out[2] = (a["num_filter"],)
    return out


def _fc_params(a, shapes):
    d = shapes[0]
    k = math.prod(d[1:]) if a["flatten"] else d[-1]
    out = {1: (a["num_hidden"], k)}
    if not a["no_bias"]:
        out[2] = (a["num_hidden"],)
    return out


def _bn(nd, ins, a):
    return nd.BatchNorm(*ins, **_pick(a, "eps", "momentum", "fix_gamma", "use_global_stats",
                                      "output_mean_var", "axis"))


def _channel_params(slots, key="axis", default=1):
    def params(a, shapes):
        d = shapes[0]
        return {s: (d[a.get(key, default) % len(d)],) for s in slots}
    return params


def _pool(nd, ins, a):
    k = len(a["kernel"]) if a["kernel"] else ins[0].ndim - 2
    kw = dict(kernel=a["kernel"] or (1,) * k, pool_type=a["pool_type"], global_pool=a["global_pool"],
              pooling_convention=a["pooling_convention"], stride=_spatial(a, "stride", k, 1),
              pad=_spatial(a, "pad", k, 0))
    if a["p_value"] is not None:
        kw["p_value"] = a["p_value"]
    if a["count_include_pad"] is not None:
        kw["count_include_pad"] = a["count_include_pad"]
    if a["layout"] is not None:
        kw["layout"] = a["layout"]
    return nd.Pooling(ins[0], **kw)


def _leaky(nd, ins, a):
    kw = {"act_type": a["act_type"]}
    if a["act_type"] in ("leaky", "elu"):
        kw["slope"] = a["slope"]
    if a["act_type"] == "rrelu":
        kw.update(lower_bound=a["lower_bound"], upper_bound=a["upper_bound"])
    return nd.LeakyReLU(*ins, **kw)


def _dropout(nd, ins, a):
    return nd.Dropout(ins[0], p=a["p"], mode=a["mode"], axes=a["axes"])


def _softmax_like(name):
    def compute(nd, ins, a):
        kw = {"axis": a["axis"], "temperature": a["temperature"]}
        if a.get("dtype") is not None:
            kw["dtype"] = a["dtype"]
        if a.get("use_length"):
            return getattr(nd, name)(ins[0], ins[1], use_length=True, **kw)
        return getattr(nd, name)(ins[0], **kw)
    return compute


def _softmax_activation(nd, ins, a):
    x = ins[0]
    if a["mode"] == "channel":
        return nd.softmax(x, axis=1)
    return nd.softmax(x.reshape((x.shape[0], -1)), axis=1).reshape(x.shape)


def _softmax_output(nd, ins, a):
    x = ins[0]
    if a["multi_output"]:
        return nd.softmax(x, axis=1)
    if a["preserve_shape"]:
        return nd.softmax(x, axis=-1)
    if x.ndim == 2:
        return nd.softmax(x, axis=1)
    return nd.softmax(x.reshape((x.shape[0], -1)), axis=1).reshape(x.shape)


def _embedding(nd, ins, a):
    return nd.Embedding(ins[0], ins[1], input_dim=a["input_dim"], output_dim=a["output_dim"],
                        dtype=a["dtype"], sparse_grad=a["sparse_grad"])


def _layernorm(nd, ins, a):
    fn = getattr(nd, "LayerNorm", None)
    if fn is not None and not a["output_mean_var"]:
        return fn(*ins, axis=a["axis"], eps=a["eps"])
    x, g, b = ins
    ax = a["axis"] % x.ndim
    mean = nd.mean(x, axis=ax, keepdims=True)
    c = nd.broadcast_sub(x, mean)
    var = nd.mean(c * c, axis=ax, keepdims=True)
    y = nd.broadcast_div(c, nd.sqrt(var + a["eps"]))
    bshape = [1] * x.ndim
    bshape[ax] = x.shape[ax]
    out = nd.broadcast_add(nd.broadcast_mul(y, g.reshape(bshape)), b.reshape(bshape))
    return [out, mean, nd.sqrt(var + a["eps"])] if a["output_mean_var"] else out


def _concat(nd, ins, a):
    return nd.concat(*ins, dim=a["dim"])


def _split(nd, ins, a):
    out = nd.split(ins[0], num_outputs=a["num_outputs"], axis=a["axis"], squeeze_axis=a["squeeze_axis"])
    return out if isinstance(out, list) else [out]


def _reshape(nd, ins, a):
    shape = a["shape"] or a["target_shape"]
    return nd.reshape(ins[0], shape=shape, reverse=a["reverse"])


def _slice_axis(nd, ins, a):
    return nd.slice_axis(ins[0], axis=a["axis"], begin=a["begin"], end=a["end"])


def _reducer(name):
    def compute(nd, ins, a):
        return getattr(nd, name)(ins[0], axis=a["axis"], keepdims=a["keepdims"], exclude=a["exclude"])
    return compute


def _scalar_op(op):
    def compute(nd, ins, a):
        from ..ndarray.dispatch import invoke
        from ..ndarray.ndarray import _scalar_for
        return invoke(op, (ins[0],), {"scalar": _scalar_for(ins[0], a["scalar"])})
    return compute


def _unary(name):
    def compute(nd, ins, a):
        return getattr(nd, name)(ins[0])
    return compute


def _binary(name):
    def compute(nd, ins, a):
        return getattr(nd, name)(ins[0], ins[1])
    return compute


def _activation(nd, ins, a):
    return nd.Activation(ins[0], act_type=a["act_type"])


_B = A.boolean
_I = A.integer
_F = A.real
_S = A.shape
_DT = A.enum("None", "float16", "float32", "float64", "bfloat16", "int8", "int32", "int64", "uint8",
             optional=True)

_CONV_SCHEMA = {
    "kernel": (_S, REQ), "stride": (_S, ()), "dilate": (_S, ()), "pad": (_S, ()),
    "num_filter": (_I, REQ), "num_group": (_I, 1), "workspace": (_I, 1024), "no_bias": (_B, False),
    "cudnn_tune": (A.enum("off", "limited_workspace", "fastest", optional=True), None),
    "cudnn_off": (_B, False),
    "layout": (A.enum("NCW", "NCHW", "NCDHW", "NHWC", "NDHWC", "NWC", optional=True), None),
}
_REDUCE = {"axis": (A.axis, None), "keepdims": (_B, False), "exclude": (_B, False)}
_SOFTMAX = {"axis": (_I, -1), "temperature": (A.opt_real, None), "dtype": (_DT, None),
            "use_length": (A.opt_bool, False)}


def _bias_inputs(names):
    return lambda a: names if not a["no_bias"] else names[:-1]


_TABLE = {}


def _add(name, *args, **kwargs):
    _TABLE[name] = OpSpec(name, *args, **kwargs)


_add("Convolution", _bias_inputs(("data", "weight", "bias")), _CONV_SCHEMA, _conv, params=_conv_params)
_add("Deconvolution", _bias_inputs(("data", "weight", "bias")),
     dict(_CONV_SCHEMA, no_bias=(_B, True), adj=(_S, ()), target_shape=(_S, ())), _deconv,
     params=_deconv_params)
_add("FullyConnected", _bias_inputs(("data", "weight", "bias")),
     {"num_hidden": (_I, REQ), "no_bias": (_B, False), "flatten": (_B, True)},
     lambda nd, ins, a: nd.FullyConnected(*ins, **_pick(a, "num_hidden", "no_bias", "flatten")),
     params=_fc_params)
_add("BatchNorm", ("data", "gamma", "beta", "moving_mean", "moving_var"),
     {"eps": (_F, 1e-3), "momentum": (_F, 0.9), "fix_gamma": (_B, True), "use_global_stats": (_B, False),
      "output_mean_var": (_B, False), "axis": (_I, 1), "cudnn_off": (_B, False),
      "min_calib_range": (A.opt_real, None), "max_calib_range": (A.opt_real, None)},
     _bn, aux=("moving_mean", "moving_var"), outputs=lambda a: 3 if a["output_mean_var"] else 1,
     hidden=lambda a: 3, output_names=lambda a: ["output", "mean", "var"],
     params=_channel_params((1, 2, 3, 4)))
_add("Pooling", ("data",),
     {"kernel": (_S, ()), "pool_type": (A.enum("max", "avg", "sum", "lp"), "max"),
      "global_pool": (_B, False), "cudnn_off": (_B, False),
      "pooling_convention": (A.enum("valid", "full", "same"), "valid"), "stride": (_S, ()),
      "pad": (_S, ()), "p_value": (A.opt_int, None), "count_include_pad": (A.opt_bool, None),
      "layout": (A.enum("NCW", "NCHW", "NCDHW", "NHWC", "NDHWC", "NWC", optional=True), None)},
     _pool, hidden=lambda a: 2 if a["pool_type"] == "max" else 1)
_add("Activation", ("data",),
     {"act_type": (A.enum("relu", "sigmoid", "softrelu", "softsign", "tanh"), REQ)}, _activation)
_add("LeakyReLU", lambda a: ("data", "gamma") if a["act_type"] == "prelu" else ("data",),
     {"act_type": (A.enum("elu", "gelu", "leaky", "prelu", "rrelu", "selu"), "leaky"),
      "slope": (_F, 0.25), "lower_bound": (_F, 0.125), "upper_bound": (_F, 0.334)},
     _leaky, outputs=lambda a: 2 if a["act_type"] == "rrelu" else 1,
     output_names=lambda a: ["output", "mask"], params=_channel_params((1,)))
_add("Flatten", ("data",), {}, lambda nd, ins, a: nd.flatten(ins[0]))
_add("Dropout", ("data",),
     {"p": (_F, 0.5), "mode": (A.enum("training", "always"), "training"), "axes": (_S, ()),
      "cudnn_off": (A.opt_bool, False)},
     _dropout, hidden=lambda a: 2, output_names=lambda a: ["output", "mask"])
_add("Concat", lambda a: [f"arg{i}" for i in range(a["num_args"])],
     {"num_args": (_I, REQ), "dim": (_I, 1)}, _concat)
_add("clip", ("data",), {"a_min": (_F, REQ), "a_max": (_F, REQ)},
     lambda nd, ins, a: nd.clip(ins[0], a["a_min"], a["a_max"]))
for _n in ("add", "sub", "mul", "div"):
    _add("elemwise_" + _n, ("lhs", "rhs"), {}, _binary("elemwise_" + _n))
for _n in ("add", "sub", "mul", "div", "mod", "power", "maximum", "minimum", "equal", "not_equal",
           "greater", "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or",
           "logical_xor", "hypot", "plus", "minus"):
    _add("broadcast_" + _n, ("lhs", "rhs"), {}, _binary("broadcast_" + _n))
_add("broadcast_like", ("lhs", "rhs"), {"lhs_axes": (A.opt_shape, None), "rhs_axes": (A.opt_shape, None)},
     lambda nd, ins, a: nd.broadcast_like(ins[0], ins[1], lhs_axes=a["lhs_axes"], rhs_axes=a["rhs_axes"]))
for _n, _fn in (("_plus", "add"), ("_minus", "subtract"), ("_mul", "multiply"), ("_div", "divide"),
                ("_maximum", "maximum"), ("_minimum", "minimum"), ("_power", "power"), ("_mod", "modulo"),
                ("_equal", "equal"), ("_not_equal", "not_equal"), ("_greater", "greater"),
                ("_greater_equal", "greater_equal"), ("_lesser", "lesser"),
                ("_lesser_equal", "lesser_equal"), ("_hypot", "broadcast_hypot")):
    _add(_n, ("lhs", "rhs"), {}, _binary(_fn))


def _add_scalar_ops():
    from ..ops import elemwise as E
    from ..ops.op import Op
    for op in vars(E).values():
        if isinstance(op, Op) and op.name.endswith("_scalar"):
            _add(op.name, ("data",), {"scalar": (_F, 1.0), "is_int": (_B, True)}, _scalar_op(op))


_add_scalar_ops()
for _n in ("relu", "sigmoid", "tanh", "exp", "log", "sqrt", "square", "abs", "negative", "log2", "log10",
           "log1p", "expm1", "rsqrt", "cbrt", "reciprocal", "sign", "floor", "ceil", "trunc", "fix",
           "rint", "round", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
           "arcsinh", "arccosh", "arctanh", "degrees", "radians", "softsign", "erf", "logical_not",
           "identity", "BlockGrad", "stop_gradient", "zeros_like", "ones_like"):
    _add(_n, ("data",), {}, _unary(_n))
_add("_copy", ("data",), {}, _unary("identity"))
_add("softmax", lambda a: ("data", "length") if a["use_length"] else ("data",), _SOFTMAX,
     _softmax_like("softmax"))
_add("log_softmax", ("data",), dict(_SOFTMAX), _softmax_like("log_softmax"))
_add("softmin", ("data",), dict(_SOFTMAX), _softmax_like("softmin"))
_add("SoftmaxOutput", ("data", "label"),
     {"grad_scale": (_F, 1.0), "ignore_label": (_F, -1.0), "multi_output": (_B, False),
      "use_ignore": (_B, False), "preserve_shape": (_B, False),
      "normalization": (A.enum("null", "batch", "valid"), "null"), "out_grad": (_B, False),
      "smooth_alpha": (_F, 0.0)},
     _softmax_output,
     params=lambda a, shapes: {1: shapes[0][:1] + shapes[0][2:] if a["multi_output"] else shapes[0][:-1]})
_add("SoftmaxActivation", ("data",), {"mode": (A.enum("instance", "channel"), "instance")},
     _softmax_activation)
_add("LogisticRegressionOutput", ("data", "label"), {"grad_scale": (_F, 1.0)},
     lambda nd, ins, a: nd.sigmoid(ins[0]), params=lambda a, shapes: {1: shapes[0]})
_add("LinearRegressionOutput", ("data", "label"), {"grad_scale": (_F, 1.0)},
     lambda nd, ins, a: nd.identity(ins[0]), params=lambda a, shapes: {1: shapes[0]})
_add("slice", ("data",), {"begin": (A.opt_tuple, REQ), "end": (A.opt_tuple, REQ), "step": (A.opt_tuple, ())},
     lambda nd, ins, a: nd.slice(ins[0], begin=a["begin"], end=a["end"], step=a["step"] or None))
_add("Embedding", ("data", "weight"),
     {"input_dim": (_I, REQ), "output_dim": (_I, REQ), "dtype": (A.text, "float32"),
      "sparse_grad": (_B, False)},
     _embedding, params=lambda a, shapes: {1: (a["input_dim"], a["output_dim"])})
_add("LayerNorm", ("data", "gamma", "beta"),
     {"axis": (_I, -1), "eps": (_F, 1e-5), "output_mean_var": (_B, False)}, _layernorm,
     outputs=lambda a: 3 if a["output_mean_var"] else 1, hidden=lambda a: 3,
     output_names=lambda a: ["output", "mean", "std"], params=_channel_params((1, 2), default=-1))
_add("Reshape", ("data",),
     {"shape": (_S, ()), "reverse": (_B, False), "target_shape": (_S, ()), "keep_highest": (_B, False)},
     _reshape)
_add("transpose", ("data",), {"axes": (_S, ())},
     lambda nd, ins, a: nd.transpose(ins[0], axes=a["axes"] or None))
_add("expand_dims", ("data",), {"axis": (_I, REQ)}, lambda nd, ins, a: nd.expand_dims(ins[0], axis=a["axis"]))
_add("SliceChannel", ("data",), {"num_outputs": (_I, REQ), "axis": (_I, 1), "squeeze_axis": (_B, False)},
     _split, outputs=lambda a: a["num_outputs"])
_add("slice_axis", ("data",), {"axis": (_I, REQ), "begin": (_I, REQ), "end": (A.opt_int, REQ)}, _slice_axis)
for _n in ("sum", "mean", "max", "min", "prod", "nansum"):
    _add(_n, ("data",), dict(_REDUCE), _reducer(_n))
_add("batch_dot", ("lhs", "rhs"),
     {"transpose_a": (_B, False), "transpose_b": (_B, False), "forward_stype": (A.opt_text, None)},
     lambda nd, ins, a: nd.batch_dot(ins[0], ins[1], transpose_a=a["transpose_a"], transpose_b=a["transpose_b"]))
_add("dot", ("lhs", "rhs"),
     {"transpose_a": (_B, False), "transpose_b": (_B, False), "forward_stype": (A.opt_text, None)},
     lambda nd, ins, a: nd.dot(ins[0], ins[1], transpose_a=a["transpose_a"], transpose_b=a["transpose_b"]))
_add("add_n", lambda a: [f"arg{i}" for i in range(a["num_args"])], {"num_args": (_I, REQ)},
     lambda nd, ins, a: nd.add_n(*ins))

_add("UpSampling",
     lambda a: ("data", "weight") if a["sample_type"] == "bilinear" else [f"arg{i}" for i in range(a["num_args"])],
     {"scale": (_I, REQ), "num_filter": (_I, 0), "sample_type": (A.enum("bilinear", "nearest"), REQ),
      "multi_input_mode": (A.enum("concat", "sum"), "concat"), "num_args": (_I, 1), "workspace": (_I, 512)},
     lambda nd, ins, a: nd.UpSampling(*ins, **_pick(a, "scale", "sample_type", "num_filter", "multi_input_mode")),
     params=lambda a, shapes: {1: (shapes[0][1], 1) + (2 * a["scale"] - a["scale"] % 2,) * 2})
_add("LRN", ("data",), {"alpha": (_F, 1e-4), "beta": (_F, 0.75), "knorm": (_F, 2.0), "nsize": (_I, REQ)},
     lambda nd, ins, a: nd.LRN(ins[0], **a), hidden=lambda a: 2)
_SEQUENCE = {"use_sequence_length": (_B, False), "axis": (_I, 0)}
for _n, _extra in (("SequenceMask", {"value": (_F, 0.0)}), ("SequenceLast", {}), ("SequenceReverse", {})):
    _add(_n, lambda a: ("data", "sequence_length") if a["use_sequence_length"] else ("data",),
         dict(_SEQUENCE, **_extra), (lambda n: lambda nd, ins, a: getattr(nd, n)(*ins, **a))(_n))
_add("_contrib_BilinearResize2D", lambda a: ("data", "like") if a["mode"] == "like" else ("data",),
     {"height": (_I, 1), "width": (_I, 1), "scale_height": (A.opt_real, None), "scale_width": (A.opt_real, None),
      "mode": (A.enum("like", "odd_scale", "size", "to_even_down", "to_even_up", "to_odd_down", "to_odd_up"),
               "size"),
      "align_corners": (_B, True)},
     lambda nd, ins, a: nd.contrib.BilinearResize2D(*ins, **a))
_add("CTCLoss", lambda a: ["data", "label"] + ["data_lengths"] * a["use_data_lengths"]
     + ["label_lengths"] * a["use_label_lengths"],
     {"use_data_lengths": (_B, False), "use_label_lengths": (_B, False),
      "blank_label": (A.enum("first", "last"), "first")},
     lambda nd, ins, a: nd.CTCLoss(*ins, **a), hidden=lambda a: 2, output_names=lambda a: ["output0"])
_add("_linalg_gemm2", ("A", "B"),
     {"transpose_a": (_B, False), "transpose_b": (_B, False), "alpha": (_F, 1.0), "axis": (_I, -2)},
     lambda nd, ins, a: nd.linalg.gemm2(*ins, **a))

# ops that map one-to-one onto an nd function (attributes parsed by attrs.guess)
_GENERIC = {"argmax": "argmax", "argmin": "argmin", "norm": "norm", "where": "where", "take": "take",
            "pick": "pick", "one_hot": "one_hot", "tile": "tile", "repeat": "repeat", "reverse": "flip",
            "squeeze": "squeeze", "SwapAxis": "swapaxes", "swapaxes": "swapaxes", "slice_like": "slice_like",
            "stack": "stack", "broadcast_to": "broadcast_to", "broadcast_axis": "broadcast_axis",
            "Cast": "cast", "sort": "sort", "argsort": "argsort", "topk": "topk", "Pad": "pad",
            "shape_array": "shape_array", "size_array": "size_array", "reshape_like": "reshape_like",
            "L2Normalization": "L2Normalization", "InstanceNorm": "InstanceNorm",
            "GroupNorm": "GroupNorm", "softmax_cross_entropy": "softmax_cross_entropy"}
for _n, _fn in _GENERIC.items():
    _TABLE.setdefault(_n, OpSpec(_n, (), {}, _nd(_fn), generic=True))
    _TABLE[_n].nd_name = _fn
# output names MXNet gives these (their registry lists a second output that is hidden here)
_TABLE["sort"]._output_names = lambda a: ["output0"]
_TABLE["topk"]._output_names = lambda a: ["output0" if a.get("ret_typ") in ("value", "both") else "output"]

# aliases users may call (``F.concat``): the graph always stores the canonical name
ALIASES = {"concat": "Concat", "split": "SliceChannel", "reshape": "Reshape", "flatten": "Flatten",
           "Dropout": "Dropout", "_Plus": "elemwise_add", "_plus": "elemwise_add", "_Minus": "elemwise_sub",
           "_Mul": "elemwise_mul", "_Div": "elemwise_div", "cast": "Cast", "pad": "Pad", "flip": "reverse",
           "swapaxes": "SwapAxis", "Softmax": "SoftmaxOutput", "stop_gradient": "BlockGrad"}
ALIASES.update({"ctc_loss": "CTCLoss", "_contrib_CTCLoss": "CTCLoss", "_contrib_ctc_loss": "CTCLoss"})


def canonical(name):
    return ALIASES.get(name, name)


def _available(spec):
    """Generic entries count only when ``nd`` has their function (some NN ops are optional)."""
    if not spec.generic:
        return True
    ok = getattr(spec, "_available", None)
    if ok is None:
        from .. import ndarray
        ok = spec._available = hasattr(ndarray, spec.nd_name)
    return ok


def get(name):
    """The spec of op ``name`` (canonical or alias), or None when ndx cannot run it."""
    spec = _TABLE.get(canonical(name))
    return spec if spec is not None and _available(spec) else None


def supported():
    """Names of every operator a graph may use."""
    return sorted(n for n, spec in _TABLE.items() if _available(spec))
