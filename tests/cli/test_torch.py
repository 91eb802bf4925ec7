"""PyTorch interop, run only where torch is installed: the preset's output loads into the matching
torch model and reproduces MXNet 1.9.1's outputs; ``.pt`` files convert both ways bit for bit."""
from __future__ import annotations

import re

import numpy as np
import pytest

from ndx.formats import convert, load_arrays

from .conftest import FIXTURES, REPO, sha256

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")


def torch_convnet():
    """The fixture's Gluon convnet (manifest ``nets.convnet``) in torch, layer for layer."""
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3), nn.BatchNorm2d(16), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(16, 10))


def test_preset_output_reproduces_mxnet_in_torch(tmp_path, manifest):
    net = FIXTURES / "nets" / "convnet"
    out = tmp_path / "convnet.safetensors"
    res = convert(net / "save_parameters.params", out, preset="mxnet-to-torch")
    assert res.unmapped == []
    model = torch_convnet()
    model.load_state_dict(safetensors_torch.load_file(str(out)))   # strict
    model.eval()
    with torch.no_grad():
        y = model(torch.from_numpy(np.load(net / "X.npy"))).numpy()
    np.testing.assert_allclose(y, np.load(net / "Y.npy"), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("rel", ["ndarray/mixed_dtypes_dict.nd", "ndarray/dtype_bfloat16.nd",
                                 "ndarray/npx_dict.nd", "nets/rgnet_d2l/save_parameters.params"])
def test_pt_both_ways_bit_exact(tmp_path, manifest, rel):
    entry = manifest["files"][rel]
    pt = tmp_path / "m.pt"
    convert(FIXTURES / rel, pt)
    state = torch.load(pt, weights_only=True)
    assert list(state) == (entry["keys"] or [str(i) for i in range(entry["num_arrays"])])
    back = tmp_path / "back.safetensors"
    convert(pt, back)
    arrays = list(load_arrays(back).values())
    assert [sha256(a) for a in arrays] == [a["sha256"] for a in entry["arrays"]]


def test_pt_nested_dict_and_non_tensors(tmp_path):
    pt = tmp_path / "ckpt.pth"
    torch.save({"model": {"w": torch.arange(4.0)}, "epoch": 3}, pt)
    res = convert(pt, tmp_path / "o.npz")
    assert res.keys == ["model.w"] and res.skipped == ["epoch"]
    assert np.array_equal(load_arrays(tmp_path / "o.npz")["model.w"], np.arange(4.0, dtype=np.float32))


def test_docs_walkthrough_runs_with_torch(tmp_path, monkeypatch):
    """The walk-through in docs/cli.md, its torch block included (the docs runner skips that one)."""
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text[text.index("## Walk-through"):]
    blocks = re.findall(r"^```python(?: torch)?[ \t]*\n(.*?)^```", section, re.S | re.M)
    assert len(blocks) == 3 and "load_state_dict" in blocks[2]
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for code in blocks:
        exec(compile(code, "docs/cli.md", "exec"), namespace)
    assert namespace["y_torch"].shape == (2, 10)
