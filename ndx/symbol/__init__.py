"""``ndx.sym`` / ``ndx.symbol``: MXNet's symbolic graphs, enough to run, build and write ``-symbol.json``.

``load``/``load_json`` read every spelling MXNet 1.9.1 reads (docs/exported_models.md), op
functions (``Convolution``, ``FullyConnected``, ``relu``, ...) build graphs, and ``Symbol.tojson``
writes files MXNet loads. ``gluon.SymbolBlock`` runs a graph with ndx's own operators.
"""
from .symbol import Group, Symbol, Variable, var
from .serialize import load, load_json
from .describe import describe_graph
from . import ops as _ops
from . import registry

_ops.install(globals())
del _ops


def _namespace(prefix):
    """``sym.contrib`` / ``sym.linalg``: the ``_contrib_X`` / ``_linalg_X`` op functions as ``X``."""
    import types
    return types.SimpleNamespace(**{k[len(prefix):]: v for k, v in globals().items() if k.startswith(prefix)})


contrib = _namespace("_contrib_")
linalg = _namespace("_linalg_")

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json", "describe_graph", "registry"]
