"""The ``gluon.contrib.nn`` containers the zoo needs: ``HybridConcurrent`` and ``Identity``.

``HybridConcurrent`` runs every child on the same input and concatenates their outputs along
``axis``; it prints like ``HybridSequential`` (its MXNet base class) and draws the prefix
``hybridconcurrent<k>_`` when none is given.
"""
from ... import nn
from ...block import HybridBlock

__all__ = ["HybridConcurrent", "Identity"]


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
