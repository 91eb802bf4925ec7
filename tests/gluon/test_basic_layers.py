"""Dense, Activation, Lambda, HybridLambda, Sequential containers (spec/layers.md §1-3, §6)."""
import numpy as np
import pytest

import ndx as mx
from tests.gluon._fusion import assert_fusion_is_exact
from ndx import nd
from ndx.base import MXNetError
from ndx.gluon import nn


@pytest.fixture(autouse=True)
def fresh_names():
    with mx.name.NameManager():
        yield


def test_dense_reprs_and_shapes(ctx):
    d = nn.Dense(100)
    assert repr(d) == "Dense(None -> 100, linear)"
    d.initialize(ctx=ctx)
    d(nd.ones((2, 20), ctx=ctx))
    assert repr(d) == "Dense(20 -> 100, linear)"
    r = nn.Dense(256, activation="relu")
    r.initialize(ctx=ctx)
    assert r(nd.ones((2, 3, 4), ctx=ctx)).shape == (2, 256)
    assert repr(r) == "Dense(12 -> 256, Activation(relu))"
    assert repr(nn.Dense(10, in_units=20)) == "Dense(20 -> 10, linear)"
    assert repr(nn.Dense(10).weight) == "Parameter dense3_weight (shape=(10, 0), dtype=float32)"


def test_dense_no_flatten_no_bias(ctx):
    d = nn.Dense(5, use_bias=False, flatten=False)
    d.initialize(ctx=ctx)
    xs = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    y = d(nd.array(xs, ctx=ctx))
    assert y.shape == (2, 3, 5) and repr(d) == "Dense(4 -> 5, linear)" and d.bias is None
    np.testing.assert_allclose(y.asnumpy(), xs @ d.weight.data().asnumpy().T, rtol=1e-5, atol=1e-6)
    assert list(d.collect_params()) == ["dense0_weight"]


def test_dense_dtype(ctx):
    d = nn.Dense(2, in_units=3, dtype="float64")
    d.initialize(ctx=ctx)
    assert repr(d.weight) == "Parameter dense0_weight (shape=(2, 3), dtype=float64)"
    assert d(nd.ones((1, 3), ctx=ctx, dtype="float64")).dtype == np.float64


def test_activation_values(ctx):
    x = np.array([-2, -0.5, 0, 0.5, 2], dtype=np.float32)
    expected = {"relu": np.maximum(x, 0), "sigmoid": 1 / (1 + np.exp(-x)), "tanh": np.tanh(x),
                "softrelu": np.log1p(np.exp(x)), "softsign": x / (1 + np.abs(x))}
    for act, ref in expected.items():
        layer = nn.Activation(act)
        assert repr(layer) == f"Activation({act})"
        np.testing.assert_allclose(layer(nd.array(x, ctx=ctx)).asnumpy(), ref, rtol=1e-6, atol=1e-7)
    with pytest.raises(MXNetError) as e:
        nn.Activation("gelu")(nd.array(x))
    assert str(e.value) == ("MXNetError: Invalid Input: 'gelu', valid values are: {'relu', 'sigmoid', 'softrelu', "
                            "'softsign', 'tanh'}, in operator Activation(name=\"\", act_type=\"gelu\")")


def test_lambda_and_hybrid_lambda(ctx):
    x = nd.array([-1.0, 0.5], ctx=ctx)
    lam = nn.Lambda("tanh")
    assert repr(lam) == "Lambda(tanh)"
    np.testing.assert_allclose(lam(x).asnumpy(), np.tanh([-1.0, 0.5]), rtol=1e-6)
    assert repr(nn.Lambda(lambda a: a * 2)) == "Lambda(<lambda>)"
    with pytest.raises(AssertionError, match="^Function name nosuchfn is not found in ndarray.$"):
        nn.Lambda("nosuchfn")
    with pytest.raises(ValueError, match=r"^Unrecognized function in lambda: 3 of type <class 'int'>$"):
        nn.Lambda(3)
    hl = nn.HybridLambda(lambda F, a: F.relu(a))
    assert repr(hl) == "HybridLambda(<lambda>)" and repr(nn.HybridLambda("tanh")) == "HybridLambda(tanh)"
    np.testing.assert_array_equal(hl(x).asnumpy(), [0.0, 0.5])
    with pytest.raises(AssertionError, match="^Function name nosuchfn is not found in symbol/ndarray.$"):
        nn.HybridLambda("nosuchfn")


def test_sequential_container(ctx):
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2), nn.Activation("relu"), nn.Lambda(lambda a: a * 2))
    assert len(net) == 3 and isinstance(net[1], nn.Activation) and net[-1] is net[2]
    net.initialize(ctx=ctx)
    x = nd.ones((4, 2), ctx=ctx)
    expected = 2 * np.maximum(x.asnumpy() @ net[0].weight.data().asnumpy().T + net[0].bias.data().asnumpy(), 0)
    np.testing.assert_allclose(net(x).asnumpy(), expected, rtol=1e-6)
    hs = nn.HybridSequential()
    hs.add(nn.Dense(3, in_units=2))
    sub = hs[0:1]
    assert type(sub) is nn.HybridSequential and sub.prefix == hs.prefix and sub[0] is hs[0]


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.Dense(7, activation="relu", in_units=5), (6, 5)),
    (lambda: nn.Dense(4, activation="relu", in_units=12), (3, 3, 4)),              # flatten
    (lambda: nn.Dense(4, activation="relu", flatten=False, in_units=4), (2, 3, 4)),
    (lambda: nn.Dense(3, activation="relu", use_bias=False, in_units=5), (4, 5)),
])
def test_dense_relu_fused_matches_separate_ops(ctx, monkeypatch, make, shape):
    """Dense with activation='relu' runs one fused op imperatively; output and every gradient equal
    the FullyConnected + Activation pair (what MXNet and a hybridized net run) bit for bit."""
    import ndx.gluon.nn.basic_layers as BL
    mx.random.seed(5)
    layer = make()
    layer.initialize(ctx=ctx)
    x = mx.nd.array(np.random.default_rng(6).standard_normal(shape), ctx=ctx)
    assert BL.fusable_relu(layer.act, mx.nd)
    assert_fusion_is_exact(layer, x, ctx, lambda: monkeypatch.setattr(BL, "fusable_relu", lambda act, F: False))
