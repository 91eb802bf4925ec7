"""Reading -symbol.json: the shared convnet export, legacy spellings, and errors MXNet 1.9.1 raises."""
import copy
import json

import numpy as np
import pytest

import ndx as mx
from ndx.base import MXNetError


@pytest.fixture
def convnet(fixtures_dir):
    d = fixtures_dir / "nets" / "convnet_hybrid"
    return {"dir": d, "json": (d / "export-symbol.json").read_text(), "X": np.load(d / "X.npy"),
            "Y": np.load(d / "Y.npy"), "params": mx.formats.load_arrays(str(d / "export-0000.params"))}


def _run(text, convnet, ctx, rename=None):
    sym = mx.sym.load_json(text)
    feed = {"data": mx.nd.array(convnet["X"], ctx=ctx)}
    for k, v in convnet["params"].items():
        name = k.split(":", 1)[1]
        feed[(rename or {}).get(name, name)] = mx.nd.array(v, ctx=ctx)
    return sym.eval(**feed)[0].asnumpy()


def test_convnet_export_runs_to_mxnet_output(convnet, ctx):
    np.testing.assert_allclose(_run(convnet["json"], convnet, ctx), convnet["Y"], rtol=1e-5, atol=1e-6)


def test_writer_reproduces_mxnet_file_bytes(convnet):
    assert mx.sym.load_json(convnet["json"]).tojson() == convnet["json"]


def test_lists_follow_graph_order(convnet):
    sym = mx.sym.load_json(convnet["json"])
    keys = list(convnet["params"])
    assert sym.list_arguments() == ["data"] + [k[4:] for k in keys if k.startswith("arg:")]
    assert sym.list_auxiliary_states() == [k[4:] for k in keys if k.startswith("aux:")]
    assert sym.list_outputs() == ["hybridsequential0_dense0_fwd_output"]
    internals = sym.get_internals()
    assert "hybridsequential0_pool0_fwd_output" in internals.list_outputs()
    assert internals["hybridsequential0_pool0_fwd_output"].list_outputs() == ["hybridsequential0_pool0_fwd_output"]


def test_infer_shape_gives_the_stored_shapes(convnet):
    sym = mx.sym.load_json(convnet["json"])
    args, outs, aux = sym.infer_shape(data=convnet["X"].shape)
    stored = {k[4:]: v.shape for k, v in convnet["params"].items()}
    assert dict(zip(sym.list_arguments()[1:], args[1:])) == {k: stored[k] for k in sym.list_arguments()[1:]}
    assert aux == [stored[k] for k in sym.list_auxiliary_states()]
    assert outs == [convnet["Y"].shape]
    assert sym.infer_shape() == (None, None, None)


def _legacy(graph):
    """The same graph in pre-NNVM spelling: ``param`` maps, 2-element entries, no version/row_ptr."""
    g = copy.deepcopy(graph)
    for node in g["nodes"]:
        attrs = node.pop("attrs", {})
        node["param"] = {k: v.replace(", ", ",") for k, v in attrs.items() if not k.startswith("__")}
        node["attr"] = {k: v for k, v in attrs.items() if k.startswith("__")}
        node["backward_source_id"] = -1
        node["inputs"] = [e[:2] for e in node["inputs"]]
    del g["node_row_ptr"], g["attrs"]
    g["heads"] = [e[:2] for e in g["heads"]]
    g["arg_nodes"] = []
    return g


def test_pre_nnvm_spelling_runs_the_same(convnet, ctx):
    text = json.dumps(_legacy(json.loads(convnet["json"])))
    np.testing.assert_allclose(_run(text, convnet, ctx), convnet["Y"], rtol=1e-5, atol=1e-6)


def test_pre_0_9_graph_gets_its_aux_variables_back(convnet, ctx):
    g = _legacy(json.loads(convnet["json"]))
    bn = next(i for i, n in enumerate(g["nodes"]) if n["op"] == "BatchNorm")
    dropped = [e[0] for e in g["nodes"][bn]["inputs"][3:]]
    g["nodes"][bn]["inputs"] = g["nodes"][bn]["inputs"][:3]
    keep = [i for i in range(len(g["nodes"])) if i not in dropped]
    remap = {old: new for new, old in enumerate(keep)}
    g["nodes"] = [g["nodes"][i] for i in keep]
    for node in g["nodes"]:
        node["inputs"] = [[remap[e[0]], e[1]] for e in node["inputs"]]
    g["heads"] = [[remap[e[0]], e[1]] for e in g["heads"]]
    sym = mx.sym.load_json(json.dumps(g))
    bn_name = g["nodes"][remap[bn]]["name"]
    assert sym.list_auxiliary_states() == [f"{bn_name}_moving_mean", f"{bn_name}_moving_var"]
    assert sym.attr_dict()[f"{bn_name}_moving_var"]["__init__"] == '["one", {}]'
    rename = {"hybridsequential0_batchnorm0_running_mean": f"{bn_name}_moving_mean",
              "hybridsequential0_batchnorm0_running_var": f"{bn_name}_moving_var"}
    np.testing.assert_allclose(_run(json.dumps(g), convnet, ctx, rename), convnet["Y"], rtol=1e-5, atol=1e-6)


def _tiny(nodes_extra=None, fc_attrs=None, top_extra=None, version=10901):
    g = {"nodes": [{"op": "null", "name": "data", "inputs": []},
                   {"op": "null", "name": "fc1_weight", "inputs": []},
                   {"op": "null", "name": "fc1_bias", "inputs": []},
                   {"op": "FullyConnected", "name": "fc1", "attrs": dict(fc_attrs or {"num_hidden": "3"}),
                    "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}],
         "arg_nodes": [0, 1, 2], "heads": [[3, 0, 0]]}
    if version is not None:
        g["attrs"] = {"mxnet_version": ["int", version]}
    g["nodes"][3].update(nodes_extra or {})
    g.update(top_extra or {})
    return g


def test_hidden_keys_without_underscores_are_renamed():
    g = _tiny(fc_attrs={"num_hidden": "3", "weight_lr_mult": "2.0", "wd_mult": "0"}, version=None)
    sym = mx.sym.load_json(json.dumps(g))
    attrs = sym.attr_dict()
    # attr_dict lists hidden keys with and without underscores (observed in MXNet 1.9.1)
    assert attrs["fc1_weight"] == {"__lr_mult__": "2.0", "lr_mult": "2.0"}
    assert attrs["fc1"] == {"num_hidden": "3", "__wd_mult__": "0", "wd_mult": "0"}
    nodes = {n["name"]: n for n in json.loads(sym.tojson())["nodes"]}
    assert nodes["fc1_weight"]["attrs"] == {"__lr_mult__": "2.0"}


@pytest.mark.parametrize("order, expected", [(("attr", "attrs"), "4"), (("attrs", "attr"), "5")])
def test_attr_attrs_clash_later_field_wins(order, expected):
    g = _tiny()
    node = g["nodes"][3]
    del node["attrs"]
    values = {"attr": {"num_hidden": "5"}, "attrs": {"num_hidden": "4"}}
    node.pop("inputs")
    for key in order:
        node[key] = values[key]
    node["param"] = {"num_hidden": "9"}
    node["inputs"] = [[0, 0, 0], [1, 0, 0], [2, 0, 0]]
    sym = mx.sym.load_json(json.dumps(g))
    assert sym.attr("num_hidden") == expected


@pytest.mark.parametrize("where", ["top", "node"])
def test_unknown_json_key_is_an_error(where):
    g = _tiny(nodes_extra={"foo": 1}) if where == "node" else _tiny(top_extra={"foo": 1})
    with pytest.raises(MXNetError, match="JSONReader: Unknown field foo"):
        mx.sym.load_json(json.dumps(g))


def test_missing_required_field_is_an_error():
    g = _tiny()
    del g["arg_nodes"]
    with pytest.raises(MXNetError, match='Missing field "arg_nodes"'):
        mx.sym.load_json(json.dumps(g))


def test_unknown_dunder_attribute_is_accepted(ctx):
    g = _tiny(fc_attrs={"num_hidden": "3", "__mystery__": "x"})
    blk = mx.gluon.SymbolBlock(mx.sym.load_json(json.dumps(g)), [mx.sym.var("data")])
    blk.initialize(ctx=ctx)
    assert blk(mx.nd.ones((2, 4), ctx=ctx)).shape == (2, 3)
