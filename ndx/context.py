"""Device contexts: ``cpu(i)``, ``gpu(i)``, ``cpu_pinned(i)`` and the ``with ctx:`` default.

A Context is interned per (device_type, device_id), so identity comparison is the fast path in op
dispatch. The backend that runs a context's arrays is looked up once and cached on the object.
"""
import threading

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus"]

_DEVTYPE2ID = {"cpu": 1, "gpu": 2, "cpu_pinned": 3, "cpu_shared": 5}
_DEVID2TYPE = {v: k for k, v in _DEVTYPE2ID.items()}


class Context:
    """A device: its type (``'cpu'``, ``'gpu'``, ...) and its index."""

    __slots__ = ("device_type", "device_id", "_backend", "_old_ctx", "__weakref__")
    _interned = {}
    devtype2str = _DEVID2TYPE
    devstr2type = _DEVTYPE2ID
    _default = threading.local()

    def __new__(cls, device_type, device_id=0):
        if isinstance(device_type, Context):
            return device_type
        if isinstance(device_type, int):
            device_type = _DEVID2TYPE[device_type]
        key = (device_type, int(device_id))
        ctx = cls._interned.get(key)
        if ctx is None:
            ctx = object.__new__(cls)
            ctx.device_type = device_type
            ctx.device_id = int(device_id)
            ctx._backend = None
            ctx._old_ctx = []
            cls._interned[key] = ctx
        return ctx

    @property
    def device_typeid(self):
        return _DEVTYPE2ID.get(self.device_type, 0)

    @property
    def backend(self):
        """The Backend that holds this context's arrays (resolved once, then cached)."""
        backend = self._backend
        if backend is None:
            from .backends import backend_for
            backend = self._backend = backend_for(self)
        return backend

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__  # interned: equality is identity, so the hash may be too

    def __repr__(self):
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __reduce__(self):
        return (Context, (self.device_type, self.device_id))

    def __enter__(self):
        self._old_ctx.append(current_context())
        Context._default.value = self
        return self

    def __exit__(self, *exc):
        Context._default.value = self._old_ctx.pop()

    def empty_cache(self):
        """Release cached memory: ndx's reusable convolution work buffers of this thread, and CuPy's
        memory pool on a GPU."""
        self.backend.empty_cache()


def cpu(device_id=0):
    """The CPU context; ``device_id`` only tells copies apart (all share host memory)."""
    return Context("cpu", device_id)


def cpu_pinned(device_id=0):
    """Page-locked host memory context (host memory here; kept for MXNet compatibility)."""
    return Context("cpu_pinned", device_id)


def gpu(device_id=0):
    """The ``device_id``-th CUDA device (CuPy backend)."""
    return Context("gpu", device_id)


def current_context():
    """The default context: ``cpu(0)`` unless inside ``with ctx:``."""
    ctx = getattr(Context._default, "value", None)
    return ctx if ctx is not None else _CPU0


def num_gpus():
    """Number of CUDA devices CuPy can see; 0 without CuPy or a driver. Never raises."""
    from .backends import cuda_device_count
    return cuda_device_count()


_CPU0 = cpu(0)
