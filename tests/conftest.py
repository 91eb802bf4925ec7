"""Shared fixtures: every op/Gluon test that takes ``ctx`` runs on cpu(0) and on the strict device backend.

The strict backend (numpy underneath, CuPy's manners: no implicit host conversion, no mixing with host
arrays) is registered under ``Context('strict', 0)`` so device discipline is tested on every run.
"""
from pathlib import Path

import numpy as np
import pytest

import ndx
from ndx.backends.strict import register

STRICT = register("strict")
FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "mxnet"


def _has_gpu():
    return ndx.num_gpus() > 0


@pytest.fixture(params=["cpu", "strict"])
def ctx(request):
    """The context a test runs on: cpu(0), then the strict non-CPU test backend."""
    return ndx.cpu(0) if request.param == "cpu" else STRICT


@pytest.fixture
def gpu_ctx():
    if not _has_gpu():
        pytest.skip("no CUDA device (CuPy) on this machine")
    return ndx.gpu(0)


@pytest.fixture
def fixtures_dir():
    """The MXNet 1.9.1 reference files; tests using them skip cleanly when absent."""
    if not FIXTURES.is_dir():
        pytest.skip(f"MXNet fixtures not found at {FIXTURES}")
    return FIXTURES


@pytest.fixture
def rng():
    return np.random.default_rng(0)
