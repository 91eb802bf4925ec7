"""Every operator of spec/symbol.md, one-op graphs written by MXNet 1.9.1, run by ndx and compared with
MXNet's outputs (tests/data/symbol_ops_extra, made by tools/mxnet_reference/gen_symbol_ops_extra.py)."""
import json
from pathlib import Path

import numpy as np
import pytest

import ndx as mx

from ._reference import assert_matches, run_graph

DATA = Path(__file__).resolve().parents[1] / "data" / "symbol_ops_extra"
CASES = json.loads((DATA / "cases.json").read_text())["cases"]
ARRAYS = np.load(DATA / "cases.npz")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_op_matches_mxnet(case, ctx):
    arrays = {n: ARRAYS[f"{case['id']}__in__{n}"] for n in case["inputs"]}
    outs = run_graph(case["graph"], arrays, ctx)
    assert len(outs) == case["num_outputs"]
    for i, got in enumerate(outs):
        assert_matches(got, ARRAYS[f"{case['id']}__out__{i}"], f"{case['id']} output {i}")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_graph_lists_like_mxnet(case):
    sym = mx.sym.load_json(case["graph"])
    assert sym.list_arguments() == case["arg_names"]
    assert sym.list_auxiliary_states() == case["aux_names"]
    assert sym.list_outputs() == case["output_names"]
    assert sym.tojson() == case["graph"]
