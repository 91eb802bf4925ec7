"""Normalization layers: BatchNorm, LayerNorm, InstanceNorm, GroupNorm (MXNet 1.x parameters and reprs).

BatchNorm keeps ``running_mean``/``running_var`` as non-differentiable Parameters; they move when a
training-mode backward pass runs through the layer (MXNet's CPU timing, spec/layers.md §5).
"""
import numpy as np

from ...base import MXNetError
from ...ndarray.nn_layer_ops import check_norm_axis

from ..block import HybridBlock

__all__ = ["BatchNorm", "BatchNormReLU", "LayerNorm", "InstanceNorm", "GroupNorm"]


def _kwargs_repr(kwargs):
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


class BatchNorm(HybridBlock):
    """Batch normalization over all axes but ``axis``; ``scale=False`` fixes gamma at 1."""

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 beta_initializer="zeros", gamma_initializer="ones", running_mean_initializer="zeros",
                 running_variance_initializer="ones", in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"axis": axis, "eps": epsilon, "momentum": momentum, "fix_gamma": not scale,
                        "use_global_stats": use_global_stats}
        self._axis = axis
        if in_channels != 0:
            self.in_channels = in_channels
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(in_channels,),
                                     init=gamma_initializer, allow_deferred_init=True, differentiable=scale)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(in_channels,),
                                    init=beta_initializer, allow_deferred_init=True, differentiable=center)
        self.running_mean = self.params.get("running_mean", grad_req="null", shape=(in_channels,),
                                            init=running_mean_initializer, allow_deferred_init=True,
                                            differentiable=False)
        self.running_var = self.params.get("running_var", grad_req="null", shape=(in_channels,),
                                           init=running_variance_initializer, allow_deferred_init=True,
                                           differentiable=False)

    def _infer_shapes(self, x, *args):
        try:
            c = x.shape[check_norm_axis(x.ndim, self._axis, "BatchNorm")]
        except MXNetError as e:
            raise self._graph_error(e) from None
        for p in (self.gamma, self.beta, self.running_mean, self.running_var):
            self._set_shape(p, (c,))

    def cast(self, dtype):
        """float16 casts keep the statistics and affine parameters in float32, as MXNet does."""
        if np.dtype(dtype).name == "float16":
            dtype = "float32"
        super().cast(dtype)

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        return F.BatchNorm(x, gamma, beta, running_mean, running_var, name="fwd", **self._kwargs)

    def __repr__(self):
        in_channels = self.gamma.shape[0]
        return "{name}({content}, in_channels={c})".format(name=type(self).__name__,
                                                            content=_kwargs_repr(self._kwargs),
                                                            c=in_channels if in_channels else None)


class BatchNormReLU(BatchNorm):
    """``BatchNorm`` followed by a ReLU, one layer (MXNet 1.9.1 runs it with oneDNN only; ndx everywhere)."""

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        y = super().hybrid_forward(F, x, gamma, beta, running_mean, running_var)
        return F.Activation(y, act_type="relu")


class _AffineNorm(HybridBlock):
    """LayerNorm/InstanceNorm: gamma and beta of size ``in_channels`` (the size of ``axis``)."""

    def __init__(self, axis, epsilon, center, scale, beta_initializer, gamma_initializer, in_channels, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(in_channels,),
                                     init=gamma_initializer, allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(in_channels,),
                                    init=beta_initializer, allow_deferred_init=True)

    def _infer_shapes(self, x, *args):
        c = x.shape[self._channel_axis(x)]
        self._set_shape(self.gamma, (c,))
        self._set_shape(self.beta, (c,))

    def _channel_axis(self, x):
        try:
            return check_norm_axis(x.ndim, self._axis, "LayerNorm")
        except MXNetError as e:
            raise self._graph_error(e) from None

    def __repr__(self):
        return "{name}({content}, in_channels={c})".format(name=type(self).__name__,
                                                            content=_kwargs_repr(self._kwargs),
                                                            c=self.gamma.shape[0])


class LayerNorm(_AffineNorm):
    """Normalize each sample over ``axis`` (default last), then ``* gamma + beta``."""

    _fwd_op_name = "layernorm0"  # MXNet's LayerNorm op is unnamed, so the graph auto-names it

    def __init__(self, axis=-1, epsilon=1e-5, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", in_channels=0, prefix=None, params=None):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer, in_channels,
                         prefix=prefix, params=params)

    def hybrid_forward(self, F, data, gamma, beta):
        return F.LayerNorm(data, gamma=gamma, beta=beta, axis=self._axis, eps=self._epsilon)


class InstanceNorm(_AffineNorm):
    """Normalize each sample and channel (``axis``) over the remaining axes; ``scale=False`` by default."""

    def __init__(self, axis=1, epsilon=1e-5, center=True, scale=False, beta_initializer="zeros",
                 gamma_initializer="ones", in_channels=0, **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer, in_channels, **kwargs)

    def _channel_axis(self, x):
        """Axis 1, or the axis swapped to position 1 (MXNet's ``swapaxes`` node fails on one out of range)."""
        if self._axis != 1 and not -x.ndim <= self._axis < x.ndim:
            raise MXNetError(f"MXNetError: Error in operator {self.prefix}swapaxes0: Check failed: axis2 >= 0 && "
                             f"axis2 < shape0.ndim(): axis2: axis {self._axis} is out of bounds for array of ndim "
                             f"{x.ndim}")
        return self._axis

    def hybrid_forward(self, F, x, gamma, beta):
        if self._axis == 1:
            return F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon)
        x = x.swapaxes(1, self._axis)
        return F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon).swapaxes(1, self._axis)


class GroupNorm(HybridBlock):
    """Normalize each sample's ``num_groups`` channel groups; gamma/beta hold one value per group (MXNet 1.x)."""

    _fwd_op_name = "groupnorm0"  # unnamed in MXNet too, so the graph auto-names it

    def __init__(self, num_groups=1, epsilon=1e-5, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {"eps": epsilon, "num_groups": num_groups, "center": center, "scale": scale}
        self._num_groups = num_groups
        self._epsilon = epsilon
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(num_groups,),
                                     init=gamma_initializer, allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(num_groups,),
                                    init=beta_initializer, allow_deferred_init=True)

    def hybrid_forward(self, F, data, gamma, beta):
        return F.GroupNorm(data, gamma=gamma, beta=beta, num_groups=self._num_groups, eps=self._epsilon)

    def __repr__(self):
        return "{name}({content})".format(name=type(self).__name__, content=_kwargs_repr(self._kwargs))
