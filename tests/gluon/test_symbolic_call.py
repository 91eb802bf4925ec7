"""Calling a HybridBlock on Symbols returns the graph (MXNet's ``net(mx.sym.var('data'))``), with the
node names and attributes MXNet 1.9.1 writes; NDArray calls are unaffected."""
import json

import numpy as np

import ndx as mx
from ndx.gluon import nn

# MXNet 1.9.1: nn.Dense(3, in_units=4, prefix='d_')(mx.sym.var('data')).tojson() nodes
DENSE_NODES = [
    {"op": "null", "name": "data", "inputs": []},
    {"op": "null", "name": "d_weight", "attrs": {"__dtype__": "0", "__lr_mult__": "1.0", "__shape__": "(3, 4)",
                                                 "__storage_type__": "0", "__wd_mult__": "1.0"}, "inputs": []},
    {"op": "null", "name": "d_bias", "attrs": {"__dtype__": "0", "__init__": "zeros", "__lr_mult__": "1.0",
                                               "__shape__": "(3,)", "__storage_type__": "0", "__wd_mult__": "1.0"},
     "inputs": []},
    {"op": "FullyConnected", "name": "d_fwd", "attrs": {"flatten": "True", "no_bias": "False", "num_hidden": "3"},
     "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
]


def test_dense_on_a_symbol_returns_mxnets_graph():
    net = nn.Dense(3, in_units=4, prefix="d_")
    net.initialize()
    out = net(mx.sym.var("data"))
    assert isinstance(out, mx.sym.Symbol)
    assert json.loads(out.tojson())["nodes"] == DENSE_NODES


def test_shared_parameter_is_one_variable_and_graph_evaluates_like_the_block(ctx, rng):
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(4, in_units=4, activation="relu"))
        net.add(nn.Dense(4, in_units=4, params=net[0].params))
    net.initialize(ctx=ctx)
    sym = net(mx.sym.var("data"))
    assert sym.list_arguments() == ["data", "net_dense0_weight", "net_dense0_bias"]
    x = mx.nd.array(rng.standard_normal((2, 4)), ctx=ctx)
    feed = {n: p.data(ctx) for n, p in net.collect_params().items()}
    np.testing.assert_allclose(sym.eval(data=x, **feed)[0].asnumpy(), net(x).asnumpy(), rtol=1e-6)


def test_the_block_class_is_not_patched_by_export(tmp_path):
    forward = nn.HybridBlock.__dict__["forward"]
    net = nn.Dense(2, in_units=3)
    net.initialize()
    net.hybridize()
    net(mx.nd.ones((1, 3)))
    net.export(str(tmp_path / "m"))
    assert nn.HybridBlock.__dict__["forward"] is forward
