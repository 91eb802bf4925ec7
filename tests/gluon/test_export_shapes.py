"""``HybridBlock.export`` writes ``__shape__`` as MXNet 1.9.1 does: the shape the Parameter had when its
variable was made, i.e. with 0 for dims that were deferred (observed: ``(3, 0)`` for ``Dense(3)``)."""
import json

import pytest

import ndx as mx
from ndx.gluon import nn


def _shapes(path):
    nodes = json.loads(open(f"{path}-symbol.json").read())["nodes"]
    return {n["name"]: n["attrs"]["__shape__"] for n in nodes if "__shape__" in n.get("attrs", {})}


@pytest.mark.parametrize("imperative_first", [False, True])
def test_deferred_dims_written_as_zero(tmp_path, imperative_first):
    net = nn.HybridSequential(prefix="s_")
    with net.name_scope():
        net.add(nn.Conv2D(4, 3), nn.BatchNorm(), nn.Flatten(), nn.Dense(3), nn.Dense(2, in_units=3))
    net.initialize()
    x = mx.nd.ones((1, 2, 6, 6))
    if imperative_first:
        net(x)
    net.hybridize()
    net(x)
    net.export(str(tmp_path / "n"))
    assert _shapes(tmp_path / "n") == {
        "s_conv0_weight": "(4, 0, 3, 3)", "s_conv0_bias": "(4,)", "s_batchnorm0_gamma": "(0,)",
        "s_batchnorm0_beta": "(0,)", "s_batchnorm0_running_mean": "(0,)", "s_batchnorm0_running_var": "(0,)",
        "s_dense0_weight": "(3, 0)", "s_dense0_bias": "(3,)", "s_dense1_weight": "(2, 3)", "s_dense1_bias": "(2,)"}
    assert net[0].weight.var() is net[0].weight.var()
