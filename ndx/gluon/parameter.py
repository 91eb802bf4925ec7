"""Parameters: named, lazily created per-context arrays with gradient buffers (MXNet 1.x Gluon).

A ``Parameter`` keeps one NDArray per context plus, unless ``grad_req == 'null'``, a gradient buffer
per context, attached with ``autograd.mark_variables`` so ``autograd.backward`` fills it. A shape
with 0 in a dimension means "unknown, infer later": with ``allow_deferred_init`` the initialization
is recorded and completed on the first forward (see ``docs/deferred_init.md``). A ``ParameterDict``
is the ordered name -> Parameter map (with a prefix) that Blocks create, share and initialize
parameters through.
"""
import re
import warnings
from collections import OrderedDict

import numpy as np

from .. import autograd, initializer
from ..base import MXNetError
from ..context import Context, cpu, current_context
from ..ndarray import creation as _creation
from ..ndarray.ndarray import NDArray, _transfer
from ..ndarray.ndarray import array as _array

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "ParameterDict", "tensor_types"]

tensor_types = (NDArray,)

_NOT_INITIALIZED = ("Parameter '{}' has not been initialized. Note that you should initialize parameters and "
                    "create Trainer with Block.collect_params() instead of Block.params because the later does "
                    "not include Parameters of nested child Blocks")
_DEFERRED = ("Parameter '{}' has not been initialized yet because initialization was deferred. Actual "
             "initialization happens during the first forward pass. Please pass one batch of data through the "
             "network before accessing Parameters. You can also avoid deferred initialization by specifying "
             "in_units, num_features, etc., for network layers.")


class DeferredInitializationError(MXNetError, RuntimeError):
    """A Parameter's data was requested while its initialization is still deferred (a RuntimeError,
    as MXNet's MXNetError is)."""


def _ctx_list(ctx):
    if ctx is None:
        return [current_context()]
    if isinstance(ctx, Context):
        return [ctx]
    return list(ctx)


def _shape_known(shape):
    return shape is not None and all(n > 0 for n in shape)


def _zeros_like(arr):
    return _creation.zeros(arr.shape, ctx=arr.context, dtype=arr.dtype)


def _assign(dst, src):
    """Copy ``src`` (NDArray, any context/dtype) into ``dst`` in place, bypassing autograd's checks."""
    if src._ctx.backend is not dst._ctx.backend:
        src = _transfer(src, dst._ctx)
    dst._data[...] = src._data.astype(dst._data.dtype, copy=False)


class Parameter:
    """A Block parameter: ``name``, ``shape`` (0 = unknown), ``dtype``, ``init``, ``grad_req``,
    ``lr_mult``/``wd_mult`` and its per-context data and gradients."""

    def __init__(self, name, grad_req="write", shape=None, dtype=np.float32, lr_mult=1.0, wd_mult=1.0, init=None,
                 allow_deferred_init=False, differentiable=True, stype="default", grad_stype="default"):
        self._data = None           # dict: Context -> NDArray, in initialization order
        self._grad = None
        self._ctx_list = None
        self._deferred_init = ()    # (init, ctx list, default_init, data or None) while pending
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = None if shape is None else tuple(shape)
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.init = init
        for kind, value in (("stype", stype), ("grad_stype", grad_stype)):
            assert value in ("default", "row_sparse", "csr"), \
                f"{kind} for Parameter '{name}' must be one of 'default', 'row_sparse', or 'csr', but got '{value}'"
        if stype != "default" or grad_stype != "default":
            raise NotImplementedError(f"Parameter '{name}': sparse storage ({stype}/{grad_stype}) is not "
                                      "supported by ndx; use stype='default'.")
        self._stype = stype
        self._grad_stype = grad_stype
        self.grad_req = grad_req

    def __repr__(self):
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    # ------------------------------------------------------------------ attributes
    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        assert req in ("write", "add", "null"), \
            f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'"
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad is not None:
            self._grad = None
            for arr in self._data.values():
                arr._node = None
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self.cast(dtype)

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        new_shape = None if new_shape is None else tuple(new_shape)
        if self._deferred_init and not _shape_known(self._shape):
            self.var()  # MXNet makes the variable while inferring the deferred shape: __shape__ keeps the 0s
        if self._shape is None or new_shape is None:
            self._shape = new_shape
            return
        assert len(self._shape) == len(new_shape) and all(j in (0, -1, i) for i, j in zip(new_shape, self._shape)), \
            f"Expected shape {new_shape} is incompatible with given shape {self._shape}."
        self._shape = new_shape

    @property
    def stype(self):
        return self._stype

    # ------------------------------------------------------------------ initialization
    def initialize(self, init=None, ctx=None, default_init=initializer.Uniform(), force_reinit=False):
        """Create the data on ``ctx`` (a Context or a list; default the current one) and fill it with
        ``init`` (else this Parameter's own ``init``, else ``default_init``). With an unknown shape and
        ``allow_deferred_init`` the initialization waits for the first forward."""
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self.name}' is already initialized, ignoring. Set force_reinit=True to "
                          "re-initialize.", stacklevel=2)
            return
        self._data = self._grad = None
        ctx = _ctx_list(ctx)
        if init is None:
            init = default_init if self.init is None else self.init
        if not _shape_known(self._shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise ValueError(f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                             f"{self._shape}.")
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self):
        """Complete a pending initialization (the shape must be known by now)."""
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        if not _shape_known(self._shape):
            raise ValueError(f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                             f"{self._shape}. Please specify in_units, in_channels, etc for `Block`s.")
        with autograd.pause():
            if data is None:
                data = _creation.zeros(self._shape, ctx=ctx[0], dtype=self._np_dtype())
                initializer.create(default_init)(initializer.InitDesc(self.name, {"__init__": init}), data)
            self._init_impl(data, ctx)

    def _np_dtype(self):
        return np.dtype(self._dtype)

    def _init_impl(self, data, ctx_list):
        """Store copies of ``data`` on every context of ``ctx_list`` and allocate the gradients."""
        if not isinstance(data, NDArray):
            data = _array(data, dtype=self._np_dtype())
        self._ctx_list = list(ctx_list)
        dtype = self._np_dtype()
        self._data = {}
        for c in self._ctx_list:
            arr = _creation.zeros(data.shape, ctx=c, dtype=dtype)
            _assign(arr, data)
            self._data[c] = arr
        self._init_grad()

    def _init_grad(self):
        if self._grad_req == "null":
            self._grad = None
            return
        self._grad = {c: _zeros_like(d) for c, d in self._data.items()}
        autograd.mark_variables(list(self._data.values()), list(self._grad.values()), self._grad_req)

    def _load_init(self, data, ctx, cast_dtype=False, dtype_source="current"):
        """Fill shape and data from a loaded array (used by load_parameters); cancels a pending
        deferred init. ``ctx`` None means the deferred contexts, else ``[cpu(0)]``."""
        if cast_dtype:
            assert dtype_source in ("current", "saved")
        if self._shape:
            unknown = (0, -1)
            assert len(self._shape) == len(data.shape) and all(
                i in unknown or i == j for i, j in zip(self._shape, data.shape)), \
                (f"Failed loading Parameter '{self.name}' from saved params: shape incompatible expected "
                 f"{self._shape} vs saved {data.shape}")
            self._shape = tuple(j if i in unknown else i for i, j in zip(self._shape, data.shape))
        # a Parameter with no shape at all keeps shape None after loading, as MXNet's does
        if self._dtype is not None and np.dtype(self._dtype) != np.dtype(data.dtype):
            if not cast_dtype:
                raise AssertionError(
                    f"Failed loading Parameter '{self.name}' from saved params: dtype incompatible expected "
                    f"{self._dtype} vs saved {data.dtype}. Set cast_dtype=True to cast the dtype of saved params.")
            if dtype_source == "current":
                data = data.astype(self._dtype, copy=False)
            else:
                self.cast(data.dtype)  # MXNet's dtype setter: existing data and grads take the saved dtype
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                assert ctx is None or set(ctx) == set(self._deferred_init[1]), \
                    (f"Failed to load Parameter '{self.name}' on {list(ctx)} because it was previous "
                     f"initialized on {list(self.list_ctx())}.")
                ctx = self._deferred_init[1]
            elif ctx is None:
                ctx = [cpu()]
            with autograd.pause():
                self._init_impl(data, ctx)
        else:
            assert ctx is None or set(ctx) == set(self.list_ctx()), \
                (f"Failed to load Parameter '{self.name}' on {list(ctx)} because it was previous "
                 f"initialized on {list(self.list_ctx())}.")
            self.set_data(data)
        self._deferred_init = ()

    # ------------------------------------------------------------------ access
    def _check_and_get(self, arrays, ctx):
        if arrays is not None:
            if ctx is list:
                return list(arrays.values())
            if ctx is None:
                if len(arrays) == 1:
                    return next(iter(arrays.values()))
                ctx = current_context()
            arr = arrays.get(ctx)
            if arr is not None:
                return arr
            raise RuntimeError(f"Parameter '{self.name}' was not initialized on context {ctx}. It was only "
                               f"initialized on {self._ctx_list}.")
        if self._deferred_init:
            raise DeferredInitializationError(_DEFERRED.format(self.name))
        raise RuntimeError(_NOT_INITIALIZED.format(self.name))

    def data(self, ctx=None):
        """The array on ``ctx`` (the stored object itself, not a copy)."""
        return self._check_and_get(self._data, ctx)

    def list_data(self):
        """The arrays on every context, in initialization order."""
        return self._check_and_get(self._data, list)

    def _check_grad(self):
        if self._data is not None and self._grad is None:
            raise RuntimeError(f"Cannot get gradient array for Parameter '{self.name}' because grad_req='null'")

    def grad(self, ctx=None):
        """The gradient buffer on ``ctx``."""
        self._check_grad()
        return self._check_and_get(self._grad, ctx)

    def list_grad(self):
        self._check_grad()
        return self._check_and_get(self._grad, list)

    def list_ctx(self):
        """Contexts holding this Parameter (the requested ones while initialization is deferred)."""
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
        return self._ctx_list

    def set_data(self, data):
        """Copy ``data`` into every context's array (or remember it while initialization is deferred)."""
        if not isinstance(data, NDArray):
            data = _array(data, dtype=self._np_dtype())
        self.shape = data.shape
        if self._data is None:
            assert self._deferred_init, f"Parameter '{self.name}' has not been initialized"
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        for arr in self._data.values():
            _assign(arr, data)

    def zero_grad(self):
        """Set the gradient buffers to 0 (no-op without any)."""
        if self._grad is None:
            return
        for g in self._grad.values():
            g._data[...] = 0

    def _reduce(self):
        """The average of the per-context copies, on cpu(0) (what is saved)."""
        arrays = list(self.list_data())
        total = _transfer(arrays[0], cpu()) if arrays[0].context is not cpu() else arrays[0].copy()
        for other in arrays[1:]:
            total._data += other.as_in_context(cpu())._data
        if len(arrays) > 1:
            total._data /= len(arrays)
        return total

    def reset_ctx(self, ctx):
        """Move the data (averaged over current copies) to ``ctx``; gradients restart at 0."""
        ctx = _ctx_list(ctx)
        if self._data is not None:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise ValueError(f"Cannot reset context for Parameter '{self.name}' because it has not been "
                             "initialized.")

    def cast(self, dtype):
        """Change the dtype; converts existing data and gradients (new arrays)."""
        self._dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            self._data = {c: d.astype(dtype) for c, d in self._data.items()}
            if self._grad is None:
                return
            self._grad = {c: g.astype(dtype) for c, g in self._grad.items()}
            autograd.mark_variables(list(self._data.values()), list(self._grad.values()), self._grad_req)

    def var(self):
        """This Parameter's Symbol variable, with the ``__shape__``/``__dtype__``/``__lr_mult__``/
        ``__wd_mult__``/``__init__`` attributes MXNet writes; the same Symbol on every call (so a graph using
        the Parameter twice shares one variable). As in MXNet, ``__shape__`` is the shape when the variable was
        first made: before a deferred shape is inferred, so deferred dims are written as 0."""
        cached = getattr(self, "_var", None)
        if cached is not None:
            return cached
        from ..symbol import var
        self._var = var(self.name, shape=self.shape, dtype=self.dtype, lr_mult=self.lr_mult,
                        wd_mult=self.wd_mult, init=self.init, stype=self._stype)
        return self._var

    def row_sparse_data(self, row_id):
        """Refused as MXNet refuses it for default storage (the only storage ndx Parameters have)."""
        raise RuntimeError(f"Cannot return a copy of Parameter {self.name} via row_sparse_data() because its "
                           "storage type is default. Please use data() instead.")

    def list_row_sparse_data(self, row_id):
        """Refused as MXNet refuses it for default storage (the only storage ndx Parameters have)."""
        raise RuntimeError(f"Cannot return copies of Parameter '{self.name}' on all contexts via "
                           "list_row_sparse_data() because its storage type is default. Please use data() instead.")


class Constant(Parameter):
    """A Parameter that never changes (``grad_req`` is always ``'null'``), initialized to ``value``."""

    def __init__(self, name, value):
        if not isinstance(value, NDArray):
            value = _array(value)
        self.value = value

        class _CopyValue(initializer.Initializer):
            def _init_weight(self, _, arr):
                _assign(arr, value)

        init_name = f"Constant_{name}_{id(self)}"
        initializer.alias(init_name)(_CopyValue)
        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype, init=init_name)

    def __repr__(self):
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"

    @property
    def grad_req(self):
        return "null"

    @grad_req.setter
    def grad_req(self, req):
        if req != "null":
            warnings.warn(f'Constant parameter "{self.name}" does not support grad_req other than "null", and new '
                          f'value "{req}" is ignored.', stacklevel=2)
        self._grad_req = "null"


def _indent(text, spaces):
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return "\n".join([lines[0]] + [" " * spaces + line for line in lines[1:]])


class ParameterDict:
    """An ordered name -> Parameter map with a ``prefix``; ``shared`` is a dict to take existing
    Parameters from (by full name) instead of creating new ones."""

    def __init__(self, prefix="", shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        name = f"{self._prefix} " if self._prefix else ""
        body = "\n".join(_indent(f"  {v!r}", 2) for v in self.values())
        return f"{name}(\n{body}\n)"

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self):
        """The prefix prepended to names given to ``get``."""
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name, **kwargs):
        """The Parameter ``prefix + name`` (from this dict or the shared one), created with ``kwargs``
        if absent; for an existing one, ``kwargs`` must agree with what is stored (0 dims merge)."""
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            if k == "shape" and isinstance(v, int):
                v = (v,)
            stored = getattr(param, k, None)
            if stored is None:
                setattr(param, k, v)
                continue
            if k == "shape" and v is not None and len(v) == len(stored):
                merged = []
                for want, have in zip(v, stored):
                    if want != have and want > 0 and have > 0:
                        break
                    merged.append(have if want in (0, -1) else want)
                else:
                    param._shape = tuple(merged)
                    continue
            elif k == "dtype" and v is not None and np.dtype(v) == np.dtype(stored):
                continue
            assert v is None or v == stored, \
                (f"Cannot retrieve Parameter '{name}' because desired attribute does not match with stored for "
                 f"attribute '{k}': desired '{v}' vs stored '{stored}'.")
        return param

    def get_constant(self, name, value=None):
        """The Constant ``prefix + name``, created from ``value`` if absent."""
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError(f"No constant named '{name}'. Please specify value if you want to create a new "
                               "constant.")
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            assert isinstance(param, Constant), f"Parameter '{name}' already exists but it is not a constant."
            if isinstance(value, NDArray):
                value = value.asnumpy()
            assert param.shape == value.shape and (param.value.asnumpy() == value).all(), \
                f"Constant '{name}' already exists but it's value doesn't match new value"
        return param

    def update(self, other):
        """Copy the entries of ``other`` (a ParameterDict or dict) in; a name bound to a different
        Parameter is an error."""
        for k, v in other.items():
            if k in self._params:
                assert self._params[k] is v, \
                    ("Cannot update self with other because they have different Parameters with the same "
                     f"name '{k}'")
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False, force_reinit=False):
        """Initialize every Parameter, ``init`` serving as the default for those without their own."""
        if verbose:
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        for v in self.values():
            v.zero_grad()

    def reset_ctx(self, ctx):
        for v in self.values():
            v.reset_ctx(ctx)

    def list_ctx(self):
        s = set()
        for v in self.values():
            s.update(v.list_ctx())
        return list(s)

    def setattr(self, name, value):
        """Set attribute ``name`` (e.g. ``grad_req``, ``lr_mult``) on every Parameter."""
        for v in self.values():
            setattr(v, name, value)

    def _select(self, pattern):
        prog = re.compile(pattern)
        return {k: v for k, v in self.items() if prog.match(k)}
