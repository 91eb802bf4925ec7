"""checkpoint: save/load throughput and peak memory per format.

A checkpoint of 64 float32 arrays of 1024×1024 (256 MB; 16 arrays = 64 MB with --quick). Every
sample is one save or one load in a brand-new process, so the peak RSS is that operation's. The
files live in the temp dir and are read back from the page cache (warm), written without fsync;
before each save the dirty pages of earlier samples are flushed (untimed), so that no sample is
throttled by another's writeback, and each process waits between its set-up and the timed operation
(the runner's ``fresh_settle``), so that memory freed by the set-up has settled. These are CPU/memory-bound numbers, not disk numbers.
"""
from . import _fixtures
from .common import Workload

TITLE = "checkpoint — save/load per format"


def about(cfg):
    n = _fixtures.n_arrays(cfg)
    return ("%d float32 arrays of 1024×1024 (%d MB); one operation per fresh process, page cache "
            "warm, no fsync (earlier samples' dirty pages flushed before each save, untimed; "
            "%g s settle between set-up and the timed operation). Columns other than ndx and "
            "MXNet are references: numpy = raw `tofile`/`fromfile` (for `.params`), safetensors' "
            "numpy API, `np.savez`/`np.load`; PyTorch = safetensors' torch API."
            % (n, n * 4, cfg.get("settle", 0)))


def prepare(cfg):
    return _fixtures.write_all(cfg["tmpdir"], _fixtures.n_arrays(cfg))


def _need(env, fmt):
    path = env.fixtures.get(fmt)
    if not path:
        raise RuntimeError("fixture .%s was not prepared (%s)" % (fmt, env.fixtures.get("error")))
    return path


def _mx_data(env):
    mx = env.mx
    data = {}
    for k, a in _fixtures.make_arrays(_fixtures.n_arrays(env.cfg)).items():
        data[k] = mx.nd.array(a, ctx=env.ctx, dtype="float32")
    mx.nd.waitall()
    return data


def _remove_later(path):
    import atexit
    import os
    atexit.register(lambda: os.path.exists(path) and os.unlink(path))
    return path


def _save_target(env, name):
    """A fresh path to save to, after flushing the dirty pages earlier samples left behind: every
    save then starts from the same state instead of being throttled by its predecessors' writeback."""
    import os
    if hasattr(os, "sync"):
        os.sync()
    return _remove_later(env.path(name))


# ------------------------------------------------------------------------------- ndx and MXNet

def _warm_up(env, ext):
    """Save and load a one-element file first, so that lazily imported modules and first-call
    set-up (MXNet's engine, ndx's format modules) are not timed as part of the 256 MB operation."""
    mx = env.mx
    path = _remove_later(env.path("warmup." + ext))
    mx.nd.save(path, {"w": mx.nd.ones((1,), ctx=env.ctx)})
    mx.nd.load(path)
    mx.nd.waitall()


def _mx_save(ext):
    def impl(env):
        data = _mx_data(env)
        _warm_up(env, ext)
        path = _save_target(env, "save." + ext)
        save = env.mx.nd.save
        return lambda: save(path, data)
    return impl


def _mx_load(ext):
    def impl(env):
        path = _need(env, ext)
        _warm_up(env, ext)
        load = env.mx.nd.load
        return lambda: load(path)
    return impl


# -------------------------------------------------------------------------------- numpy-side

def np_save_raw(env):
    data = _fixtures.make_arrays(_fixtures.n_arrays(env.cfg))
    path = _save_target(env, "save.bin")

    def step():
        with open(path, "wb") as f:
            for a in data.values():
                a.tofile(f)
    return step


def np_load_raw(env):
    import numpy as np
    path = _need(env, "bin")
    n = _fixtures.n_arrays(env.cfg)
    m = _fixtures.SHAPE[0] * _fixtures.SHAPE[1]

    def step():
        buf = np.fromfile(path, dtype=np.float32)
        return {"arr%03d" % i: buf[i * m:(i + 1) * m].reshape(_fixtures.SHAPE) for i in range(n)}
    return step


def np_save_st(env):
    from safetensors.numpy import save_file
    data = _fixtures.make_arrays(_fixtures.n_arrays(env.cfg))
    path = _save_target(env, "save.safetensors")
    return lambda: save_file(data, path)


def np_load_st(env):
    from safetensors.numpy import load_file
    path = _need(env, "safetensors")
    return lambda: load_file(path)


def np_save_npz(env):
    import numpy as np
    data = _fixtures.make_arrays(_fixtures.n_arrays(env.cfg))
    path = _save_target(env, "save.npz")
    return lambda: np.savez(path, **data)


def np_load_npz(env):
    import numpy as np
    path = _need(env, "npz")

    def step():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    return step


def np_memcpy(env):
    import numpy as np
    n = _fixtures.n_arrays(env.cfg) * _fixtures.SHAPE[0] * _fixtures.SHAPE[1]
    src = np.full(n, 1.5, dtype=np.float32)
    dst = np.zeros(n, dtype=np.float32)
    dst[:] = 0.25      # touch every page before timing
    return lambda: np.copyto(dst, src)


# -------------------------------------------------------------------------------- torch-side

def _t_data(env):
    import torch
    n = _fixtures.n_arrays(env.cfg)
    return {"arr%03d" % i: torch.full(_fixtures.SHAPE, i + 0.5, dtype=torch.float32)
            for i in range(n)}


def t_save_st(env):
    from safetensors.torch import save_file
    data = _t_data(env)
    path = _save_target(env, "save.safetensors")
    return lambda: save_file(data, path)


def t_load_st(env):
    from safetensors.torch import load_file
    path = _need(env, "safetensors")
    return lambda: load_file(path)


def t_memcpy(env):
    import torch
    n = _fixtures.n_arrays(env.cfg) * _fixtures.SHAPE[0] * _fixtures.SHAPE[1]
    src = torch.full((n,), 1.5, dtype=torch.float32)
    dst = torch.zeros(n, dtype=torch.float32)
    dst.fill_(0.25)
    return lambda: dst.copy_(src)


def workloads(cfg):
    n = _fixtures.n_arrays(cfg)
    nbytes = n * _fixtures.SHAPE[0] * _fixtures.SHAPE[1] * 4
    mb = nbytes // 2**20

    def wl(name, label, impls, notes=None):
        return Workload(name, "%s (%d MB)" % (label, mb), impls, per_label="op", fresh=True,
                        gpu=False, nbytes=nbytes, notes=notes)

    return [
        wl("save_params", "save .params", {"mx": _mx_save("params"), "numpy": np_save_raw},
           notes={"numpy": "raw `ndarray.tofile` of the same arrays (no format)"}),
        wl("load_params", "load .params", {"mx": _mx_load("params"), "numpy": np_load_raw},
           notes={"numpy": "raw `np.fromfile` + views (no format)"}),
        wl("save_safetensors", "save .safetensors",
           {"ndx": _mx_save("safetensors"), "numpy": np_save_st, "torch": t_save_st},
           notes={"numpy": "`safetensors.numpy.save_file`",
                  "torch": "`safetensors.torch.save_file`"}),
        wl("load_safetensors", "load .safetensors",
           {"ndx": _mx_load("safetensors"), "numpy": np_load_st, "torch": t_load_st},
           notes={"numpy": "`safetensors.numpy.load_file`",
                  "torch": "`safetensors.torch.load_file`: tensors over the memory-mapped file, "
                           "pages are read on first use (so this load copies nothing)"}),
        wl("save_npz", "save .npz", {"ndx": _mx_save("npz"), "numpy": np_save_npz},
           notes={"numpy": "`np.savez`"}),
        wl("load_npz", "load .npz", {"ndx": _mx_load("npz"), "numpy": np_load_npz},
           notes={"numpy": "`np.load` and read every member"}),
        wl("memcpy", "memcpy of the same bytes", {"numpy": np_memcpy, "torch": t_memcpy},
           notes={"numpy": "`np.copyto` into a touched buffer", "torch": "`Tensor.copy_`"}),
    ]
