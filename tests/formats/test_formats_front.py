"""The front: format detection, save-format choice, load_arrays/save_arrays, scan."""
from __future__ import annotations

import json
import struct

import ml_dtypes
import numpy as np
import pytest

from ndx.base import MXNetError
from ndx.formats import (FormatError, detect_format, format_for_save, load_arrays, mxnet,
                         save_arrays, scan)

DATA = {"0.weight": np.arange(6, dtype=np.float32).reshape(2, 3), "0.bias": np.zeros(2, np.float32),
        "half": np.ones(3, ml_dtypes.bfloat16)}


@pytest.mark.parametrize("fmt,ext", [("mxnet", ".params"), ("mxnet", ".nd"), ("mxnet", ""),
                                     ("safetensors", ".safetensors"), ("npz", ".npz")])
def test_save_by_extension_and_detect_by_bytes(tmp_path, fmt, ext):
    p = tmp_path / f"model{ext}"
    assert format_for_save(p) == fmt
    save_arrays(p, DATA)
    assert detect_format(p) == fmt
    disguised = tmp_path / "model.bin"  # the extension plays no part in loading
    disguised.write_bytes(p.read_bytes())
    for path in (p, disguised, str(disguised)):
        got = load_arrays(path)
        assert list(got) == list(DATA)
        assert all(np.array_equal(got[k], v) and got[k].dtype == v.dtype for k, v in DATA.items())
    assert load_arrays(p, keys=["0.bias"]).keys() == {"0.bias"}
    info = scan(disguised)
    assert info.format == fmt and info.keys == list(DATA) and info.file_size == p.stat().st_size
    save_arrays(p, list(DATA.values()))
    lst = load_arrays(p)
    assert isinstance(lst, list) and all(np.array_equal(a, b) for a, b in zip(lst, DATA.values()))


def test_explicit_format_and_bad_extension(tmp_path):
    p = tmp_path / "weights.bin"
    with pytest.raises(ValueError, match=r"extension '\.bin'.*pass format="):
        save_arrays(p, DATA)
    for fmt in ("mxnet", "safetensors", "npz"):
        save_arrays(p, DATA, format=fmt)
        assert detect_format(p) == fmt
    with pytest.raises(ValueError, match="unknown format 'pickle'"):
        format_for_save(p, "pickle")
    assert format_for_save("A.PARAMS") == "mxnet" and format_for_save("x-0000.params") == "mxnet"


def test_detect_unknown_and_empty(tmp_path):
    for content in (b"", b"\x93NUMPY\x01\x00", b"hello world, not a checkpoint", b"\x12\x01\x00"):
        p = tmp_path / "x.params"
        p.write_bytes(content)
        with pytest.raises(FormatError, match=r"x\.params: unrecognized file format .* at offset 0") as e:
            load_arrays(p)
        assert isinstance(e.value, MXNetError) and e.value.field == "magic"
    with pytest.raises(FileNotFoundError):
        load_arrays(tmp_path / "missing.params")


def test_safetensors_header_of_length_0x112_is_not_mxnet(tmp_path):
    """A u64 0x112 is both the MXNet list magic and a valid safetensors header length."""
    header = json.dumps({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
    header += b" " * (0x112 - len(header))  # the format allows space padding
    p = tmp_path / "x.params"
    p.write_bytes(struct.pack("<Q", 0x112) + header + np.float32(1.5).tobytes())
    assert detect_format(p) == "safetensors"
    got = load_arrays(p)
    assert list(got) == ["a"] and np.array_equal(got["a"], np.array([1.5], np.float32))


def test_metadata_routing(tmp_path):
    save_arrays(tmp_path / "a.safetensors", DATA, metadata={"naming": "structural", "epoch": "7"})
    meta = scan(tmp_path / "a.safetensors").metadata
    assert (meta["naming"], meta["epoch"], meta["format"]) == ("structural", "7", "ndx")
    save_arrays(tmp_path / "a.npz", DATA, metadata={"naming": "prefixed"})
    assert scan(tmp_path / "a.npz").metadata["metadata"] == {"naming": "prefixed"}
    save_arrays(tmp_path / "a.params", DATA, metadata={"naming": "structural"})  # keys carry it
    with pytest.raises(ValueError, match="cannot store metadata"):
        save_arrays(tmp_path / "b.params", DATA, metadata={"epoch": "7"})
    assert not (tmp_path / "b.params").exists()


def test_duplicate_names_in_mxnet_file(tmp_path):
    p = tmp_path / "dup.params"
    mxnet.save(p, [np.zeros(1), np.ones(1)], ["w", "w"])  # MXNet's reader would keep the last one
    assert mxnet.load(p)[1] == ["w", "w"]
    with pytest.raises(FormatError, match=r"key 'w': duplicate name"):
        load_arrays(p)


def test_sparse_through_the_front(tmp_path):
    from ndx.formats import SparseArray
    rsp = SparseArray.row_sparse(np.ones((1, 2), np.float32), [1], (3, 2))
    save_arrays(tmp_path / "s.params", {"e": rsp})
    dense = load_arrays(tmp_path / "s.params")["e"]
    assert np.array_equal(dense, [[0, 0], [1, 1], [0, 0]])
    with pytest.raises(FormatError):
        save_arrays(tmp_path / "s.safetensors", {"e": rsp})


def test_mxnet_api_saves_any_extension_in_mxnet_format(tmp_path):
    """MXNet's nd.save and save_parameters take any file name; ndx writes MXNet's format for them."""
    import ndx as mx
    from ndx.gluon import nn
    p = tmp_path / "arrays.bin"
    mx.nd.save(str(p), {"w": mx.nd.arange(6).reshape((2, 3))})
    assert detect_format(p) == "mxnet"
    np.testing.assert_array_equal(mx.nd.load(str(p))["w"].asnumpy(), np.arange(6).reshape(2, 3))
    net = nn.Dense(3, in_units=2)
    net.initialize()
    q = tmp_path / "net.ckpt"
    net.save_parameters(str(q))
    net.collect_params().save(str(tmp_path / "net.prefixed.bak"))
    assert detect_format(q) == "mxnet" and detect_format(tmp_path / "net.prefixed.bak") == "mxnet"
    assert sorted(mx.nd.load(str(q))) == ["bias", "weight"]
