"""Dropout, Embedding, Flatten and ReflectionPad2D (MXNet 1.x names, parameters and reprs)."""
import numbers

from ..block import HybridBlock

__all__ = ["Dropout", "Embedding", "Flatten", "ReflectionPad2D"]


class Dropout(HybridBlock):
    """Inverted dropout, active only while ``autograd.is_training()``; the mask is shared along ``axes``."""

    def __init__(self, rate, axes=(), **kwargs):
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F, x):
        if self._rate > 0:
            return F.Dropout(x, p=self._rate, axes=self._axes, name="fwd", cudnn_off=False)
        return F.identity(x)

    def __repr__(self):
        return f"{type(self).__name__}(p = {self._rate}, axes={self._axes})"


class Embedding(HybridBlock):
    """Lookup table ``weight`` (input_dim, output_dim): indices of any shape -> ``shape + (output_dim,)``.

    Indices are truncated toward zero and clipped to ``[0, input_dim - 1]``. ``sparse_grad`` is accepted
    for compatibility; the gradient is dense.
    """

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None, sparse_grad=False, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim, "dtype": dtype,
                        "sparse_grad": sparse_grad}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim), init=weight_initializer,
                                      dtype=dtype, allow_deferred_init=True)

    def hybrid_forward(self, F, x, weight):
        return F.Embedding(x, weight, name="fwd", **self._kwargs)

    def __repr__(self):
        return "{block_name}({input_dim} -> {output_dim}, {dtype})".format(block_name=type(self).__name__,
                                                                           **self._kwargs)


class Flatten(HybridBlock):
    """``(N, ...)`` -> ``(N, prod(...))``."""

    def hybrid_forward(self, F, x):
        return F.Flatten(x)

    def __repr__(self):
        return type(self).__name__


class ReflectionPad2D(HybridBlock):
    """Reflection padding of the two spatial axes of NCHW input by ``padding`` (int or 8-tuple pad_width)."""

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, numbers.Integral):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        assert len(padding) == 8
        self._padding = padding

    def hybrid_forward(self, F, x):
        return F.pad(x, mode="reflect", pad_width=self._padding)
