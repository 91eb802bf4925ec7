"""The shared MXNet 1.9.1 reference for symbol operators (tests/data/symbol_ops, made by
tools/mxnet_reference/gen_symbol_ops.py): each one-op graph MXNet wrote is loaded and run by ndx and
compared with MXNet's bound-graph outputs; the hand-edited legacy spellings load and run like MXNet."""
import json
from pathlib import Path

import numpy as np
import pytest

import ndx as mx
from ndx.base import MXNetError

from ._reference import assert_matches, run_graph

DATA = Path(__file__).resolve().parents[1] / "data" / "symbol_ops"
if not (DATA / "symbol_ops.json").is_file():
    pytest.skip("tests/data/symbol_ops not generated (tools/mxnet_reference/gen_symbol_ops.py)",
                allow_module_level=True)
REF = json.loads((DATA / "symbol_ops.json").read_text())
ARRAYS = np.load(DATA / "symbol_ops.npz")
RUNNABLE = [c for c in REF["cases"] if "graph" in c and "outputs" in c]

# known differences in operators owned elsewhere (strict: the test reports when they get fixed)
KNOWN = {
}


def _op_in_graph(case):
    return [n for n in json.loads(case["graph"])["nodes"] if n["op"] != "null"][-1]["op"]


def _arrays(case, role="inputs"):
    return {n: ARRAYS[v["key"]] for n, v in case[role].items()}


def _params(case):
    marks = []
    if case["id"] in KNOWN:
        marks.append(pytest.mark.xfail(reason=KNOWN[case["id"]], strict=True))
    return pytest.param(case, id=case["id"], marks=marks)


def test_every_reference_op_is_supported():
    assert sorted({_op_in_graph(c) for c in RUNNABLE if mx.sym.registry.get(_op_in_graph(c)) is None}) == []


@pytest.mark.parametrize("case", [_params(c) for c in RUNNABLE])
def test_graph_matches_mxnet(case, ctx):
    outs = run_graph(case["graph"], _arrays(case), ctx, is_train=case["is_train"])
    for k, v in case["outputs"].items():
        assert_matches(outs[int(k)], ARRAYS[v["key"]], f"{case['id']} output {k}")


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in RUNNABLE])
def test_graph_lists_like_mxnet(case):
    sym = mx.sym.load_json(case["graph"])
    assert sym.list_arguments() == case["arg_names"]
    assert sym.list_auxiliary_states() == case["aux_names"]
    assert sym.list_outputs() == case["output_names"]


def test_unsupported_op_fails_at_import():
    graph = json.loads(RUNNABLE[0]["graph"])
    node = [n for n in graph["nodes"] if n["op"] != "null"][-1]
    node["op"], node["attrs"] = "_contrib_NoSuchOp", {}
    sym = mx.sym.load_json(json.dumps(graph))
    with pytest.raises(MXNetError, match="node 'op0': operator '_contrib_NoSuchOp' is not supported"):
        mx.gluon.SymbolBlock(sym, [mx.sym.var(n) for n in sym.list_arguments()])


LEGACY = REF["legacy_graphs"]


@pytest.mark.parametrize("variant", [pytest.param(v, id=v["id"]) for v in LEGACY["variants"] if v["load_ok"]])
def test_legacy_spelling_loads_and_runs_like_mxnet(variant, ctx):
    sym = mx.sym.load(str(DATA / variant["file"]))
    assert sym.list_arguments() == variant["arg_names"]
    assert sym.list_auxiliary_states() == variant["aux_names"]
    assert sym.list_outputs() == variant["output_names"]
    arrays = {n: ARRAYS[k] for n, k in LEGACY["inputs"].items()}
    out = run_graph(sym.tojson(), arrays, ctx)[0]
    assert_matches(out, ARRAYS[variant["output"]], variant["id"])


@pytest.mark.parametrize("variant", [pytest.param(v, id=v["id"]) for v in LEGACY["variants"] if not v["load_ok"]])
def test_legacy_error_like_mxnet(variant):
    first_line = variant["load_error"].split("\n")[0].replace("MXNetError: ", "")
    key = first_line.split(",")[0] if "Cannot find argument" in first_line else first_line[:40]
    key = key.split(" At ")[0].split(" : ")[-1].split("Check failed: ")[-1]
    with pytest.raises(MXNetError) as err:
        mx.gluon.SymbolBlock(mx.sym.load(str(DATA / variant["file"])), [mx.sym.var("data")])
    expected = {"err_unknown_top_key": "JSONReader: Unknown field foo",
                "err_unknown_node_key": "JSONReader: Unknown field foo",
                "err_unknown_op_attr": "Cannot find argument 'foo'",
                "err_bool_yes": "Invalid Parameter format for no_bias expect boolean but value='yes'",
                "err_missing_required_attr": "Required parameter num_filter of int",
                "err_missing_arg_nodes": 'Missing field "arg_nodes"'}[variant["id"]]
    assert expected in variant["load_error"]
    assert expected in str(err.value)


def test_symbolblock_imports_module_checkpoint(ctx):
    blk = mx.gluon.SymbolBlock.imports(str(DATA / "legacy_graphs" / "modern-symbol.json"), ["data", "softmax_label"],
                                       str(DATA / LEGACY["params_file"]), ctx=ctx)
    arrays = {n: ARRAYS[k] for n, k in LEGACY["inputs"].items()}
    out = blk(mx.nd.array(arrays["data"], ctx=ctx), mx.nd.array(arrays["softmax_label"], ctx=ctx))
    assert_matches(out.asnumpy(), ARRAYS[LEGACY["symbolblock_imports_output"]], "SymbolBlock.imports")
