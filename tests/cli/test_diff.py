"""``ndx.formats.diff``: keys, shapes, dtypes and value differences between two files."""
from __future__ import annotations

import numpy as np
import pytest

from ndx.formats import convert, diff, load_arrays, save_arrays

from .conftest import FIXTURES


def test_converted_files_are_equal(tmp_path):
    src = FIXTURES / "nets" / "rgnet_d2l" / "save_parameters.params"
    convert(src, tmp_path / "r.safetensors")
    r = diff(src, tmp_path / "r.safetensors")
    assert r.equal and bool(r) and len(r.arrays) == 18
    assert all(d.max_abs == 0 and d.max_rel == 0 for d in r.arrays)


def test_value_differences_and_tolerances(tmp_path):
    rng = np.random.default_rng(0)
    a = {"w": rng.normal(size=(20, 5)).astype(np.float32), "n": np.array([1.0, np.nan, np.inf]),
         "i": np.arange(6, dtype=np.int64)}
    b = {k: v.copy() for k, v in a.items()}
    b["w"][4, 2] += 0.01
    save_arrays(tmp_path / "a.npz", a)
    save_arrays(tmp_path / "b.params", b)
    r = diff(tmp_path / "a.npz", tmp_path / "b.params")
    assert not r.equal and [d.key for d in r.differing] == ["w"]
    w = next(d for d in r.arrays if d.key == "w")
    absdiff = np.abs(a["w"].astype(np.float64) - b["w"].astype(np.float64))
    assert w.max_abs == absdiff.max()
    assert w.max_rel == (absdiff / np.abs(b["w"].astype(np.float64))).max()
    assert w.mismatches == 1
    assert diff(tmp_path / "a.npz", tmp_path / "b.params", atol=0.011).equal
    assert not diff(tmp_path / "a.npz", tmp_path / "b.params", atol=0.009).equal
    rel_needed = w.max_rel
    assert diff(tmp_path / "a.npz", tmp_path / "b.params", rtol=rel_needed * 1.01).equal


def test_keys_shapes_dtypes(tmp_path):
    save_arrays(tmp_path / "a.safetensors", {"x": np.zeros((2, 3), np.float32), "y": np.ones(2),
                                             "only_a": np.ones(1)})
    save_arrays(tmp_path / "b.safetensors", {"x": np.zeros((3, 2), np.float32),
                                             "y": np.ones(2, np.float32), "only_b": np.ones(1)})
    r = diff(tmp_path / "a.safetensors", tmp_path / "b.safetensors")
    assert r.only_a == ["only_a"] and r.only_b == ["only_b"]
    x, y = r.arrays
    assert x.shape_a == (2, 3) and x.shape_b == (3, 2) and x.max_abs is None and not x.equal
    assert (y.dtype_a, y.dtype_b) == ("float64", "float32") and y.max_abs == 0 and not y.equal
    d = r.to_dict()
    assert d["equal"] is False and d["arrays"][0]["shape_a"] == [2, 3]


def test_nan_against_number_is_a_mismatch(tmp_path):
    save_arrays(tmp_path / "a.npz", {"v": np.array([np.nan, 1.0])})
    save_arrays(tmp_path / "b.npz", {"v": np.array([0.0, 1.0])})
    r = diff(tmp_path / "a.npz", tmp_path / "b.npz", atol=1e9)
    assert r.arrays[0].mismatches == 1 and not r.equal


def test_integers_compare_exactly(tmp_path):
    big = np.array([2**62 + 1], np.int64)
    save_arrays(tmp_path / "a.npz", {"v": big})
    save_arrays(tmp_path / "b.npz", {"v": big + 1})   # equal once rounded to float64
    assert not diff(tmp_path / "a.npz", tmp_path / "b.npz").equal


def test_list_files_match_by_position():
    r = diff(FIXTURES / "ndarray" / "list.nd", FIXTURES / "ndarray" / "list.nd")
    assert r.equal and [d.key for d in r.arrays] == ["0", "1", "2"]
    assert load_arrays(FIXTURES / "ndarray" / "list.nd")  # a list file


def test_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="rtol and atol"):
        diff(FIXTURES / "ndarray" / "list.nd", FIXTURES / "ndarray" / "list.nd", rtol=-1)
