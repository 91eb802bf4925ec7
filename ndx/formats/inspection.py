"""What a checkpoint holds: format, layout, naming scheme, and per-array key/shape/dtype/bytes.

Reads only the headers (``scan``) unless ``stats=True``, which reads the arrays one at a time and
reduces each in chunks (float64 accumulators), so memory stays bounded by the largest array.
MXNet ``-symbol.json`` graphs are described by :func:`ndx.symbol.describe_graph`.
"""
from __future__ import annotations

import math
import os

import numpy as np

from .convert import BFLOAT16, is_floating, naming_scheme, open_source
from ..base import MXNetError
from .errors import FormatError

__all__ = ["inspect", "array_stats", "format_report"]

_STAT_CHUNK = 1 << 22  # elements per reduction step


def _dtype_name(dt) -> str:
    return "bfloat16" if np.dtype(dt) == BFLOAT16 else np.dtype(dt).name


def array_stats(a) -> dict:
    """min/max/mean/std (over the finite values, float64, population std) and NaN/Inf counts."""
    flat = np.ascontiguousarray(a).reshape(-1)
    floating = is_floating(flat.dtype)
    n = nan = inf = 0
    lo, hi, mean, m2 = math.inf, -math.inf, 0.0, 0.0
    for s in range(0, flat.size, _STAT_CHUNK):
        c = flat[s:s + _STAT_CHUNK].astype(np.float64)
        if floating:
            isnan = np.isnan(c)
            isinf = np.isinf(c)
            nan += int(isnan.sum())
            inf += int(isinf.sum())
            c = c[~(isnan | isinf)]
        if c.size == 0:
            continue
        lo, hi = min(lo, float(c.min())), max(hi, float(c.max()))
        cm = float(c.mean())
        cm2 = float(np.square(c - cm).sum())
        total = n + c.size
        delta = cm - mean
        mean += delta * c.size / total
        m2 += cm2 + delta * delta * n * c.size / total  # Chan et al.'s pairwise update
        n = total
    finite = n > 0
    return {"min": lo if finite else None, "max": hi if finite else None,
            "mean": mean if finite else None, "std": math.sqrt(m2 / n) if finite else None,
            "nan": nan, "inf": inf}


def _is_symbol_file(path) -> bool:
    if not os.fspath(path).lower().endswith(".json"):
        return False
    with open(path, "rb") as f:
        return f.read(64).lstrip()[:1] == b"{"


def _inspect_symbol(path, params):
    from ..symbol import describe_graph
    try:
        graph = describe_graph(path, params)
    except FormatError:
        raise
    except (MXNetError, ValueError, KeyError, TypeError) as e:
        raise FormatError(f"cannot read the symbol graph: {e}", filename=os.fspath(path)) from None
    for p in graph["params"]:
        if p.get("shape") is not None:
            p["shape"] = list(p["shape"])
    return {"path": os.fspath(path), "format": "mxnet-symbol", "params_file":
            None if params is None else os.fspath(params), "graph": graph}


def inspect(path, stats=False, params=None) -> dict:
    """Describe a checkpoint (or an MXNet ``-symbol.json`` graph) as a JSON-ready dict.

    Checkpoint keys: ``path``, ``format``, ``file_size``, ``container``, ``num_arrays``,
    ``layouts`` (MXNet record layouts seen: ``V1``/``V2``/``V3``/``legacy``), ``sparse``,
    ``naming`` (see :func:`ndx.formats.convert.naming_scheme`), ``metadata``, ``arrays`` (one dict
    per array: ``key``, ``shape``, ``dtype``, ``stype``, ``nbytes``, and ``stats`` when asked) and
    ``totals`` (``arrays``, ``elements``, ``nbytes``, ``by_dtype``). ``params`` gives the params
    file of a symbol graph (shapes of its parameters).
    """
    path = os.fspath(path)
    if os.path.isfile(path) and _is_symbol_file(path):
        return _inspect_symbol(path, params)
    with open_source(path) as src:
        named = src.container == "dict"
        arrays, by_dtype, elements = [], {}, 0
        for i, (key, a) in enumerate(zip(src.keys, src.infos)):
            entry = {"key": key if named else None, "index": i, "shape": list(a.shape),
                     "dtype": _dtype_name(a.dtype), "stype": a.stype, "nbytes": int(a.nbytes)}
            if a.layout is not None:
                entry["layout"] = a.layout
            if a.storage_shape is not None:
                entry["storage_shape"] = list(a.storage_shape)
            if stats:
                entry["stats"] = array_stats(src.get(i, dense=True))
                src.release(i)
            arrays.append(entry)
            size = math.prod(a.shape)
            elements += size
            by_dtype[entry["dtype"]] = by_dtype.get(entry["dtype"], 0) + int(a.nbytes)
        layouts = sorted({a.layout for a in src.infos if a.layout is not None})
        metadata = {k: v for k, v in src.metadata.items()}
        return {"path": path, "format": src.format, "file_size": os.path.getsize(path),
                "container": src.container, "num_arrays": len(arrays), "layouts": layouts,
                "sparse": any(a.stype != "default" for a in src.infos),
                "naming": naming_scheme(src.keys if named else None), "metadata": metadata,
                "skipped": list(src.skipped), "arrays": arrays,
                "totals": {"arrays": len(arrays), "elements": elements,
                           "nbytes": sum(e["nbytes"] for e in arrays), "by_dtype": by_dtype}}


# --------------------------------------------------------------------------- text rendering
_NAMING_EXAMPLES = {"structural": "structural (save_parameters: 0.weight)",
                    "prefixed": "prefixed (collect_params: dense0_weight)",
                    "arg:aux": "arg:/aux: (HybridBlock.export: arg:dense0_weight)",
                    "list": "none (a list of arrays)", "empty": "none (no arrays)",
                    "mixed": "mixed (some keys carry arg:/aux:)"}


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def _num(x) -> str:
    return "-" if x is None else f"{x:.6g}"


def _table(rows, headers, right=()):
    widths = [max(len(h), *(len(r[j]) for r in rows)) if rows else len(h)
              for j, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.rjust(w) if j in right else c.ljust(w)
                         for j, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return [line(headers)] + [line(r) for r in rows]


def _symbol_report(info):
    g = info["graph"]
    out = [f"{info['path']}: MXNet symbol graph, {g['num_nodes']} nodes"]
    if info["params_file"]:
        out.append(f"params: {info['params_file']}")
    out.append("inputs: " + (", ".join(g["inputs"]) or "(none)"))
    rows = [[p["name"], "?" if p["shape"] is None else "(" + ", ".join(map(str, p["shape"])) +
             ("," if len(p["shape"]) == 1 else "") + ")", p["dtype"] or "-", p["kind"]]
            for p in g["params"]]
    out.append(f"parameters ({len(rows)}):")
    out += ["  " + s for s in _table(rows, ["name", "shape", "dtype", "kind"])]
    out.append("ops: " + ", ".join(f"{op} x{n}" for op, n in g["ops"].items()))
    out.append("outputs: " + ", ".join(g["outputs"]))
    if g.get("unsupported"):
        out.append("not supported by ndx: " + ", ".join(g["unsupported"]))
    return "\n".join(out)


def format_report(info: dict) -> str:
    """The human-readable text of ``ndx inspect`` for one :func:`inspect` result."""
    if info["format"] == "mxnet-symbol":
        return _symbol_report(info)
    kind = {"mxnet": "MXNet NDArray file", "safetensors": "safetensors", "npz": "npz",
            "torch": "PyTorch state dict"}[info["format"]]
    head = [f"{info['path']}: {kind}, {info['container']} of {info['num_arrays']} arrays, "
            f"{_size(info['file_size'])}"]
    details = []
    if info["layouts"]:
        details.append("layout " + "/".join(info["layouts"]))
    details.append("sparse records" if info["sparse"] else "dense")
    head.append("  " + ", ".join(details))
    head.append("  naming: " + _NAMING_EXAMPLES.get(info["naming"], info["naming"]))
    if info["metadata"]:
        head.append("  metadata: " + ", ".join(f"{k}={v}" for k, v in info["metadata"].items()))
    if info.get("skipped"):
        head.append("  not tensors (ignored): " + ", ".join(info["skipped"]))
    with_stats = any("stats" in a for a in info["arrays"])
    headers = ["key", "shape", "dtype", "stype", "bytes"]
    if with_stats:
        headers += ["min", "max", "mean", "std", "nan", "inf"]
    rows = []
    for a in info["arrays"]:
        shape = "(" + ", ".join(map(str, a["shape"])) + ("," if len(a["shape"]) == 1 else "") + ")"
        row = [a["key"] if a["key"] is not None else f"[{a['index']}]", shape, a["dtype"],
               a["stype"], f"{a['nbytes']:,}"]
        if with_stats:
            s = a["stats"]
            row += [_num(s["min"]), _num(s["max"]), _num(s["mean"]), _num(s["std"]),
                    str(s["nan"]), str(s["inf"])]
        rows.append(row)
    right = {4} | ({5, 6, 7, 8, 9, 10} if with_stats else set())
    t = info["totals"]
    by_dtype = ", ".join(f"{k} {v:,} B" for k, v in t["by_dtype"].items())
    total = (f"total: {t['arrays']} arrays, {t['elements']:,} elements, {t['nbytes']:,} bytes"
             + (f" ({by_dtype})" if by_dtype else ""))
    return "\n".join(head + [""] + _table(rows, headers, right) + ["", total])
