"""Shared fixtures for the format tests: the MXNet 1.9.1 reference files and a tiny ``mx`` stand-in."""
from __future__ import annotations

import contextlib
import hashlib
import json
import types
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from ndx.formats import mxnet

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "mxnet"


def _manifest_or_none():
    try:
        return json.loads((FIXTURES / "manifest.json").read_text())
    except OSError:
        return None


def mxnet_fixture_names():
    """Relative paths of every MXNet-format fixture, or ``[None]`` when the folder is absent."""
    m = _manifest_or_none()
    if m is None:
        return [None]
    return sorted(rel for rel, e in m["files"].items() if e.get("format") == "mxnet-ndarray-list")


def pytest_generate_tests(metafunc):
    if "mx_file" in metafunc.fixturenames:
        metafunc.parametrize("mx_file", mxnet_fixture_names(), indirect=True)


@pytest.fixture(scope="session")
def fixtures_dir():
    if not (FIXTURES / "manifest.json").is_file():
        pytest.skip(f"MXNet reference fixtures not found at {FIXTURES}")
    return FIXTURES


@pytest.fixture(scope="session")
def manifest(fixtures_dir):
    return json.loads((fixtures_dir / "manifest.json").read_text())


@pytest.fixture
def mx_file(request, fixtures_dir, manifest):
    """``(relative path, absolute path, manifest entry)`` of one MXNet-format fixture."""
    rel = request.param
    if rel is None:
        pytest.skip("MXNet reference fixtures not found")
    return rel, fixtures_dir / rel, manifest["files"][rel]


def sha256(a) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


# --------------------------------------------------------------------------- mx stand-in
class _ND:
    """Just enough of an NDArray for the manifest's ``produced_by`` recipes."""

    def __init__(self, arr, ctx=(1, 0)):
        self.arr, self.ctx = arr, ctx

    def astype(self, dtype):
        if np.dtype(dtype) == mxnet.MXNET_BFLOAT16:
            # MXNet 1.9.1 truncates float32 to bfloat16 (keeps the top 16 bits; no rounding).
            bits = np.array(self.arr, dtype=np.float32, order="C").view(np.uint32) >> 16
            return _ND(bits.astype(np.uint16).view(ml_dtypes.bfloat16), self.ctx)
        return _ND(self.arr.astype(dtype), self.ctx)


def make_mx_shim():
    """A fake ``mx`` module whose ``nd.save``/``npx.save`` call :func:`ndx.formats.mxnet.save`."""
    state = {"np_shape": False}

    def nd_array(src, ctx=None, dtype=None):
        # MXNet 1.x nd.array defaults to float32 whatever the source dtype.
        return _ND(np.array(src, dtype=dtype or np.float32), ctx or (1, 0))

    def np_array(src, dtype=None):
        src = np.asarray(src)
        return _ND(np.array(src, dtype=dtype or (src.dtype if src.dtype != np.float64 else np.float32)))

    def save(f, data):
        if isinstance(data, _ND):
            data = [data]
        if isinstance(data, dict):
            names, items = list(data), list(data.values())
        else:
            names, items = None, list(data)
        arrays = [x if isinstance(x, mxnet.SparseArray) else x.arr for x in items]
        ctxs = [(1, 0) if isinstance(x, mxnet.SparseArray) else x.ctx for x in items]
        mxnet.save(f, arrays, names, np_shape=state["np_shape"], contexts=ctxs)

    @contextlib.contextmanager
    def np_shape(on=True):
        old, state["np_shape"] = state["np_shape"], on
        try:
            yield
        finally:
            state["np_shape"] = old

    def _dtype(values, dtype):
        return dtype or (values.dtype if isinstance(values, np.ndarray) else np.float32)

    sparse = types.SimpleNamespace(
        row_sparse_array=lambda arg, shape, dtype=None: mxnet.SparseArray.row_sparse(
            np.asarray(arg[0], dtype=_dtype(arg[0], dtype)), arg[1], shape),
        csr_matrix=lambda arg, shape, dtype=None: mxnet.SparseArray.csr(
            np.asarray(arg[0], dtype=_dtype(arg[0], dtype)), arg[2], arg[1], shape),
        zeros=lambda stype, shape, dtype=np.float32: (
            mxnet.SparseArray.row_sparse(np.zeros((0,) + tuple(shape[1:]), dtype), [], shape)
            if stype == "row_sparse" else mxnet.SparseArray.csr(np.zeros(0, dtype), [], [], shape)),
    )
    return types.SimpleNamespace(
        nd=types.SimpleNamespace(array=nd_array, save=save, sparse=sparse),
        np=types.SimpleNamespace(array=np_array,
                                 zeros=lambda shape, dtype=np.float32: _ND(np.zeros(shape, dtype))),
        npx=types.SimpleNamespace(save=save, set_np=lambda: state.update(np_shape=True),
                                  reset_np=lambda: state.update(np_shape=False)),
        util=types.SimpleNamespace(np_shape=np_shape),
        cpu=lambda i=0: (1, i), cpu_pinned=lambda i=0: (3, i),
    )
