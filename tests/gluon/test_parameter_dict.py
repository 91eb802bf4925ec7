"""ParameterDict, Block.params and collect_params (spec/parameters.md §4-5, naming.md §6)."""
import logging

import numpy as np
import pytest

import ndx as mx
from ndx import gluon, init, nd
from ndx.gluon import nn


@pytest.fixture(autouse=True)
def fresh_names():
    with mx.name.NameManager():
        yield


def _mlp_scoped():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    return net


def test_repr_before_and_after_forward():
    net = _mlp_scoped()
    assert repr(net.collect_params()) == (
        "sequential0_ (\n"
        "  Parameter sequential0_dense0_weight (shape=(256, 0), dtype=float32)\n"
        "  Parameter sequential0_dense0_bias (shape=(256,), dtype=float32)\n"
        "  Parameter sequential0_dense1_weight (shape=(10, 0), dtype=float32)\n"
        "  Parameter sequential0_dense1_bias (shape=(10,), dtype=float32)\n"
        ")")
    assert repr(net.params) == "sequential0_ (\n\n)"
    assert repr(gluon.ParameterDict()) == "(\n\n)"
    net.initialize()
    net(nd.ones((2, 20)))
    text = repr(net.collect_params())
    assert "(shape=(256, 20), dtype=float32)" in text and "(shape=(10, 256), dtype=float32)" in text


def test_mapping_protocol():
    net = _mlp_scoped()
    params = net.collect_params()
    assert type(params.keys()).__name__ == "odict_keys"
    assert "sequential0_dense0_weight" in params and params["sequential0_dense0_weight"] is net[0].weight
    assert [k for k, _ in params.items()] == list(params)
    with pytest.raises(KeyError):
        params["dense0_weight"]
    with pytest.raises(TypeError) as e:
        len(params)
    assert str(e.value) == "object of type 'ParameterDict' has no len()"
    with pytest.raises(AttributeError):
        params.prefix = "x"


def test_collect_params_select_is_anchored_regex():
    net = _mlp_scoped()
    assert list(net.collect_params(".*weight")) == ["sequential0_dense0_weight", "sequential0_dense1_weight"]
    assert list(net.collect_params("weight")) == [] and list(net.collect_params("dense0")) == []
    assert list(net.collect_params("sequential0_dense1_.*")) == ["sequential0_dense1_weight",
                                                                 "sequential0_dense1_bias"]


def test_get_reconciles_attributes():
    d = gluon.ParameterDict("block_")
    w = d.get("weight", shape=(3, 0))
    assert d.get("weight", shape=(3, 4)) is w and w.shape == (3, 4)
    assert d.get("weight", dtype="float32") is w          # 'float32' == numpy.float32 after normalisation
    d.get("weight", init="zeros")
    assert w.init == "zeros"
    with pytest.raises(AssertionError) as e:
        d.get("weight", shape=(5, 4))
    assert str(e.value) == ("Cannot retrieve Parameter 'block_weight' because desired attribute does not match with "
                            "stored for attribute 'shape': desired '(5, 4)' vs stored '(3, 4)'.")
    with pytest.raises(AssertionError, match="attribute 'lr_mult': desired '2.0' vs stored '1.0'"):
        d.get("weight", lr_mult=2.0)
    with pytest.raises(AssertionError) as e:
        d.get("weight", dtype="float16")
    assert "'dtype': desired 'float16' vs stored '<class 'numpy.float32'>'." in str(e.value)


def test_get_constant():
    d = gluon.ParameterDict("block_")
    c = d.get_constant("const", [[1, 2], [3, 4]])
    assert isinstance(c, gluon.Constant) and d.get_constant("const") is c
    assert d.get_constant("const", nd.array([[1, 2], [3, 4]])) is c
    with pytest.raises(KeyError) as e:
        d.get_constant("nothere")
    assert e.value.args[0] == ("No constant named 'block_nothere'. Please specify value if you want to create a new "
                               "constant.")
    d.get("weight", shape=(2,))
    with pytest.raises(AssertionError, match="^Parameter 'block_weight' already exists but it is not a constant.$"):
        d.get_constant("weight", nd.ones((2,)))
    with pytest.raises(AssertionError, match="^Constant 'block_const' already exists but it's value doesn't match"):
        d.get_constant("const", nd.zeros((2, 2)))


def test_update_conflict_checked_before_insertion():
    a, b = gluon.ParameterDict("a_"), gluon.ParameterDict("b_")
    a.get("w", shape=(1,))
    b._params["a_w"] = gluon.Parameter("a_w")
    b.get("v", shape=(1,))
    with pytest.raises(AssertionError) as e:
        a.update(b)
    assert str(e.value) == ("Cannot update self with other because they have different Parameters with the same "
                            "name 'a_w'")
    assert list(a) == ["a_w"] and a.prefix == "a_"


def test_setattr_zero_grad_reset_ctx_list_ctx(ctx):
    net = _mlp_scoped()
    params = net.collect_params()
    params.setattr("lr_mult", 0.5)
    assert all(p.lr_mult == 0.5 for p in params.values())
    params.initialize(ctx=mx.cpu(0))
    net(nd.ones((1, 3)))
    for p in params.values():
        p.grad()[:] = 1
    params.zero_grad()
    assert all((p.grad().asnumpy() == 0).all() for p in params.values())
    params.reset_ctx(ctx)
    assert params.list_ctx() == [ctx] and net[0].weight.data().context == ctx
    params.setattr("grad_req", "null")
    with pytest.raises(AssertionError):
        params.setattr("grad_req", "bogus")


def test_initialize_verbose_logs(caplog):
    d = gluon.ParameterDict()
    d.get("dense0_weight", shape=(2, 2))
    d.get("dense0_bias", shape=(2,), init="zeros")
    with caplog.at_level(logging.INFO):
        d.initialize(init.One(), verbose=True)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("Initialized dense0_weight as <ndx.initializer.One object at 0x")
    assert lines[0].endswith(": 1.0")
    assert lines[1] == "Initialized dense0_bias as zeros: 0.0"


def test_unregistered_container_warning():
    class L(nn.Block):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Dense(2), nn.Dense(3)]

    with pytest.warns(UserWarning) as rec:
        params = L().collect_params()
    assert str(rec[0].message) == (
        '"L.layers" is an unregistered container with Blocks. Note that Blocks inside the list, tuple or dict will '
        "not be registered automatically. Make sure to register them using register_child() or switching to "
        "nn.Sequential/nn.HybridSequential instead. ")
    assert list(params) == []


def test_unassigned_and_bare_parameters():
    class B(nn.Block):
        def __init__(self):
            super().__init__()
            self.params.get("hidden", shape=(2,))             # collected, not a registered attribute
            self.bare = gluon.Parameter("bare", shape=(2,))   # registered, not collected

    b = B()
    assert list(b.collect_params()) == ["b0_hidden"]
    assert list(b._collect_params_with_prefix()) == ["bare"]
    b.initialize()
    with pytest.raises(RuntimeError, match="has not been initialized"):
        b.bare.data()
    np.testing.assert_equal(b.params["b0_hidden"].data().shape, (2,))
