"""``gluon.contrib.nn`` containers: ``Concurrent``, ``HybridConcurrent`` and ``Identity``.

The concurrent containers run every child on the same input and concatenate their outputs along
``axis``; they print like ``Sequential``/``HybridSequential`` (their MXNet base classes) and draw the
prefixes ``concurrent<k>_`` / ``hybridconcurrent<k>_`` when none is given.
"""
from .... import ndarray as _nd
from ... import nn
from ...block import HybridBlock

__all__ = ["Concurrent", "HybridConcurrent", "Identity"]


class Concurrent(nn.Sequential):
    """Children see the same input; their outputs are concatenated along ``axis``."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x):
        return _nd.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class HybridConcurrent(nn.HybridSequential):
    """Children see the same input; their outputs are concatenated along ``axis``."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F, x):
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class Identity(HybridBlock):
    """Returns its input unchanged (the pass-through branch of a DenseNet layer)."""

    def hybrid_forward(self, F, x):
        return x
