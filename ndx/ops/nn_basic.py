"""Neural-network ops (forward and backward side by side): FullyConnected.

Activations reuse the elementwise ops in ``elemwise.py``. This module is shared: more NN ops
(convolution, pooling, normalization, ...) are added here or in sibling files by their owners;
keep one section per op.
"""
from .elemwise import relu_array
from .op import Op


# ----------------------------------------------------------------------------- FullyConnected

def _fc_fwd(xp, x, w, b=None, flatten=True, act=None):
    """``y = x @ w.T (+ b)``; ``flatten`` folds all but the first axis of ``x`` into the input units.

    ``act="relu"`` (Gluon's ``Dense(..., activation='relu')``, imperative) applies the ReLU in place.
    """
    x2 = x.reshape(x.shape[0], -1) if flatten else x
    y = x2 @ w.T
    if b is not None:
        y += b
    if act == "relu":
        relu_array(xp, y, out=y, nan_to_zero=True)
    return y


def _fc_bwd(xp, g, inputs, y, saved, flatten=True, act=None, needs=(True, True, True)):
    if act == "relu":
        g = g * (y > 0)
    x, w = inputs[0], inputs[1]
    x2 = x.reshape(-1, w.shape[1]) if (flatten or x.ndim != 2) else x
    g2 = g.reshape(-1, w.shape[0])
    gx = (g2 @ w).reshape(x.shape) if needs[0] else None  # a first layer's input needs none
    gw = g2.T @ x2 if needs[1] else None
    if len(inputs) == 2:
        return gx, gw
    return gx, gw, g2.sum(axis=0) if needs[2] else None


fully_connected = Op("FullyConnected", _fc_fwd, _fc_bwd, masked=True)
