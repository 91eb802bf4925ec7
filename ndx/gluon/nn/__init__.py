"""``gluon.nn``: neural-network layers (MXNet 1.x names and behaviour)."""
import importlib as _importlib

from ..block import Block, HybridBlock
from .basic_layers import *  # noqa: F401,F403

# Layer families owned by other modules; each is imported when its file exists.
for _module in ("basic_layers_extra", "activations", "conv_layers", "norm_layers"):
    try:
        _mod = _importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as _e:
        if _e.name != f"{__name__}.{_module}":
            raise
        continue
    globals().update({_n: getattr(_mod, _n) for _n in getattr(_mod, "__all__", ())})
del _importlib, _module
