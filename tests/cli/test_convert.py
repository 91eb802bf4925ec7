"""``ndx.formats.convert``: every direction bit for bit against the MXNet manifest, renames, casts, errors."""
from __future__ import annotations

import os
import sys

import ml_dtypes
import numpy as np
import pytest
import safetensors.numpy

from ndx.formats import FormatError, convert, load_arrays, mxnet, save_arrays, scan
from ndx.formats.convert import ConversionResult

from .conftest import FIXTURES, loadable_fixtures, sha256

conv_mod = sys.modules["ndx.formats.convert"]  # the module (ndx.formats.convert is the function)

EXT = {"mxnet": ".params", "safetensors": ".safetensors", "npz": ".npz"}


def check_against_manifest(path, entry):
    """Every array of ``path`` hashes like the manifest; container and key order are kept."""
    data = load_arrays(path)
    if entry["container"] == "dict":
        assert isinstance(data, dict) and list(data) == entry["keys"]
        arrays = list(data.values())
    else:
        assert isinstance(data, list)
        arrays = data
    assert len(arrays) == entry["num_arrays"]
    for a, want in zip(arrays, entry["arrays"]):
        assert list(a.shape) == want["shape"]
        assert (a.dtype.name if a.dtype != np.dtype(ml_dtypes.bfloat16) else "bfloat16") == want["dtype"]
        assert sha256(a) == want["sha256"], want.get("key") or want["index"]


@pytest.mark.parametrize("fixture_file", loadable_fixtures(), indirect=True)
def test_every_direction_is_bit_exact(fixture_file, tmp_path):
    path, entry = fixture_file
    for first in ("mxnet", "safetensors", "npz"):
        a = tmp_path / f"first{EXT[first]}"
        res = convert(path, a)
        assert isinstance(res, ConversionResult) and res.output_format == first
        check_against_manifest(a, entry)
        for second in ("mxnet", "safetensors", "npz"):
            b = tmp_path / f"{first}_to{EXT[second]}"
            convert(a, b)
            check_against_manifest(b, entry)


@pytest.mark.parametrize("fixture_file", loadable_fixtures(), indirect=True)
def test_mxnet_output_matches_reference_writer(fixture_file, tmp_path):
    """The streaming MXNet writer gives the bytes of ``mxnet.dumps`` (and of MXNet's own cpu files)."""
    path, entry = fixture_file
    out = tmp_path / "out.params"
    convert(path, out)
    arrays, names = mxnet.load(path, dense=False)
    v3 = entry["per_array_magics"] == ["0xf993faca"]   # numpy-shape files stay numpy-shape
    assert out.read_bytes() == mxnet.dumps(arrays, names, np_shape=True if v3 else None)
    magics = set(entry["per_array_magics"])
    if magics <= {"0xf993fac9", "0xf993faca"} and all(a["ctx"] == [1, 0] for a in entry["arrays"]):
        assert out.read_bytes() == path.read_bytes()


def test_sparse_records_stay_sparse_in_mxnet_output(tmp_path):
    out = tmp_path / "s.nd"
    convert(FIXTURES / "ndarray" / "sparse_mixed_dict.nd", out)
    assert [a.stype for a in scan(out).arrays] == ["default", "row_sparse", "row_sparse", "csr"]
    convert(FIXTURES / "ndarray" / "sparse_mixed_dict.nd", tmp_path / "s.safetensors")
    assert {a.stype for a in scan(tmp_path / "s.safetensors").arrays} == {"default"}


def test_safetensors_output_reads_with_the_package(tmp_path):
    src = tmp_path / "in.npz"
    data = {"w": np.arange(12, dtype=np.float32).reshape(3, 4), "s": np.array(2.5),
            "e": np.zeros((0, 3), np.int64), "m": np.array([True, False]),
            "h": np.arange(5, dtype=ml_dtypes.bfloat16), "b": np.arange(3, dtype=np.uint8)}
    save_arrays(src, data)
    out = tmp_path / "out.safetensors"
    convert(src, out)
    back = safetensors.numpy.load_file(str(out))
    assert set(back) == set(data)
    for k, v in data.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape and np.array_equal(back[k], v)
    assert list(load_arrays(out)) == list(data)           # caller's order kept, not sorted
    assert scan(out).metadata["naming"] == "prefixed"


def test_chunked_cast_and_write(tmp_path, monkeypatch):
    """Arrays larger than the chunk size are converted and written piece by piece."""
    monkeypatch.setattr(conv_mod, "_CHUNK", 64)
    rng = np.random.default_rng(0)
    data = {"big": rng.normal(size=(37, 11)).astype(np.float32),
            "t": rng.normal(size=(9, 13)).astype(np.float64).T,     # not C-contiguous
            "ints": np.arange(100, dtype=np.int32)}
    src = tmp_path / "in.npz"
    save_arrays(src, data)
    for ext in (".params", ".safetensors", ".npz"):
        out = tmp_path / f"out{ext}"
        convert(src, out, dtype="float16")
        back = load_arrays(out)
        assert back["big"].dtype == np.float16 and np.array_equal(back["big"], data["big"].astype(np.float16))
        assert np.array_equal(back["t"], data["t"].astype(np.float16))
        assert back["ints"].dtype == np.int32 and np.array_equal(back["ints"], data["ints"])


def test_dtype_bfloat16_rounds_like_ml_dtypes(tmp_path):
    x = np.random.default_rng(1).normal(size=(4, 5)).astype(np.float32)
    src = tmp_path / "in.params"
    save_arrays(src, {"x": x, "i": np.arange(3, dtype=np.int64)})
    out = tmp_path / "out.safetensors"
    res = convert(src, out, dtype="bfloat16")
    assert res.cast == ["x"]
    back = load_arrays(out)
    assert back["x"].dtype == np.dtype(ml_dtypes.bfloat16)
    assert np.array_equal(back["x"].view(np.uint16), x.astype(ml_dtypes.bfloat16).view(np.uint16))
    assert back["i"].dtype == np.int64
    with pytest.raises(ValueError, match="floating"):
        convert(src, tmp_path / "bad.npz", dtype="int32")


def _names(tmp_path, keys, **kw):
    src = tmp_path / "names.params"
    save_arrays(src, {k: np.full(2, i, np.float32) for i, k in enumerate(keys)})
    out = tmp_path / "renamed.safetensors"
    res = convert(src, out, force=True, **kw)
    back = load_arrays(out)
    assert list(back) == res.keys
    for i, k in enumerate(keys):  # values follow their key
        if k in res.renamed or k in res.keys:
            assert back[res.renamed.get(k, k)][0] == i
    return res


def test_rename_rules_apply_in_order(tmp_path):
    res = _names(tmp_path, ["model0_dense0_weight", "model0_dense0_bias"],
                 rename=[r"^model0_=net.", r"dense(\d)_=layer\1."])
    assert res.keys == ["net.layer0.weight", "net.layer0.bias"]
    res = _names(tmp_path, ["a=b"], rename=[("=", "-")])
    assert res.keys == ["a-b"]


def test_prefixes_and_filters(tmp_path):
    keys = ["arg:net_w", "arg:net_b", "aux:net_mean", "arg:other"]
    res = _names(tmp_path, keys, strip_arg_aux=True, strip_prefix="net_", add_prefix="m.",
                 exclude="other")
    assert res.keys == ["m.w", "m.b", "m.mean"] and res.excluded == ["arg:other"]
    res = _names(tmp_path, keys, only="^aux:")
    assert res.keys == ["aux:net_mean"]


def test_two_keys_to_one_name_is_an_error_naming_both(tmp_path):
    with pytest.raises(ValueError, match=r"'arg:x' and 'aux:x' both map to 'x'"):
        _names(tmp_path, ["arg:x", "aux:x"], strip_arg_aux=True)
    assert not (tmp_path / "renamed.safetensors").exists()
    with pytest.raises(ValueError, match="bad regular expression"):
        _names(tmp_path, ["a"], rename=["(=x"])
    with pytest.raises(ValueError, match="REGEX=REPLACEMENT"):
        _names(tmp_path, ["a"], rename=["nothing"])


def test_preset_mxnet_to_torch(tmp_path):
    out = tmp_path / "t.safetensors"
    res = convert(FIXTURES / "nets" / "convnet" / "save_parameters.params", out, preset="mxnet-to-torch")
    src = load_arrays(FIXTURES / "nets" / "convnet" / "save_parameters.params")
    want = {k.replace(".gamma", ".weight").replace(".beta", ".bias"): v for k, v in src.items()}
    back = load_arrays(out)
    assert list(back) == list(want) and res.unmapped == []
    assert all(np.array_equal(back[k], want[k]) for k in want)
    res = convert(FIXTURES / "nets" / "convnet_hybrid" / "export-0000.params", tmp_path / "e.npz",
                  preset="mxnet-to-torch")
    assert "hybridsequential0_batchnorm0.weight" in res.keys
    assert "hybridsequential0_batchnorm0.running_var" in res.keys
    res = _names(tmp_path, ["0.moving_mean", "1.alpha", "step_count", "arg:conv0_beta"],
                 preset="mxnet-to-torch")
    assert res.keys == ["0.running_mean", "1.weight", "step_count", "conv0.bias"]
    assert res.unmapped == ["step_count"]


def test_list_stays_list_until_renamed(tmp_path):
    src = FIXTURES / "ndarray" / "list.nd"
    convert(src, tmp_path / "l.safetensors")
    assert isinstance(load_arrays(tmp_path / "l.safetensors"), list)
    convert(src, tmp_path / "d.npz", add_prefix="arr")
    assert list(load_arrays(tmp_path / "d.npz")) == ["arr0", "arr1", "arr2"]


def test_existing_output_is_refused_unless_force(tmp_path):
    out = tmp_path / "o.npz"
    out.write_bytes(b"keep")
    with pytest.raises(FileExistsError, match="--force"):
        convert(FIXTURES / "ndarray" / "dict.nd", out)
    assert out.read_bytes() == b"keep"
    convert(FIXTURES / "ndarray" / "dict.nd", out, force=True)
    assert list(load_arrays(out)) == ["weight", "bias", "running_mean"]


def _corrupt_files(tmp_path):
    good = (FIXTURES / "nets" / "mlp" / "save_parameters.params").read_bytes()
    files = {"truncated.params": good[:-100], "garbage.params": b"not a checkpoint at all",
             "empty.params": b"", "bad.safetensors": b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":1}xxxxxxxx",
             "bad.npz": b"PK\x03\x04" + b"\x00" * 40}
    out = {}
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
        out[name] = tmp_path / name
    return out


def test_corrupt_input_raises_format_error_and_writes_nothing(tmp_path):
    src_dir = tmp_path / "in"
    src_dir.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for name, path in _corrupt_files(src_dir).items():
        for ext in (".params", ".safetensors", ".npz"):
            with pytest.raises(FormatError) as info:
                convert(path, out_dir / f"x{ext}")
            assert name in str(info.value)
    assert os.listdir(out_dir) == []          # no output, no temporary file
    with pytest.raises(FormatError, match="no such file"):
        convert(tmp_path / "missing.params", out_dir / "x.npz")


def test_unstorable_dtype_names_the_key_and_writes_nothing(tmp_path):
    src = tmp_path / "i16.safetensors"
    save_arrays(src, {"ok": np.ones(2, np.float32), "ids": np.arange(3, dtype=np.int16)})
    with pytest.raises(FormatError, match="'ids'.*int16"):
        convert(src, tmp_path / "o.params")
    assert sorted(os.listdir(tmp_path)) == ["i16.safetensors"]


def test_torch_extension_without_torch_is_a_clear_error(tmp_path):
    try:
        import torch  # noqa: F401
    except ImportError:
        with pytest.raises(FormatError, match="needs the torch package"):
            convert(FIXTURES / "ndarray" / "dict.nd", tmp_path / "m.pt")
        assert not (tmp_path / "m.pt").exists()
    else:  # with torch the same call works (round trips are in test_torch.py)
        res = convert(FIXTURES / "ndarray" / "dict.nd", tmp_path / "m.pt")
        assert res.output_format == "torch" and res.keys == ["weight", "bias", "running_mean"]


def test_output_format_from_to_or_extension(tmp_path):
    res = convert(FIXTURES / "ndarray" / "dict.nd", tmp_path / "weights.bin", to="safetensors")
    assert res.output_format == "safetensors" and scan(tmp_path / "weights.bin").format == "safetensors"
    with pytest.raises(ValueError, match="extension"):
        convert(FIXTURES / "ndarray" / "dict.nd", tmp_path / "weights.xyz")
