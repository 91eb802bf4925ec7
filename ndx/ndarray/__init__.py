"""``ndx.nd``: NDArray and its operators, with MXNet 1.x names and semantics."""
from . import random
from .creation import arange, empty, eye, full, linspace, ones, zeros
from .functions import *  # noqa: F401,F403
from .functions import _UNARY
from .ndarray import NDArray, array, from_dlpack, from_numpy
from .methods import install as _install_methods

_install_methods()
del _install_methods


def __getattr__(name):
    # nd.save / nd.load and the neural-network operators live in their own modules (loaded on first use)
    if name in ("save", "load", "load_frombuffer"):
        from . import io
        return getattr(io, name)
    from . import nn_ops
    try:
        return getattr(nn_ops, name)
    except AttributeError:
        raise AttributeError(f"module 'ndx.ndarray' has no attribute '{name}'") from None
