"""Symbol's Python operators build the nodes MXNet 1.9.1 builds (names, ops, attributes), and refuse
other operand types with MXNet's TypeError."""
import json

import numpy as np
import pytest

import ndx as mx
from ndx.name import NameManager


def _node(sym):
    nodes = json.loads(sym.tojson())["nodes"]
    return nodes[-1]["op"], sym.name, nodes[-1].get("attrs", {})


@pytest.mark.parametrize("build, op, name, attrs", [
    (lambda a, b: a == b, "_equal", "_equal0", {}),
    (lambda a, b: a != b, "_not_equal", "_not_equal0", {}),
    (lambda a, b: a < b, "_lesser", "_lesser0", {}),
    (lambda a, b: a <= b, "_lesser_equal", "_lesser_equal0", {}),
    (lambda a, b: a > b, "_greater", "_greater0", {}),
    (lambda a, b: a >= b, "_greater_equal", "_greater_equal0", {}),
    (lambda a, b: a == 1, "_equal_scalar", "_equal_scalar0", {"scalar": "1"}),
    (lambda a, b: a != 1, "_not_equal_scalar", "_not_equal_scalar0", {"scalar": "1"}),
    (lambda a, b: a < 1, "_lesser_scalar", "_lesser_scalar0", {"scalar": "1"}),
    (lambda a, b: a <= 1.5, "_lesser_equal_scalar", "_lesser_equal_scalar0", {"scalar": "1.5"}),
    (lambda a, b: a > 1, "_greater_scalar", "_greater_scalar0", {"scalar": "1"}),
    (lambda a, b: a >= 1, "_greater_equal_scalar", "_greater_equal_scalar0", {"scalar": "1"}),
    (lambda a, b: 1 < a, "_greater_scalar", "_greater_scalar0", {"scalar": "1"}),
    (lambda a, b: 2 % a, "_rmod_scalar", "_rmodscalar0", {"scalar": "2"}),
    (lambda a, b: abs(a), "abs", "abs0", {}),
])
def test_operator_nodes(build, op, name, attrs):
    with NameManager():
        s = build(mx.sym.var("a"), mx.sym.var("b"))
    assert _node(s) == (op, name, attrs)


def test_comparison_values():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    x, y = np.array([1.0, 2.0, 3.0], "float32"), np.array([3.0, 2.0, 1.0], "float32")
    got = mx.sym.Group([a == b, a < b, a >= 2, 7 % a]).eval(a=mx.nd.array(x), b=mx.nd.array(y))
    for g, want in zip(got, [x == y, x < y, x >= 2, np.mod(7, x)]):
        np.testing.assert_array_equal(g.asnumpy(), want.astype("float32"))


@pytest.mark.parametrize("build", [lambda a: a + "x", lambda a: "x" - a, lambda a: a == None,  # noqa: E711
                                   lambda a: a < "x", lambda a: [1] % a])
def test_unsupported_operand(build):
    with pytest.raises(TypeError) as e:
        build(mx.sym.var("a"))
    assert str(e.value).startswith("type <class ") and str(e.value).endswith("> not supported")


def test_batchnorm_auto_variables_copy_attributes():
    # MXNet copies the op's attributes onto every auto-created input variable, BatchNorm's included
    with NameManager():
        s = mx.sym.BatchNorm(mx.sym.var("data"), fix_gamma=False)
    attrs = {n["name"]: n.get("attrs", {}) for n in json.loads(s.tojson())["nodes"]}
    assert attrs["batchnorm0_gamma"] == {"fix_gamma": "False"}
    assert attrs["batchnorm0_moving_mean"] == {"__init__": '["zero", {}]', "fix_gamma": "False"}
    assert attrs["batchnorm0_moving_var"] == {"__init__": '["one", {}]', "fix_gamma": "False"}
