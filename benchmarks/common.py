"""Pieces shared by the runner and the worker processes (standard library only).

A *workload* is one row of a table. It has one implementation per *kind*:

- ``"mx"``: written once against an MXNet-1.x-like module; the worker calls it with ``env.mx`` set
  to ``ndx`` (libraries ``ndx`` and ``ndx-gpu``) or to the real ``mxnet`` (library ``mxnet``).
  ``"ndx"`` / ``"mxnet"`` entries override it for one of them.
- ``"numpy"``: plain numpy, the floor on the CPU.
- ``"torch"``: PyTorch CPU.

An implementation takes an :class:`Env` and returns a zero-argument callable (the *step*). In a
timed workload the worker calls the step many times and divides; in a ``fresh`` workload each
sample is one call of the step in a brand-new process, so its peak RSS can be read from
``getrusage``. Anything set up before returning the step is not timed.
"""

# Column order of every table, and how each library is labelled.
LIBS = ("ndx", "ndx-gpu", "numpy", "torch", "mxnet")
LIB_LABELS = {
    "ndx": "ndx cpu",
    "ndx-gpu": "ndx gpu(0)",
    "numpy": "numpy",
    "torch": "PyTorch",
    "mxnet": "MXNet",
}
# ratio columns: ndx (cpu) over each reference
RATIO_REFS = ("numpy", "torch", "mxnet")

# statuses a (workload, library) cell can have besides "ok"
NOT_APPLICABLE = "—"          # this library has no implementation of the workload
MISSING = "missing"           # the peer library could not be installed or imported
NOT_IMPLEMENTED = "n/a (not implemented)"  # ndx lacks the feature (ImportError/AttributeError)
NO_DEVICE = "no device"       # ndx gpu(0) without a CUDA device
ERROR = "error"


class Workload:
    """One benchmark row.

    name     -- stable identifier (JSON key, ``--only``-independent)
    label    -- text of the row in the table
    impls    -- {"mx"|"ndx"|"mxnet"|"numpy"|"torch": callable(env) -> step}
    per      -- how many operations one step performs; times are reported per operation
    per_label-- what the reported time is per ("op", "step", "chain", ...)
    fresh    -- every sample is one step in a new process (checkpoint I/O, CLI runs)
    memory   -- also measure the peak RSS of one step in a new process
    rss_of   -- "self" or "children" (the step runs a subprocess whose peak is wanted)
    gpu      -- the workload also runs on ndx gpu(0)
    nbytes   -- bytes moved by one step, to report throughput (GB/s)
    notes    -- {lib: text} what exactly a reference column runs, printed under the table
    """

    def __init__(self, name, label, impls, per=1, per_label="op", fresh=False, memory=False,
                 rss_of="self", gpu=True, nbytes=None, notes=None):
        self.name = name
        self.label = label
        self.impls = dict(impls)
        self.per = per
        self.per_label = per_label
        self.fresh = fresh
        self.memory = memory
        self.rss_of = rss_of
        self.gpu = gpu
        self.nbytes = nbytes
        self.notes = dict(notes or {})

    def impl_for(self, lib):
        """(kind, callable) for a library, or (None, None) when it has no implementation."""
        if lib in ("ndx", "ndx-gpu"):
            if lib == "ndx-gpu" and not self.gpu:
                return None, None
            fn = self.impls.get("ndx") or self.impls.get("mx")
            return ("mx", fn) if fn else (None, None)
        if lib == "mxnet":
            fn = self.impls.get("mxnet") or self.impls.get("mx")
            return ("mx", fn) if fn else (None, None)
        fn = self.impls.get(lib)
        return (lib, fn) if fn else (None, None)

    def describe(self):
        return {"name": self.name, "label": self.label, "per": self.per,
                "per_label": self.per_label, "fresh": self.fresh, "memory": self.memory,
                "nbytes": self.nbytes, "notes": self.notes}


class Env:
    """What an implementation gets: the library, its ``mx`` module and context, and the config."""

    def __init__(self, lib, cfg, mx=None, ctx=None):
        self.lib = lib
        self.cfg = cfg
        self.mx = mx
        self.ctx = ctx
        self.quick = bool(cfg.get("quick"))
        self.tmpdir = cfg.get("tmpdir")
        self.fixtures = cfg.get("fixtures", {})
        self.info = {}        # an implementation may note what it actually ran (e.g. fallback)

    def path(self, name):
        import os
        return os.path.join(self.tmpdir, "%s-%s" % (self.lib, name))


def fmt_time(seconds):
    """Human-friendly time with three significant digits."""
    if seconds is None:
        return ""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            v = seconds / scale
            if v >= 100:
                return "%.0f %s" % (v, unit)
            if v >= 10:
                return "%.1f %s" % (v, unit)
            return "%.2f %s" % (v, unit)
    return ""


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if not n:
        return None
    mid = n // 2
    return xs[mid] if n % 2 else 0.5 * (xs[mid - 1] + xs[mid])
