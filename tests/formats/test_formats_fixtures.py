"""Every MXNet 1.9.1 reference file: load, scan, and write back byte for byte."""
from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
from conftest import make_mx_shim, sha256

from ndx.formats import FormatError, load_arrays, mxnet, scan

LAYOUT_OF_MAGIC = {"0xf993fac8": "V1", "0xf993fac9": "V2", "0xf993faca": "V3"}


def _fsum(a):
    return math.fsum(np.asarray(a, dtype=np.float64).ravel().tolist())


def test_fixture_loads_like_manifest(mx_file):
    rel, path, entry = mx_file
    if entry["mxnet_load"] == "error":
        with pytest.raises(FormatError, match=r"record 0: shape has ndim 0 in a V2 record.* at offset 32"):
            mxnet.load(path)
        return
    for mmap in (False, True):
        arrays, names = mxnet.load(path, mmap=mmap)
        assert names == entry["keys"]
        assert len(arrays) == entry["num_arrays"] == len(entry["arrays"])
        for a, want in zip(arrays, entry["arrays"]):
            assert isinstance(a, np.ndarray)
            assert list(a.shape) == want["shape"]
            assert str(a.dtype) == want["dtype"]
            assert sha256(a) == want["sha256"], (rel, want["index"])
            assert _fsum(a.astype(np.float32) if want["dtype"] == "bfloat16" else a) == want["sum_f64"]
            if "sum_int" in want:
                assert int(a.astype(np.int64).sum()) == want["sum_int"]
    front = load_arrays(path)
    assert (list(front) if isinstance(front, dict) else None) == entry["keys"]


def test_fixture_sparse_records(fixtures_dir, manifest):
    seen = 0
    for rel, entry in manifest["files"].items():
        if not any(a.get("stype", "default") != "default" for a in entry.get("arrays", [])):
            continue
        arrays, _ = mxnet.load(fixtures_dir / rel, dense=False)
        for a, want in zip(arrays, entry["arrays"]):
            if want["stype"] == "default":
                assert isinstance(a, np.ndarray)
                continue
            sp = want["sparse"]
            assert a.stype == want["stype"] and list(a.shape) == want["shape"]
            assert list(a.data.shape) == sp["storage_shape"] and sha256(a.data) == sp["data"]["sha256"]
            assert len(a.aux) == len(sp["aux"])
            for x, w in zip(a.aux, sp["aux"]):
                assert (list(x.shape), str(x.dtype), sha256(x)) == (w["shape"], w["dtype"], w["sha256"])
            assert sha256(a.todense()) == want["sha256"]
            seen += 1
    assert seen >= 5


def test_fixture_scan_matches_manifest(mx_file):
    rel, path, entry = mx_file
    if entry["mxnet_load"] == "error":
        with pytest.raises(FormatError):
            scan(path)
        return
    info = scan(path)
    assert info.format == "mxnet" and info.file_size == entry["byte_length"]
    assert info.container == entry["container"] and info.keys == entry["keys"]
    for a, want in zip(info.arrays, entry["arrays"]):
        assert f"0x{a.magic:08x}" == want["magic"]
        assert a.layout == LAYOUT_OF_MAGIC.get(want["magic"], "legacy")
        assert (a.offset, a.data_offset) == (want["offset"], want["data_offset"])
        assert list(a.ctx) == want["ctx"] and a.type_flag == want["type_flag"]
        assert (a.stype, list(a.shape), str(a.dtype)) == (want["stype"], want["shape"], want["dtype"])
    # Records tile the file exactly: header, records, names.
    ends = [a.offset for a in info.arrays[1:]]
    for a, nxt in zip(info.arrays, ends):
        assert a.data_offset + a.nbytes == nxt


def test_fixture_written_back_byte_identical(mx_file, tmp_path):
    """Re-saving what was loaded (same keys, contexts and mode) gives MXNet's exact bytes."""
    rel, path, entry = mx_file
    if entry["mxnet_load"] == "error":
        pytest.skip("MXNet cannot read this file either")
    info = scan(path)
    arrays, names = mxnet.load(path, dense=False)
    layouts = {a.layout for a in info.arrays}
    data = mxnet.dumps(arrays, names, np_shape="V3" in layouts, contexts=[a.ctx for a in info.arrays])
    if layouts <= {"V2", "V3"}:
        assert hashlib.sha256(data).hexdigest() == entry["sha256_file"]
        if layouts == {"V2"} and all(a.ctx == (1, 0) for a in info.arrays):  # plain defaults
            assert mxnet.dumps(arrays, names) == path.read_bytes()
    else:  # V1 / pre-V1 files are read only; ndx writes them as V2 with the same content
        again, again_names = mxnet.loads(data)
        assert again_names == names and all(np.array_equal(x, y) for x, y in zip(again, arrays))
        (tmp_path / "v2.nd").write_bytes(data)
        assert {a.layout for a in scan(tmp_path / "v2.nd").arrays} == {"V2"}


def test_produced_by_recipe_reproduced(fixtures_dir, manifest, tmp_path):
    """Run each ``mx.nd.save``/``mx.npx.save`` recipe of the manifest through ndx's writer."""
    done = 0
    for rel, entry in manifest["files"].items():
        code = entry.get("produced_by", "")
        if not rel.startswith("ndarray/") or "struct" in code:  # hand-written bytes, not mx.*.save
            continue
        out = tmp_path / rel.replace("/", "_")
        env = {"np": np, "mx": make_mx_shim(), "f": str(out)}
        if entry["mxnet_load"] == "error":
            with pytest.raises(FormatError, match="0-d array cannot be saved"):
                exec(code, env)
            assert not out.exists()
            continue
        exec(code, env)
        assert hashlib.sha256(out.read_bytes()).hexdigest() == entry["sha256_file"], rel
        done += 1
    assert done >= 20


def test_net_files_agree(fixtures_dir, manifest):
    """save_parameters and collect_params files of a net hold the same values under both namings."""
    checked = 0
    for name, net in manifest["nets"].items():
        files = net["files"]
        if "collect_params" not in files:
            continue
        structural = load_arrays(fixtures_dir / files["save_parameters"])
        prefixed = load_arrays(fixtures_dir / files["collect_params"])
        mapping = net["structural_to_prefixed_names"]
        for key, value in structural.items():
            assert np.array_equal(value, prefixed[mapping[key]]), (name, key)
            checked += 1
    assert checked > 20
