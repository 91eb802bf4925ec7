"""The MXNet 1.9.1 ``convnet`` fixture rebuilt in ndx reproduces MXNet's output (rtol 1e-5)."""
import json

import numpy as np

import ndx
from ndx import nd


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


def test_convnet_reproduces_mxnet_output(fixtures_dir):
    net, meta = _build(fixtures_dir, "convnet")
    x = np.load(fixtures_dir / meta["files"]["X"])
    net.initialize()
    net(nd.array(x))  # shapes inferred from the first input
    _load(net, fixtures_dir / meta["files"]["save_parameters"])
    y = net(nd.array(x)).asnumpy()
    np.testing.assert_allclose(y, np.load(fixtures_dir / meta["files"]["Y"]), rtol=1e-5, atol=1e-6)
    assert repr(net) == meta["repr"]
