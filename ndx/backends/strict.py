"""A strict device backend for tests: numpy underneath, CuPy's discipline on top.

Arrays of this backend are ``StrictArray`` wrappers. Like CuPy arrays they refuse implicit
conversion to numpy (``np.asarray(a)`` raises), refuse to mix with numpy arrays in any ``xp`` call or
operator, and reductions return 0-d arrays rather than numpy scalars. Registering it under a non-CPU
device type (the test suite uses ``Context('strict', 0)``) runs the whole op and Gluon code through the
device path on a machine without a GPU.
"""
import operator

import numpy as np

from .base import Backend, HostGenerator

_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. "
             "Please use an explicit device-to-host copy (NDArray.asnumpy()).")


def _refuse(obj):
    raise TypeError(f"Unsupported type {type(obj)}: a host numpy array cannot be mixed with strict-device "
                    "arrays; copy it to the device first.")


def _unwrap(obj):
    t = type(obj)
    if t is StrictArray:
        return obj._a
    if t is np.ndarray:
        _refuse(obj)
    if t is tuple or t is list:
        return t(_unwrap(o) for o in obj)
    return obj


def _wrap(obj):
    t = type(obj)
    if t is np.ndarray:
        return StrictArray(obj)
    if isinstance(obj, np.generic):
        return StrictArray(np.asarray(obj))
    if t is tuple or t is list:
        return t(_wrap(o) for o in obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # named results, e.g. linalg.svd
        return t(*(_wrap(o) for o in obj))
    return obj


def _call(fn, args, kwargs):
    return _wrap(fn(*[_unwrap(a) for a in args], **{k: _unwrap(v) for k, v in kwargs.items()}))


class StrictArray:
    """A device array that keeps to itself."""

    __slots__ = ("_a",)
    __array_priority__ = 1000

    def __init__(self, a):
        self._a = a

    def __array__(self, dtype=None, copy=None):
        raise TypeError(_IMPLICIT)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # numpy scalars meeting a strict array (np.float32(2) * a) compute, as with CuPy;
        # a numpy array among the inputs is refused by _unwrap.
        if method != "__call__":
            return NotImplemented
        return _call(ufunc, inputs, kwargs)

    def __array_function__(self, *args, **kwargs):
        raise TypeError(_IMPLICIT)

    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: StrictArray(self._a.T))
    base = property(lambda self: _wrap(self._a.base))

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)  # never leak __array_interface__ and friends
        attr = getattr(self._a, name)
        if callable(attr):
            return lambda *a, **k: _call(attr, a, k)
        return _wrap(attr)

    def get(self):
        """Explicit device-to-host copy, as ``cupy.ndarray.get``."""
        return self._a.copy()

    def __dlpack__(self, *args, **kwargs):
        return self._a.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()

    def __getitem__(self, key):
        return _wrap(self._a[_unwrap(key)])

    def __setitem__(self, key, value):
        self._a[_unwrap(key)] = _unwrap(value)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(x) for x in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return operator.index(self._a)

    def __complex__(self):
        return complex(self._a)

    def __repr__(self):
        return "strict_" + repr(self._a)

    def __copy__(self):
        return StrictArray(self._a.copy())

    def __deepcopy__(self, memo):
        return StrictArray(self._a.copy())


def _binary(op):
    return lambda self, other: _wrap(op(self._a, _unwrap(other)))


def _rbinary(op):
    return lambda self, other: _wrap(op(_unwrap(other), self._a))


def _inplace(op):
    def method(self, other):
        op(self._a, _unwrap(other))
        return self
    return method


for _name, _op in [("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("floordiv", operator.floordiv), ("mod", operator.mod),
                   ("pow", operator.pow), ("matmul", operator.matmul), ("and", operator.and_),
                   ("or", operator.or_), ("xor", operator.xor), ("lshift", operator.lshift),
                   ("rshift", operator.rshift)]:
    setattr(StrictArray, f"__{_name}__", _binary(_op))
    setattr(StrictArray, f"__r{_name}__", _rbinary(_op))
    setattr(StrictArray, f"__i{_name}__", _inplace(getattr(operator, f"i{_name}")))
for _name, _op in [("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt), ("le", operator.le),
                   ("gt", operator.gt), ("ge", operator.ge)]:
    setattr(StrictArray, f"__{_name}__", _binary(_op))
for _name, _op in [("neg", operator.neg), ("pos", operator.pos), ("abs", operator.abs), ("invert", operator.invert)]:
    setattr(StrictArray, f"__{_name}__", (lambda op: lambda self: _wrap(op(self._a)))(_op))
StrictArray.__hash__ = None


class StrictNamespace:
    """``xp`` for strict arrays: numpy's functions, unwrapping strict inputs and refusing numpy ones."""

    def __init__(self, module):
        self._module = module
        self._cache = {}

    def __getattr__(self, name):
        cache = self.__dict__["_cache"]
        if name in cache:
            return cache[name]
        attr = getattr(self._module, name)
        if name == "ndarray":
            value = StrictArray
        elif isinstance(attr, type) or not callable(attr) and not hasattr(attr, "__name__"):
            value = attr
        elif type(attr).__name__ == "module":
            value = StrictNamespace(attr)
        elif callable(attr):
            value = (lambda fn: lambda *a, **k: _call(fn, a, k))(attr)
        else:
            value = attr
        cache[name] = value
        return value


_strict_np = StrictNamespace(np)


class _StrictGenerator(HostGenerator):
    def __getattribute__(self, name):
        attr = super().__getattribute__(name)
        if name.startswith("_") or name == "rng" or not callable(attr):
            return attr
        return lambda *a, **k: _wrap(attr(*[_unwrap(x) for x in a], **k))


class StrictBackend(Backend):
    """numpy computing, CuPy manners."""

    name = "strict"
    xp = _strict_np
    array_type = StrictArray

    def from_host(self, array, ctx):
        if type(array) is StrictArray:
            return StrictArray(array._a.copy())
        return StrictArray(np.array(array, copy=True))

    def to_host(self, array):
        return array._a.copy()

    def scatter_add(self, target, indices, values):
        np.add.at(target._a, _unwrap(indices), _unwrap(values))

    def _new_generator(self, seed, ctx):
        return _StrictGenerator(seed)


def register(device_type="strict"):
    """Serve ``Context(device_type, i)`` with the strict backend; returns ``Context(device_type, 0)``."""
    from . import register_backend
    from ..context import Context
    Context.devstr2type.setdefault(device_type, 0)
    register_backend(device_type, StrictBackend())
    return Context(device_type, 0)
