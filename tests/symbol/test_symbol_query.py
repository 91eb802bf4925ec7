"""Symbol queries as MXNet 1.9.1 answers them: hidden attribute keys, groups, indexing, and the
messages and printed text of shape/type inference."""
import warnings

import pytest

import ndx as mx
from ndx.base import MXNetError
from ndx.name import NameManager


def test_hidden_keys_stored_with_underscores_and_listed_both_ways():
    a = mx.sym.var("a", lr_mult=2.0, attr={"ctx_group": "x", "__mirror_stage__": "y", "foo": "bar"})
    assert a.list_attr() == {"__lr_mult__": "2.0", "lr_mult": "2.0", "__ctx_group__": "x", "ctx_group": "x",
                             "__mirror_stage__": "y", "mirror_stage": "y", "foo": "bar"}
    assert (a.attr("lr_mult"), a.attr("__lr_mult__"), a.attr("ctx_group")) == ("2.0", "2.0", "x")
    assert '"ctx_group"' not in a.tojson() and '"__ctx_group__": "x"' in a.tojson()
    with NameManager():
        s = a * 2
    assert s.attr_dict() == {"a": a.list_attr(), "_mulscalar0": {"scalar": "2"}}


def _net():
    with NameManager():
        data = mx.sym.var("data")
        fc = mx.sym.FullyConnected(data, num_hidden=4)
        act = mx.sym.Activation(fc, act_type="relu")
        fc2 = mx.sym.FullyConnected(act, num_hidden=3, name="fc2")
        return fc, act, fc2, mx.sym.SoftmaxOutput(fc2, name="softmax")


def test_group_queries():
    fc, act, fc2, _ = _net()
    g = mx.sym.Group([fc, act, fc2])
    assert g.list_attr() == {"num_hidden": "4"}  # the first output's node
    assert g.attr("num_hidden") is None
    assert repr(g.get_children()) == ("<Symbol group [data, fullyconnected0_weight, fullyconnected0_bias, "
                                      "fullyconnected0, activation0, fc2_weight, fc2_bias]>")


def test_index_errors():
    internals = _net()[3].get_internals()
    with pytest.raises(ValueError, match='^Cannot find output that matches name "nope"$'):
        internals["nope"]
    with pytest.raises(IndexError) as e:
        internals[100]
    assert str(e.value) == ""


def test_infer_shape_unknown_keyword(capsys):
    out = _net()[3]
    with pytest.raises(MXNetError) as e:
        out.infer_shape(foo=(5, 7))
    assert str(e.value) == ("MXNetError: InferShapeKeyword argument name foo not found.\nCandidate arguments:\n"
                            "\t[0]data\n\t[1]fullyconnected0_weight\n\t[2]fullyconnected0_bias\n\t[3]fc2_weight\n"
                            "\t[4]fc2_bias\n\t[5]softmax_label\n\n")
    assert capsys.readouterr().out == "infer_shape error. Arguments:\n  foo: (5, 7)\n"
    with pytest.raises(MXNetError, match="^MXNetError: InferTypeKeyword argument name foo not found"):
        out.infer_type(foo="float32")
    assert capsys.readouterr().out == "infer_type error. Arguments:\n  foo: float32\n"


def test_infer_shape_error_names_the_operator(capsys):
    out = _net()[3]
    with pytest.raises(MXNetError) as e:
        out.infer_shape(data=(5, 7), fc2_weight=(2, 2))
    assert str(e.value) == ("MXNetError: Error in operator fc2: Shape inconsistent, Provided = [2,2], "
                            "inferred shape=(3,4)")
    assert capsys.readouterr().out == "infer_shape error. Arguments:\n  data: (5, 7)\n  fc2_weight: (2, 2)\n"


def test_unknown_shapes():
    fc2, out = _net()[2:]
    assert out.infer_shape_partial() == ([(), (), (), (), (), ()], [()], [])
    assert fc2.infer_shape_partial(fullyconnected0_weight=(4, 7)) == ([(), (4, 7), (), (), ()], [()], [])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert out.infer_shape() == (None, None, None)
    assert str(w[0].message) == (
        "Cannot decide shape for the following arguments (0s in shape means unknown dimensions). Consider "
        "providing them as input:\n\tdata: ()\n\tfullyconnected0_weight: ()\n\tfullyconnected0_bias: ()\n"
        "\tfc2_weight: ()\n\tfc2_bias: ()\n\tsoftmax_label: ()")
