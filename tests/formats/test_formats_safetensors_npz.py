"""safetensors and npz through ndx.formats: round trips, key order, bfloat16, metadata, bad files."""
from __future__ import annotations

import json
import re
import struct
import zipfile

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import save_file

from ndx.formats import FormatError, SparseArray, npz_format, safetensors_format, scan

BF16 = np.dtype(ml_dtypes.bfloat16)
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", BF16]
MODULES = {"safetensors": safetensors_format, "npz": npz_format}


def sample(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.asarray(rng.integers(0, 2, size=shape).astype(bool))
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.asarray(rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True))
    return np.asarray((rng.standard_normal(shape) * 10).astype(dtype))


def exact(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and np.array(a, order="C").tobytes() == \
        np.array(b, order="C").tobytes()


@pytest.mark.parametrize("fmt", sorted(MODULES))
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_round_trip_every_dtype(tmp_path, fmt, dtype):
    data = {"zz": sample(dtype, (3, 4), 1), "scalar": sample(dtype, (), 2), "empty": sample(dtype, (0, 5), 3),
            "a.b": sample(dtype, (2, 1, 3), 4)}
    p = tmp_path / f"x.{fmt}"
    MODULES[fmt].save(p, data)
    arrays, names = MODULES[fmt].load(p)
    assert names == list(data)  # caller's order, not sorted
    for k, a in zip(names, arrays):
        assert exact(a, data[k]), k
    info = scan(p)
    assert [(r.key, r.shape, r.dtype) for r in info.arrays] == [(k, v.shape, v.dtype) for k, v in data.items()]
    assert [r.nbytes for r in info.arrays] == [v.nbytes for v in data.values()]


@pytest.mark.parametrize("fmt", sorted(MODULES))
def test_layouts_unicode_keys_and_lists(tmp_path, fmt):
    base = np.arange(24, dtype=np.float32).reshape(4, 6)
    data = {"ω.weight": base.T, "🙂": np.asfortranarray(base), "file": base[::2, ::-3],
            "allow_pickle": base.astype(">f4"), "": np.float64(1.5), "0": np.array([True])}
    p = tmp_path / f"u.{fmt}"
    MODULES[fmt].save(p, data)
    arrays, names = MODULES[fmt].load(p)
    assert names == list(data)
    for k, a in zip(names, arrays):  # safetensors 0.8.0 alone would garble the transposed ones (#825)
        assert np.array_equal(a, data[k]) and a.dtype == np.asarray(data[k]).dtype.newbyteorder("="), k
    lst = [base, np.zeros(0, np.int8), np.int32(7)]
    MODULES[fmt].save(p, lst)
    arrays, names = MODULES[fmt].load(p)
    assert names is None and all(exact(a, np.asarray(b)) for a, b in zip(arrays, lst))
    assert scan(p).container == "list"


@pytest.mark.parametrize("fmt", sorted(MODULES))
def test_keys_subset_and_refusals(tmp_path, fmt):
    p = tmp_path / f"k.{fmt}"
    data = {k: np.full((2,), i, np.int64) for i, k in enumerate(["d", "c", "b", "a"])}
    MODULES[fmt].save(p, data)
    arrays, names = MODULES[fmt].load(p, keys=["a", "c"])
    assert names == ["c", "a"] and [int(x[0]) for x in arrays] == [1, 3]
    with pytest.raises(KeyError):
        MODULES[fmt].load(p, keys=["missing"])
    rsp = SparseArray.row_sparse(np.ones((1, 2)), [0], (2, 2))
    with pytest.raises(FormatError, match=r"key 'r'.*only be stored in the MXNet format"):
        MODULES[fmt].save(p, {"r": rsp})
    with pytest.raises(TypeError):
        MODULES[fmt].save(p, {3: np.ones(1)})
    assert MODULES[fmt].load(p)[1] == list(data)  # failed saves left the file alone


def test_safetensors_metadata(tmp_path):
    p = tmp_path / "m.safetensors"
    safetensors_format.save(p, {"b": np.ones(1), "a": np.zeros(1)}, naming="structural",
                            metadata={"epoch": "3"})
    meta = scan(p).metadata
    assert meta["format"] == "ndx" and meta["naming"] == "structural" and meta["epoch"] == "3"
    assert json.loads(meta["ndx.key_order"]) == ["b", "a"] and meta["ndx.container"] == "dict"
    with pytest.raises(ValueError, match="reserved"):
        safetensors_format.save(p, {"a": np.ones(1)}, metadata={"format": "pt"})
    with pytest.raises(FormatError, match="dtype complex128 cannot be stored"):
        safetensors_format.save(p, {"c": np.zeros(2, np.complex128)})


def test_safetensors_lazy_subset_reads_only_requested(tmp_path, monkeypatch):
    p = tmp_path / "lazy.safetensors"
    safetensors_format.save(p, {f"t{i}": np.full((64, 64), i, np.float32) for i in range(10)})
    read = []
    real_read = safetensors_format.read_blocks

    def spy(f, blocks):
        read.extend((b.tag, b.dest.nbytes) for b in blocks)
        return real_read(f, blocks)

    monkeypatch.setattr(safetensors_format, "read_blocks", spy)
    arrays, names = safetensors_format.load(p, keys=["t7", "t2"])
    assert names == ["t2", "t7"] and read == [("t2", 64 * 64 * 4), ("t7", 64 * 64 * 4)]
    assert float(arrays[0][0, 0]) == 2.0 and float(arrays[1][0, 0]) == 7.0


def test_safetensors_get_tensor_fallback_reads_only_requested(tmp_path, monkeypatch):
    """Without data offsets (old package), tensors come from the package's get_tensor, still lazily."""
    p = tmp_path / "lazy.safetensors"
    safetensors_format.save(p, {f"t{i}": np.full((64, 64), i, np.float32) for i in range(10)})
    fetched = []
    real_open = safetensors_format.safe_open

    class Spy:
        def __init__(self, *a, **k):
            self.inner = real_open(*a, **k)

        def __enter__(self):
            self.inner.__enter__()
            return self

        def __exit__(self, *exc):
            return self.inner.__exit__(*exc)

        def get_tensor(self, k):
            fetched.append(k)
            return self.inner.get_tensor(k)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    monkeypatch.setattr(safetensors_format, "safe_open", Spy)
    monkeypatch.setattr(safetensors_format, "_data_blocks", lambda *a: None)
    arrays, names = safetensors_format.load(p, keys=["t7", "t2"])
    assert names == ["t2", "t7"] and fetched == ["t2", "t7"]
    assert float(arrays[1][0, 0]) == 7.0


def test_safetensors_bfloat16_fallback_as_uint16(tmp_path, monkeypatch):
    monkeypatch.setattr(safetensors_format, "native_bfloat16", lambda: False)
    x = np.array([1.0, -0.5, 3.0], np.float32).astype(BF16)
    p = tmp_path / "bf.safetensors"
    safetensors_format.save(p, {"w": x, "v": np.ones(2, np.float32)})
    info = scan(p)
    assert json.loads(info.metadata["ndx.bfloat16_as_uint16"]) == ["w"] and info.arrays[0].dtype == BF16
    (w, v), _ = safetensors_format.load(p)
    assert exact(w, x) and v.dtype == np.float32


def test_safetensors_native_bfloat16_is_standard(tmp_path):
    if not safetensors_format.native_bfloat16():
        pytest.skip("this safetensors cannot write BF16 from numpy")
    from safetensors import safe_open
    p = tmp_path / "bf.safetensors"
    safetensors_format.save(p, {"w": np.ones(3, BF16)})
    with safe_open(str(p), framework="numpy") as f:
        assert f.get_slice("w").get_dtype() == "BF16"


def test_foreign_files_load_in_stored_order(tmp_path):
    p = tmp_path / "hf.safetensors"
    save_file({"b": np.ones(2, np.float32), "a": np.arange(3, dtype=np.int64)}, str(p))
    arrays, names = safetensors_format.load(p)
    assert sorted(names) == ["a", "b"] and np.array_equal(arrays[names.index("a")], [0, 1, 2])
    q = tmp_path / "plain.npz"
    np.savez(q, w=np.ones(2), b=np.zeros(1, np.int8))
    arrays, names = npz_format.load(q)
    assert names == ["w", "b"] and arrays[1].dtype == np.int8
    assert scan(q).container == "dict"


def test_npz_bfloat16_marker_and_object_refusal(tmp_path):
    p = tmp_path / "b.npz"
    x = np.array([1.0, 2.0], np.float32).astype(BF16)
    npz_format.save(p, {"x": x}, metadata={"naming": "prefixed"})
    with np.load(p, allow_pickle=False) as raw:  # stored as uint16 plus the __ndx__ marker
        assert raw["x"].dtype == np.uint16 and "__ndx__" in raw.files
        meta = json.loads(raw["__ndx__"].tobytes())
    assert meta == {"format": "ndx", "container": "dict", "bfloat16": ["x"], "metadata": {"naming": "prefixed"}}
    assert exact(npz_format.load(p)[0][0], x)
    with pytest.raises(FormatError, match="object arrays cannot be saved"):
        npz_format.save(p, {"o": np.array([{}], dtype=object)})
    with pytest.raises(ValueError, match="reserved"):
        npz_format.save(p, {"__ndx__": np.ones(1)})
    q = tmp_path / "obj.npz"
    np.savez(q, o=np.array([1, "x"], dtype=object))  # would need pickle to read
    with pytest.raises(FormatError, match=r"key 'o'.*object array"):
        npz_format.load(q)


def _npz_with_header(tmp_path, shape):
    """An npz whose one member declares ``shape`` float64 in its header but holds 16 data bytes."""
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': %r, }" % (shape,)
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    member = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + b"\0" * 16
    p = tmp_path / "lie.npz"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("x.npy", member)
    return p


def test_npz_header_larger_than_member_is_refused(tmp_path):
    p = _npz_with_header(tmp_path, (10**9,))
    with pytest.raises(FormatError, match=r"key 'x'.*declares 8000000000 bytes but the member holds 16"):
        npz_format.load(p)
    ok = _npz_with_header(tmp_path, (2,))
    assert np.array_equal(npz_format.load(ok)[0][0], [0, 0])


@pytest.mark.parametrize("fmt", sorted(MODULES))
def test_truncated_and_garbage_files(tmp_path, fmt):
    p = tmp_path / f"t.{fmt}"
    MODULES[fmt].save(p, {"w": np.arange(100, dtype=np.float32)})
    good = p.read_bytes()
    for cut in (len(good) - 1, len(good) // 2, 20, 9):
        p.write_bytes(good[:cut])
        with pytest.raises(FormatError, match=re.escape(str(p))):
            MODULES[fmt].load(p)
    p.write_bytes(good[:60] + b"\xff" * 40 + good[100:])
    try:
        MODULES[fmt].load(p)
    except FormatError:
        pass


def test_safetensors_inconsistent_order_metadata(tmp_path):
    p = tmp_path / "o.safetensors"
    save_file({"a": np.ones(1)}, str(p), metadata={"ndx.key_order": '["a", "b"]'})
    with pytest.raises(FormatError, match="metadata ndx.key_order does not list the file's keys"):
        safetensors_format.load(p)
    save_file({"a": np.ones(1)}, str(p), metadata={"ndx.key_order": "[oops"})
    with pytest.raises(FormatError, match="not valid JSON"):
        safetensors_format.load(p)
