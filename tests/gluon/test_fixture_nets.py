"""The nets of the MXNet fixtures, built with ndx from their recorded ``builder_source``, get exactly the
structural names, prefixed names, shapes and repr that MXNet 1.9.1 recorded (fixtures/mxnet/manifest.json)."""
import json

import numpy as np
import pytest

import ndx
from ndx.gluon import nn

NETS = ["mlp", "model_namescope", "rgnet_d2l", "rgnet_scoped", "shared_params", "convnet"]


def _build(entry):
    source = entry["builder_source"].replace("import mxnet as mx", "import ndx as mx").replace("from mxnet",
                                                                                              "from ndx")
    namespace = {}
    exec(source, namespace)
    with ndx.name.NameManager():
        return namespace[entry["builder"]]()


@pytest.mark.parametrize("name", NETS)
def test_fixture_net_names_and_shapes(name, fixtures_dir):
    if name == "convnet" and not hasattr(nn, "Conv2D"):
        pytest.skip("convolution layers are provided by nn/conv_layers.py (not present yet)")
    manifest = json.loads((fixtures_dir / "manifest.json").read_text())
    entry = manifest["nets"][name]
    net = _build(entry)
    net.initialize()
    x = np.load(fixtures_dir / entry["files"]["X"])
    y = net(ndx.nd.array(x))
    assert list(y.shape) == entry["output_shape"]
    assert repr(net) == entry["repr"]
    structural = net._collect_params_with_prefix()
    assert {k: p.name for k, p in structural.items()} == entry["structural_to_prefixed_names"]
    assert list(net.collect_params().keys()) == entry["collect_params_keys"]
    saved = manifest["files"][entry["files"]["save_parameters"]]["arrays"]
    assert {a["key"]: tuple(a["shape"]) for a in saved} == {k: p.shape for k, p in structural.items()}
    prefixed = manifest["files"][entry["files"]["collect_params"]]["arrays"]
    params = net.collect_params()
    assert {a["key"]: tuple(a["shape"]) for a in prefixed} == {k: params[k].shape for k in params.keys()}
