"""``gluon.contrib.nn``: PixelShuffle1D/2D/3D, SyncBatchNorm and SparseEmbedding.

On ndx (one process, no multi-GPU all-reduce) ``SyncBatchNorm`` is ``BatchNorm`` over its own batch,
and ``SparseEmbedding`` is ``Embedding`` whose gradient MXNet would keep row-sparse (ndx's is dense).
"""
import numbers
import warnings

from ...block import HybridBlock
from ...nn.misc_layers import Embedding
from ...nn.norm_layers import BatchNorm

__all__ = ["PixelShuffle1D", "PixelShuffle2D", "PixelShuffle3D", "SyncBatchNorm", "SparseEmbedding"]


class _PixelShuffle(HybridBlock):
    """(N, C*prod(f), *S) -> (N, C, *(S*f)): channel blocks become pixel blocks (sub-pixel convolution)."""

    _nd = 1

    def __init__(self, factor):
        super().__init__()
        if isinstance(factor, numbers.Integral):
            self._factors = (int(factor),) * self._nd
        else:
            self._factors = tuple(int(f) for f in factor)
        if len(self._factors) != self._nd:
            raise ValueError(f"wrong length {len(self._factors)} of factor, expected {self._nd}")

    def hybrid_forward(self, F, x):
        f, nd = self._factors, self._nd
        x = F.reshape(x, (0, -4, -1, _prod(f)) + (0,) * nd)       # N, C, prod(f), *S
        for i in range(nd - 1):                                   # ... -> N, C, f1, ..., fd, *S
            x = F.reshape(x, (0,) * (2 + i) + (-4, f[i], _prod(f[i + 1:])) + (0,) * nd)
        # interleave: N, C, S1, f1, S2, f2, ...
        axes = (0, 1) + tuple(a for i in range(nd) for a in (2 + nd + i, 2 + i))
        x = F.transpose(x, axes=axes)
        return F.reshape(x, (0, 0) + (-3,) * nd)

    def __repr__(self):
        factor = self._factors[0] if self._nd == 1 else self._factors
        return f"{type(self).__name__}({factor})"


def _prod(values):
    out = 1
    for v in values:
        out *= v
    return out


class PixelShuffle1D(_PixelShuffle):
    """(N, C*f, W) -> (N, C, W*f)."""
    _nd = 1


class PixelShuffle2D(_PixelShuffle):
    """(N, C*f1*f2, H, W) -> (N, C, H*f1, W*f2)."""
    _nd = 2


class PixelShuffle3D(_PixelShuffle):
    """(N, C*f1*f2*f3, D, H, W) -> (N, C, D*f1, H*f2, W*f3)."""
    _nd = 3


class SyncBatchNorm(BatchNorm):
    """Batch normalization whose statistics MXNet all-reduces over ``num_devices`` GPUs; on ndx, over the
    batch of the one device it runs on."""

    def __init__(self, in_channels=0, num_devices=None, momentum=0.9, epsilon=1e-5, center=True, scale=True,
                 use_global_stats=False, beta_initializer="zeros", gamma_initializer="ones",
                 running_mean_initializer="zeros", running_variance_initializer="ones", **kwargs):
        if num_devices is None:
            warnings.warn("Caution using SyncBatchNorm: if not using all the GPUs, please mannually set "
                          "num_devices", UserWarning, stacklevel=2)
            num_devices = 1
        super().__init__(axis=1, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         use_global_stats=use_global_stats, beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer, running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer, in_channels=in_channels,
                         **kwargs)
        self._num_devices = num_devices

    def __repr__(self):
        in_channels = self.gamma.shape[0]
        k = self._kwargs
        return (f"{type(self).__name__}(eps={k['eps']!r}, momentum={k['momentum']!r}, fix_gamma={k['fix_gamma']!r}, "
                f"use_global_stats={k['use_global_stats']!r}, ndev={self._num_devices!r}, key={self.prefix!r}, "
                f"in_channels={in_channels if in_channels else None})")


class SparseEmbedding(Embedding):
    """``Embedding`` with MXNet's row-sparse gradient flag (ndx computes the gradient dense)."""

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None, **kwargs):
        super().__init__(input_dim, output_dim, dtype=dtype, weight_initializer=weight_initializer,
                         sparse_grad=True, **kwargs)
