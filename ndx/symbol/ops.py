"""Symbol-building op functions with MXNet's names (``sym.Convolution(data=x, num_filter=8, ...)``),
generated from the ``registry`` table, and Symbol's arithmetic operators and fluent methods.

These mirror the ``nd`` functions, so ``hybrid_forward(self, F, x, ...)`` traced with ``F = ndx.sym``
builds the graph MXNet would: op nodes named by the current name manager (``<prefix>fwd`` or
``<prefix><op><n>``), missing parameter inputs created as variables ``<node name>_<input>``.
"""
import numbers

from ..base import MXNetError
from . import registry
from .attrs import to_string
from .symbol import Node, Symbol, set_attrs, var

__all__ = ["make_function", "install"]


def _names():
    try:
        from .. import name as _name
        return _name.current()
    except ImportError:  # pragma: no cover - ndx.name is part of the package
        return None


class _Counter:
    counts = {}

    @classmethod
    def get(cls, name, hint):
        if name:
            return name
        k = cls.counts.get(hint, 0)
        cls.counts[hint] = k + 1
        return f"{hint}{k}"


def _node_name(name, hint):
    mgr = _names() or _Counter
    return mgr.get(name, hint)


def _attr_strings(spec, kwargs, where):
    out = {}
    for k, v in kwargs.items():
        if v is None and (spec.generic or spec.schema.get(k, (None, None))[1] is None):
            continue
        out[k] = to_string(v)
    return out


# initializers MXNet's ops put on the variables wired into these input slots
_INPUT_INIT = {("BatchNorm", "moving_mean"): '["zero", {}]', ("BatchNorm", "moving_var"): '["one", {}]',
               ("LeakyReLU", "gamma"): '["Constant", {"value": 0.25}]'}


def make_function(op_name, hint=None):
    """The ``sym.<op_name>`` function: inputs positional or by slot name, attributes by keyword.

    Unnamed nodes are named ``<hint><k>``; the hint is the called name lowercased (``sym.split`` gives
    ``split0``, ``sym.SliceChannel`` gives ``slicechannel0``), as MXNet names them."""
    spec = registry.get(op_name)
    name_hint = hint or op_name.lower()
    canonical = spec.name
    variadic = "num_args" in spec.schema

    def fn(*args, name=None, attr=None, out=None, **kwargs):
        if variadic and len(args) == 1 and isinstance(args[0], (list, tuple)):
            args = tuple(args[0])
        args = list(args)
        k = 0
        while k < len(args) and (args[k] is None or isinstance(args[k], Symbol)):
            k += 1
        if k < len(args):  # positional attributes after the inputs, in MXNet's signature order
            keys = [key for key in spec.schema if key not in kwargs]
            if spec.generic or len(args) - k > len(keys):
                raise TypeError(f"{op_name}: positional arguments after the inputs must match its "
                                f"attributes ({', '.join(spec.schema) or 'none'})")
            kwargs.update(zip(keys, args[k:]))
            args = args[:k]
        while args and args[-1] is None:  # F.FullyConnected(x, weight, None, no_bias=True)
            args.pop()
        sym_kwargs = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
        attrs_in = {k: v for k, v in kwargs.items() if not isinstance(v, Symbol)}
        slot_names = set() if spec.generic else {"data", "weight", "bias", "gamma", "beta", "moving_mean",
                                                   "moving_var", "label", "lhs", "rhs", "length"}
        attrs_in = {k: v for k, v in attrs_in.items() if not (k in slot_names and v is None)}
        for a in args:
            if a is not None and not isinstance(a, Symbol):
                raise TypeError(f"{op_name}: positional arguments must be Symbols, got {type(a).__name__}")
        if variadic and "num_args" not in attrs_in:
            attrs_in["num_args"] = len(args)
        if canonical == "SliceChannel" and "num_outputs" not in attrs_in and "indices_or_sections" in attrs_in:
            attrs_in["num_outputs"] = attrs_in.pop("indices_or_sections")
        strings = _attr_strings(spec, attrs_in, op_name)
        try:
            parsed = spec.parse(strings)
        except ValueError as e:
            raise MXNetError(f"{e}, in operator {canonical}(name=\"{name or ''}\")") from None
        node_name = _node_name(name, name_hint)
        slots = spec.inputs(parsed) if not spec.generic else [f"arg{i}" for i in range(len(args))]
        given = list(args)
        if len(given) > len(slots):
            raise MXNetError(f"{op_name} takes at most {len(slots)} inputs ({', '.join(slots)}), "
                             f"got {len(given)}")
        inputs = []
        for i, slot in enumerate(slots):
            s = given[i] if i < len(given) else None
            if s is None:
                s = sym_kwargs.pop(slot, None)
            if s is None:
                s = var(f"{node_name}_{slot}", attr=dict(strings))  # MXNet copies the op's attributes
            if len(s._outputs) != 1:
                raise MXNetError(f"{op_name}: input '{slot}' must be a single-output Symbol, "
                                 f"got a group of {len(s._outputs)}")
            entry = s._outputs[0]
            hint = _INPUT_INIT.get((canonical, slot))
            if hint and entry[0].is_var and "__init__" not in entry[0].attrs:
                entry[0].attrs["__init__"] = hint
            inputs.append(entry)
        if sym_kwargs:
            raise MXNetError(f"{op_name} has no input named {', '.join(sorted(sym_kwargs))}")
        node_attrs = dict(strings)
        if attr:
            set_attrs(node_attrs, attr)
        node = Node(canonical, node_name, node_attrs, inputs)
        n = spec.num_outputs(parsed) if not spec.generic else 1
        return Symbol([(node, i) for i in range(n)])

    fn.__name__ = op_name
    fn.__doc__ = f"Symbol for MXNet's ``{canonical}`` operator (see spec/symbol.md)."
    return fn


# Symbol arithmetic names its nodes after MXNet's legacy operator names (``x + 1`` -> ``_plusscalar0``,
# ``x - y`` -> ``_minus0``); the nodes themselves are the canonical ops.
_ARITH_HINTS = {"elemwise_add": "_plus", "elemwise_sub": "_minus", "elemwise_mul": "_mul",
                "elemwise_div": "_div", "_power": "_power", "_mod": "_mod",
                "_plus_scalar": "_plusscalar", "_minus_scalar": "_minusscalar",
                "_rminus_scalar": "_rminusscalar", "_mul_scalar": "_mulscalar", "_div_scalar": "_divscalar",
                "_rdiv_scalar": "_rdivscalar", "_power_scalar": "_powerscalar",
                "_rpower_scalar": "_rpower_scalar", "_mod_scalar": "_modscalar", "_rmod_scalar": "_rmodscalar",
                "abs": "abs"}
# comparisons keep their op names: ``x == y`` -> ``_equal0``, ``x < 1`` -> ``_lesser_scalar0``
for _op in ("_equal", "_not_equal", "_greater", "_greater_equal", "_lesser", "_lesser_equal"):
    _ARITH_HINTS[_op] = _op
    _ARITH_HINTS[_op + "_scalar"] = _op + "_scalar"
_ARITH = {}


def _arith(op):
    if op not in _ARITH:
        _ARITH[op] = make_function(op, hint=_ARITH_HINTS[op])
    return _ARITH[op]


def _unsupported(other):
    return TypeError(f"type {type(other)} not supported")


def _scalar_or_symbol(sym_op, scalar_op):
    def method(self, other):
        if isinstance(other, Symbol):
            return _arith(sym_op)(self, other)
        if isinstance(other, numbers.Number):
            return _arith(scalar_op)(self, scalar=other)
        raise _unsupported(other)
    return method


def _reflected(scalar_op):
    def method(self, other):
        if isinstance(other, numbers.Number):
            return _arith(scalar_op)(self, scalar=other)
        raise _unsupported(other)
    return method


_FUNCS = {}


def _fluent(op):
    def method(self, *args, **kwargs):
        return _FUNCS[op](self, *args, **kwargs)
    method.__name__ = op
    return method


def install(namespace):
    """Put every op function into ``namespace`` (the ``ndx.symbol`` module) and give Symbol its operators."""
    for op in registry.supported():
        _FUNCS[op] = make_function(op)
    for alias, target in registry.ALIASES.items():
        if registry.get(target) is not None:
            _FUNCS.setdefault(alias, make_function(alias))
    _FUNCS["add"] = _FUNCS["broadcast_add"]
    _FUNCS["subtract"] = _FUNCS["broadcast_sub"]
    _FUNCS["multiply"] = _FUNCS["broadcast_mul"]
    _FUNCS["divide"] = _FUNCS["broadcast_div"]
    namespace.update(_FUNCS)

    S = Symbol
    S.__add__ = _scalar_or_symbol("elemwise_add", "_plus_scalar")
    S.__radd__ = _reflected("_plus_scalar")
    S.__sub__ = _scalar_or_symbol("elemwise_sub", "_minus_scalar")
    S.__rsub__ = _reflected("_rminus_scalar")
    S.__mul__ = _scalar_or_symbol("elemwise_mul", "_mul_scalar")
    S.__rmul__ = _reflected("_mul_scalar")
    S.__truediv__ = _scalar_or_symbol("elemwise_div", "_div_scalar")
    S.__rtruediv__ = _reflected("_rdiv_scalar")
    S.__pow__ = _scalar_or_symbol("_power", "_power_scalar")
    S.__rpow__ = _reflected("_rpower_scalar")
    S.__mod__ = _scalar_or_symbol("_mod", "_mod_scalar")
    S.__rmod__ = _reflected("_rmod_scalar")
    S.__neg__ = lambda self: _arith("_mul_scalar")(self, scalar=-1.0)
    S.__abs__ = lambda self: _arith("abs")(self)
    # comparisons build graph nodes, as in MXNet (a Symbol is hashed by identity)
    S.__eq__ = _scalar_or_symbol("_equal", "_equal_scalar")
    S.__ne__ = _scalar_or_symbol("_not_equal", "_not_equal_scalar")
    S.__gt__ = _scalar_or_symbol("_greater", "_greater_scalar")
    S.__ge__ = _scalar_or_symbol("_greater_equal", "_greater_equal_scalar")
    S.__lt__ = _scalar_or_symbol("_lesser", "_lesser_scalar")
    S.__le__ = _scalar_or_symbol("_lesser_equal", "_lesser_equal_scalar")
    for op in ("reshape", "flatten", "transpose", "expand_dims", "sum", "mean", "max", "min", "prod",
               "softmax", "log_softmax", "relu", "sigmoid", "tanh", "exp", "log", "sqrt", "square", "abs",
               "clip", "split", "slice_axis", "broadcast_like", "zeros_like", "ones_like", "tile",
               "repeat", "squeeze", "swapaxes", "argmax", "argmin", "norm", "sign", "round", "floor",
               "ceil"):
        if op in _FUNCS:
            setattr(S, op, _fluent(op))
    S.astype = lambda self, dtype: _FUNCS["Cast"](self, dtype=dtype)

    def reshape(self, *shape, **kwargs):
        if shape and all(isinstance(d, numbers.Integral) for d in shape):
            shape = (tuple(shape),)
        return _FUNCS["Reshape"](self, *shape, **kwargs)
    S.reshape = reshape
