"""MXNet-saved weights load into the ndx nets and give MXNet's outputs on a fixed input (rtol 1e-4)."""
import numpy as np
import pytest

import ndx

from ._reference import DATA, WEIGHTS, build_weighted, describe


@pytest.mark.parametrize("entry_id", sorted(WEIGHTS))
def test_mxnet_weights_give_mxnet_output(entry_id, ctx):
    ref = WEIGHTS[entry_id]
    net = build_weighted(ref)
    assert net.prefix == ref["prefix"]
    net.load_parameters(str(DATA / ref["params_file"]), ctx=ctx)
    assert describe(net) == ref["params"]
    assert repr(net) == ref["repr"]
    io = np.load(DATA / ref["io_file"])
    out = net(ndx.nd.array(io["X"], ctx=ctx))
    assert out.shape == io["Y"].shape
    np.testing.assert_allclose(out.asnumpy(), io["Y"], rtol=1e-4, atol=1e-5 * np.abs(io["Y"]).max())


def test_training_mode_forward_and_backward_run(ctx):
    """A loaded net trains: batch statistics in record mode, gradients reach the first convolution.
    (A batch of several images: with one 32x32 image the last BatchNorms see a single value per
    channel in training mode, so every gradient is exactly zero, in MXNet too.)"""
    ref = WEIGHTS["resnet_v1_tiny"]
    net = build_weighted(ref)
    net.load_parameters(str(DATA / ref["params_file"]), ctx=ctx)
    x = ndx.nd.array(np.random.default_rng(0).normal(size=(4, 3, 32, 32)), ctx=ctx)
    with ndx.autograd.record():
        loss = net(x).sum()
    loss.backward()
    grad = net.features[0].weight.grad(ctx).asnumpy()
    assert np.isfinite(grad).all() and np.abs(grad).sum() > 0
