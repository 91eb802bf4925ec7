"""Parallel block reads: every byte lands in the right array, on every path, and short files are reported."""
import os

import numpy as np
import pytest

from ndx.formats import blockread, mxnet, safetensors_format
from ndx.formats.errors import FormatError


@pytest.fixture
def tiny_pieces(monkeypatch):
    """Force the threaded path and many pieces per array on small test files."""
    monkeypatch.setattr(blockread, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(blockread, "_PIECE", 1000)
    monkeypatch.setattr(blockread.os, "cpu_count", lambda: 4)


def _arrays(seed=0):
    rng = np.random.default_rng(seed)
    return {"a": rng.standard_normal((37, 53)).astype(np.float32),
            "b": rng.integers(-100, 100, size=(5000,)).astype(np.int64),
            "empty": np.zeros((0, 3), np.float32),
            "c": rng.standard_normal((7,)).astype(np.float16)}


def _check(got, want):
    assert list(got) == list(want)
    for k in want:
        assert got[k].dtype == want[k].dtype and got[k].shape == want[k].shape
        np.testing.assert_array_equal(got[k], want[k])


@pytest.mark.parametrize("fmt", ["params", "safetensors"])
def test_threaded_pieces_reassemble(tmp_path, tiny_pieces, fmt):
    want = _arrays()
    mod = mxnet if fmt == "params" else safetensors_format
    p = tmp_path / f"x.{fmt}"
    mod.save(p, want)
    arrays, names = mod.load(p)
    _check(dict(zip(names, arrays)), want)


@pytest.mark.parametrize("fmt", ["params", "safetensors"])
def test_without_preadv_falls_back(tmp_path, monkeypatch, fmt):
    want = _arrays(1)
    mod = mxnet if fmt == "params" else safetensors_format
    p = tmp_path / f"x.{fmt}"
    mod.save(p, want)
    monkeypatch.delattr(os, "preadv")
    arrays, names = mod.load(p)
    _check(dict(zip(names, arrays)), want)


def test_read_blocks_fills_and_detects_short_file(tmp_path, tiny_pieces):
    data = np.arange(10000, dtype=np.uint8)
    p = tmp_path / "raw.bin"
    data.tofile(p)
    blocks = [blockread.Extent(np.empty(3000, np.uint8), 100, "x"),
              blockread.Extent(np.empty(2500, np.uint8), 7000, "y")]
    with open(p, "rb") as f:
        blockread.read_blocks(f, blocks)
    np.testing.assert_array_equal(blocks[0].dest, data[100:3100])
    np.testing.assert_array_equal(blocks[1].dest, data[7000:9500])
    past_end = blockread.Extent(np.empty(2500, np.uint8), 8000, "z")
    with open(p, "rb") as f, pytest.raises(blockread.ShortRead) as e:
        blockread.read_blocks(f, [past_end])
    assert e.value.block is past_end and e.value.got == 2000


def test_file_shrinking_after_the_header_check_names_the_record(tmp_path, monkeypatch):
    """Headers are validated against the size first; a file that then shrinks is still caught."""
    p = tmp_path / "x.params"
    mxnet.save(p, {"first": np.ones(10, np.float32), "second": np.ones(1000, np.float32)})
    real_parse = mxnet._parse

    def parse_then_truncate(src):
        info = real_parse(src)
        os.truncate(p, info.arrays[1].data_offset + 100)
        return info
    monkeypatch.setattr(mxnet, "_parse", parse_then_truncate)
    with pytest.raises(FormatError, match=r"record 1: truncated: data needs 4000 bytes, read 100"):
        mxnet.load(p)
