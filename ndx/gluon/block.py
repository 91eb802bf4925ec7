"""Blocks: the building units of Gluon networks (``Block``, ``HybridBlock``), named as in MXNet 1.x.

Every Block gets a ``prefix`` at construction: top-level blocks draw ``<hint><k>_`` from the
thread's ``ndx.name`` manager; blocks created inside ``with parent.name_scope():`` draw from the
parent's own counters and get the parent's prefix prepended (spec: ``naming.md``). Children and
Parameters assigned as attributes are registered; their attribute paths (``0.weight``,
``hidden.bias``) are the canonical *structural* names (``_collect_params_with_prefix``), the
prefixed names (``dense0_weight``) the MXNet view given by ``collect_params()``.

Deferred initialization in ``HybridBlock.forward``: when a registered Parameter is still pending,
the block's ``_infer_shapes(*inputs)`` hook sets the unknown dims of its own Parameters from the
first input, then the pending initializations run in ``self.params`` order. Built-in layers
implement ``_infer_shapes`` (use ``self._set_shape(param, shape)`` for MXNet's error on a mismatch).
"""
import re
import threading
import warnings
from collections import OrderedDict

import numpy as np

from .. import name as _name
from .. import ndarray as _nd
from ..base import MXNetError
from ..base import shape_text as _shape_str
from ..ndarray.ndarray import NDArray
from .parameter import DeferredInitializationError, Parameter, ParameterDict

__all__ = ["Block", "HybridBlock", "HookHandle"]


class _BlockScope:
    """The naming scope a Block opens with ``name_scope()``: its own per-hint counters."""

    _current = threading.local()

    def __init__(self, block):
        self._block = block
        self._counter = {}
        self._old_scope = None
        self._name_scope = None

    @staticmethod
    def create(prefix, params, hint):
        """The (prefix, ParameterDict) for a new Block with ``hint``, given the active scope."""
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = _name.current().get(None, hint) + "_"
            params = ParameterDict(prefix) if params is None else ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        self._name_scope = _name.Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, *exc):
        if self._block._empty_prefix:
            return
        self._name_scope.__exit__(*exc)
        self._name_scope = None
        _BlockScope._current.value = self._old_scope


class HookHandle:
    """Returned by ``register_forward_hook``/``register_forward_pre_hook``; ``detach()`` removes the hook."""

    def __init__(self, hooks, key):
        self._hooks = hooks
        self._key = key

    def detach(self):
        self._hooks.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.detach()


def _indent(text, spaces):
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return "\n".join([lines[0]] + [" " * spaces + line for line in lines[1:]])


def _find_unregistered_block(data, children):
    if isinstance(data, (list, tuple)):
        return any(_find_unregistered_block(x, children) for x in data)
    if isinstance(data, dict):
        return any(_find_unregistered_block(x, children) for x in data.values())
    if isinstance(data, Block):
        return not any(data is c for c in children)
    return False


class Block:
    """Base class of all layers and models; subclasses implement ``forward``.

    Create children inside ``with self.name_scope():`` to give them prefixes nested under this one.
    """

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ""
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()
        self._hook_counter = 0

    def __repr__(self):
        body = "\n".join(f"  ({key}): {_indent(repr(block), 2)}" for key, block in self.__dict__.items()
                         if isinstance(block, Block))
        return f"{type(self).__name__}(\n{body}\n)"

    def __setattr__(self, name, value):
        """Registers Blocks as children and Parameters as this block's named parameters."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError(f"Changing attribute type for {name} from {type(existing)} to {type(value)}"
                                "is not allowed.")
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            assert name not in self._reg_params, \
                ("Overriding Parameter attribute %s is not allowed. If you want to share parameters between "
                 "blocks, please set 'params' at Block construction instead.")
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _alias(self):
        return type(self).__name__.lower()

    # ------------------------------------------------------------------ naming
    @property
    def prefix(self):
        """Prefix of this Block (``'dense0_'``)."""
        return self._prefix

    @property
    def name(self):
        """The prefix without its trailing ``_``."""
        return self._name

    def name_scope(self):
        """Context manager: Blocks created inside get prefixes nested under this one."""
        return self._scope

    @property
    def params(self):
        """This Block's own ParameterDict (children's parameters excluded)."""
        return self._params

    # ------------------------------------------------------------------ parameters
    def _check_container_with_block(self):
        children = list(self._children.values())
        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not (k.startswith("__") or k == "_children"):
                if _find_unregistered_block(v, children):
                    warnings.warn(f'"{type(self).__name__}.{k}" is an unregistered container with Blocks. Note that '
                                  "Blocks inside the list, tuple or dict will not be registered automatically. "
                                  "Make sure to register them using register_child() or switching to "
                                  "nn.Sequential/nn.HybridSequential instead. ", stacklevel=3)

    def collect_params(self, select=None):
        """A new ParameterDict with this Block's and all descendants' Parameters; ``select`` is a regex
        matched (``re.match``) against full names, e.g. ``'.*weight|.*bias'``."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self._params)
        else:
            pattern = re.compile(select)
            ret.update({k: v for k, v in self._params.items() if pattern.match(k)})
        for child in self._children.values():
            ret.update(child.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix=""):
        """{structural name: Parameter}: attribute paths joined by ``.`` (``0.weight``, ``dense0.bias``)."""
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def register_child(self, block, name=None):
        """Register ``block`` as a child (``name`` defaults to its index)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        """Initialize all Parameters (``collect_params()``); ``init`` (default ``Uniform(0.07)``) applies to
        those without their own initializer."""
        from .. import initializer
        if init is None:
            init = initializer.Uniform()
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def zero_grad(self):
        """Set all gradient buffers to 0."""
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx):
        """Move all Parameters to ``ctx``."""
        self.collect_params().reset_ctx(ctx)

    def cast(self, dtype):
        """Cast this Block's and its children's Parameters to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for param in self._params.values():
            param.cast(dtype)

    def apply(self, fn):
        """Call ``fn(block)`` on every descendant (children first) and on this Block; returns self."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def hybridize(self, active=True, **kwargs):
        """Recurse into children (a plain Block itself is never hybridized)."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    # ------------------------------------------------------------------ calling
    def register_forward_pre_hook(self, hook):
        """``hook(block, inputs)`` runs before each forward; returns a HookHandle."""
        self._hook_counter += 1
        self._forward_pre_hooks[self._hook_counter] = hook
        return HookHandle(self._forward_pre_hooks, self._hook_counter)

    def register_forward_hook(self, hook):
        """``hook(block, inputs, output)`` runs after each forward; returns a HookHandle."""
        self._hook_counter += 1
        self._forward_hooks[self._hook_counter] = hook
        return HookHandle(self._forward_hooks, self._hook_counter)

    def __call__(self, *args):
        if not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args)
        for hook in list(self._forward_pre_hooks.values()):
            hook(self, args)
        out = self.forward(*args)
        for hook in list(self._forward_hooks.values()):
            hook(self, args, out)
        return out

    def forward(self, *args):
        """The computation; override in subclasses."""
        raise NotImplementedError

    def summary(self, *inputs):
        """Print MXNet's table of layers, output shapes and parameter counts for one forward of ``inputs``."""
        from .nn.basic_layers import HybridSequential, Sequential
        rows = [("Input", _shape_of(inputs), 0)]
        seen = set()
        counts = {"total": 0, "trainable": 0, "shared": 0}

        def hook(block, _, outputs):
            n_params = 0
            for p in block.params.values():
                size = p.data().size  # the array's size: a loaded Parameter may have no shape
                n_params += size
                counts["total"] += size
                if p.grad_req != "null":
                    counts["trainable"] += size
                if id(p) in seen:
                    counts["shared"] += size
                seen.add(id(p))
            rows.append((f"{type(block).__name__}-{len(rows)}", _shape_of(outputs), n_params))

        handles = []

        def register(block):
            if getattr(block, "_active", False):
                raise AssertionError(f'"{block.name}" must not be hybridized to print summary.')
            if not isinstance(block, (Sequential, HybridSequential)):
                handles.append(block.register_forward_hook(hook))

        self.apply(register)
        try:
            self(*inputs)
        finally:
            for h in handles:
                h.detach()
        fmt = "{:>20}  {:>42} {:>15}"
        lines = ["-" * 80, fmt.format("Layer (type)", "Output Shape", "Param #"), "=" * 80]
        lines += [fmt.format(name, shape, n) for name, shape, n in rows]
        total, trainable, shared = counts["total"], counts["trainable"], counts["shared"]
        lines += ["=" * 80, "Parameters in forward computation graph, duplicate included",
                  f"   Total params: {total}", f"   Trainable params: {trainable}",
                  f"   Non-trainable params: {total - trainable}",
                  f"Shared params in forward computation graph: {shared}",
                  f"Unique parameters in model: {total - shared}", "-" * 80]
        print("\n".join(lines))


def _shape_of(x):
    """MXNet's summary cell: NDArrays as shapes, nesting kept (as lists), the outer list's brackets dropped."""
    def shapes(v):
        if isinstance(v, (list, tuple)):
            return [shapes(e) for e in v]
        return v.shape if isinstance(v, NDArray) else v
    out = shapes(x)
    text = str(out)[1:-1] if isinstance(out, list) else str(out)
    return text.replace("L", "")


def _first_ndarray(args):
    for a in args:
        if isinstance(a, NDArray):
            return a
        if isinstance(a, (list, tuple)):
            found = _first_ndarray(a)
            if found is not None:
                return found
    return None


class _ActiveCall(threading.local):
    value = False


_IN_ACTIVE = _ActiveCall()
_NAMED_CHECK = re.compile(r"(\w+): (Check failed: .+?)( ?: )(.*)", re.S)
_PARAM_ERROR = re.compile(r"Invalid Input: |value \S+ for Parameter ")


def _arg_format(args):
    """MXNet's flattened-input format: 0 per NDArray, -1 per None, nested lists for lists/tuples;
    None when some argument is none of these (ndx then skips the check)."""
    out = []
    for a in args:
        if isinstance(a, NDArray):
            out.append(0)
        elif a is None:
            out.append(-1)
        elif isinstance(a, (list, tuple)):
            inner = _arg_format(a)
            if inner is None:
                return None
            out.append(inner)
        else:
            return None
    return out



class HybridBlock(Block):
    """A Block written as ``hybrid_forward(self, F, x, *args, **params)`` with ``F`` = ``ndx.nd``; its
    registered Parameters arrive as keyword arguments (data on the input's context).

    ``hybridize()`` is accepted and never changes results (ndx runs imperatively).
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._ran_active = False  # a forward ran since hybridize(): MXNet's condition for export()
        self._in_format = None  # argument structure of the first hybridized call (MXNet's cached-op check)
        self._flags = {}

    def register_child(self, block, name=None):
        if not isinstance(block, HybridBlock):
            raise ValueError(f"Children of HybridBlock must also be HybridBlock, but {block} has type "
                             f"{type(block)}. If you are using Sequential, please try HybridSequential instead.")
        super().register_child(block, name)

    def hybridize(self, active=True, backend=None, clear=True, static_alloc=False, static_shape=False,
                  inline_limit=2, forward_bulk_size=None, backward_bulk_size=None, **kwargs):
        """Accepted for compatibility: marks the block (and its children) active; results are unchanged."""
        self._active = active
        self._ran_active = False
        self._in_format = None
        self._flags = dict(static_alloc=static_alloc, static_shape=static_shape, **kwargs)
        if self._forward_hooks or self._forward_pre_hooks:
            warnings.warn(f'"{self}" is being hybridized while still having forward hook/pre-hook. If "{self}" '
                          "is a child of HybridBlock, the hooks will not take effect.", stacklevel=2)
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape, **kwargs)

    def forward(self, x, *args):
        """Fetch the registered Parameters on the input's context (completing a deferred init first if
        needed) and run ``hybrid_forward(nd, x, *args, **params)``."""
        first = x if isinstance(x, NDArray) else _first_ndarray((x,) + args)
        if self._active:
            self._ran_active = True
            if first is not None and not _IN_ACTIVE.value:
                self._check_in_format((x,) + args)
        if first is None:
            if _has_symbol((x,) + args):
                return self._symbolic_forward(x, *args)
            raise ValueError("In HybridBlock, there must be one NDArray or one Symbol in the input. Please check "
                             "the type of the args.\n")
        reg = self._reg_params
        if self._active:
            outer = not _IN_ACTIVE.value
            _IN_ACTIVE.value = True  # blocks called inside are traced into this graph: no format check
            try:
                return self._forward_params(reg, first, x, args)
            except MXNetError as e:
                raise self._graph_error(e) from None
            finally:
                if outer:
                    _IN_ACTIVE.value = False
        return self._forward_params(reg, first, x, args)

    def _check_in_format(self, args):
        """A hybridized block called directly keeps the argument structure of its first call; trailing
        ``None`` arguments may come and go. MXNet's message names the two formats the other way round."""
        fmt = _arg_format(args)
        if fmt is None:
            return
        stored = self._in_format
        if stored is None:
            self._in_format = fmt
            return
        if fmt == stored:
            return
        short, long_ = (fmt, stored) if len(fmt) < len(stored) else (stored, fmt)
        if len(short) == len(long_) or long_[:len(short)] != short or \
                any(f != -1 for f in long_[len(short):]):
            raise ValueError("The argument structure of HybridBlock does not match the cached version. "
                             f"Stored format = {fmt}, input format = {stored}")

    # The name MXNet gives this Block's operator node in the cached graph (``<prefix><_fwd_op_name>``).
    _fwd_op_name = "fwd"

    def _graph_error(self, e):
        """A hybridized Block reports an op's failure as MXNet's graph executor does: naming the node."""
        msg = str(e)
        if "Error in operator " in msg or getattr(e, "node_error", True) is False:
            return e
        node = self.prefix + self._fwd_op_name
        checked = _NAMED_CHECK.match(msg)  # 'Pooling: Check failed: c : text' -> 'Check failed: c : Pooling: text'
        if checked and checked.group(1) != "MXNetError":
            msg = f"MXNetError: {checked.group(2)}{checked.group(3)}{checked.group(1)}: {checked.group(4)}"
        if not msg.startswith("MXNetError: ") or _PARAM_ERROR.match(msg, len("MXNetError: ")):
            return e  # operator-parameter errors come from building the graph, before any node runs
        # the graph's text names the node and keeps C++ '::' intact
        msg = msg[len("MXNetError: "):].replace("in node  at", f"in node {node} at").replace(": :", "::")
        return MXNetError(f"MXNetError: Error in operator {node}: {msg}")

    def _forward_params(self, reg, first, x, args):
        if not reg:
            return self.hybrid_forward(_nd, x, *args)
        ctx = first._ctx
        try:
            params = {k: v.data(ctx) for k, v in reg.items()}
        except DeferredInitializationError:
            self._deferred_infer_shape(x, *args)
            for p in self._params.values():
                p._finish_deferred_init()
            for p in reg.values():
                p._finish_deferred_init()
            params = {k: v.data(ctx) for k, v in reg.items()}
        return self.hybrid_forward(_nd, x, *args, **params)

    def _symbolic_forward(self, x, *args):
        """Symbol inputs (``net(mx.sym.var('data'))``, ``export``): the graph ``hybrid_forward`` builds with
        ``F = ndx.symbol`` and the Parameters' variables, in the name scope (op nodes named ``<prefix>fwd``)."""
        from .. import symbol as F
        with self.name_scope():
            params = {k: p.var() for k, p in self._reg_params.items()}
            return self.hybrid_forward(F, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """The computation, with ``F`` = ``ndx.nd``; override in subclasses."""
        raise NotImplementedError

    def _deferred_infer_shape(self, *args):
        pending = [p for p in list(self._params.values()) + list(self._reg_params.values()) if p._deferred_init]
        has_hook = type(self)._infer_shapes is not HybridBlock._infer_shapes
        if not pending or not (has_hook or any(not _known(p.shape) for p in pending)):
            return
        try:
            self._infer_shapes(*args)
        except Exception as e:
            if isinstance(e, MXNetError):  # MXNet's symbolic infer_shape prints the graph inputs' shapes
                shapes = [a.shape for a in args if isinstance(a, NDArray)]
                names = ["data"] if len(shapes) == 1 else [f"data{i}" for i in range(len(shapes))]
                print("infer_shape error. Arguments:")
                for name, shape in zip(names, shapes):
                    print(f"  {name}: {shape}")
            raise ValueError("Deferred initialization failed because shape cannot be inferred. " + str(e)) from e

    def infer_shape(self, *args):
        """Set the unknown dims of this Block's Parameters from ``args`` without initializing them."""
        self._infer_shapes(*args)

    def _infer_shapes(self, *args):
        """Hook: set the unknown dims of this Block's own Parameters from the first inputs.

        Built-in layers override it. A user HybridBlock whose Parameters have unknown dims (0) gets
        this error: ndx has no symbolic shape inference to work them out.
        """
        unknown = [p for p in self._reg_params.values() if not _known(p.shape)]
        args_desc = "\n".join(f"\t{p.name}: {p.shape}" for p in unknown)
        raise MXNetError(
            "Cannot decide shape for the following arguments (0s in shape means unknown dimensions). Consider "
            f"providing them as input:\n{args_desc}\nndx infers shapes per layer: give the full shape when "
            "creating the Parameter (e.g. self.params.get('weight', shape=(3, 4))), or implement "
            f"_infer_shapes(self, *inputs) in {type(self).__name__} to set param.shape from the first input.")

    def _set_shape(self, param, shape):
        """Set an inferred shape, raising MXNet's shape-inconsistency error if a known dim disagrees."""
        shape = tuple(int(n) for n in shape)
        stored = param.shape
        if stored is not None and (len(stored) != len(shape)
                                   or any(s not in (0, -1) and s != n for s, n in zip(stored, shape))):
            raise MXNetError(f"MXNetError: Error in operator {self.name}_fwd: Shape inconsistent, Provided = "
                             f"{_shape_str(stored)}, inferred shape=({','.join(str(n) for n in shape)})")
        param.shape = shape


def _has_symbol(args):
    from ..symbol.symbol import Symbol
    return any(isinstance(a, Symbol) or (isinstance(a, (list, tuple)) and _has_symbol(a)) for a in args)


def _known(shape):
    return shape is not None and all(n > 0 for n in shape)
