"""The MXNet NDArray list format: round trips, writer rules and corrupt-file errors."""
from __future__ import annotations

import copy
import struct
import tracemalloc

import ml_dtypes
import numpy as np
import pytest

from ndx.formats import FormatError, SparseArray, blockwrite, mxnet

BF16 = np.dtype(ml_dtypes.bfloat16)
WRITABLE = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool", BF16]
SHAPES = [(), (1,), (0,), (2, 0, 3), (3, 4), (2, 3, 4, 5)]


def random_array(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    return (rng.standard_normal(shape) * 100).astype(dtype)


def same(a, b):
    """Same dtype, shape and bytes (NaN-safe, exact)."""
    return a.dtype == b.dtype and a.shape == b.shape and np.ascontiguousarray(a).tobytes() == \
        np.ascontiguousarray(b).tobytes()


@pytest.mark.parametrize("dtype", WRITABLE, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_round_trip_every_dtype_and_shape(tmp_path, dtype, shape):
    a = np.asarray(random_array(shape, dtype))
    flipped = a[..., ::-1] if a.ndim else a  # a non-contiguous view
    p = tmp_path / "a.params"
    mxnet.save(p, {"x": a, "y": flipped})
    arrays, names = mxnet.load(p)
    assert names == ["x", "y"]
    assert same(arrays[0], a) and same(arrays[1], np.array(flipped, order="C"))
    info = mxnet.scan(p)
    assert {r.layout for r in info.arrays} == {"V3" if shape == () else "V2"}
    assert info.arrays[0].type_flag == {"float32": 0, "float64": 1, "float16": 2, "uint8": 3,
                                        "int32": 4, "int8": 5, "int64": 6, "bool": 7,
                                        "bfloat16": 12}[np.dtype(dtype).name]


def test_dense_record_bytes_match_spec():
    """format.md 3.1: magic, stype, shape (i32 ndim + i64 dims), ctx (1, 0), flag, data."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    expected = (struct.pack("<QQQ", 0x112, 0, 1) + struct.pack("<Iii2q", 0xF993FAC9, 0, 2, 2, 3)
                + struct.pack("<iii", 1, 0, 0) + a.tobytes()
                + struct.pack("<QQ", 1, 3) + b"arr")
    assert mxnet.dumps({"arr": a}) == expected
    scalar = mxnet.dumps([np.float32(2.5)])  # 0-d: V3 record, ndim 0, one element
    assert scalar == (struct.pack("<QQQ", 0x112, 0, 1) + struct.pack("<Iii", 0xF993FACA, 0, 0)
                      + struct.pack("<iiif", 1, 0, 0, 2.5) + struct.pack("<Q", 0))
    assert mxnet.dumps([]) == mxnet.dumps({}) == struct.pack("<QQQQ", 0x112, 0, 0, 0)


def test_bfloat16_values_and_mxnet_dtype(tmp_path):
    x = np.array([1.0, -2.5, 3.140625, 65280.0, 0.0], dtype=np.float32)
    bits = (x.view(np.uint32) >> 16).astype(np.uint16)  # these values are exact in bfloat16
    p = tmp_path / "bf.nd"
    mxnet.save(p, [x.astype(BF16), bits.view(mxnet.MXNET_BFLOAT16)])
    (a, b), _ = mxnet.load(p)
    assert a.dtype == b.dtype == BF16
    assert np.array_equal(a.view(np.uint16), bits) and np.array_equal(b.view(np.uint16), bits)
    assert np.array_equal(a.astype(np.float32), x)


@pytest.mark.parametrize("stage", [256, 200])  # staged rows; rows (240 bytes) larger than a stage
def test_non_contiguous_big_endian_and_chunked_writes(tmp_path, monkeypatch, stage):
    monkeypatch.setattr(blockwrite, "_PIECE", stage)  # force the staged paths on small arrays
    base = np.arange(600, dtype=np.float64).reshape(20, 30)
    items = {"t": base.T, "s": base[::3, ::-2], "f": np.asfortranarray(base), "be": base.astype(">f8"),
             "be_i": np.arange(5, dtype=">i4")}
    p = tmp_path / "nc.params"
    mxnet.save(p, items)
    loaded, names = mxnet.load(p)
    for k, a in zip(names, loaded):
        assert a.dtype.byteorder in "=|<" and np.array_equal(a, items[k]) and a.flags.c_contiguous


@pytest.mark.parametrize("dtype", ["int16", "uint16", "uint32", "uint64", "complex64", "complex128",
                                   "longdouble", "U3", "datetime64[s]", "object"])
def test_refuses_dtypes_mxnet_cannot_read(tmp_path, dtype):
    p = tmp_path / "bad.params"
    bad = np.zeros(2, dtype=dtype)
    with pytest.raises(FormatError, match=r"record 1 \('bad'\): dtype .* cannot be saved") as e:
        mxnet.save(p, {"ok": np.zeros(2, np.float32), "bad": bad})
    assert e.value.key == "bad" and e.value.field == "dtype"
    assert not p.exists() and list(tmp_path.iterdir()) == []


def test_zero_d_rules(tmp_path):
    with pytest.raises(FormatError, match="0-d array cannot be saved without numpy-shape"):
        mxnet.dumps([np.zeros(2, np.float32), np.float32(1)], np_shape=False)
    with pytest.raises(FormatError, match="sparse arrays cannot be saved with numpy-shape"):
        mxnet.dumps([np.float32(1), SparseArray.row_sparse(np.ones((1, 2), np.float32), [0], (3, 2))])
    # np_shape=True writes V3 for every record, as mx.npx.save does.
    p = tmp_path / "np.nd"
    mxnet.save(p, [np.ones((2, 2), np.float32)], np_shape=True)
    assert [r.layout for r in mxnet.scan(p).arrays] == ["V3"]


def test_names_order_unicode_and_errors():
    names = ["z", "ä.weight", "🙂 x:y", "", "a"]
    arrays = [np.full(2, i, np.int32) for i in range(5)]
    loaded, got = mxnet.loads(mxnet.dumps(arrays, names))
    assert got == names and all(np.array_equal(a, b) for a, b in zip(loaded, arrays))
    with pytest.raises(ValueError, match="2 names for 5 arrays"):
        mxnet.dumps(arrays, names[:2])
    with pytest.raises(TypeError):
        mxnet.dumps({1: arrays[0]})
    with pytest.raises(FormatError, match="cannot be encoded as UTF-8"):
        mxnet.dumps({"\ud800": arrays[0]})


def test_contexts_are_stored_and_reported(tmp_path):
    p = tmp_path / "ctx.nd"
    mxnet.save(p, [np.ones(1, np.float32)] * 2, contexts=[(2, 1), (3, 0)])
    assert [r.ctx for r in mxnet.scan(p).arrays] == [(2, 1), (3, 0)]
    assert all(np.array_equal(a, [1]) for a in mxnet.load(p)[0])


def test_keys_subset_and_mmap(tmp_path):
    p = tmp_path / "d.params"
    data = {k: random_array((50, 7), "float32", seed=i) for i, k in enumerate("abcd")}
    mxnet.save(p, data)
    arrays, names = mxnet.load(p, keys=["d", "b"])
    assert names == ["b", "d"] and same(arrays[0], data["b"]) and same(arrays[1], data["d"])
    with pytest.raises(KeyError, match="'nope'"):
        mxnet.load(p, keys=["nope"])
    views, names = mxnet.load(p, mmap=True)
    assert all(same(v, data[k]) and not v.flags.writeable for v, k in zip(views, names))
    mxnet.save(tmp_path / "l.nd", [data["a"]])
    with pytest.raises(ValueError, match="is a list"):
        mxnet.load(tmp_path / "l.nd", keys=["a"])


def test_sparse_round_trip_and_todense(tmp_path):
    values = np.arange(8, dtype=np.float32).reshape(2, 2, 2) + 1
    rsp = SparseArray.row_sparse(values, [1, 3], (4, 2, 2))
    csr = SparseArray.csr(np.array([5.0, 6.0, 7.0]), [0, 1, 2, 3], [1, 0, 2], (3, 3))
    empty = SparseArray.csr(np.zeros(0, np.float32), [], [], (2, 2))
    p = tmp_path / "sp.nd"
    mxnet.save(p, {"rsp": rsp, "csr": csr, "empty": empty, "dense": np.ones(2)})
    dense, _ = mxnet.load(p)
    ref_rsp = np.zeros((4, 2, 2), np.float32)
    ref_rsp[[1, 3]] = values
    ref_csr = np.array([[0, 5, 0], [6, 0, 0], [0, 0, 7]], np.float64)
    assert same(dense[0], ref_rsp) and same(dense[1], ref_csr) and same(dense[2], np.zeros((2, 2), np.float32))
    sparse, _ = mxnet.load(p, dense=False)
    assert [s.stype for s in sparse[:3]] == ["row_sparse", "csr", "csr"]
    assert np.array_equal(sparse[1].indptr, [0, 1, 2, 3]) and np.array_equal(sparse[1].indices, [1, 0, 2])
    assert [r.stype for r in mxnet.scan(p).arrays] == ["row_sparse", "csr", "csr", "default"]


# --------------------------------------------------------------------------- corrupt files
# Layout of BASE (two float32 records, names "w" and "b"):
# 0 list magic | 16 N=2 | 24 rec0 magic | 28 stype | 32 ndim | 36 dim0 | 44 dim1 | 52 ctx | 60 flag
# 64 data (24 B) | 88 rec1 magic | 92 stype | 96 ndim | 100 dim0 | 108 ctx | 116 flag | 120 data
# 132 K | 140 len | 148 "w" | 149 len | 157 "b" | 158 end
BASE = mxnet.dumps({"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.ones(3, np.float32)})


def patched(offset, fmt, value, data=BASE):
    b = bytearray(data)
    struct.pack_into(fmt, b, offset, value)
    return bytes(b)


CORRUPT = {
    "empty": (b"", r"truncated: list magic needs 8 bytes, only 0 left at offset 0$", None, "list magic", 0),
    "list magic": (patched(0, "<Q", 0x113), r"list magic is 0x113, expected 0x112", None, "list magic", 0),
    "array count": (patched(16, "<Q", 10**6), r"array count 1000000 cannot fit", None, "array count", 16),
    "array magic": (patched(88, "<I", 0xDEADBEEF), r"record 1: array magic 0xdeadbeef is unknown",
                    1, "array magic", 88),
    "storage type": (patched(28, "<i", 7), r"record 0: storage type 7 is unknown at offset 28$",
                     0, "storage type", 28),
    "negative dim": (patched(44, "<q", -5), r"record 0: shape dim 1 is -5 at offset 44$", 0, "shape dim 1", 44),
    "ndim too large": (patched(32, "<i", 40), r"record 0: shape ndim is 40 \(must be 0..32\) at offset 32$",
                       0, "shape ndim", 32),
    "negative ndim": (patched(32, "<i", -3), r"shape ndim is -3", 0, "shape ndim", 32),
    "ndim 0 in V2": (patched(32, "<i", 0), r"record 0: shape has ndim 0 in a V2 record", 0, "shape ndim", 32),
    "absurd dim": (patched(36, "<q", 2**40), r"record 0: data of shape \(1099511627776, 3\) float32 needs "
                   r"13194139533312 bytes, only 94 left at offset 64$", 0, "data", 64),
    "dtype flag": (patched(116, "<i", 42), r"record 1: dtype flag 42 is unknown at offset 116$",
                   1, "dtype flag", 116),
    "truncated record": (BASE[:102], r"record 1: truncated: shape dims needs 8 bytes, only 2 left at offset 100$",
                         1, "shape dims", 100),
    "truncated data": (BASE[:80], r"record 0: data of shape \(2, 3\) float32 needs 24 bytes, only 16 left",
                       0, "data", 64),
    "name count": (patched(132, "<Q", 1), r"name count is 1, must be 0 or the array count 2 at offset 132$",
                   None, "name count", 132),
    "name length": (patched(149, "<Q", 1000), r"record 1: name length 1000 is past the end of the file",
                    1, "name length", 149),
    "bad utf-8": (patched(148, "<B", 0xFF), r"record 0: name is not valid UTF-8 .* at offset 148$",
                  0, "name", 148),
    "trailing bytes": (BASE + b"\0\0", r"2 trailing bytes after the last name at offset 158$",
                       None, "end of file", 158),
    "V3 ndim -1": (patched(32, "<i", -1, patched(24, "<I", mxnet.V3_MAGIC)),
                   r"shape ndim is -1 \(unknown shape", 0, "shape ndim", 32),
    "legacy ndim": (patched(24, "<I", 33), r"array magic 0x00000021 is unknown", 0, "array magic", 24),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_corrupt_file_errors_name_field_and_offset(tmp_path, case):
    data, pattern, record, field, offset = CORRUPT[case]
    p = tmp_path / "model.params"
    p.write_bytes(data)
    for fn in (mxnet.load, mxnet.scan, lambda q: mxnet.load(q, mmap=True)):
        with pytest.raises(FormatError, match=pattern) as e:
            fn(p)
        assert str(e.value).startswith(str(p) + ": ")
        assert (e.value.record, e.value.field, e.value.offset) == (record, field, offset)
        assert isinstance(e.value, ValueError)
        clone = copy.copy(e.value)
        assert str(clone) == str(e.value) and (clone.record, clone.offset) == (record, offset)
    with pytest.raises(FormatError, match=pattern):
        mxnet.loads(data)


def _sparse_file(**kw):
    rsp = SparseArray.row_sparse(np.ones((2, 2), np.float32), [0, 2], (3, 2))
    csr = SparseArray.csr(np.array([1.0, 2.0], np.float32), [0, 1, 2], [0, 1], (2, 2))
    return bytearray(mxnet.dumps({"rsp": rsp, "csr": csr}))


def test_corrupt_sparse_records():
    good = _sparse_file()
    info = mxnet.loads(bytes(good), dense=False)[0]
    assert info[0].stype == "row_sparse"
    # rsp record: 24 magic, 28 stype, 32 sshape(20), 52 shape(20), 72 ctx, 80 flag, 84 aux flag,
    # 88 aux shape (12), 100 values (16 B), 116 indices (2 x i64)
    b = bytearray(good)
    struct.pack_into("<q", b, 124, 3)  # second row index 3 >= 3 rows
    with pytest.raises(FormatError, match=r"record 0 \('rsp'\): invalid row_sparse data: indices out of range"):
        mxnet.loads(bytes(b))
    b = bytearray(good)
    struct.pack_into("<i", b, 84, 0)  # aux dtype float32
    with pytest.raises(FormatError, match=r"aux 0 \(indices\) dtype float32 is not an integer type at offset 84"):
        mxnet.loads(bytes(b))
    b = bytearray(good)
    struct.pack_into("<q", b, 44, 3)  # storage shape (2, 3) vs shape (3, 2)
    with pytest.raises(FormatError, match="storage shape"):
        mxnet.loads(bytes(b))
    # csr record starts at 132: indptr data after values; make indptr decreasing
    csr_at = 132
    info = [a for a in _scan_bytes(bytes(good)) if a.stype == "csr"][0]
    assert info.offset == csr_at
    b = bytearray(good)
    struct.pack_into("<q", b, info.aux[0].data_offset + 8, 5)
    with pytest.raises(FormatError, match=r"record 1 \('csr'\): invalid csr data: indptr"):
        mxnet.loads(bytes(b))


def _scan_bytes(data):
    src = mxnet._Source("<bytes>", buf=data)
    return mxnet._parse(src).arrays


def test_no_allocation_beyond_the_file(tmp_path):
    """A header claiming 400 MB in a tiny file fails before anything is allocated."""
    p = tmp_path / "lie.params"
    p.write_bytes(patched(36, "<q", 10**8 // 3))
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match=r"needs 3999999\d\d bytes, only 94 left"):
            mxnet.load(p)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


def test_zero_size_array_with_absurd_other_dim_is_a_format_error(tmp_path):
    """Found by the mutation fuzzer: shape (0, 2**62) has no data but numpy cannot even create it."""
    import struct

    import pytest

    from ndx.formats import FormatError, mxnet
    head = struct.pack("<QQQ", mxnet.LIST_MAGIC, 0, 1)
    record = struct.pack("<Ii", mxnet.V2_MAGIC, 0) + struct.pack("<i2q", 2, 0, 2 ** 62) + struct.pack("<iii", 1, 0, 0)
    path = tmp_path / "absurd.params"
    path.write_bytes(head + record + struct.pack("<Q", 0))
    with pytest.raises(FormatError, match="absurdly large"):
        mxnet.load(str(path))


@pytest.mark.parametrize("make", [
    lambda r: r.standard_normal((1500, 1100)).astype(np.float32),            # contiguous, several 4 MB stages
    lambda r: r.standard_normal((1100, 1500)).astype(np.float32).T,          # transposed: rows staged
    lambda r: r.standard_normal((2, 2_400_000)).astype(np.float32)[:, ::2],  # rows larger than a stage
    lambda r: r.integers(0, 2, (3000, 700)).astype(bool)[::-1],               # 1-byte dtype, reversed
], ids=["contiguous", "transposed", "huge-rows", "bool-reversed"])
def test_large_arrays_are_written_exactly(tmp_path, make):
    """Large arrays are written in 1 MB pieces (staged when not contiguous): every layout must still
    write its C-order bytes."""
    a = make(np.random.default_rng(0))
    p = tmp_path / "big.params"
    mxnet.save(p, {"a": a})
    arrays, names = mxnet.load(p)
    assert names == ["a"] and arrays[0].dtype == a.dtype
    np.testing.assert_array_equal(arrays[0], a)
    assert p.read_bytes() == mxnet.dumps({"a": np.ascontiguousarray(a)})
