"""Dropout, Embedding, Flatten, ReflectionPad2D layers (spec/layers.md §4, §6)."""
import numpy as np
import pytest

import ndx as mx
from ndx import autograd, nd
from ndx.gluon import nn


def test_dropout_active_iff_training(ctx):
    d = nn.Dropout(0.25)
    assert repr(d) == "Dropout(p = 0.25, axes=())"
    x = nd.ones((50, 40), ctx=ctx)
    np.testing.assert_array_equal(d(x).asnumpy(), 1)
    with autograd.record(train_mode=False):
        np.testing.assert_array_equal(d(x).asnumpy(), 1)
    for scope in (autograd.record, autograd.train_mode):
        with scope():
            y = d(x).asnumpy()
        assert set(np.unique(y)) == {0, np.float32(1.3333334)}
    with autograd.train_mode():
        rows = nn.Dropout(0.5, axes=(1,))(x).asnumpy()
        zero_rate = nn.Dropout(0)(x).asnumpy()
    assert all(len(set(r)) == 1 for r in rows)
    np.testing.assert_array_equal(zero_rate, 1)


def test_dropout_rate_outside_0_1_is_mxnets_error_in_any_mode(ctx):
    x = nd.ones((2, 3), ctx=ctx)
    with pytest.raises(mx.base.MXNetError) as e:  # predict mode too: MXNet checks the attribute first
        nn.Dropout(1.5)(x)
    assert str(e.value) == (
        "MXNetError: value 1.5 for Parameter p exceed bound [0,1]\np: Fraction of the input that gets dropped out "
        "during training time., in operator Dropout(name=\"\", cudnn_off=\"False\", axes=\"()\", p=\"1.5\")")
    with pytest.raises(mx.base.MXNetError) as e:
        nd.Dropout(x, p=-0.1)
    assert str(e.value).endswith('in operator Dropout(name="", p="-0.1")')
    with pytest.raises(mx.base.MXNetError) as e:
        nd.Dropout(x, p=0.5, mode="bogus")
    assert str(e.value) == ("MXNetError: Invalid Input: 'bogus', valid values are: {'always', 'training'}, "
                            "in operator Dropout(name=\"\", mode=\"bogus\", p=\"0.5\")")
    np.testing.assert_array_equal(nn.Dropout(-0.5)(x).asnumpy(), 1)  # rate <= 0 never reaches the op


def test_embedding(ctx, rng):
    with mx.name.NameManager():
        emb = nn.Embedding(3, 4, sparse_grad=True)
    assert repr(emb) == "Embedding(3 -> 4, float32)"
    assert emb.weight.name == "embedding0_weight" and emb.weight.shape == (3, 4)
    emb.initialize(ctx=ctx)
    w = rng.standard_normal((3, 4)).astype(np.float32)
    emb.weight.set_data(nd.array(w))
    idx = nd.array([[0, 2, 5], [-1, 1.7, 2]], ctx=ctx)
    with autograd.record():
        y = emb(idx)
    y.backward()
    assert y.shape == (2, 3, 4)
    np.testing.assert_allclose(y.asnumpy(), w[[[0, 2, 2], [0, 1, 2]]])
    np.testing.assert_array_equal(emb.weight.grad().asnumpy(), np.array([2, 1, 3])[:, None] * np.ones((3, 4)))


def test_flatten_and_reflection_pad(ctx, rng):
    f = nn.Flatten()
    assert repr(f) == "Flatten"
    assert f(nd.ones((2, 3, 4), ctx=ctx)).shape == (2, 12)
    assert f(nd.ones((2,), ctx=ctx)).shape == (2, 1)
    pad = nn.ReflectionPad2D(2)
    assert repr(pad) == "ReflectionPad2D(\n\n)"
    x = rng.standard_normal((1, 2, 4, 5)).astype(np.float32)
    np.testing.assert_array_equal(pad(nd.array(x, ctx=ctx)).asnumpy(),
                                  np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)), mode="reflect"))


def test_pad_errors_as_mxnet(ctx):
    # Messages observed on MXNet 1.9.1 (nd.pad, which ReflectionPad2D uses).
    x = nd.ones((1, 2, 5, 5), ctx=ctx)
    with pytest.raises(mx.MXNetError) as e:
        nn.ReflectionPad2D(padding=(1, 1, 0, 0, 1, 1, 1, 1))(x)
    assert str(e.value) == "MXNetError: Current implementation expects padding on the first two axes to be zero."
    with pytest.raises(mx.MXNetError) as e:
        nd.pad(x, mode="reflect", pad_width=(0, 0, 0, 0, 5, 1, 1, 1))
    assert str(e.value) == ("MXNetError: Current implementation of reflection padding only supports padding sizes "
                            "smaller than the input size.")
    assert nd.pad(x, mode="reflect", pad_width=(0, 0, 0, 0, 4, 1, 1, 1)).shape == (1, 2, 10, 7)


@pytest.mark.parametrize("hybridize", [False, True])
def test_embedding_refuses_a_gradient_for_its_indices(ctx, hybridize):
    """Observed on MXNet 1.9.1: backward through Embedding fails when the indices want a gradient;
    the weight gradient alone is fine (rows summed per index)."""
    emb = nn.Embedding(5, 2)
    emb.initialize(ctx=ctx)
    if hybridize:
        emb.hybridize()
    x = nd.array([[1, 2, 1]], ctx=ctx)
    with autograd.record():
        y = emb(x)
    y.backward()
    np.testing.assert_array_equal(emb.weight.grad(ctx).asnumpy(), [[0, 0], [2, 2], [1, 1], [0, 0], [0, 0]])
    x.attach_grad()
    with autograd.record():
        y = emb(x)
    with pytest.raises(mx.base.MXNetError) as e:
        y.backward()
    assert str(e.value) == ("MXNetError: Check failed: req[embedding: :kData] == kNullOp (1 vs. 0) : "
                            "Embedding layer doesn't support calculate data gradient")


@pytest.mark.parametrize("make,shape,message", [
    (lambda: nn.PReLU(in_channels=3), (2, 4),
     "MXNetError: Check failed: s == -1: Cannot broadcast gamma to data. gamma: [3], data: [2,4]"),
    (lambda: nn.GlobalAvgPool2D(), (1, 2, 5),
     "MXNetError: Check failed: kernel[1] > 0 (0 vs. 0) : Filter dimensions cannot be zero."),
    (lambda: nn.GlobalMaxPool1D(), (1, 2, 5, 5), "MXNetError: dimensions are invalid"),
    (lambda: nn.Activation("gelu"), (2,),
     "MXNetError: Invalid Input: 'gelu', valid values are: {'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, "
     'in operator Activation(name="", act_type="gelu")'),
    (lambda: nn.GlobalAvgPool1D(prefix="p_"), (2, 5), None),
])
@pytest.mark.parametrize("hybridize", [False, True])
def test_layer_errors_hybridized_or_not(make, shape, message, hybridize):
    """Observed on MXNet 1.9.1: parameter errors and these kernel checks read the same hybridized; a
    shape check names the graph node and moves the op's own prefix behind the condition."""
    layer = make()
    layer.initialize()
    if hybridize:
        layer.hybridize()
    with pytest.raises(mx.base.MXNetError) as e:
        layer(nd.ones(shape))
    if message is None:
        rank = ("Input data should be  3D in (batch, channel, x) Or 4D in (batch, channel, y, x)  "
                "Or 5D in (batch, channel, d, y, x)")
        message = ("MXNetError: Error in operator p_fwd: Check failed: dshape.ndim() >= 3 (2 vs. 3) : Pooling: " + rank
                   if hybridize else "Pooling: Check failed: dshape.ndim() >= 3 (2 vs. 3) : " + rank)
    assert str(e.value) == message


def test_prelu_on_1d_data_has_one_slope_per_element(ctx):
    p = nn.PReLU(in_channels=3)
    p.initialize(ctx=ctx)
    p.alpha.set_data(nd.array([0.1, 0.2, 0.3], ctx=ctx))
    x = nd.array([-1, -2, 3], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = p(x)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), [-0.1, -0.4, 3], rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), [0.1, 0.2, 1], rtol=1e-6)
    np.testing.assert_allclose(p.alpha.grad(ctx).asnumpy(), [-1, -2, 0])
