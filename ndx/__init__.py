"""ndx: an MXNet 1.x Gluon-compatible array library on numpy (CPU) and CuPy (GPU).

``import ndx as mx`` and MXNet 1.x code (``mx.nd``, ``mx.autograd``, ``mx.gluon``, ``mx.init``) runs.
"""
from . import base, context
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus
from . import ndarray
from . import ndarray as nd
from . import autograd, random

__version__ = "0.1.0"


def __getattr__(name):
    # the heavier front ends load on first use, so `import ndx` stays fast
    import importlib
    lazy = {"gluon": "ndx.gluon", "init": "ndx.initializer", "initializer": "ndx.initializer",
            "optimizer": "ndx.optimizer", "lr_scheduler": "ndx.lr_scheduler", "metric": "ndx.metric",
            "name": "ndx.name", "formats": "ndx.formats", "model": "ndx.model", "sym": "ndx.symbol", "symbol": "ndx.symbol",
            "test_utils": "ndx.test_utils"}
    if name in lazy:
        module = importlib.import_module(lazy[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'ndx' has no attribute '{name}'")
