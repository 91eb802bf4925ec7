"""``ndx.formats.inspect``: what a file holds, from its headers; ``stats=True`` against numpy."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ndx.formats import FormatError, inspect, load_arrays, save_arrays
from ndx.formats.inspection import format_report

from .conftest import FIXTURES, loadable_fixtures

LAYOUTS = {"0xf993fac8": "V1", "0xf993fac9": "V2", "0xf993faca": "V3"}


@pytest.mark.parametrize("fixture_file", loadable_fixtures(), indirect=True)
def test_inspect_matches_the_manifest(fixture_file):
    path, entry = fixture_file
    info = inspect(path)
    assert info["format"] == "mxnet" and info["container"] == entry["container"]
    assert info["file_size"] == entry["byte_length"] and info["num_arrays"] == entry["num_arrays"]
    assert info["layouts"] == sorted({LAYOUTS.get(m, "legacy") for m in entry["per_array_magics"]})
    assert info["sparse"] == any(a["stype"] != "default" for a in entry["arrays"])
    for got, want in zip(info["arrays"], entry["arrays"]):
        assert (got["key"], got["shape"], got["dtype"], got["stype"]) == \
            (want["key"], want["shape"], want["dtype"], want["stype"])
    assert info["totals"]["elements"] == sum(a["size"] for a in entry["arrays"])
    assert info["totals"]["nbytes"] == sum(a["nbytes"] for a in info["arrays"])
    json.dumps(info, allow_nan=False)  # JSON-ready as is


@pytest.mark.parametrize("rel, naming", [
    ("nets/mlp/save_parameters.params", "structural"),
    ("nets/mlp/collect_params.params", "prefixed"),
    ("nets/convnet_hybrid/export-0000.params", "arg:aux"),
    ("ndarray/list.nd", "list"),
    ("ndarray/empty_list.nd", "list"),
])
def test_naming_scheme(manifest, rel, naming):
    assert inspect(FIXTURES / rel)["naming"] == naming


def test_header_only_unless_stats(monkeypatch):
    """Without ``stats`` no array is read (a multi-GB file inspects in milliseconds)."""
    from ndx.formats.convert import ArraySource

    def refuse(*a, **k):
        raise AssertionError("array data was read")
    monkeypatch.setattr(ArraySource, "get", refuse)
    info = inspect(FIXTURES / "nets" / "convnet" / "save_parameters.params")
    assert info["num_arrays"] == 14 and "stats" not in info["arrays"][0]
    with pytest.raises(AssertionError, match="array data was read"):
        inspect(FIXTURES / "nets" / "convnet" / "save_parameters.params", stats=True)


def test_stats_match_numpy(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(50, 7)).astype(np.float32)
    x[3, 2], x[5, 5], x[7, 1] = np.nan, np.inf, -np.inf
    data = {"x": x, "i": rng.integers(-100, 100, size=(30,)).astype(np.int8),
            "allnan": np.full(3, np.nan, np.float16), "b": np.array([True, False, True])}
    for ext in (".params", ".safetensors", ".npz"):
        path = tmp_path / f"s{ext}"
        save_arrays(path, data)
        stats = {a["key"]: a["stats"] for a in inspect(path, stats=True)["arrays"]}
        for k, a in data.items():
            v = a.astype(np.float64)
            finite = v[np.isfinite(v)]
            s = stats[k]
            assert s["nan"] == int(np.isnan(v).sum()) and s["inf"] == int(np.isinf(v).sum())
            if finite.size == 0:
                assert s["min"] is None and s["std"] is None
                continue
            assert s["min"] == finite.min() and s["max"] == finite.max()
            assert math.isclose(s["mean"], finite.mean(), rel_tol=1e-12, abs_tol=1e-12)
            assert math.isclose(s["std"], finite.std(), rel_tol=1e-12)


def test_chunked_stats_merge(monkeypatch):
    """The per-chunk mean/variance merge equals numpy over the whole array."""
    from ndx.formats import inspection
    monkeypatch.setattr(inspection, "_STAT_CHUNK", 7)
    a = np.random.default_rng(5).normal(3.0, 2.0, size=1000)
    s = inspection.array_stats(a)
    assert math.isclose(s["mean"], a.mean(), rel_tol=1e-12)
    assert math.isclose(s["std"], a.std(), rel_tol=1e-12)


def test_sparse_and_metadata(tmp_path):
    info = inspect(FIXTURES / "ndarray" / "sparse_mixed_dict.nd", stats=True)
    rsp = info["arrays"][2]
    assert rsp["stype"] == "row_sparse" and rsp["storage_shape"] == [1, 2, 2]
    dense = load_arrays(FIXTURES / "ndarray" / "sparse_mixed_dict.nd")["rsp_f64"]
    assert rsp["stats"]["max"] == dense.max() and rsp["stats"]["min"] == dense.min()
    path = tmp_path / "m.safetensors"
    save_arrays(path, {"w": np.ones(2)}, metadata={"naming": "structural", "epoch": "7"})
    meta = inspect(path)["metadata"]
    assert meta["epoch"] == "7" and meta["naming"] == "structural"
    assert "epoch=7" in format_report(inspect(path))


def test_symbol_graph_with_params(manifest):
    sym = FIXTURES / "nets" / "convnet_hybrid" / "export-symbol.json"
    params = FIXTURES / "nets" / "convnet_hybrid" / "export-0000.params"
    info = inspect(sym, params=params)
    g = info["graph"]
    assert info["format"] == "mxnet-symbol" and g["inputs"] == ["data"]
    stored = load_arrays(params)
    want = {k.split(":", 1)[1]: list(v.shape) for k, v in stored.items()}
    assert {p["name"]: p["shape"] for p in g["params"]} == want
    assert g["ops"]["Convolution"] == 1 and g["outputs"]
    text = format_report(info)
    assert "hybridsequential0_conv0_weight" in text and "Convolution x1" in text


def test_report_table_lists_every_key():
    info = inspect(FIXTURES / "nets" / "convnet" / "save_parameters.params")
    text = format_report(info)
    lines = text.splitlines()
    assert "layout V2" in text and "naming: structural" in text
    table = lines[lines.index("") + 1:]
    assert table[0].split() == ["key", "shape", "dtype", "stype", "bytes"]
    for a in info["arrays"]:
        assert any(line.split()[0] == a["key"] and f"{a['nbytes']:,}" in line for line in table)
    assert lines[-1].startswith("total: 14 arrays")


def test_bad_symbol_file_is_a_format_error(tmp_path):
    bad = tmp_path / "bad-symbol.json"
    bad.write_text('{"nodes": 3')
    with pytest.raises(FormatError, match="bad-symbol.json: cannot read the symbol graph"):
        inspect(bad)
