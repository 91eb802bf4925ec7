"""Neural-network operators of the ``nd`` namespace (``nd.FullyConnected``, ``nd.Activation``, ...).

Served lazily by ``ndx.ndarray.__getattr__``. Shared file: each NN op family adds its MXNet-named
function here (signature and defaults as MXNet 1.x), validating arguments once and dispatching to
an ``Op`` from ``ndx.ops``. Keep one section per op family, alphabetical within a section.
"""
from ..base import MXNetError
from ..base import shape_text as _shape_str
from ..ops import elemwise as E
from ..ops import nn_basic as NB
from .dispatch import invoke
from .functions import _check_float, _out
from .type_checks import check_same_dtype

__all__ = ["Activation", "FullyConnected"]


# ----------------------------------------------------------------------------- basic layers

_ACTIVATIONS = {"relu": E.relu_activation, "sigmoid": E.sigmoid, "softrelu": E.softrelu, "softsign": E.softsign,
                "tanh": E.tanh}


def Activation(data, act_type, out=None, name=None, **kwargs):
    """Elementwise activation: ``relu``, ``sigmoid``, ``tanh``, ``softrelu`` (log(1+e^x)) or ``softsign``."""
    op = _ACTIVATIONS.get(act_type)
    if op is None:
        raise MXNetError(f"MXNetError: Invalid Input: '{act_type}', valid values are: {{'relu', 'sigmoid', "
                         f"'softrelu', 'softsign', 'tanh'}}, in operator Activation(name=\"\", "
                         f"act_type=\"{act_type}\")")
    if data._data.dtype.kind != "f":
        _check_float(data, bool_enum=True)
    return _out(invoke(op, (data,)), out)



def FullyConnected(data, weight, bias=None, num_hidden=None, no_bias=False, flatten=True, out=None, name=None,
                   **kwargs):
    """``data @ weight.T + bias``. ``weight`` is ``(num_hidden, in_units)``; with ``flatten`` the input
    is ``(N, ...)`` and ``in_units`` the product of its trailing dims, else the op acts on the last axis."""
    shape = data.shape
    in_units = 1
    if flatten:
        for n in shape[1:]:
            in_units *= n
    else:
        in_units = shape[-1]
    wshape = weight.shape
    units = wshape[0] if num_hidden is None else int(num_hidden)
    if wshape != (units, in_units):
        raise MXNetError(f"MXNetError: Shape inconsistent, Provided = {_shape_str(wshape)}, "
                         f"inferred shape=({units},{in_units})")
    check_same_dtype((data, weight) if no_bias or bias is None else (data, weight, bias))
    attrs = {"flatten": flatten}
    act = kwargs.pop("_fused_act", None)  # ndx-internal: Gluon's Dense fuses its ReLU
    if act is not None:
        attrs["act"] = act
    if no_bias or bias is None:
        return _out(invoke(NB.fully_connected, (data, weight), attrs), out)
    return _out(invoke(NB.fully_connected, (data, weight, bias), attrs), out)


# ----------------------------------------------------------------------------- conv, pooling, norm, activations
# (written in nn_layer_ops.py; re-exported here so ``nd.Convolution`` etc. resolve through this module)
from .nn_layer_ops import *  # noqa: E402,F401,F403
from .nn_layer_ops import __all__ as _layer_ops_all  # noqa: E402

__all__ += _layer_ops_all

# ----------------------------------------------------------------------------- LRN and sequence operators
from .sequence_ops import *  # noqa: E402,F401,F403
from .sequence_ops import __all__ as _sequence_ops_all  # noqa: E402

__all__ += _sequence_ops_all

# ----------------------------------------------------------------------------- CTC loss
from .ctc import *  # noqa: E402,F401,F403
from .ctc import __all__ as _ctc_all  # noqa: E402

__all__ += _ctc_all
