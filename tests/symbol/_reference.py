"""Helpers shared by the symbol tests: run a one-op MXNet reference graph with ndx."""
import numpy as np

import ndx as mx
from ndx import autograd


def run_graph(graph_json, arrays, ctx, is_train=False):
    """Outputs (numpy) of ``graph_json`` with variables bound by name to numpy ``arrays`` on ``ctx``."""
    sym = mx.sym.load_json(graph_json)
    feed = {n: mx.nd.array(a, ctx=ctx, dtype=a.dtype) for n, a in arrays.items()}
    if is_train:
        with autograd.train_mode():
            outs = sym.eval(**feed)
    else:
        outs = sym.eval(**feed)
    return [o.asnumpy() for o in outs]


def assert_matches(got, want, what):
    assert got.shape == want.shape, f"{what}: shape {got.shape}, MXNet {want.shape}"
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, equal_nan=True, err_msg=what)
