"""Building graphs with ndx.sym gives the JSON MXNet 1.9.1 writes for the same calls."""
import json
from pathlib import Path

import pytest

import ndx as mx
from ndx.base import MXNetError

DATA = Path(__file__).resolve().parents[1] / "data" / "symbol_ops_extra"
GRAPHS = {c["id"]: c["graph"] for c in json.loads((DATA / "cases.json").read_text())["cases"]}
V = mx.sym.var

BUILDERS = {
    "conv_gluon_attrs": lambda: mx.sym.Convolution(V("data"), V("w"), V("b"), kernel=(3, 3), stride=(1, 1),
                                                   dilate=(1, 1), pad=(1, 1), num_filter=4, num_group=1,
                                                   no_bias=False, layout="NCHW", name="op0"),
    "conv_defaults_stride2_nobias": lambda: mx.sym.Convolution(V("data"), V("w"), kernel=(3, 3), stride=(2, 2),
                                                               num_filter=2, no_bias=True, name="op0"),
    "bn_no_attrs_fix_gamma": lambda: mx.sym.BatchNorm(V("data"), V("g"), V("b"), V("m"), V("v"), name="op0"),
    "pool_max_full": lambda: mx.sym.Pooling(V("data"), kernel=(3, 3), stride=(2, 2), pool_type="max",
                                            pooling_convention="full", name="op0"),
    "concat3": lambda: mx.sym.Concat(V("a"), V("b"), V("c"), dim=1, name="op0"),
    "clip": lambda: mx.sym.clip(V("data"), a_min=0, a_max=6, name="op0"),
    "_plus_scalar": lambda: mx.sym._plus_scalar(V("data"), scalar=1, name="op0"),
    "slicechannel_squeeze": lambda: mx.sym.SliceChannel(V("data"), num_outputs=3, axis=1, squeeze_axis=True,
                                                        name="op0"),
    "sum_axis": lambda: mx.sym.sum(V("data"), axis=(0, 2), keepdims=True, name="op0"),
    "leaky_prelu": lambda: mx.sym.LeakyReLU(V("data"), V("gamma"), act_type="prelu", name="op0"),
    "slice_axis_end_none": lambda: mx.sym.slice_axis(V("data"), axis=1, begin=-2, end=None, name="op0"),
    "embedding_clip": lambda: mx.sym.Embedding(V("data"), V("w"), input_dim=5, output_dim=3, name="op0"),
}


@pytest.mark.parametrize("case", sorted(BUILDERS))
def test_built_graph_json_equals_mxnet(case):
    assert BUILDERS[case]().tojson() == GRAPHS[case]


def test_arithmetic_writes_mxnet_ops():
    a, b = V("a"), V("b")
    g = json.loads(Group_of(a + b, a - 2.0, 1 + a, -a, 2 / a, a ** 2, a * b).tojson())
    ops = [(n["op"], n.get("attrs", {})) for n in g["nodes"] if n["op"] != "null"]
    assert ops == [("elemwise_add", {}), ("_minus_scalar", {"scalar": "2.0"}), ("_plus_scalar", {"scalar": "1"}),
                   ("_mul_scalar", {"scalar": "-1.0"}), ("_rdiv_scalar", {"scalar": "2"}),
                   ("_power_scalar", {"scalar": "2"}), ("elemwise_mul", {})]


def test_unnamed_nodes_take_mxnet_auto_names():
    # names observed in MXNet 1.9.1 (fresh NameManager): arithmetic uses the legacy op names, other
    # functions the name they were called by, lowercased
    a, b = V("a"), V("b")
    with mx.name.NameManager():
        outs = [a + b, a - b, a * b, a / b, a + 1, 1 + a, a - 1, 1 - a, a * 2, 2 / a, a ** 2, 2 ** a, a ** b,
                -a, a % 2, mx.sym.split(a, num_outputs=2), mx.sym.SliceChannel(a, num_outputs=2),
                mx.sym.concat(a, b), mx.sym.Reshape(a, shape=(2,)), a.reshape((2,)), a.astype("float16"),
                mx.sym.SoftmaxActivation(a)]
        names = [o.name if len(o.list_outputs()) == 1 else o[0].name for o in outs]
    assert names == ["_plus0", "_minus0", "_mul0", "_div0", "_plusscalar0", "_plusscalar1", "_minusscalar0",
                     "_rminusscalar0", "_mulscalar0", "_rdivscalar0", "_powerscalar0", "_rpower_scalar0",
                     "_power0", "_mulscalar1", "_modscalar0", "split0", "slicechannel0", "concat0",
                     "reshape0", "reshape1", "cast0", "softmaxactivation0"]


def Group_of(*syms):
    return mx.sym.Group(list(syms))


def test_auto_variables_follow_mxnet():
    fc = mx.sym.FullyConnected(V("data"), num_hidden=16, name="fc1")
    assert fc.list_arguments() == ["data", "fc1_weight", "fc1_bias"]
    assert fc.attr_dict()["fc1_weight"] == {"num_hidden": "16"}
    bn = mx.sym.BatchNorm(fc, name="bn1")
    assert bn.list_auxiliary_states() == ["bn1_moving_mean", "bn1_moving_var"]
    attrs = bn.attr_dict()
    assert "bn1_gamma" not in attrs and attrs["bn1_moving_var"] == {"__init__": '["one", {}]'}


def test_groups_heads_and_indexing():
    x = V("x")
    parts = mx.sym.split(x, num_outputs=3, axis=1, name="sp")
    assert parts.list_outputs() == ["sp_output0", "sp_output1", "sp_output2"]
    assert parts[1].list_outputs() == ["sp_output1"]
    w = V("w")
    g = mx.sym.Group([x * 2, w])
    assert json.loads(g.tojson())["heads"][1] == [2, 0, 0]
    outs = mx.sym.load_json(g.tojson()).list_outputs()
    assert len(outs) == 2 and outs[0].endswith("_output") and outs[1] == "w"


def test_bad_attributes_fail_when_building():
    with pytest.raises(MXNetError, match="Required parameter num_filter"):
        mx.sym.Convolution(V("data"), kernel=(3, 3), name="c")
    with pytest.raises(MXNetError, match="Cannot find argument 'foo'"):
        mx.sym.FullyConnected(V("data"), num_hidden=2, foo=1)
    with pytest.raises(AttributeError):
        mx.sym.NoSuchOp


@pytest.mark.parametrize("text, value", [("(3, 3)", (3, 3)), ("(3,3)", (3, 3)), ("[3, 3]", (3, 3)), ("3", (3,)),
                                         ("(3)", (3,)), ("()", ())])
def test_shape_spellings(text, value):
    assert mx.sym.registry.get("Pooling").parse({"kernel": text})["kernel"] == value


@pytest.mark.parametrize("text, value", [("True", True), ("1", True), ("true", True), ("False", False),
                                         ("0", False), ("false", False)])
def test_bool_spellings(text, value):
    assert mx.sym.registry.get("FullyConnected").parse({"num_hidden": "2", "no_bias": text})["no_bias"] is value
