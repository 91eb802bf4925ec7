"""MXNet 1.9.1 model-zoo reference data (tests/data/model_zoo, tools/mxnet_reference/gen_model_zoo.py)."""
import json
from pathlib import Path

import numpy as np

import ndx
from ndx.gluon.model_zoo import vision

DATA = Path(__file__).resolve().parents[1] / "data" / "model_zoo"
REFERENCE = json.loads((DATA / "model_zoo.json").read_text())
ARCHITECTURES = {a["id"]: a for a in REFERENCE["architectures"]}
WEIGHTS = {w["id"]: w for w in REFERENCE["weights"]}


def build(entry):
    """The net an architecture entry describes, named from a fresh NameManager as the generator did."""
    with ndx.name.NameManager():
        return getattr(vision, entry["constructor"])(**entry["kwargs"])


def build_weighted(entry):
    """The net of a stored-weights entry; its ``build`` field is a call in the ``vision`` namespace."""
    with ndx.name.NameManager():
        return eval(entry["build"], dict(vars(vision)))  # noqa: S307  (trusted repository data)


def describe(net):
    """[structural key, prefixed name, shape, dtype] per parameter, in save_parameters order."""
    return [[key, p.name, list(p.shape), np.dtype(p.dtype).name] for key, p in net._collect_params_with_prefix().items()]
