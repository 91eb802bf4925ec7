"""Deferred initialization: pending state, completion at the first forward, errors (spec/deferred_init.md)."""
import warnings

import numpy as np
import pytest

import ndx as mx
from ndx import autograd, gluon, init, nd
from ndx.base import MXNetError
from ndx.gluon import nn

DEFERRED_MSG = ("Parameter '{}' has not been initialized yet because initialization was deferred. Actual "
                "initialization happens during the first forward pass. Please pass one batch of data through the "
                "network before accessing Parameters. You can also avoid deferred initialization by specifying "
                "in_units, num_features, etc., for network layers.")


@pytest.fixture(autouse=True)
def fresh_names():
    with mx.name.NameManager():
        yield


class PrintInit(init.Initializer):
    def __init__(self, log):
        super().__init__()
        self.log = log

    def _init_weight(self, name, arr):
        self.log.append((str(name), arr.shape))
        arr[:] = 1


def _mlp():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    return net


def test_state_before_first_forward(ctx):
    net = _mlp()
    net.initialize(ctx=ctx)
    w = net[0].weight
    for call in (w.data, w.grad, w.list_data):
        with pytest.raises(gluon.DeferredInitializationError) as e:
            call()
        assert str(e.value) == DEFERRED_MSG.format("sequential0_dense0_weight")
    assert issubclass(gluon.DeferredInitializationError, MXNetError)
    assert issubclass(gluon.DeferredInitializationError, RuntimeError)
    assert w.list_ctx() == [ctx] and w.shape == (256, 0)
    assert repr(net[0]) == "Dense(None -> 256, Activation(relu))"
    assert net[0].bias.data().shape == (256,)              # complete shapes initialize at once


def test_first_forward_infers_and_initializes(ctx):
    net = _mlp()
    net.initialize(ctx=ctx)
    x = nd.random.uniform(shape=(2, 20), ctx=ctx)
    y = net(x)
    assert y.shape == (2, 10) and y.context == ctx
    assert net[0].weight.shape == (256, 20) and net[1].weight.shape == (10, 256)
    assert repr(net) == ("Sequential(\n  (0): Dense(20 -> 256, Activation(relu))\n"
                         "  (1): Dense(256 -> 10, linear)\n)")
    w = net[0].weight.data().asnumpy()
    assert np.abs(w).max() <= 0.07 and w.std() > 0.01       # default Uniform(0.07)
    xs, w0, b0 = x.asnumpy(), net[0].weight.data().asnumpy(), net[0].bias.data().asnumpy()
    h = np.maximum(xs @ w0.T + b0, 0)
    expected = h @ net[1].weight.data().asnumpy().T + net[1].bias.data().asnumpy()
    np.testing.assert_allclose(y.asnumpy(), expected, rtol=1e-5, atol=1e-6)


def test_custom_initializer_call_order_and_force_reinit():
    log = []
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    net.initialize(PrintInit(log))
    assert log == []
    net(nd.ones((2, 20)))
    assert log == [("dense0_weight", (256, 20)), ("dense1_weight", (10, 256))]
    net(nd.ones((2, 20)))
    assert len(log) == 2
    del log[:]
    net.initialize(PrintInit(log), force_reinit=True)
    assert log == [("dense0_weight", (256, 20)), ("dense1_weight", (10, 256))]


def test_known_shapes_initialize_immediately_in_collect_params_order():
    log = []
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=16, bias_initializer=PrintInit(log)), nn.Dense(2))
    net.initialize(PrintInit(log))
    assert log == [("dense0_weight", (3, 16)), ("dense0_bias", (3,))]
    net(nd.ones((1, 16)))
    assert log[-1] == ("dense1_weight", (2, 3))


def test_initialize_again_warns_only_for_materialized():
    net = _mlp()
    net.initialize()
    with pytest.warns(UserWarning) as rec:
        net.initialize()
    assert [str(r.message) for r in rec] == [
        f"Parameter 'sequential0_dense{i}_bias' is already initialized, ignoring. Set force_reinit=True to "
        "re-initialize." for i in (0, 1)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.initialize(force_reinit=True)
    assert net[0].weight._deferred_init


def test_set_data_while_deferred_is_used_at_completion(ctx):
    d = nn.Dense(4)
    d.initialize(ctx=ctx)
    d.weight.set_data(nd.ones((4, 3)))
    assert d.weight.shape == (4, 3)
    d(nd.ones((2, 3), ctx=ctx))
    np.testing.assert_array_equal(d.weight.data().asnumpy(), np.ones((4, 3)))


def test_set_data_shape_conflicts_with_input(capsys):
    d = nn.Dense(4)
    d.initialize()
    d.weight.set_data(nd.ones((4, 3)))
    with pytest.raises(ValueError) as e:
        d(nd.ones((1, 5)))
    assert str(e.value) == ("Deferred initialization failed because shape cannot be inferred. MXNetError: Error in "
                            "operator dense0_fwd: Shape inconsistent, Provided = [4,3], inferred shape=(4,5)")
    # MXNet 1.9.1 also prints the graph's input shapes to stdout (spec/deferred_init.md)
    assert capsys.readouterr().out == "infer_shape error. Arguments:\n  data: (1, 5)\n"


def test_changed_input_shape_after_init():
    d = nn.Dense(256)
    d.initialize()
    d(nd.ones((2, 20)))
    with pytest.raises(MXNetError) as e:
        d(nd.ones((2, 30)))
    assert str(e.value) == "MXNetError: Shape inconsistent, Provided = [256,20], inferred shape=(256,30)"
    assert d(nd.ones((5, 20))).shape == (5, 256)          # batch size may change
    assert d(nd.ones((2, 4, 5))).shape == (2, 256)       # so may the shape, if the flattened size matches
    e3 = nn.Dense(3, in_units=4)
    e3.initialize()
    with pytest.raises(MXNetError, match=r"Provided = \[3,4\], inferred shape=\(3,5\)$"):
        e3(nd.ones((1, 5)))


def test_forward_before_initialize():
    d = nn.Dense(2)
    with pytest.raises(RuntimeError) as e:
        d(nd.ones((1, 3)))
    assert str(e.value).startswith("Parameter 'dense0_weight' has not been initialized. Note that")


def test_reset_ctx_while_deferred():
    net = _mlp()
    net.initialize(ctx=mx.cpu(0))
    net.collect_params().reset_ctx(mx.cpu(1))
    assert net[0].weight.list_ctx() == [mx.cpu(1)]
    y = net(nd.ones((1, 3), ctx=mx.cpu(1)))
    assert y.context == mx.cpu(1)


def test_input_on_another_context():
    d = nn.Dense(2)
    d.initialize(ctx=mx.cpu(1))
    with pytest.raises(RuntimeError) as e:
        d(nd.ones((1, 3)))
    assert str(e.value) == ("Parameter 'dense0_weight' was not initialized on context cpu(0). It was only "
                            "initialized on [cpu(1)].")


def test_deferred_completion_inside_record_is_not_recorded(ctx):
    d = nn.Dense(2)
    d.initialize(init.One(), ctx=ctx)
    x = nd.array([[1.0, 2.0, 3.0]], ctx=ctx)
    with autograd.record():
        y = d(x).sum()
    y.backward()
    np.testing.assert_array_equal(d.weight.grad().asnumpy(), np.array([[1, 2, 3], [1, 2, 3]]))
    np.testing.assert_array_equal(d.bias.grad().asnumpy(), [1, 1])


def test_user_hybridblock_with_unknown_shape_explains():
    class B(gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.w = self.params.get("w", shape=(3, 0), allow_deferred_init=True)

        def hybrid_forward(self, F, x, w):
            return F.dot(x, w)

    b = B()
    b.initialize()
    with pytest.raises(ValueError) as e:
        b(nd.ones((2, 3)))
    msg = str(e.value)
    assert msg.startswith("Deferred initialization failed because shape cannot be inferred. Cannot decide shape "
                          "for the following arguments (0s in shape means unknown dimensions). Consider providing "
                          "them as input:\n\tb0_w: (3, 0)")
    assert "shape=(3, 4)" in msg and "_infer_shapes" in msg


def test_user_hybridblock_with_infer_hook():
    class Scale(gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.w = self.params.get("w", shape=(0,), init=init.Constant(2.0), allow_deferred_init=True)

        def _infer_shapes(self, x):
            self._set_shape(self.w, (x.shape[-1],))

        def hybrid_forward(self, F, x, w):
            return F.broadcast_mul(x, w)

    s = Scale()
    s.initialize()
    np.testing.assert_array_equal(s(nd.ones((2, 3))).asnumpy(), 2 * np.ones((2, 3)))
    assert s.w.shape == (3,)


def test_plain_block_propagates_deferred_error():
    class P(nn.Block):
        def __init__(self):
            super().__init__()
            self.w = self.params.get("w", shape=(0, 2), allow_deferred_init=True)

        def forward(self, x):
            return nd.dot(x, self.w.data())

    p = P()
    p.initialize()
    with pytest.raises(gluon.DeferredInitializationError):
        p(nd.ones((1, 2)))


def test_infer_shape_sets_shape_without_data():
    d = nn.Dense(4)
    d.initialize()
    d.infer_shape(nd.ones((2, 7)))
    assert d.weight.shape == (4, 7)
    with pytest.raises(gluon.DeferredInitializationError):
        d.weight.data()


# Messages observed on MXNet 1.9.1 when an initialized layer gets an input of another channel count:
# the op's shape-inference error, prefixed by "Error in operator <node>: " once the layer is hybridized.
@pytest.mark.parametrize("make, good, bad, message", [
    (lambda: nn.Conv2D(4, 3), (1, 3, 5, 5), (1, 5, 5, 5),
     "Shape inconsistent, Provided = [4,3,3,3], inferred shape=(4,5,3,3)"),
    (lambda: nn.Conv2D(4, 3, groups=2), (1, 4, 5, 5), (1, 6, 5, 5),
     "Shape inconsistent, Provided = [4,2,3,3], inferred shape=(4,3,3,3)"),
    (lambda: nn.Conv2D(4, 3, groups=2), (1, 4, 5, 5), (1, 5, 5, 5),
     "Check failed: dshape[1] % param_.num_group == 0U (1 vs. 0) : input num_filter must divide group size"),
    (lambda: nn.Conv1D(4, 3), (1, 3, 5), (1, 2, 5),
     "Shape inconsistent, Provided = [4,3,3], inferred shape=(4,2,3)"),
    (lambda: nn.Conv3D(4, 1), (1, 3, 2, 2, 2), (1, 2, 2, 2, 2),
     "Shape inconsistent, Provided = [4,3,1,1,1], inferred shape=(4,2,1,1,1)"),
    (lambda: nn.Conv2DTranspose(4, 3), (1, 3, 5, 5), (1, 5, 5, 5),
     "Shape inconsistent, Provided = [3,4,3,3], inferred shape=(5,4,3,3)"),
    (lambda: nn.Conv1DTranspose(4, 3), (1, 3, 5), (1, 2, 5),
     "Shape inconsistent, Provided = [3,4,3], inferred shape=(2,4,3)"),
    (lambda: nn.Dense(4, flatten=False), (2, 3), (2, 5),
     "Shape inconsistent, Provided = [4,3], inferred shape=(4,5)"),
    (lambda: nn.LayerNorm(), (2, 3), (2, 5),
     "Shape inconsistent, Provided = [3], inferred shape=[5]"),
])
@pytest.mark.parametrize("hybridize", [False, True])
def test_changed_channel_count_error(make, good, bad, message, hybridize):
    layer = make()
    layer.initialize()
    if hybridize:
        layer.hybridize()
    layer(nd.ones(good))
    with pytest.raises(MXNetError) as e:
        layer(nd.ones(bad))
    node = ("layernorm0" if isinstance(layer, nn.LayerNorm) else "fwd")
    prefix = f"MXNetError: Error in operator {layer.prefix}{node}: " if hybridize else "MXNetError: "
    assert str(e.value) == prefix + message


def test_group_norm_indivisible_channels():
    # Observed on MXNet 1.9.1 (non-hybridized).
    g = nn.GroupNorm(3)
    g.initialize()
    with pytest.raises(MXNetError) as e:
        g(nd.ones((2, 7, 4)))
    assert str(e.value) == ("MXNetError: Check failed: dshape[1] % num_groups == 0 (1 vs. 0) : "
                            "# of channels must be divisible by # of groups")
