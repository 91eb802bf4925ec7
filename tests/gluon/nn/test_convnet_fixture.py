"""The MXNet 1.9.1 conv-net fixtures rebuilt in ndx reproduce MXNet's outputs and BatchNorm statistics."""
import json

import numpy as np
import pytest

import ndx
from ndx import autograd, nd

# net name -> the manifest recipe's RandomState seed, input shape, training passes before saving, and the
# (loc, scale) of its first draw (X), which precedes the training batches
RECIPES = {"convnet": (14, (2, 3, 16, 16), 3, (0.5, 2.0)), "convnet_hybrid": (17, (2, 3, 8, 8), 2, (0.0, 1.0))}


def _build(fixtures_dir, name):
    meta = json.loads((fixtures_dir / "manifest.json").read_text())["nets"][name]
    source = meta["builder_source"].replace("from mxnet.gluon import nn", "from ndx.gluon import nn")
    scope = {"mx": ndx, "np": np}
    exec(source, scope)  # noqa: S102  (fixture code written for MXNet, run with mx = ndx)
    with ndx.name.NameManager():
        net = scope[meta["builder"]]()
    return net, meta


def _load(net, path):
    if hasattr(net, "load_parameters"):
        net.load_parameters(str(path))
        return
    arrays = ndx.formats.load_arrays(str(path))
    params = net._collect_params_with_prefix()
    for key, value in arrays.items():
        params[key.split(":", 1)[-1]].set_data(nd.array(np.asarray(value)))


def _ready(fixtures_dir, name):
    net, meta = _build(fixtures_dir, name)
    x = np.load(fixtures_dir / meta["files"]["X"])
    net.initialize()
    if name.endswith("hybrid"):
        net.hybridize()
    net(nd.array(x))  # shapes inferred from the first input
    _load(net, fixtures_dir / meta["files"]["save_parameters"])
    return net, meta, x


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_convnet_reproduces_mxnet_output(fixtures_dir, name):
    net, meta, x = _ready(fixtures_dir, name)
    y = net(nd.array(x)).asnumpy()
    np.testing.assert_allclose(y, np.load(fixtures_dir / meta["files"]["Y"]), rtol=1e-5, atol=1e-6)
    if "repr" in meta:
        assert repr(net) == meta["repr"]


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_batchnorm_running_stats_replay(fixtures_dir, name):
    """The recipe never steps an optimizer, so the saved weights are the initial ones: resetting the running
    statistics to 0/1 and replaying its training passes must reproduce the saved statistics."""
    seed, shape, passes, x_draw = RECIPES[name]
    net, meta, x = _ready(fixtures_dir, name)
    stats = {k: p for k, p in net.collect_params().items() if "running" in k}
    saved = {k: p.data().asnumpy().copy() for k, p in stats.items()}
    for k, p in stats.items():
        p.set_data(nd.zeros(p.shape) if "mean" in k else nd.ones(p.shape))
    rng = np.random.RandomState(seed)
    rng.normal(*x_draw, size=shape)
    for _ in range(passes):
        xb = nd.array(rng.normal(0.5, 2.0, size=shape).astype(np.float32))
        with autograd.record():
            loss = net(xb).sum()
        loss.backward()
    for k, p in stats.items():
        np.testing.assert_allclose(p.data().asnumpy(), saved[k], rtol=1e-5, atol=1e-6, err_msg=k)
