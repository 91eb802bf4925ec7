"""Graphs built with the ops added for MXNet's contrib/linalg/sequence layers list the arguments and
outputs MXNet 1.9.1 lists (observed on the oracle) and evaluate like the nd functions."""
import numpy as np

import ndx as mx


def test_graph_names_like_mxnet():
    d = mx.sym.var("d")
    cases = [
        (mx.sym.LRN(d, nsize=3, name="l"), ["d"], ["l_output"]),
        (mx.sym.SequenceMask(d, use_sequence_length=True, name="m"), ["d", "m_sequence_length"], ["m_output"]),
        (mx.sym.SequenceLast(d, name="m2"), ["d"], ["m2_output"]),
        (mx.sym.contrib.BilinearResize2D(d, height=3, width=3, name="b"), ["d"], ["b_output"]),
        (mx.sym.linalg.gemm2(mx.sym.var("a"), mx.sym.var("b"), name="g"), ["a", "b"], ["g_output"]),
        (mx.sym.UpSampling(d, scale=2, sample_type="nearest", name="u"), ["d"], ["u_output"]),
        (mx.sym.UpSampling(d, scale=2, sample_type="bilinear", num_filter=3, name="u2"), ["d", "u2_weight"],
         ["u2_output"]),
    ]
    for sym, args, outs in cases:
        assert (sym.list_arguments(), sym.list_outputs()) == (args, outs)


def test_graph_evaluates_like_nd(ctx, rng):
    a = rng.standard_normal((2, 3, 4)).astype(np.float32)
    b = rng.standard_normal((2, 4, 5)).astype(np.float32)
    sym = mx.sym.linalg.gemm2(mx.sym.var("a"), mx.sym.var("b"), alpha=3.0)
    out = sym.eval(a=mx.nd.array(a, ctx=ctx), b=mx.nd.array(b, ctx=ctx))[0]
    np.testing.assert_allclose(out.asnumpy(), 3 * a @ b, rtol=1e-5)
    x = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)
    sym = mx.sym.contrib.BilinearResize2D(mx.sym.var("x"), height=5, width=6)
    out = sym.eval(x=mx.nd.array(x, ctx=ctx))[0]
    np.testing.assert_allclose(out.asnumpy(), mx.nd.contrib.BilinearResize2D(
        mx.nd.array(x, ctx=ctx), height=5, width=6).asnumpy(), rtol=1e-6)
