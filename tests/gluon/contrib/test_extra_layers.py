"""``gluon.contrib.nn`` PixelShuffle1D/2D/3D, SyncBatchNorm and SparseEmbedding (MXNet 1.9.1 behaviour)."""
import warnings

import numpy as np
import pytest

from ndx import autograd, nd
from ndx.gluon import nn
from ndx.gluon.contrib import nn as cnn


def _shuffle_reference(x, factors):
    """(N, C*prod(f), *S) -> (N, C, *(S*f)) in numpy."""
    n, cf = x.shape[:2]
    spatial = x.shape[2:]
    d = len(factors)
    c = cf // int(np.prod(factors))
    y = x.reshape((n, c) + tuple(factors) + spatial)
    axes = (0, 1) + tuple(a for i in range(d) for a in (2 + d + i, 2 + i))
    return y.transpose(axes).reshape((n, c) + tuple(s * f for s, f in zip(spatial, factors)))


@pytest.mark.parametrize("cls, factor, shape", [(cnn.PixelShuffle1D, 3, (2, 6, 5)),
                                                (cnn.PixelShuffle2D, (2, 3), (2, 12, 3, 2)),
                                                (cnn.PixelShuffle2D, 2, (1, 8, 2, 3)),
                                                (cnn.PixelShuffle3D, (2, 1, 3), (2, 12, 2, 3, 2))])
def test_pixel_shuffle_matches_numpy_and_back_propagates(ctx, cls, factor, shape):
    rng = np.random.default_rng(0)
    xv = rng.standard_normal(shape).astype(np.float32)
    block = cls(factor)
    factors = (factor,) * (len(shape) - 2) if isinstance(factor, int) else factor
    x = nd.array(xv, ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = block(x)
    want = _shuffle_reference(xv, factors)
    np.testing.assert_array_equal(y.asnumpy(), want)
    head = rng.standard_normal(want.shape).astype(np.float32)
    y.backward(nd.array(head, ctx=ctx))
    # a permutation: the gradient is the head gradient moved back to the input's places
    np.testing.assert_array_equal(np.sort(x.grad.asnumpy().ravel()), np.sort(head.ravel()))
    np.testing.assert_array_equal(_shuffle_reference(x.grad.asnumpy(), factors), head)


def test_observed_mxnet_values_reprs_and_errors():
    """Observed on MXNet 1.9.1."""
    y = cnn.PixelShuffle2D((2, 3))(nd.arange(48).reshape((1, 12, 2, 2)))
    assert y.shape == (1, 2, 4, 6)
    assert y[0, 0, 0].asnumpy().tolist() == [0, 4, 8, 1, 5, 9]
    assert cnn.PixelShuffle1D(2)(nd.arange(8).reshape((1, 4, 2)))[0, 0].asnumpy().tolist() == [0, 2, 1, 3]
    assert [repr(cnn.PixelShuffle1D(2)), repr(cnn.PixelShuffle2D(2)), repr(cnn.PixelShuffle3D((1, 2, 2)))] == [
        "PixelShuffle1D(2)", "PixelShuffle2D((2, 2))", "PixelShuffle3D((1, 2, 2))"]
    with pytest.raises(Exception, match="Split dims 0, 4 do not divide original dim 3"):
        cnn.PixelShuffle2D(2)(nd.ones((1, 3, 2, 2)))
    with pytest.warns(UserWarning, match="Caution using SyncBatchNorm"):
        sbn = cnn.SyncBatchNorm(in_channels=3)
    assert repr(sbn) == (f"SyncBatchNorm(eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, ndev=1, "
                         f"key='{sbn.prefix}', in_channels=3)")
    emb = cnn.SparseEmbedding(5, 3)
    assert repr(emb) == "SparseEmbedding(5 -> 3, float32)" and emb.prefix.startswith("sparseembedding")
    assert [k.split("_", 1)[1] for k in emb.collect_params()] == ["weight"]


def test_sync_batch_norm_and_sparse_embedding_compute_as_their_bases(ctx):
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((4, 3, 2)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # num_devices given: no warning
        sbn = cnn.SyncBatchNorm(in_channels=3, num_devices=1)
    bn = nn.BatchNorm(in_channels=3)
    outs = []
    for block in (sbn, bn):
        block.initialize(ctx=ctx)
        with autograd.record():
            y = block(nd.array(xv, ctx=ctx))
        y.backward()
        outs.append((y.asnumpy(), block.running_mean.data().asnumpy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-6)
    emb = cnn.SparseEmbedding(5, 3)
    emb.initialize(ctx=ctx)
    idx = nd.array([0, 4, 4], ctx=ctx)
    with autograd.record():
        out = emb(idx)
    out.backward()
    np.testing.assert_array_equal(out.asnumpy(), emb.weight.data().asnumpy()[[0, 4, 4]])
    np.testing.assert_array_equal(emb.weight.grad().asnumpy()[:, 0], [1, 0, 0, 0, 2])
