"""LeakyReLU, PReLU, ELU, SELU, GELU, Swish layers: values observed on MXNet 1.9.1, reprs, gradients."""
import numpy as np
import pytest

import ndx as mx
from ndx import autograd, nd
from ndx.gluon import nn

X = [-2, -0.5, 0, 0.5, 2]


@pytest.mark.parametrize("make,expected,atol", [
    (lambda: nn.SELU(), [-1.5201665, -0.6917582, 0., 0.5253505, 2.101402], 1e-7),
    (lambda: nn.GELU(), [-0.0455001, -0.15426877, 0., 0.3457312, 1.9544998], 2e-7),  # MXNet's erf is off by 1.7e-7
    (lambda: nn.Swish(), [-0.23840584, -0.18877034, 0., 0.31122968, 1.761594], 1e-7),
    (lambda: nn.ELU(), [-0.86466473, -0.3934694, 0., 0.5, 2.], 1e-7),
    (lambda: nn.LeakyReLU(0.1), [-0.2, -0.05, 0., 0.5, 2.], 1e-7),
])
def test_activation_values(ctx, make, expected, atol):
    layer = make()
    layer.initialize(ctx=ctx)
    np.testing.assert_allclose(layer(nd.array(X, ctx=ctx)).asnumpy(), expected, rtol=1e-6, atol=atol)


def test_reprs_and_alpha_check():
    assert repr(nn.LeakyReLU(0.1)) == "LeakyReLU(0.1)"
    for cls in (nn.PReLU, nn.ELU, nn.SELU, nn.Swish, nn.GELU):
        assert repr(cls()) == f"{cls.__name__}(\n\n)"
    with pytest.raises(AssertionError, match="Slope coefficient for LeakyReLU must be no less than 0."):
        nn.LeakyReLU(-0.1)


def test_prelu_learns_per_channel_slope(ctx, rng):
    with mx.name.NameManager():
        layer = nn.PReLU(in_channels=3)
    assert layer.alpha.name == "prelu0_alpha" and layer.alpha.shape == (3,)
    layer.initialize(ctx=ctx)
    np.testing.assert_array_equal(layer.alpha.data().asnumpy(), 0.25)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    with autograd.record():
        y = layer(nd.array(x, ctx=ctx))
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), np.where(x > 0, x, 0.25 * x), rtol=1e-6)
    np.testing.assert_allclose(layer.alpha.grad().asnumpy(), np.where(x > 0, 0, x).sum(axis=(0, 2)), rtol=1e-5)
