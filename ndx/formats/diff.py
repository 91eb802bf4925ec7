"""Compare two checkpoints of any formats key by key: presence, shape, dtype and values.

Arrays are read one pair at a time and compared in chunks, so memory stays bounded by the
largest array. Values are equal within tolerance when ``|a - b| <= atol + rtol * |b|``
elementwise (``numpy.isclose``, NaN equal to NaN); the defaults (0, 0) ask for exact equality.
List files are matched by position (keys ``'0'``, ``'1'``, ...).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .convert import BFLOAT16, open_source

__all__ = ["diff", "DiffResult", "ArrayDiff"]

_CHUNK = 1 << 20


def _dtype_name(dt) -> str:
    return "bfloat16" if np.dtype(dt) == BFLOAT16 else np.dtype(dt).name


@dataclass
class ArrayDiff:
    """One key present in both files. ``max_abs``/``max_rel`` are ``None`` when shapes differ;
    ``max_rel`` is ``|a - b| / |b|`` (``inf`` where ``b`` is 0 and ``a`` is not); ``mismatches``
    counts elements outside the tolerance (NaN against a number counts)."""

    key: str
    shape_a: tuple
    shape_b: tuple
    dtype_a: str
    dtype_b: str
    max_abs: float | None = None
    max_rel: float | None = None
    mismatches: int = 0

    @property
    def equal(self) -> bool:
        return (self.shape_a == self.shape_b and self.dtype_a == self.dtype_b
                and self.mismatches == 0)

    def to_dict(self):
        return {"key": self.key, "shape_a": list(self.shape_a), "shape_b": list(self.shape_b),
                "dtype_a": self.dtype_a, "dtype_b": self.dtype_b, "max_abs": self.max_abs,
                "max_rel": self.max_rel, "mismatches": self.mismatches, "equal": self.equal}


@dataclass
class DiffResult:
    """``only_a``/``only_b``: keys in one file only; ``arrays``: an :class:`ArrayDiff` per common key.
    ``equal`` is true when both files hold the same keys with equal shapes, dtypes and values."""

    a: str
    b: str
    rtol: float
    atol: float
    only_a: list = field(default_factory=list)
    only_b: list = field(default_factory=list)
    arrays: list = field(default_factory=list)

    @property
    def differing(self) -> list:
        return [d for d in self.arrays if not d.equal]

    @property
    def equal(self) -> bool:
        return not self.only_a and not self.only_b and not self.differing

    def __bool__(self):
        return self.equal

    def to_dict(self):
        return {"a": self.a, "b": self.b, "rtol": self.rtol, "atol": self.atol, "equal": self.equal,
                "only_a": self.only_a, "only_b": self.only_b,
                "arrays": [d.to_dict() for d in self.arrays]}


def _as_f64(c):
    return c.astype(np.float64)


def _compare(d, a, b, rtol, atol):
    fa, fb = np.ascontiguousarray(a).reshape(-1), np.ascontiguousarray(b).reshape(-1)
    max_abs = max_rel = 0.0
    mismatches = 0
    exact = rtol == 0 and atol == 0
    same_dtype = fa.dtype == fb.dtype
    for s in range(0, fa.size, _CHUNK):
        ca, cb = fa[s:s + _CHUNK], fb[s:s + _CHUNK]
        if same_dtype and np.array_equal(ca.view(np.uint8), cb.view(np.uint8)):
            continue  # identical bytes: no difference (the common case, checked at memcmp speed)
        xa, xb = _as_f64(ca), _as_f64(cb)
        both_nan = np.isnan(xa) & np.isnan(xb)
        same = (xa == xb) | both_nan  # also equal infinities
        one_nan = np.isnan(xa) ^ np.isnan(xb)
        with np.errstate(invalid="ignore", divide="ignore"):
            absdiff = np.where(same | one_nan, 0.0, np.abs(xa - xb))
            rel = np.where(absdiff == 0, 0.0, absdiff / np.abs(xb))
        if absdiff.size:
            max_abs = max(max_abs, float(absdiff.max()))
            max_rel = max(max_rel, float(np.nan_to_num(rel, nan=math.inf).max()))
        if exact and ca.dtype == cb.dtype and ca.dtype.kind in "iub":
            bad = ca != cb  # integers compared exactly, not through float64
        else:
            bad = ~(same | np.isclose(xa, xb, rtol=rtol, atol=atol, equal_nan=True))
        mismatches += int(bad.sum())
    d.max_abs, d.max_rel, d.mismatches = max_abs, max_rel, mismatches


def diff(a, b, rtol=0.0, atol=0.0) -> DiffResult:
    """Compare checkpoint files ``a`` and ``b`` (any formats); returns a :class:`DiffResult`."""
    if rtol < 0 or atol < 0:
        raise ValueError("rtol and atol must be >= 0")
    with open_source(a) as sa, open_source(b) as sb:
        result = DiffResult(a=sa.path, b=sb.path, rtol=rtol, atol=atol)
        index_b = {k: i for i, k in enumerate(sb.keys)}
        keys_a = set(sa.keys)
        result.only_a = [k for k in sa.keys if k not in index_b]
        result.only_b = [k for k in sb.keys if k not in keys_a]
        for i, key in enumerate(sa.keys):
            j = index_b.get(key)
            if j is None:
                continue
            ia, ib = sa.infos[i], sb.infos[j]
            d = ArrayDiff(key, tuple(ia.shape), tuple(ib.shape), _dtype_name(ia.dtype),
                          _dtype_name(ib.dtype))
            if d.shape_a == d.shape_b:
                _compare(d, sa.get(i, dense=True), sb.get(j, dense=True), rtol, atol)
                sa.release(i)
                sb.release(j)
            result.arrays.append(d)
        return result
