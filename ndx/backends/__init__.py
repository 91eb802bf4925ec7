"""Backend registry: the only place that decides which array library runs a Context.

A Backend owns its array module ``xp`` (numpy, CuPy, or the strict test wrapper), host<->device
transfer, per-device random generators, the few functions where numpy and CuPy differ, and
synchronization. Op code only ever calls ``xp.*`` and ``backend.*``.
"""
from ..base import DeviceUnavailableError
from .base import Backend
from .numpy_backend import NumpyBackend

__all__ = ["Backend", "register_backend", "backend_for", "cuda_device_count", "scatter_add", "NUMPY"]

NUMPY = NumpyBackend()
_registry = {"cpu": NUMPY, "cpu_pinned": NUMPY, "cpu_shared": NUMPY}
_factories = {}


def _cupy_factory():
    from .cupy_backend import CupyBackend
    return CupyBackend()


_factories["gpu"] = _cupy_factory


def register_backend(device_type, backend):
    """Serve every context of ``device_type`` with ``backend`` (used by the strict test backend)."""
    from ..context import Context
    _registry[device_type] = backend
    for ctx in list(Context._interned.values()):
        if ctx.device_type == device_type:
            ctx._backend = None


def backend_for(ctx):
    """The Backend for ``ctx``; raises DeviceUnavailableError with the fix when it cannot run."""
    backend = _registry.get(ctx.device_type)
    if backend is None:
        factory = _factories.get(ctx.device_type)
        if factory is None:
            raise DeviceUnavailableError(f"No backend is registered for device type '{ctx.device_type}' ({ctx}).")
        backend = _registry[ctx.device_type] = factory()
    backend.check_device(ctx)
    return backend


def cuda_device_count():
    """Devices CuPy can see; 0 when CuPy or a driver is missing. Never raises."""
    try:
        from .cupy_backend import device_count
        return device_count()
    except Exception:
        return 0


def scatter_add(xp, target, indices, values):
    """``target[indices] += values`` (repeats accumulate) for whichever backend owns ``xp``."""
    if xp is NUMPY.xp:
        NUMPY.scatter_add(target, indices, values)
        return
    for backend in _registry.values():
        if backend.xp is xp:
            backend.scatter_add(target, indices, values)
            return
    raise TypeError(f"no backend uses array module {xp!r}")
