"""The CUDA backend: CuPy, imported only when a gpu context is first used."""
import numpy as np

from ..base import DeviceUnavailableError
from .base import Backend

_INSTALL_HINT = ('install CuPy for your CUDA version: pip install "ndxlib[cuda12]" (CUDA 12) '
                 'or pip install "ndxlib[cuda13]" (CUDA 13)')


def _import_cupy():
    try:
        import cupy
        import cupyx
    except ImportError as e:
        raise DeviceUnavailableError(f"gpu contexts need CuPy, which is not installed ({e}); {_INSTALL_HINT}.") from None
    return cupy, cupyx


def device_count():
    cupy, _ = _import_cupy()
    try:
        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:
        return 0


class _CupyGenerator:
    """Per-device random numbers drawn on the GPU."""

    def __init__(self, cupy, seed, device_id):
        self.cupy = cupy
        self.device_id = device_id
        with cupy.cuda.Device(device_id):
            self.rs = cupy.random.RandomState(seed)

    def uniform(self, low, high, shape, dtype):
        return self.rs.uniform(low, high, shape, dtype=dtype)

    def normal(self, loc, scale, shape, dtype):
        return self.rs.normal(loc, scale, shape, dtype=dtype)

    def randint(self, low, high, shape, dtype):
        return self.rs.randint(low, high, shape, dtype=dtype)

    def permutation(self, n):
        return self.rs.permutation(n)

    def gamma(self, shape_param, scale, size, dtype):
        return self.rs.gamma(shape_param, scale, size, dtype=dtype)

    def exponential(self, scale, size, dtype):
        return self.rs.exponential(scale, size, dtype=dtype)

    def poisson(self, lam, size, dtype):
        return self.rs.poisson(lam, size, dtype=dtype)

    def multinomial_index(self, probs, count):
        cp = self.cupy
        cdf = cp.cumsum(probs, axis=-1)
        cdf /= cdf[:, -1:]
        u = self.rs.random_sample((probs.shape[0], count))
        return cp.minimum((u[:, :, None] > cdf[:, None, :]).sum(-1), probs.shape[1] - 1)


class CupyBackend(Backend):
    name = "cupy"
    needs_guard = True

    def __init__(self):
        self.cupy, self.cupyx = _import_cupy()
        self.xp = self.cupy
        self.array_type = self.cupy.ndarray

    def check_device(self, ctx):
        n = device_count()
        if ctx.device_id >= n:
            raise DeviceUnavailableError(
                f"{ctx} is not available: CuPy sees {n} CUDA device(s). "
                + ("Check the NVIDIA driver, or " + _INSTALL_HINT + "." if n == 0 else "Use gpu(0) .. gpu(%d)." % (n - 1)))

    def guard(self, ctx):
        return self.cupy.cuda.Device(ctx.device_id)

    def from_host(self, array, ctx):
        with self.cupy.cuda.Device(ctx.device_id):
            return self.cupy.asarray(array)

    def to_host(self, array):
        return self.cupy.asnumpy(array)

    def scatter_add(self, target, indices, values):
        self.cupyx.scatter_add(target, indices, values)

    def synchronize(self, ctx):
        with self.cupy.cuda.Device(ctx.device_id):
            self.cupy.cuda.get_current_stream().synchronize()

    def empty_cache(self):
        super().empty_cache()
        self.cupy.get_default_memory_pool().free_all_blocks()

    def _new_generator(self, seed, ctx):
        return _CupyGenerator(self.cupy, seed, ctx.device_id)


del np
