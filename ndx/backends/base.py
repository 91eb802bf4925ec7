"""The Backend interface shared by numpy, CuPy and the strict test backend."""
import numpy as np


GLOBAL_SEED = [None]
CACHE_CLEARERS = []  # callables that drop reusable work buffers (ops register them); run by empty_cache  # the last ``ndx.random.seed(s)`` for every context; None = fresh entropy


class Backend:
    """What op code needs from an array library besides ``xp`` itself."""

    name = "abstract"
    xp = None
    array_type = ()
    needs_guard = False  # True where kernels must run under a device guard (CuPy)

    def check_device(self, ctx):
        """Raise if ``ctx`` cannot run here (e.g. gpu(3) on a one-GPU machine)."""

    def guard(self, ctx):
        """A context manager selecting ctx's device around kernel launches, or None if not needed."""
        return None

    def from_host(self, array, ctx):
        """Copy a numpy array onto ``ctx`` (explicit transfer)."""
        raise NotImplementedError

    def to_host(self, array):
        """An explicit numpy copy of a backend array."""
        raise NotImplementedError

    def host_view(self, array):
        """A numpy array with the same values, without a copy where the memory is already host memory."""
        return self.to_host(array)

    def is_native(self, obj):
        return isinstance(obj, self.array_type)

    def scatter_add(self, target, indices, values):
        """``target[indices] += values`` with repeated indices accumulating."""
        raise NotImplementedError

    def synchronize(self, ctx):
        """Wait for queued work on ``ctx``."""

    def empty_cache(self):
        """Free cached memory: ndx's reusable work buffers (and, on a GPU, CuPy's memory pool)."""
        for clear in CACHE_CLEARERS:
            clear()

    # random numbers: one generator per context, reseedable
    def _new_generator(self, seed, ctx):
        raise NotImplementedError

    def generator(self, ctx):
        gens = self.__dict__.setdefault("_generators", {})
        gen = gens.get(ctx)
        if gen is None:
            gen = gens[ctx] = self._new_generator(GLOBAL_SEED[0], ctx)
        return gen

    def forget_generators(self):
        self.__dict__.setdefault("_generators", {}).clear()

    def seed(self, seed, ctx):
        self.__dict__.setdefault("_generators", {})[ctx] = self._new_generator(seed, ctx)


class HostGenerator:
    """Random numbers from numpy's PCG64, produced on the host (float32 natively)."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def uniform(self, low, high, shape, dtype):
        if np.dtype(dtype) in (np.float32, np.float64) and np.isscalar(low) and np.isscalar(high):
            out = self.rng.random(shape, dtype=dtype)
            if low != 0 or high != 1:
                out *= high - low
                out += low
            return out.astype(dtype, copy=False)
        return self.rng.uniform(low, high, shape).astype(dtype)

    def normal(self, loc, scale, shape, dtype):
        if np.dtype(dtype) in (np.float32, np.float64) and np.isscalar(loc) and np.isscalar(scale):
            out = self.rng.standard_normal(shape, dtype=dtype)
            if scale != 1:
                out *= scale
            if loc != 0:
                out += loc
            return out.astype(dtype, copy=False)
        return self.rng.normal(loc, scale, shape).astype(dtype)

    def randint(self, low, high, shape, dtype):
        return self.rng.integers(low, high, shape, dtype=dtype)

    def permutation(self, n):
        return self.rng.permutation(n)

    def gamma(self, shape_param, scale, size, dtype):
        return self.rng.gamma(shape_param, scale, size).astype(dtype)

    def exponential(self, scale, size, dtype):
        return self.rng.exponential(scale, size).astype(dtype)

    def poisson(self, lam, size, dtype):
        return self.rng.poisson(lam, size).astype(dtype)

    def multinomial_index(self, probs, count):
        """``count`` draws per row of a 2-D host probability matrix; int indices (rows, count)."""
        cdf = np.cumsum(probs, axis=-1)
        cdf /= cdf[:, -1:]
        u = self.rng.random((probs.shape[0], count))
        return np.minimum((u[:, :, None] > cdf[:, None, :]).sum(-1), probs.shape[1] - 1)
