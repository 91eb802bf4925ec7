"""The ``ndx`` command run as a user runs it (``python -m ndx.cli``): output, exit codes, files."""
from __future__ import annotations

import json
import os

import numpy as np

from ndx.formats import inspect, load_arrays, save_arrays

from .conftest import FIXTURES, run_cli, sha256


def test_inspect_table_and_json(manifest):
    params = FIXTURES / "nets" / "convnet" / "save_parameters.params"
    out = run_cli("inspect", params, check=0).stdout
    assert "MXNet NDArray file, dict of 14 arrays" in out and "naming: structural" in out
    for key in manifest["files"]["nets/convnet/save_parameters.params"]["keys"]:
        assert f"\n{key} " in out
    listing = FIXTURES / "ndarray" / "list.nd"
    got = json.loads(run_cli("inspect", "--json", "--stats", params, listing, check=0).stdout)
    assert got == [inspect(params, stats=True), inspect(listing, stats=True)]


def test_convert_preset_and_rename_then_refuse_overwrite(tmp_path, manifest):
    src = FIXTURES / "nets" / "convnet" / "save_parameters.params"
    out = tmp_path / "model.safetensors"
    cp = run_cli("convert", src, out, "--preset", "mxnet-to-torch", "--rename", r"^(\d+)\.=features.\1.",
                 check=0)
    assert "mxnet -> safetensors, 14 arrays" in cp.stdout
    back = load_arrays(out)
    entry = manifest["files"]["nets/convnet/save_parameters.params"]
    want = {"features." + k.replace("gamma", "weight").replace("beta", "bias"): a["sha256"]
            for k, a in zip(entry["keys"], entry["arrays"])}
    assert {k: sha256(v) for k, v in back.items()} == want
    before = out.read_bytes()
    cp = run_cli("convert", src, out, check=2)
    assert "already exists" in cp.stderr and "--force" in cp.stderr
    assert out.read_bytes() == before


def test_corrupt_input_exit_2_nothing_written(tmp_path):
    bad = tmp_path / "broken.params"
    bad.write_bytes((FIXTURES / "nets" / "mlp" / "save_parameters.params").read_bytes()[:200])
    cp = run_cli("convert", bad, tmp_path / "out.npz", check=2)
    assert "broken.params: record 0" in cp.stderr and "needs 20480 bytes" in cp.stderr
    assert sorted(os.listdir(tmp_path)) == ["broken.params"]


def test_usage_errors_exit_2(tmp_path):
    cp = run_cli("convert", FIXTURES / "ndarray" / "dict.nd", tmp_path / "o.npz", "--dtype", "int8",
                 check=2)
    assert "usage: ndx convert" in cp.stderr and "invalid choice: 'int8'" in cp.stderr
    assert not (tmp_path / "o.npz").exists()


def test_diff_exit_codes(tmp_path):
    a = {"w": np.linspace(0, 1, 10, dtype=np.float32)}
    b = {"w": a["w"] + np.float32(1e-3)}
    save_arrays(tmp_path / "a.params", a)
    save_arrays(tmp_path / "b.safetensors", b)
    cp = run_cli("diff", tmp_path / "a.params", tmp_path / "b.safetensors", check=1)
    assert "w: max abs" in cp.stdout and "different: 1 of 1" in cp.stdout
    cp = run_cli("diff", tmp_path / "a.params", tmp_path / "b.safetensors", "--atol", "0.002", check=0)
    assert cp.stdout.startswith("equal: 1 arrays")
    cp = run_cli("diff", tmp_path / "a.params", tmp_path / "missing.npz", check=2)
    assert "missing.npz" in cp.stderr
