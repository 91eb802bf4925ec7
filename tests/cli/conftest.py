"""Shared helpers for the ``ndx`` command tests: the MXNet 1.9.1 fixtures, hashes, a CLI runner."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO.parent / "shared" / "fixtures" / "mxnet"


def _manifest_or_none():
    try:
        return json.loads((FIXTURES / "manifest.json").read_text())
    except OSError:
        return None


def loadable_fixtures():
    """MXNet-format fixtures that MXNet 1.9.1 itself loads back (``[None]`` when absent)."""
    m = _manifest_or_none()
    if m is None:
        return [None]
    return sorted(rel for rel, e in m["files"].items()
                  if e.get("format") == "mxnet-ndarray-list" and e.get("mxnet_load") == "ok")


@pytest.fixture(scope="session")
def manifest():
    m = _manifest_or_none()
    if m is None:
        pytest.skip(f"MXNet reference fixtures not found at {FIXTURES}")
    return m


@pytest.fixture
def fixture_file(request, manifest):
    """``(absolute path, manifest entry)`` of one MXNet fixture (parametrize with ``indirect``)."""
    rel = request.param
    if rel is None:
        pytest.skip("MXNet reference fixtures not found")
    return FIXTURES / rel, manifest["files"][rel]


def sha256(a) -> str:
    """sha256 of the raw little-endian C-order bytes, as in the manifest."""
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def run_cli(*args, check=None):
    """Run ``python -m ndx.cli ARGS`` as a user would; returns the CompletedProcess."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cp = subprocess.run([sys.executable, "-m", "ndx.cli", *map(str, args)], cwd=REPO, env=env,
                        capture_output=True, text=True, timeout=120)
    if check is not None:
        assert cp.returncode == check, (cp.returncode, cp.stdout, cp.stderr)
    return cp
