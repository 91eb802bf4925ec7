"""NDArray: one backend array plus its Context, with MXNet 1.x semantics."""
import numbers
import sys
import warnings

import numpy as np

from .. import autograd
from ..autograd import Leaf, _state
from ..base import MXNetError
from ..base import shape_text as _shape_str
from ..context import Context, current_context
from ..ops import elemwise as E
from ..ops import index as I

__all__ = ["NDArray", "array", "from_numpy", "from_dlpack"]

_new = object.__new__
_SCALARS = (int, float, bool, np.generic)


def _wrap(data, ctx):
    out = _new(NDArray)
    out._data = data
    out._ctx = ctx
    out._node = None
    return out


def _dtype_error(a, b):
    return MXNetError(f"Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at 1-th input: "
                      f"expected {np.dtype(a).name}, "
                      f"got {np.dtype(b).name}")


def _scalar_for(x, s):
    """A Python/numpy scalar converted to take the array's dtype (MXNet never promotes)."""
    kind = x._data.dtype.kind
    if kind in "iub" and not isinstance(s, (int, np.integer)):
        return int(s)
    if isinstance(s, np.generic):
        return s.item()
    return s


def _binary(a, b, op, scalar_op):
    if type(b) is NDArray or isinstance(b, NDArray):
        da, db = a._data.dtype, b._data.dtype
        if da is not db and da != db:
            raise _dtype_error(da, db)
        return invoke2(op, a, b)
    if isinstance(b, _SCALARS):
        return invoke(scalar_op, (a,), {"scalar": _scalar_for(a, b)})
    raise TypeError(f"type {type(b)} not supported")


def _temporary_refcount():
    """``sys.getrefcount(self)`` inside a binary dunder when ``self`` is an unnamed temporary (as the
    ``a * b`` in ``a * b + c``), or None when this interpreter does not tell temporaries apart."""
    seen = {}

    class Probe:
        def __add__(self, other):
            seen[other] = sys.getrefcount(self)
            return self

    Probe() + "temporary"
    named = Probe()
    named + "named"  # noqa: B018
    temp = seen["temporary"]
    return temp if seen["named"] == temp + 1 else None


_TEMP_REFS = _temporary_refcount()
_ELIDE_BYTES = 1 << 18  # as numpy: below this, reusing a buffer saves less than the check costs


def _operator(op, scalar_op, ufunc=None):
    """An arithmetic dunder with the small-array fast path inlined (no graph, one numpy context).

    With ``ufunc`` it also elides temporaries as numpy does: in ``a * b + c`` the large ``a * b``
    buffer, referenced by nothing else, receives the sum in place instead of a new allocation.
    """
    fwd = op.forward

    def method(self, other):
        if type(other) is NDArray:
            d, o = self._data, other._data
            if d.dtype is not o.dtype and d.dtype != o.dtype:
                raise _dtype_error(d.dtype, o.dtype)
            ctx = self._ctx
            backend = ctx._backend
            if other._ctx is ctx and not _state.recording and backend is not None and not backend.needs_guard:
                out = _new(NDArray)
                # d's references: self's slot, the local name d, getrefcount's argument: nothing else
                if (ufunc is not None and d.nbytes >= _ELIDE_BYTES and sys.getrefcount(self) == _TEMP_REFS
                        and sys.getrefcount(d) == 3 and self._node is None and d.base is None
                        and type(d) is np.ndarray and d.shape == np.broadcast_shapes(d.shape, o.shape)
                        and d.dtype.kind == "f"):
                    out._data = ufunc(d, o, out=d)
                else:
                    out._data = fwd(backend.xp, d, o)
                out._ctx = ctx
                out._node = None
                return out
            return invoke2(op, self, other)
        return _binary(self, other, op, scalar_op)
    method.__name__ = op.name
    return method


def _reflected(scalar_op):
    """``scalar OP array`` (numpy arrays on the left are refused, as in MXNet)."""
    def method(self, other):
        return _rbinary(self, other, scalar_op)
    return method


def _inplace_operator(op, scalar_op):
    def method(self, other):
        return self._inplace(other, op, scalar_op)
    return method


def _rbinary(a, b, scalar_op):
    if isinstance(b, _SCALARS):
        return invoke(scalar_op, (a,), {"scalar": _scalar_for(a, b)})
    raise TypeError(f"type {type(b)} not supported")


class NDArray:
    """An n-dimensional array on a device (``context``), computed by numpy or CuPy."""

    __slots__ = ("_data", "_ctx", "_node", "_oidx", "__weakref__")
    __array_priority__ = 1000.0
    __array_ufunc__ = None  # numpy defers to our reflected operators, which refuse numpy arrays

    def __init__(self, data, ctx=None):
        ctx = current_context() if ctx is None else ctx
        self._data = data
        self._ctx = ctx
        self._node = None

    # ------------------------------------------------------------------ attributes
    @property
    def shape(self):
        return self._data.shape

    @property
    def size(self):
        return self._data.size

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return self._data.dtype.type

    @property
    def context(self):
        return self._ctx

    ctx = context

    @property
    def stype(self):
        return "default"

    @property
    def handle(self):
        return self._data

    @property
    def T(self):
        return invoke(_shape.transpose, (self,), {"axes": None})

    @property
    def grad(self):
        node = self._node
        return node.grad if type(node) is Leaf else None

    @property
    def writable(self):
        return True

    def __len__(self):
        return self._data.shape[0]

    def __iter__(self):
        for i in range(self._data.shape[0]):
            yield self[i]

    def __bool__(self):
        size = self._data.size
        if size == 0:
            return False
        if size == 1:
            return bool(self._ctx.backend.host_view(self._data).reshape(-1)[0])
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def __hash__(self):
        return id(self)

    def __reduce__(self):
        raise TypeError("NDArray is not picklable by design; save it with nd.save or safetensors")

    # ------------------------------------------------------------------ conversion
    def asnumpy(self):
        """A numpy copy of the values (a device-to-host transfer on GPU)."""
        return self._ctx.backend.to_host(self._data)

    def _host(self):
        return self._ctx.backend.host_view(self._data)

    def asscalar(self):
        if self._data.size != 1:
            raise ValueError("The current array is not a scalar")
        host = self._host()
        # MXNet hands back the whole (1, 1, ...) numpy array for 2-D and up, a numpy scalar otherwise
        return host if host.ndim > 1 else host.reshape(-1)[0]

    def item(self):
        return self.asscalar().item()

    def tolist(self):
        return self._host().tolist()

    def __array__(self, dtype=None, copy=None):
        if self._ctx.backend.xp is not np:
            raise TypeError(f"Implicit conversion of an NDArray on {self._ctx} to a NumPy array is not allowed; "
                            "use .asnumpy()")
        return self._data if dtype is None else self._data.astype(dtype)

    def __dlpack__(self, *args, **kwargs):
        return self._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def to_dlpack_for_read(self):
        return self._data.__dlpack__()

    to_dlpack_for_write = to_dlpack_for_read

    def astype(self, dtype, copy=True):
        dtype = np.dtype(dtype)
        if not copy and dtype == self._data.dtype:
            return self
        return invoke(E.cast, (self,), {"dtype": dtype})

    def copy(self):
        return invoke(E.copy, (self,))

    def copyto(self, other):
        """Copy into ``other`` (an NDArray of the same shape) or onto a Context (always a new array)."""
        if isinstance(other, Context):
            return _transfer(self, other)
        if isinstance(other, NDArray):
            if other is self:
                warnings.warn("You are attempting to copy an array to itself", RuntimeWarning, stacklevel=2)
                return False
            if other.shape != self.shape:
                raise MXNetError("Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at 0-th output: "
                                 f"expected {_shape_str(self.shape)}, got {_shape_str(other.shape)}")
            other._data[...] = _transfer(self, other._ctx)._data.astype(other._data.dtype, copy=False)
            return other
        raise TypeError(f"copyto does not support type {type(other)}")

    def as_in_context(self, context):
        """This array if already on ``context``, else a copy there."""
        if context is self._ctx:
            return self
        return _transfer(self, context)

    as_in_ctx = as_in_context

    def wait_to_read(self):
        self._ctx.backend.synchronize(self._ctx)

    wait_to_write = wait_to_read

    # ------------------------------------------------------------------ autograd
    def attach_grad(self, grad_req="write", stype=None):
        """Allocate a zero gradient buffer (``.grad``) and mark this array as a variable."""
        if grad_req not in ("write", "add", "null"):
            raise KeyError(grad_req)  # MXNet looks the name up in its table of requests
        if grad_req == "null":
            self._node = Leaf(None, "null")  # still a variable of the graph, but its gradient is never written
            return
        self._node = Leaf(_wrap(self._ctx.backend.xp.zeros_like(self._data), self._ctx), grad_req)

    def detach(self):
        return _wrap(self._data, self._ctx)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        autograd.backward([self], None if out_grad is None else [out_grad], retain_graph, train_mode)

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        return "\n%s\n<NDArray %s @%s>" % (_body(self._host()), "x".join(str(n) for n in self._data.shape), self._ctx)

    __str__ = __repr__

    # ------------------------------------------------------------------ arithmetic
    __add__ = _operator(E.add, E.plus_scalar, np.add)
    __radd__ = _reflected(E.plus_scalar)
    __sub__ = _operator(E.subtract, E.minus_scalar, np.subtract)
    __rsub__ = _reflected(E.rminus_scalar)
    __mul__ = _operator(E.multiply, E.mul_scalar, np.multiply)
    __rmul__ = _reflected(E.mul_scalar)
    __truediv__ = _operator(E.divide, E.div_scalar, np.true_divide)
    __rtruediv__ = _reflected(E.rdiv_scalar)
    __mod__ = _operator(E.mod, E.mod_scalar)
    __rmod__ = _reflected(E.rmod_scalar)
    __pow__ = _operator(E.power, E.power_scalar)
    __rpow__ = _reflected(E.rpower_scalar)

    def __neg__(self):
        return invoke(E.negative, (self,))

    def __pos__(self):
        return self

    def __abs__(self):
        return invoke(E.abs_, (self,))

    def __eq__(self, other):
        if other is None:
            return False
        return _binary(self, other, E.equal, E.equal_scalar)

    def __ne__(self, other):
        if other is None:
            return True
        return _binary(self, other, E.not_equal, E.not_equal_scalar)

    __lt__ = _operator(E.lesser, E.lesser_scalar)
    __le__ = _operator(E.lesser_equal, E.lesser_equal_scalar)
    __gt__ = _operator(E.greater, E.greater_scalar)
    __ge__ = _operator(E.greater_equal, E.greater_equal_scalar)

    def _inplace(self, other, op, scalar_op):
        if _state.recording and self._node is not None:
            raise MXNetError(autograd.INPLACE_IN_GRAPH)
        with autograd.pause(_state.training):
            res = _binary(self, other, op, scalar_op)
        if res._data.shape != self._data.shape:
            raise MXNetError(f"Shape inconsistent, Provided = {_shape_str(self._data.shape)}, "
                             f"inferred shape={_shape_str(res._data.shape)}")
        self._data[...] = res._data
        return self

    __iadd__ = _inplace_operator(E.add, E.plus_scalar)
    __isub__ = _inplace_operator(E.subtract, E.minus_scalar)
    __imul__ = _inplace_operator(E.multiply, E.mul_scalar)
    __itruediv__ = _inplace_operator(E.divide, E.div_scalar)
    __imod__ = _inplace_operator(E.mod, E.mod_scalar)

    # ------------------------------------------------------------------ indexing
    def __getitem__(self, key):
        t = type(key)
        if t is int:
            if self._data.ndim == 1:
                _check_bound(key, self._data.shape[0])
                key = slice(key, key + 1 if key != -1 else None)
            return invoke(I.getitem_view, (self,), {"key": key})
        if t is slice and (key.step is None or key.step == 1):
            if key.start is None and key.stop is None:
                return self  # MXNet's x[:] is x itself
            return invoke(I.getitem_view, (self,), {"key": key})
        if t is tuple and _all_ints(key) and len(key) <= self._data.ndim:
            # integers only: a view, as in MXNet; a single element comes back with shape (1,)
            if len(key) == self._data.ndim:
                for k, n in zip(key, self._data.shape):
                    _check_bound(k, n)
                last = key[-1]
                key = key[:-1] + (slice(last, last + 1 if last != -1 else None),)
            return invoke(I.getitem_view, (self,), {"key": key})
        try:
            return invoke(I.getitem, (self,), {"key": _index_key(self, key)})
        except IndexError:
            _refuse_key(key, self._data.ndim)
            raise

    def __setitem__(self, key, value):
        if _state.recording and self._node is not None:
            raise MXNetError(autograd.INPLACE_IN_GRAPH)
        if type(key) is tuple:
            _refuse_key(key, self._data.ndim)
        key = _index_key(self, key)
        data = self._data
        if isinstance(value, NDArray):
            if value._ctx.backend is not self._ctx.backend:
                value = _transfer(value, self._ctx)
            v = value._data
        elif isinstance(value, _SCALARS):
            data[key] = value
            return
        else:
            v = self._ctx.backend.from_host(np.asarray(value, dtype=data.dtype), self._ctx)
        target_shape = data[key].shape if not (type(key) is slice and key == slice(None)) else data.shape
        if v.shape != target_shape:
            v = _broadcast_value(self._ctx.backend.xp, v, target_shape)
        data[key] = v


# numpy 2.3 switches float16/float32 to scientific notation from 1e3/1e6 up; MXNet 1.9.1 prints with the
# numpy 1.x rule (from 1e8), which numpy keeps as legacy="2.2". A legacy mode the user chose is left alone.
_PRINT_LEGACY = "2.2" if np.lib.NumpyVersion(np.__version__) >= "2.3.0" else None


def _body(host):
    """numpy's str of the values, with numpy 1.x's choice between positional and scientific notation."""
    if _PRINT_LEGACY is not None and np.get_printoptions()["legacy"] is False:
        with np.printoptions(legacy=_PRINT_LEGACY):
            return str(host)
    return str(host)


def _check_bound(index, size):
    """MXNet's check of an integer index that selects one element (every axis reported as axis 0)."""
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for axis 0 with size {size}")


_BOOLEAN_INDEX = ("Cannot perform boolean indexing in legacy mode. Please activate numpy semantics by calling "
                  "`npx.set_np()` in the global scope before calling this function.")


def _all_ints(key):
    for k in key:
        if type(k) is not int:
            return False
    return True


def _broadcast_value(xp, v, shape):
    """An assigned value broadcast to its target: leading 1s dropped, then numpy broadcasting (MXNet's rule)."""
    original = v.shape
    while v.ndim > len(shape) and v.shape[0] == 1:
        v = v.reshape(v.shape[1:])
    try:
        return xp.broadcast_to(v, shape)
    except ValueError:
        raise ValueError(f"operands could not be broadcast together with remapped shapes[original->remapped]: "
                         f"{original} and requested shape {shape}") from None


def _refuse_key(key, ndim):
    """Raise MXNet's error for a key numpy refused: a key of the wrong type, or more indices than axes."""
    if not isinstance(key, (tuple, list, NDArray, np.ndarray, numbers.Integral, slice)) and key is not None \
            and key is not Ellipsis:
        raise ValueError(f"NDArray does not support slicing with key {key} of type {type(key)}.") from None
    if isinstance(key, tuple):
        n = sum(1 for k in key if k is not None and k is not Ellipsis)
        if n > ndim:
            raise IndexError(f"too many indices ({n}) for array with {ndim} dimensions") from None



def _index_key(x, key):
    """Turn NDArray/list index parts into backend integer arrays (MXNet: float indices are integers)."""
    if isinstance(key, NDArray):
        data = key._data
        if data.dtype == np.bool_:
            raise ValueError(_BOOLEAN_INDEX)
        return data.astype(np.int64)
    if isinstance(key, list):
        return x._ctx.backend.from_host(np.asarray(key, dtype=np.int64), x._ctx)
    if type(key) is tuple:
        return tuple(_index_key(x, k) if isinstance(k, (NDArray, list)) else k for k in key)
    return key


def _transfer(x, ctx):
    """Copy ``x`` onto ``ctx`` (explicitly through the host between backends)."""
    src, dst = x._ctx.backend, ctx.backend
    if src is dst:
        if not dst.needs_guard:
            data = x._data.copy()
        else:
            with dst.guard(ctx):
                data = dst.xp.array(x._data, copy=True)
    else:
        data = dst.from_host(src.host_view(x._data), ctx)
    out = _wrap(data, ctx)
    if _state.recording and x._node is not None:
        from .dispatch import _record
        out = _record(E.identity, (x,), (x._data,), data, None, {}, ctx) if src is dst else out
    return out


def _native_backend_ctx(obj):
    """(context) for an array object from some backend library (CuPy arrays go to their gpu)."""
    mod = type(obj).__module__
    if mod.startswith("cupy"):
        return Context("gpu", obj.device.id)
    return None


def array(source_array, ctx=None, dtype=None):
    """An NDArray from a list, scalar, numpy/CuPy array or NDArray (float32 unless an NDArray or ``dtype``)."""
    ctx = current_context() if ctx is None else Context(ctx) if not isinstance(ctx, Context) else ctx
    if isinstance(source_array, NDArray):
        out = source_array.as_in_context(ctx).copy() if source_array._ctx is not ctx else source_array.copy()
        return out if dtype is None else out.astype(dtype, copy=False)
    dtype = np.float32 if dtype is None else dtype
    backend = ctx.backend
    if backend.is_native(source_array):
        return _wrap(backend.xp.array(source_array, dtype=dtype, copy=True), ctx)
    src_ctx = _native_backend_ctx(source_array)
    if src_ctx is not None:
        host = src_ctx.backend.to_host(source_array)
    else:
        try:
            host = np.array(source_array, dtype=dtype)
        except (TypeError, ValueError):
            raise TypeError("source_array must be array like object") from None
    host = host.astype(dtype, copy=False)
    if backend.xp is not np and not host.flags.c_contiguous:
        host = host.copy(order="C")  # (not ascontiguousarray: it turns 0-d into 1-d)
    return _wrap(backend.from_host(host, ctx), ctx)


def from_numpy(ndarray, zero_copy=True):
    """Wrap a numpy array on cpu(0), sharing memory when ``zero_copy``."""
    return _wrap(ndarray if zero_copy else ndarray.copy(), Context("cpu", 0))


class _HostCapsule:
    """A bare DLPack capsule of host memory, given the protocol methods numpy's from_dlpack expects."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, *args, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


def from_dlpack(dlpack):
    """An NDArray sharing memory with a DLPack-capable array (CPU via numpy, CUDA via CuPy)."""
    if not hasattr(dlpack, "__dlpack_device__"):
        dlpack = _HostCapsule(dlpack)  # a bare capsule, as to_dlpack_for_read returns: host memory
    dev_type, dev_id = dlpack.__dlpack_device__()
    if dev_type == 1:
        return _wrap(np.from_dlpack(dlpack), Context("cpu", 0))
    ctx = Context("gpu", dev_id)
    return _wrap(ctx.backend.xp.from_dlpack(dlpack), ctx)


from ..ops import shape as _shape  # noqa: E402
from .dispatch import invoke, invoke2  # noqa: E402
