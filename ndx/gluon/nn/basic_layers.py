"""Basic layers: Sequential, HybridSequential, Dense, Activation, Lambda, HybridLambda."""
import warnings

import numpy as np

from ... import ndarray as _nd
from ..block import Block, HybridBlock, _indent

__all__ = ["Sequential", "HybridSequential", "Dense", "Activation", "Lambda", "HybridLambda"]


class _SequentialMixin:
    """Shared container behaviour: ``add``, indexing, slicing, ``len`` and the container repr."""

    def add(self, *blocks):
        """Append ``blocks`` (registered as children ``'0'``, ``'1'``, ...); returns None."""
        for block in blocks:
            self.register_child(block)

    def __repr__(self):
        body = "\n".join(f"  ({key}): {_indent(repr(block), 2)}" for key, block in self._children.items())
        return f"{type(self).__name__}(\n{body}\n)"

    def __getitem__(self, key):
        layers = list(self._children.values())[key]
        if isinstance(layers, list):
            net = type(self)(prefix=self._prefix)
            with net.name_scope():
                net.add(*layers)
            return net
        return layers

    def __len__(self):
        return len(self._children)


class Sequential(_SequentialMixin, Block):
    """Feeds the input through its children in order."""

    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x

    def hybridize(self, active=True, **kwargs):
        """Hybridize the children (warns when they are all HybridBlocks, as MXNet does)."""
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn(f"All children of this Sequential layer '{self.prefix}' are HybridBlocks. Consider "
                          "using HybridSequential for the best performance.", stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(_SequentialMixin, HybridBlock):
    """Sequential whose children are all HybridBlocks."""

    def hybrid_forward(self, F, x):
        for block in self._children.values():
            x = block(x)
        return x


def fusable_relu(act, F):
    """Whether a layer's own ReLU ``act`` may run inside its op: imperative (``F`` is ``nd``), a
    plain ``Activation('relu')``, and no hooks on it that would expect it to be called."""
    return (act is not None and F is _nd and type(act) is Activation and act._act_type == "relu"
            and not act._forward_hooks and not act._forward_pre_hooks)


class Dense(HybridBlock):
    """Fully connected layer ``y = act(x @ weight.T + bias)``; ``weight`` is ``(units, in_units)``.

    ``in_units=0`` defers the weight's input size to the first forward. ``flatten=True`` folds all
    but the first input axis into the features; ``flatten=False`` acts on the last axis.
    """

    def __init__(self, units, activation=None, use_bias=True, flatten=True, dtype="float32",
                 weight_initializer=None, bias_initializer="zeros", in_units=0, **kwargs):
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get("weight", shape=(units, in_units), init=weight_initializer,
                                          dtype=dtype, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(units,), init=bias_initializer, dtype=dtype,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def _infer_shapes(self, x, *args):
        in_units = int(np.prod(x.shape[1:])) if self._flatten else x.shape[-1]
        self._set_shape(self.weight, (self._units, in_units))

    def hybrid_forward(self, F, x, weight, bias=None):
        if fusable_relu(self.act, F):  # one op, one output buffer; same values and gradients
            return F.FullyConnected(x, weight, bias, no_bias=bias is None, num_hidden=self._units,
                                    flatten=self._flatten, name="fwd", _fused_act="relu")
        out = F.FullyConnected(x, weight, bias, no_bias=bias is None, num_hidden=self._units,
                               flatten=self._flatten, name="fwd")
        if self.act is not None:
            out = self.act(out)
        return out

    def __repr__(self):
        shape = self.weight.shape
        return "{name}({layout}, {act})".format(name=type(self).__name__,
                                                layout=f"{shape[1] if shape[1] else None} -> {shape[0]}",
                                                act=self.act if self.act else "linear")


class Activation(HybridBlock):
    """Elementwise activation by name: ``relu``, ``sigmoid``, ``tanh``, ``softrelu``, ``softsign``."""

    def __init__(self, activation, **kwargs):
        self._act_type = activation
        super().__init__(**kwargs)

    def _alias(self):
        return self._act_type

    def hybrid_forward(self, F, x):
        return F.Activation(x, act_type=self._act_type, name="fwd")

    def __repr__(self):
        return f"{type(self).__name__}({self._act_type})"


class Lambda(Block):
    """Wraps a function (or the name of an ``nd`` function) as a Block: ``forward(*args) = function(*args)``."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            assert hasattr(_nd, function), "Function name %s is not found in ndarray." % function
            self._func_impl = getattr(_nd, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise ValueError(f"Unrecognized function in lambda: {function} of type {type(function)}")

    def forward(self, *args):
        return self._func_impl(*args)

    def __repr__(self):
        return f"{type(self).__name__}({self._func_impl.__name__})"


class HybridLambda(HybridBlock):
    """Wraps ``function(F, x, *args)`` (or the name of an ``F`` function) as a HybridBlock."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            assert hasattr(_nd, function), "Function name %s is not found in symbol/ndarray." % function
            self._func = lambda F, *args: getattr(F, function)(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = function.__name__
        else:
            raise ValueError(f"Unrecognized function in lambda: {function} of type {type(function)}")

    def hybrid_forward(self, F, x, *args):
        return self._func(F, x, *args)

    def __repr__(self):
        return f"{type(self).__name__}({self._func_name})"
