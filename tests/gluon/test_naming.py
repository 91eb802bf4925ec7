"""Block prefixes and Parameter names exactly as MXNet 1.x (spec/naming.md)."""
import pytest

import ndx as mx
from ndx import gluon
from ndx.gluon import nn


@pytest.fixture(autouse=True)
def fresh_names():
    """Every test starts with fresh global counters, like a new process."""
    with mx.name.NameManager():
        yield


class MLP(nn.Block):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.hidden = nn.Dense(256, activation="relu")
            self.output = nn.Dense(10)
            self.h2 = nn.Dense(3)


class NoScope(nn.Block):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.hidden = nn.Dense(256)
        self.output = nn.Dense(10)


def test_hints_and_global_counters():
    blocks = [nn.Dense(2), nn.Dense(2), nn.Sequential(), nn.HybridSequential(), nn.Activation("relu"),
              nn.Activation("tanh"), nn.Lambda("tanh"), nn.HybridLambda("tanh"), nn.Dense(2)]
    assert [b.prefix for b in blocks] == ["dense0_", "dense1_", "sequential0_", "hybridsequential0_", "relu0_",
                                          "tanh0_", "lambda0_", "hybridlambda0_", "dense2_"]
    assert blocks[0].name == "dense0"


def test_table_of_naming_spec():
    m1 = MLP()
    assert m1.prefix == "mlp0_"
    assert [m1.hidden.prefix, m1.output.prefix, m1.h2.prefix] == ["mlp0_dense0_", "mlp0_dense1_", "mlp0_dense2_"]
    assert m1.hidden.act.prefix == "mlp0_dense0_relu_" and m1.hidden.act.name == "mlp0_dense0_relu"
    m2 = MLP()
    assert (m2.prefix, m2.hidden.prefix, m2.output.prefix) == ("mlp1_", "mlp1_dense0_", "mlp1_dense1_")
    ns = NoScope()
    assert (ns.prefix, ns.hidden.prefix, ns.output.prefix) == ("noscope0_", "dense0_", "dense1_")
    assert list(ns.collect_params().keys()) == ["dense0_weight", "dense0_bias", "dense1_weight", "dense1_bias"]
    assert repr(ns.params) == "noscope0_ (\n\n)"
    m4 = MLP(prefix="mymlp_")
    assert m4.prefix == "mymlp_" and m4.hidden.weight.name == "mymlp_dense0_weight"
    m5 = MLP(prefix="")
    assert (m5.prefix, m5.name) == ("", "")
    assert [m5.hidden.prefix, m5.output.prefix, m5.h2.prefix] == ["dense2_", "dense3_", "dense4_"]
    m6 = MLP(prefix="")
    assert [m6.hidden.prefix, m6.output.prefix, m6.h2.prefix] == ["dense5_", "dense6_", "dense7_"]
    assert nn.Dense(5).prefix == "dense8_"


def test_explicit_prefix_is_verbatim():
    m = MLP(prefix="foo")
    assert (m.prefix, m.name) == ("foo", "foo")
    assert m.hidden.prefix == "foodense0_"
    assert nn.Dense(3).prefix == "dense0_"          # no counter advanced by the explicit prefix


def test_nested_scopes():
    class Outer(nn.Block):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.a = MLP()
                self.b = MLP()
                self.seq = nn.Sequential()
                with self.seq.name_scope():
                    self.seq.add(nn.Dense(3), nn.Dense(4))
                self.seq2 = nn.Sequential()
                self.seq2.add(nn.Dense(3))

    o = Outer()
    assert [o.prefix, o.a.prefix, o.b.prefix, o.a.hidden.prefix, o.seq.prefix] == \
        ["outer0_", "outer0_mlp0_", "outer0_mlp1_", "outer0_mlp0_dense0_", "outer0_sequential0_"]
    assert [o.seq[0].prefix, o.seq[1].prefix] == ["outer0_sequential0_dense0_", "outer0_sequential0_dense1_"]
    assert o.seq2.prefix == "outer0_sequential1_" and o.seq2[0].prefix == "outer0_dense0_"
    keys = list(o.collect_params().keys())
    assert keys[0] == "outer0_mlp0_dense0_weight" and keys[-1] == "outer0_dense0_bias"


def test_scope_counters_persist_across_entries():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(2))
    with net.name_scope():
        net.add(nn.Dense(2))
    assert [net[0].prefix, net[1].prefix] == ["sequential0_dense0_", "sequential0_dense1_"]


def test_sequential_with_and_without_scope():
    a = nn.Sequential()
    with a.name_scope():
        a.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    assert list(a.collect_params().keys()) == ["sequential0_dense0_weight", "sequential0_dense0_bias",
                                               "sequential0_dense1_weight", "sequential0_dense1_bias"]
    b = nn.Sequential()
    b.add(nn.Dense(256), nn.Dense(10))
    assert b.prefix == "sequential1_" and [b[0].prefix, b[1].prefix] == ["dense0_", "dense1_"]
    assert b.add(nn.Dense(1)) is None


def test_sequential_slice_reuses_prefix_and_children():
    net = nn.Sequential()
    net.add(nn.Dense(1), nn.Dense(2), nn.Dense(3))
    part = net[1:]
    assert type(part) is nn.Sequential and part.prefix == "sequential0_" and len(part) == 2
    assert part[0] is net[1] and part[1] is net[2]
    assert nn.Sequential().prefix == "sequential1_"   # slicing did not advance the counter


def test_name_prefix_context():
    with mx.name.Prefix("foo_"):
        d = nn.Dense(2)
    assert d.prefix == "foo_dense0_"
    assert nn.Dense(2).prefix == "dense0_"           # the Prefix manager had its own counters


def test_name_manager_gives_fresh_counters():
    assert nn.Dense(1).prefix == "dense0_"
    with mx.name.NameManager():
        assert nn.Dense(1).prefix == "dense0_"
    assert nn.Dense(1).prefix == "dense1_"


def test_sharing_through_params():
    d0 = nn.Dense(4, in_units=3)
    d1 = nn.Dense(4, params=d0.collect_params())
    assert (d1.prefix, d1.params.prefix) == ("dense1_", "dense0_")
    assert d1.weight is d0.weight and d1.weight.name == "dense0_weight"
    with pytest.raises(AssertionError) as e:
        nn.Dense(5, params=d0.params)
    assert str(e.value) == ("Cannot retrieve Parameter 'dense0_weight' because desired attribute does not match "
                            "with stored for attribute 'shape': desired '(5, 0)' vs stored '(4, 3)'.")


def test_whole_model_sharing():
    a = MLP()
    b = MLP(params=a.collect_params())
    assert b.prefix == "mlp1_" and b.hidden.prefix == "mlp1_dense0_" and b.hidden.params.prefix == "mlp0_dense0_"
    assert b.hidden.weight is a.hidden.weight and b.h2.bias is a.h2.bias
    assert repr(b.params) == "mlp0_ (\n\n)"
    assert list(b.collect_params().keys())[:2] == ["mlp0_dense0_weight", "mlp0_dense0_bias"]


def test_sharing_misses_when_prefixes_differ():
    src = nn.Sequential()
    src.add(nn.Dense(2))                    # dense0_ (outside the scope)
    dst = nn.Sequential(params=src.collect_params())
    with dst.name_scope():
        dst.add(nn.Dense(2))                # looks for sequential0_dense0_weight
    assert dst[0].weight is not src[0].weight


def test_parameter_names_and_structural_names():
    net = nn.Sequential()
    net.add(nn.Dense(3), nn.Dense(4, use_bias=False))
    assert net[0].weight.name == "dense0_weight"
    assert list(net._collect_params_with_prefix()) == ["0.weight", "0.bias", "1.weight"]
    m = MLP()
    assert list(m._collect_params_with_prefix())[:2] == ["hidden.weight", "hidden.bias"]


def test_parameterdict_shared_lookup_by_full_name():
    shared = gluon.ParameterDict("blk_")
    w = shared.get("weight", shape=(2, 2))
    mine = gluon.ParameterDict("blk_", shared=shared)
    assert mine.get("weight") is w
    other = gluon.ParameterDict("x_", shared=shared)
    assert other.get("weight", shape=(2, 2)) is not w
