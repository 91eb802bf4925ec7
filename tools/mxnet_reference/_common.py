"""Shared helpers for the MXNet 1.9.1 reference-data generators.

Run every generator with the MXNet venv's interpreter
(``.venv-mxnet/bin/python tools/mxnet_reference/<name>.py``). This module must be
imported *before* ``mxnet`` so that the threading environment is fixed.
"""
import io
import itertools
import json
import os
import sys
import zipfile

# Single-threaded kernels => bit-reproducible reductions. Must happen before mxnet loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MXNET_ENGINE_TYPE", "NaiveEngine")
os.environ.setdefault("MXNET_CPU_WORKER_NTHREADS", "1")

import numpy as np  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(REPO, "tests", "data")


def import_mxnet():
    import warnings

    warnings.filterwarnings("ignore")
    import mxnet as mx

    assert mx.__version__ == "1.9.1", mx.__version__
    return mx


def out_dir(*parts):
    d = os.path.join(DATA, *parts)
    os.makedirs(d, exist_ok=True)
    return d


def rng(seed):
    return np.random.RandomState(seed)


class Draws:
    """A generator's seeded float32 inputs: every draw takes a fresh RandomState seeded ``base + 1``,
    ``base + 2``, ... in call order, so each input can be regenerated from its seed alone."""

    def __init__(self, base):
        self._seeds = itertools.count(base + 1)

    def R(self):
        """The next seed's RandomState."""
        return rng(next(self._seeds))

    def randn(self, *shape, scale=1.0):
        """Standard normals of ``shape`` times ``scale``."""
        return (self.R().standard_normal(shape) * scale).astype(np.float32)

    def randu(self, lo, hi, *shape):
        """Uniform values in [lo, hi) of ``shape``."""
        return self.R().uniform(lo, hi, shape).astype(np.float32)


def save_npz(path, arrays):
    """Deterministic .npz (fixed zip timestamps, insertion order, deflate)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def _fmt(o, ind):
    flat = json.dumps(o)
    if not isinstance(o, (dict, list)) or (len(flat) <= 100 and "{" not in flat):
        return flat
    pad = " " * (ind + 1)
    if isinstance(o, dict):
        if not o:
            return "{}"
        items = ["%s%s: %s" % (pad, json.dumps(str(k)), _fmt(v, ind + 1)) for k, v in o.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * ind + "}"
    if not o:
        return "[]"
    items = [pad + _fmt(v, ind + 1) for v in o]
    return "[\n" + ",\n".join(items) + "\n" + " " * ind + "]"


def save_json(path, obj):
    """JSON with one line per short list (readable, diff-friendly, compact)."""
    with open(path, "w") as f:
        f.write(_fmt(obj, 0))
        f.write("\n")


def header(generator):
    import mxnet as mx

    return {
        "mxnet_version": mx.__version__,
        "numpy_version": np.__version__,
        "python_version": "%d.%d" % sys.version_info[:2],
        "generator": "tools/mxnet_reference/" + os.path.basename(generator),
    }


def err_text(e):
    """MXNet error message without the C++ traceback lines."""
    lines = [ln for ln in str(e).strip().splitlines() if ln.strip()]
    keep = [ln for ln in lines if not ln.startswith("Traceback") and not ln.lstrip().startswith("File \"")
            and not ln.lstrip().startswith("[bt]")]
    import re

    text = "\n".join(keep or lines)
    text = re.sub(r"\[\d\d:\d\d:\d\d\] ", "", text)  # log timestamps
    return text[:600] or type(e).__name__


NATIVE = os.environ.get("MXNET_MKLDNN_ENABLED", "1") == "0"


def run_native_child(script, tmpdir):
    """Re-run `script` with MKLDNN disabled; it writes only its native-tagged cases to tmpdir."""
    import subprocess

    env = dict(os.environ, MXNET_MKLDNN_ENABLED="0", MXREF_NATIVE_OUT=tmpdir,
               MXNET_STORAGE_FALLBACK_LOG_VERBOSE="0")
    subprocess.run([sys.executable, script], env=env, check=True)
    with open(os.path.join(tmpdir, "native.json")) as f:
        doc = json.load(f)
    arrays = dict(np.load(os.path.join(tmpdir, "native.npz")))
    return doc["cases"], arrays


def to_np(x):
    return x.asnumpy() if hasattr(x, "asnumpy") else np.asarray(x)


def dtype_name(dt):
    return np.dtype(dt).name


def jsonable(v):
    """Python value -> JSON-friendly value (tuples -> lists, numpy scalars -> python)."""
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return repr(v)


class CaseStore:
    """Collects cases and their arrays; arrays are stored in the npz under
    ``{case_id}__{role}__{name}`` and each case records those keys explicitly."""

    def __init__(self):
        self.cases = []
        self.arrays = {}
        self._ids = set()

    def key(self, case_id, role, name):
        k = "%s__%s__%s" % (case_id, role, name)
        assert k not in self.arrays, k
        return k

    def put(self, case_id, role, name, arr):
        arr = np.asarray(arr)
        k = self.key(case_id, role, name)
        self.arrays[k] = arr
        return k

    def put_many(self, case_id, role, named):
        """named: dict name->array or list of arrays (names '0','1',...).
        Returns dict name->{key, shape, dtype} preserving order."""
        if isinstance(named, (list, tuple)):
            named = {str(i): a for i, a in enumerate(named)}
        out = {}
        for n, a in named.items():
            a = np.asarray(a)
            out[n] = {"key": self.put(case_id, role, n, a), "shape": list(a.shape),
                      "dtype": dtype_name(a.dtype)}
        return out

    def add(self, case):
        assert case["id"] not in self._ids, case["id"]
        self._ids.add(case["id"])
        self.cases.append(case)

    def write_native(self):
        """In the MKLDNN-off child (``NATIVE``): hand this store's cases to the parent's run_native_child."""
        d = os.environ["MXREF_NATIVE_OUT"]
        save_npz(os.path.join(d, "native.npz"), self.arrays)
        save_json(os.path.join(d, "native.json"), {"cases": self.cases})

    def add_native(self, script):
        """Run ``script`` again with MKLDNN off and add the cases that child recomputed."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            cases, arrays = run_native_child(os.path.abspath(script), tmp)
        for c in cases:
            self.add(c)
        self.arrays.update(arrays)

    def write(self, directory, stem, generator, extra=None):
        npz = stem + ".npz"
        save_npz(os.path.join(directory, npz), self.arrays)
        doc = header(generator)
        doc["npz"] = npz
        doc["key_format"] = "{case_id}__{role}__{name}"
        if extra:
            doc.update(extra)
        doc["cases"] = self.cases
        save_json(os.path.join(directory, stem + ".json"), doc)
        return doc


def run_autograd(mx, fn, inputs, grad_wrt=(), head_grads="random", train_mode=True, seed=0, params=None):
    """Run fn(**nd_inputs) under autograd.record(train_mode) and backward.

    inputs: ordered dict name -> numpy array. grad_wrt: input names that get .attach_grad().
    head_grads: 'random' (seeded normal per output), 'ones', or None (no backward).
    params: optional dict name -> gluon Parameter whose .grad() is also returned.
    Returns (outputs list, head_grads list or None, grads dict, param_grads dict)."""
    nd = {k: mx.nd.array(v, dtype=v.dtype) for k, v in inputs.items()}
    for k in grad_wrt:
        nd[k].attach_grad()
    with mx.autograd.record(train_mode=train_mode):
        out = fn(**nd)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    hg = None
    if head_grads is not None:
        r = rng(seed)
        if head_grads == "ones":
            hg = [np.ones(o.shape, dtype=np.float32) for o in outs]
        else:
            hg = [r.standard_normal(o.shape).astype(np.float32) for o in outs]
        mx.autograd.backward(outs, [mx.nd.array(h) for h in hg])
    outs_np = [o.asnumpy() for o in outs]
    grads = {k: nd[k].grad.asnumpy() for k in grad_wrt} if head_grads is not None else {}
    pgrads = {}
    if params and head_grads is not None:
        for n, p in params.items():
            if p.grad_req != "null":
                pgrads[n] = p.grad().asnumpy()
    return outs_np, hg, grads, pgrads
