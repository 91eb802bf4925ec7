"""Shared check for layers that fuse their ReLU into one op: fused and unfused runs agree bit for bit."""
import numpy as np

import ndx as mx


def assert_fusion_is_exact(layer, x, ctx, unfuse):
    """Run ``layer`` on ``x`` fused, call ``unfuse()`` (which turns fusion off), run it again; outputs,
    the input's gradient and every parameter gradient must be identical, and the ReLU must cut."""
    results = []
    for fused in (True, False):
        if not fused:
            unfuse()
        x.attach_grad()
        with mx.autograd.record():
            y = layer(x)
            loss = y * y
        loss.backward()
        results.append([y.asnumpy(), x.grad.asnumpy()] + [p.grad(ctx).asnumpy() for p in layer.collect_params().values()])
    assert (results[0][0] == 0).any() and (results[0][0] > 0).any()  # the ReLU cuts somewhere
    for a, b in zip(*results):
        assert np.array_equal(a, b)
