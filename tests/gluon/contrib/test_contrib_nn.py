"""gluon.contrib.nn: Concurrent, HybridConcurrent and Identity with MXNet 1.9.1's prefixes, reprs and
outputs (observed on the oracle), importable the way MXNet code imports them."""
import numpy as np

import ndx as mx
from ndx import nd
from ndx.gluon import nn
from ndx.gluon.contrib.nn import Concurrent, HybridConcurrent, Identity

CONCURRENT_REPR = """Concurrent(
  (0): Dense(None -> 2, linear)
  (1): Identity(
  
  )
)"""
HYBRID_REPR = """HybridConcurrent(
  (0): Dense(None -> 3, linear)
  (1): Dense(None -> 2, linear)
)"""


def test_prefixes_and_reprs_like_mxnet():
    with mx.name.NameManager():
        c = Concurrent(axis=1)
        c.add(nn.Dense(2), Identity())
        hc = HybridConcurrent()
        hc.add(nn.Dense(3), nn.Dense(2))
        assert (c.prefix, hc.prefix, Identity().prefix) == ("concurrent0_", "hybridconcurrent0_", "identity1_")
    assert repr(c) == CONCURRENT_REPR
    assert repr(hc) == HYBRID_REPR
    assert isinstance(c, nn.Sequential) and isinstance(hc, nn.HybridSequential)


def test_children_outputs_are_concatenated(ctx, rng):
    x = rng.standard_normal((2, 3)).astype(np.float32)
    for cls in (Concurrent, HybridConcurrent):
        net = cls(axis=1)
        net.add(nn.Dense(4, in_units=3), Identity())
        net.initialize(ctx=ctx)
        w = net[0].weight.data().asnumpy()
        b = net[0].bias.data().asnumpy()
        y = net(nd.array(x, ctx=ctx))
        np.testing.assert_allclose(y.asnumpy(), np.concatenate([x @ w.T + b, x], axis=1), rtol=1e-5, atol=1e-6)


def test_reachable_from_gluon():
    assert mx.gluon.contrib.nn.HybridConcurrent is HybridConcurrent
