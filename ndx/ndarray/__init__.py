"""``ndx.nd``: NDArray and its operators, with MXNet 1.x names and semantics."""
from . import random
from .creation import arange, empty, eye, full, linspace, ones, zeros
from .functions import *  # noqa: F401,F403
from .functions import _UNARY
from .extra_ops import *  # noqa: F401,F403
from .ndarray import NDArray, array, from_dlpack, from_numpy
from .methods import install as _install_methods

_install_methods()
del _install_methods


def __getattr__(name):
    # nd.save / nd.load and the neural-network operators live in their own modules, loaded on first use
    import importlib
    if name.startswith("__") or name in ("io", "nn_ops"):
        raise AttributeError(f"module 'ndx.ndarray' has no attribute '{name}'")
    if name in ("save", "load", "load_frombuffer"):
        value = globals()[name] = getattr(importlib.import_module("ndx.ndarray.io"), name)
        return value
    if name in ("contrib", "linalg", "image"):
        return importlib.import_module(f"ndx.ndarray.{name}")
    try:
        nn_ops = importlib.import_module("ndx.ndarray.nn_ops")
    except ImportError:
        nn_ops = None
    if nn_ops is not None and hasattr(nn_ops, name):
        value = globals()[name] = getattr(nn_ops, name)  # later lookups skip this function
        return value
    raise AttributeError(f"module 'ndx.ndarray' has no attribute '{name}'")
