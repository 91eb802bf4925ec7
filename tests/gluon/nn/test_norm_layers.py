"""BatchNorm/LayerNorm/InstanceNorm/GroupNorm layers: params, reprs, train/inference, running statistics."""
import numpy as np
import pytest

import ndx as mx
from ndx import autograd, nd
from ndx.gluon import nn


def _bn(ctx, **kw):
    bn = nn.BatchNorm(**kw)
    bn.initialize(ctx=ctx)
    return bn


def test_batchnorm_params_and_repr(ctx):
    with mx.name.NameManager():
        bn = nn.BatchNorm()
    assert repr(bn) == "BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, " \
                       "in_channels=None)"
    assert [p.name for p in bn.collect_params().values()] == [
        "batchnorm0_gamma", "batchnorm0_beta", "batchnorm0_running_mean", "batchnorm0_running_var"]
    assert [bn.gamma.grad_req, bn.beta.grad_req, bn.running_mean.grad_req, bn.running_var.grad_req] == \
        ["write", "write", "null", "null"]
    bn.initialize(ctx=ctx)
    bn(nd.ones((2, 3, 4), ctx=ctx))
    assert repr(bn).endswith("in_channels=3)") and bn.running_var.shape == (3,)
    other = nn.BatchNorm(in_channels=3, momentum=0.8, epsilon=1e-3, center=False, scale=False, use_global_stats=True,
                         axis=-1)
    assert repr(other) == "BatchNorm(axis=-1, eps=0.001, momentum=0.8, fix_gamma=True, use_global_stats=True, " \
                          "in_channels=3)"
    assert other.gamma.grad_req == "null" and other.beta.grad_req == "null"


def test_batchnorm_train_and_inference_outputs(ctx, rng):
    x = rng.standard_normal((4, 3, 5)).astype(np.float32)
    bn = _bn(ctx)
    bn(nd.array(x, ctx=ctx))
    g, b = rng.standard_normal(3).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    rm, rv = rng.standard_normal(3).astype(np.float32), rng.random(3).astype(np.float32) + 0.5
    for p, v in ((bn.gamma, g), (bn.beta, b), (bn.running_mean, rm), (bn.running_var, rv)):
        p.set_data(nd.array(v))
    s = lambda a: a.reshape(1, 3, 1)  # noqa: E731
    with autograd.record():
        y = bn(nd.array(x, ctx=ctx))
    ref = (x - x.mean((0, 2), keepdims=True)) / np.sqrt(x.var((0, 2), keepdims=True) + 1e-5) * s(g) + s(b)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)
    y = bn(nd.array(x, ctx=ctx))
    np.testing.assert_allclose(y.asnumpy(), (x - s(rm)) / np.sqrt(s(rv) + 1e-5) * s(g) + s(b), rtol=1e-4, atol=1e-5)


def test_batchnorm_scale_false_ignores_gamma(ctx, rng):
    x = rng.standard_normal((4, 2)).astype(np.float32)
    bn = _bn(ctx, scale=False)
    bn(nd.array(x, ctx=ctx))
    bn.gamma.set_data(nd.full((2,), 2.0))
    with autograd.train_mode():
        y = bn(nd.array(x, ctx=ctx))
    np.testing.assert_allclose(y.asnumpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-4, atol=1e-5)


def test_fix_gamma_writes_ones_into_gamma_on_every_forward(ctx, rng):
    """Observed on MXNet 1.9.1: the operator sets gamma to 1 in place (inference and training alike), so
    a BatchNorm(scale=False) saves ones; with fix_gamma=False gamma is left alone."""
    x = nd.array(rng.standard_normal((4, 2, 3)).astype(np.float32), ctx=ctx)
    bn = _bn(ctx, scale=False)
    bn(x)
    bn.gamma.set_data(nd.array([3.0, 4.0]))
    bn(x)
    np.testing.assert_array_equal(bn.gamma.data().asnumpy(), [1.0, 1.0])
    bn.gamma.set_data(nd.array([3.0, 4.0]))
    with autograd.record():
        y = bn(x)
    y.backward()
    np.testing.assert_array_equal(bn.gamma.data().asnumpy(), [1.0, 1.0])
    g, b = nd.array([3.0, 4.0], ctx=ctx), nd.zeros(2, ctx=ctx)
    mm, mv = nd.zeros(2, ctx=ctx), nd.ones(2, ctx=ctx)
    nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)
    np.testing.assert_array_equal(g.asnumpy(), [3.0, 4.0])
    nd.BatchNorm(x, g, b, mm, mv)                       # fix_gamma defaults to True for the operator
    np.testing.assert_array_equal(g.asnumpy(), [1.0, 1.0])


def test_batchnorm_running_stats_update_on_backward(ctx, rng):
    """spec §5: the update happens in backward(); two recorded forwards + one backward apply two updates."""
    x1 = rng.standard_normal((8, 2)).astype(np.float32)
    x2 = rng.standard_normal((8, 2)).astype(np.float32) + 1
    bn = _bn(ctx)
    with autograd.record():
        y = bn(nd.array(x1, ctx=ctx))
    np.testing.assert_array_equal(bn.running_mean.data().asnumpy(), 0)
    y.backward()
    np.testing.assert_allclose(bn.running_mean.data().asnumpy(), 0.1 * x1.mean(0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(bn.running_var.data().asnumpy(), 0.9 + 0.1 * x1.var(0), rtol=1e-5)
    bn = _bn(ctx)
    with autograd.record():
        loss = bn(nd.array(x1, ctx=ctx)).sum() + bn(nd.array(x2, ctx=ctx)).sum()
    loss.backward()
    expected = 0.9 * (0.1 * x2.mean(0)) + 0.1 * x1.mean(0)  # reverse order of the forwards
    np.testing.assert_allclose(bn.running_mean.data().asnumpy(), expected, rtol=1e-5, atol=1e-7)
    # inference, train_mode without backward, and use_global_stats never move the statistics
    bn = _bn(ctx, use_global_stats=True)
    with autograd.record():
        y = bn(nd.array(x1, ctx=ctx))
    y.backward()
    np.testing.assert_array_equal(bn.running_mean.data().asnumpy(), 0)


def test_batchnorm_cast_float16_keeps_float32():
    bn = nn.BatchNorm(in_channels=2)
    bn.cast("float16")
    assert np.dtype(bn.gamma.dtype) == np.float32


def test_layernorm_layer(ctx):
    ln = nn.LayerNorm()
    assert repr(ln) == "LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=0)"
    ln.initialize(ctx=ctx)
    y = ln(nd.array([[1, 2, 3, 4, 5], [1, 1, 2, 2, 2]], ctx=ctx))
    assert repr(ln) == "LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=5)"
    np.testing.assert_allclose(y.asnumpy(), [[-1.41421, -0.707105, 0., 0.707105, 1.41421],
                                             [-1.2247195, -1.2247195, 0.81647956, 0.81647956, 0.81647956]], rtol=1e-5)
    fixed = nn.LayerNorm(scale=False)
    fixed.initialize(ctx=ctx)
    x = nd.array([[1, 2, 3, 4, 5]], ctx=ctx)
    base = fixed(x).asnumpy()
    fixed.gamma.set_data(nd.full((5,), 2.0))
    assert fixed.gamma.grad_req == "null"
    np.testing.assert_allclose(fixed(x).asnumpy(), 2 * base, rtol=1e-6)  # still applied


def test_instancenorm_layer(ctx, rng):
    inn = nn.InstanceNorm()
    assert repr(inn) == "InstanceNorm(eps=1e-05, axis=1, center=True, scale=False, in_channels=0)"
    inn.initialize(ctx=ctx)
    y = inn(nd.array([[[1.1, 2.2]], [[3.3, 4.4]]], ctx=ctx))
    np.testing.assert_allclose(y.asnumpy(), [[[-0.99998355, 0.9999833]], [[-0.9999832, 0.9999836]]], rtol=1e-5)
    assert inn.gamma.grad_req == "null"
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    last = nn.InstanceNorm(axis=2)
    last.initialize(ctx=ctx)
    y = last(nd.array(x, ctx=ctx))
    assert repr(last).endswith("in_channels=4)")
    np.testing.assert_allclose(y.asnumpy(), (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5),
                               rtol=1e-4, atol=1e-5)


def test_groupnorm_layer(ctx, rng):
    gn = nn.GroupNorm(num_groups=2)
    assert repr(nn.GroupNorm()) == "GroupNorm(eps=1e-05, num_groups=1, center=True, scale=True)"
    assert gn.gamma.shape == (2,)
    gn.initialize(ctx=ctx)
    x = rng.standard_normal((2, 4, 3)).astype(np.float32)
    y = gn(nd.array(x, ctx=ctx))
    v = x.reshape(2, 2, 6)
    ref = ((v - v.mean(2, keepdims=True)) / np.sqrt(v.var(2, keepdims=True) + 1e-5)).reshape(x.shape)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [lambda: nn.LayerNorm(in_channels=3), lambda: nn.BatchNorm(in_channels=3)])
def test_norm_layer_input_gradient(ctx, rng, make):
    from ndx.test_utils import check_numeric_gradient
    layer = make()
    layer.initialize(ctx=ctx)
    layer.cast("float64")

    def fn(x):
        with autograd.train_mode():
            return layer(x)
    check_numeric_gradient(fn, [rng.standard_normal((4, 3))], ctx=ctx, rtol=1e-3)


def test_batchnorm_relu_is_batchnorm_then_relu(ctx, rng):
    """Observed on MXNet 1.9.1: same repr, prefix and parameters as BatchNorm under its own name."""
    bnr = nn.BatchNormReLU(in_channels=2)
    assert repr(bnr) == ("BatchNormReLU(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, "
                         "in_channels=2)")
    assert bnr.prefix.startswith("batchnormrelu") and sorted(p.split("_", 1)[1] for p in bnr.collect_params()) == [
        "beta", "gamma", "running_mean", "running_var"]
    bn = nn.BatchNorm(in_channels=2)
    for block in (bnr, bn):
        block.initialize(ctx=ctx)
        block.gamma.set_data(nd.array([1.5, 0.5]))
        block.beta.set_data(nd.array([0.2, -0.3]))
    xv = rng.standard_normal((6, 2)).astype(np.float32)
    outs, grads = [], []
    for block, relu in ((bnr, False), (bn, True)):
        x = nd.array(xv, ctx=ctx)
        x.attach_grad()
        with autograd.record():
            y = block(x)
            if relu:
                y = nd.relu(y)
        y.backward()
        outs.append(y.asnumpy())
        grads.append(x.grad.asnumpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(bnr.running_mean.data().asnumpy(), bn.running_mean.data().asnumpy(), rtol=1e-6)
    assert (outs[0] >= 0).all() and (outs[0] == 0).any()
    assert nn.SymbolBlock is mx.gluon.SymbolBlock


@pytest.mark.parametrize("make,shape,hybridize,message", [
    (lambda: nn.BatchNorm(axis=3, prefix="bn_"), (2, 4, 5), False,
     "Deferred initialization failed because shape cannot be inferred. MXNetError: Error in operator bn_fwd: "
     "Check failed: channelAxis < dshape.ndim() (3 vs. 3) : Channel axis out of range: 3"),
    (lambda: nn.BatchNorm(prefix="bn_"), (4,), True,
     "Deferred initialization failed because shape cannot be inferred. MXNetError: Error in operator bn_fwd: "
     "Check failed: channelAxis < dshape.ndim() (1 vs. 1) : Channel axis out of range: 1"),
    (lambda: nn.LayerNorm(axis=-4, prefix="ln_"), (2, 4, 5), False,
     "Deferred initialization failed because shape cannot be inferred. MXNetError: Error in operator "
     "ln_layernorm0: Check failed: axis >= 0 && axis < dshape.ndim(): Channel axis out of range: axis=-4"),
    (lambda: nn.InstanceNorm(axis=3, prefix="in_"), (2, 4, 5), False,
     "Deferred initialization failed because shape cannot be inferred. MXNetError: Error in operator "
     "in_swapaxes0: Check failed: axis2 >= 0 && axis2 < shape0.ndim(): axis2: axis 3 is out of bounds for array "
     "of ndim 3"),
    (lambda: nn.InstanceNorm(prefix="in_"), (2, 4), False,
     "MXNetError: Check failed: in_data[instance_norm: :kData].ndim() >= 3 (2 vs. 3) : InstanceNorm only supports "
     "input tensors of rank >= 3."),
    (lambda: nn.GroupNorm(num_groups=2, prefix="gn_"), (2, 4), False,
     "MXNetError: Check failed: dshape.ndim() >= 3U (2 vs. 3) : "),
    (lambda: nn.BatchNorm(axis=3, in_channels=5), (2, 4, 5), False,
     "MXNetError: Check failed: channelAxis < dshape.ndim() (3 vs. 3) : Channel axis out of range: 3"),
])
def test_norm_layer_bad_inputs_fail_as_in_mxnet(capsys, make, shape, hybridize, message):
    """Observed on MXNet 1.9.1 (the location prefix of MXNet's C++ messages left out)."""
    layer = make()
    layer.initialize()
    if hybridize:
        layer.hybridize()
    with pytest.raises(Exception) as e:
        layer(nd.ones(shape))
    assert str(e.value) == message
    assert type(e.value).__name__ == ("ValueError" if message.startswith("Deferred") else "MXNetError")


@pytest.mark.parametrize("make,message", [
    (lambda: nn.GroupNorm(prefix="gn_"),
     "MXNetError: Error in operator gn_groupnorm0: Check failed: assign(&dattr, vec.at(i)): Incompatible attr in "
     "node gn_groupnorm0 at 1-th input: expected float64, got float32"),
    (lambda: nn.InstanceNorm(in_channels=4, prefix="in_"),
     "MXNetError: Error in operator in_fwd: Check failed: in_type->at(i) == mshadow::default_type_flag || "
     "in_type->at(i) == -1: Unsupported data type 1"),
    (lambda: nn.PReLU(prefix="pr_"),
     "MXNetError: Error in operator pr_fwd: Type inconsistent, Provided = float32, inferred type = float64"),
    (lambda: nn.Dense(3, in_units=12, prefix="d_"),
     "MXNetError: Error in operator d_fwd: Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node "
     "d_fwd at 1-th input: expected float64, got float32"),
])
def test_hybridized_dtype_mismatch_names_the_node(make, message):
    """Observed on MXNet 1.9.1: float64 data into float32 parameters, hybridized."""
    layer = make()
    layer.initialize()
    layer.hybridize()
    with pytest.raises(mx.base.MXNetError) as e:
        layer(nd.ones((6, 4, 3), dtype="float64"))
    assert str(e.value) == message
