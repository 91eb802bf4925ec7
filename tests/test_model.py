"""mx.model.save_checkpoint / load_checkpoint / load_params: arg:/aux: keys, as in MXNet 1.9.1."""
import hashlib
import json

import numpy as np

import ndx as mx
from ndx import nd


def test_load_checkpoint_of_mxnet_export(fixtures_dir):
    manifest = json.loads((fixtures_dir / "manifest.json").read_text())
    entry = manifest["files"]["nets/convnet_hybrid/export-0000.params"]
    sym, args, auxs = mx.model.load_checkpoint(str(fixtures_dir / "nets" / "convnet_hybrid" / "export"), 0)
    expected_args = [k[4:] for k in entry["keys"] if k.startswith("arg:")]
    expected_auxs = [k[4:] for k in entry["keys"] if k.startswith("aux:")]
    assert list(args) == expected_args and list(auxs) == expected_auxs
    assert sym.list_auxiliary_states() == expected_auxs
    for info in entry["arrays"]:
        kind, name = info["key"].split(":", 1)
        value = (args if kind == "arg" else auxs)[name].asnumpy()
        assert hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest() == info["sha256"]


def test_save_checkpoint_writes_args_then_auxs(tmp_path):
    prefix = str(tmp_path / "ck")
    data = mx.sym.var("data")
    out = mx.sym.FullyConnected(data, num_hidden=2, name="fc")
    args = {"fc_weight": nd.ones((2, 3)), "fc_bias": nd.zeros((2,))}
    auxs = {"bn_moving_mean": nd.array([1.0, 2.0])}
    mx.model.save_checkpoint(prefix, 7, out, args, auxs)
    assert list(nd.load(prefix + "-0007.params")) == ["arg:fc_weight", "arg:fc_bias", "aux:bn_moving_mean"]
    sym, args2, auxs2 = mx.model.load_checkpoint(prefix, 7)
    assert sym.list_arguments() == ["data", "fc_weight", "fc_bias"]
    assert list(args2) == ["fc_weight", "fc_bias"] and list(auxs2) == ["bn_moving_mean"]
    np.testing.assert_array_equal(auxs2["bn_moving_mean"].asnumpy(), [1.0, 2.0])
    # no symbol: only the params file; epochs past 9999 keep all their digits
    mx.model.save_checkpoint(prefix + "b", 12345, None, {}, auxs)
    assert not (tmp_path / "ckb-symbol.json").exists()
    assert list(nd.load(prefix + "b-12345.params")) == ["aux:bn_moving_mean"]


def test_load_params_keeps_only_arg_and_aux(tmp_path):
    prefix = str(tmp_path / "p")
    nd.save(prefix + "-0001.params", {"zz:w": nd.ones(1), "arg:a:b": nd.ones(1)})
    assert mx.model.load_params(prefix, 1) == ({"a:b": mx.model.load_params(prefix, 1)[0]["a:b"]}, {})
    nd.save(prefix + "-0002.params", {})
    assert mx.model.load_params(prefix, 2) == ({}, {})
