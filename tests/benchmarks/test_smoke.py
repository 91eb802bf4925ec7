"""Smoke test of the benchmark suite: it runs and reports rows; it never checks a speed."""
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_ops_reports_ndx_and_numpy_rows(tmp_path):
    out = tmp_path / "ops.json"
    md = tmp_path / "ops.md"
    cp = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-lock", "--only", "ops",
         "--json", str(out),
         "--markdown", str(md), "--libs", "ndx,numpy,mxnet",
         # a peer that cannot be found must be reported as missing, not dropped or fatal
         "--mxnet-python", str(tmp_path / "no-such-python")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    assert cp.returncode == 0, cp.stderr[-3000:]
    doc = json.loads(out.read_text())

    assert doc["machine"]["cpu"]
    assert doc["libraries"]["numpy"]["status"] == "ok"
    assert doc["libraries"]["mxnet"]["status"] == "missing"
    area = doc["areas"]["ops"]
    names = [w["name"] for w in area["workloads"]]
    assert "add_10" in names and "chain_20_autograd" in names
    for name in names:
        cells = area["cells"][name]
        assert set(cells) == {"ndx", "numpy", "mxnet"}
        assert cells["numpy"]["status"] == "ok", cells["numpy"]
        assert cells["numpy"]["median"] > 0 and cells["numpy"]["samples"]
        # ndx either ran or says which feature is missing; it never silently disappears
        assert cells["ndx"]["status"] in ("ok", "n/a (not implemented)"), cells["ndx"]
        assert cells["mxnet"]["status"] == "missing"

    text = md.read_text()
    assert "| add, 10 float32 |" in text
    assert "ndx/numpy" in text


def test_quick_checkpoint_runs_each_sample_in_a_fresh_process(tmp_path):
    out = tmp_path / "ckpt.json"
    cp = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-lock", "--only", "checkpoint",
         "--json", str(out), "--libs", "ndx,numpy", "--workdir", str(tmp_path)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    assert cp.returncode == 0, cp.stderr[-3000:]
    cells = json.loads(out.read_text())["areas"]["checkpoint"]["cells"]
    for name in ("save_params", "load_params", "save_safetensors", "load_safetensors"):
        for lib in ("ndx", "numpy"):
            cell = cells[name][lib]
            assert cell["status"] == "ok", (name, lib, cell)
            assert cell["median"] > 0 and cell["peak_rss"] > 0
            # each fresh sample reports the CPU it spent, split into user and kernel time
            assert len(cell["cpu"]) == len(cell["samples"])
            assert all(c["user"] >= 0 and c["system"] >= 0 for c in cell["cpu"])
            assert sum(c["user"] + c["system"] for c in cell["cpu"]) > 0
    # the run's scratch folder (fixtures and saved checkpoints) is removed at the end
    assert not list(tmp_path.glob("ndx-bench-*"))
