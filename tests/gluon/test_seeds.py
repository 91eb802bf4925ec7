"""The MXNet code of the seed tutorials runs on ndx (``mxnet`` -> ``ndx``) and shows what MXNet showed.

Expected outputs were recorded with MXNet 1.9.1 running the same cells (``seed_cells.py``) and masked
(random values, addresses, library name). The save/load cells run once ``nd.save`` and
``Block.save_parameters`` exist (they are provided by the checkpoint modules).
"""
import json
import math
from pathlib import Path

import pytest

import ndx
from ndx.gluon import Block

from ._notebook import mask, run_cells
from .seed_cells import SEEDS

EXPECTED = json.loads((Path(__file__).parent / "data" / "seed_outputs_mxnet.json").read_text())


def _ndx_source(cell):
    return cell.replace("import mxnet as mx", "import ndx as mx").replace("from mxnet", "from ndx")


def _run(key, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = key.split("_")[0]
    cells = SEEDS[base] + SEEDS[key] if key.endswith("save_load") else SEEDS[key]
    namespace = {}
    with ndx.name.NameManager():
        shown = run_cells([_ndx_source(c) for c in cells], namespace)
    return shown, namespace


def _has_save_load():
    try:
        ndx.nd.save  # noqa: B018
    except AttributeError:
        return False
    return hasattr(Block, "save_parameters")


@pytest.mark.parametrize("key", ["000", "002", "003", "004"])
def test_seed_cells_show_what_mxnet_showed(key, tmp_path, monkeypatch):
    shown, _ = _run(key, tmp_path, monkeypatch)
    assert [mask(s) for s in shown] == EXPECTED[key]


def test_seed_000_centered_layer_values(tmp_path, monkeypatch):
    shown, ns = _run("000", tmp_path, monkeypatch)
    assert shown[6] == "\n[-2. -1.  0.  1.  2.]\n<NDArray 5 @cpu(0)>\n"
    assert abs(float(ns["y"].mean().asscalar())) < 1e-6   # a centered layer's output has mean ~0
    dense = ns["dense"]
    assert dense.weight.data().shape == (5, 3) and dense.bias.data().shape == (3,)


def test_seed_002_values(tmp_path, monkeypatch):
    _, ns = _run("002", tmp_path, monkeypatch)
    net = ns["net"]
    # the shared layers hold one Parameter, so their rows compare equal everywhere
    assert net[1].weight is net[2].weight
    assert (net[1].weight.data()[0] == net[2].weight.data()[0]).asnumpy().all()


def test_seed_002_reinit_values(tmp_path, monkeypatch):
    _, ns = _run("002", tmp_path, monkeypatch)
    net, init = ns["nn"].Sequential(), ns["init"]
    net.add(ns["nn"].Dense(4, in_units=3))
    net.initialize(init=init.Constant(1))
    assert (net[0].weight.data().asnumpy() == 1).all() and (net[0].bias.data().asnumpy() == 0).all()
    net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
    bound = math.sqrt(3 / ((3 + 4) / 2))
    assert abs(net[0].weight.data().asnumpy()).max() <= bound


@pytest.mark.parametrize("key", ["000_save_load", "004_save_load"])
def test_seed_save_load_cells(key, tmp_path, monkeypatch):
    if not _has_save_load():
        pytest.skip("nd.save / Block.save_parameters are provided by the checkpoint modules (not present yet)")
    shown, _ = _run(key, tmp_path, monkeypatch)
    assert [mask(s) for s in shown] == EXPECTED[key]
