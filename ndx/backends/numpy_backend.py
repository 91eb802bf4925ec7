"""The CPU backend: plain numpy."""
import numpy as np

from . import host_memory
from .base import Backend, HostGenerator

host_memory.tune()


class NumpyBackend(Backend):
    name = "numpy"
    xp = np
    array_type = np.ndarray

    def from_host(self, array, ctx):
        return array

    def to_host(self, array):
        return array.copy()

    def host_view(self, array):
        return array

    def scatter_add(self, target, indices, values):
        np.add.at(target, indices, values)

    def _new_generator(self, seed, ctx):
        return HostGenerator(seed)
