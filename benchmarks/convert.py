"""convert: the ``ndx convert`` command on a large MXNet checkpoint, as a user runs it.

Each sample starts the command in a new process from a fresh wrapper process, so the time includes
interpreter start-up and imports, and the peak RSS is that of the command's process
(``RUSAGE_CHILDREN``). The reference is the least any converter must do: a Python process that
reads the same bytes and writes them back.
"""
import os
import sys

from . import _fixtures
from .common import Workload

TITLE = "convert — `ndx convert` CLI"

_COPY = ("import sys\n"
         "with open(sys.argv[1], 'rb') as f: d = f.read()\n"
         "with open(sys.argv[2], 'wb') as f: f.write(d)\n")


def about(cfg):
    n = _fixtures.n_arrays(cfg)
    return ("`ndx convert IN.params OUT.safetensors` on an MXNet checkpoint of %d float32 arrays "
            "of 1024×1024 (%d MB), timed from process start to exit; numpy column: "
            "`python -c` that reads the file and writes the bytes back (no format, no numpy)."
            % (n, n * 4))


def prepare(cfg):
    return _fixtures.write_all(cfg["tmpdir"], _fixtures.n_arrays(cfg), formats=("params",))


def _ndx_command():
    """argv prefix that runs the ndx console command, or raise ImportError if there is none."""
    import importlib.util
    script = os.path.join(os.path.dirname(sys.executable), "ndx")
    if os.path.isfile(script) and os.access(script, os.X_OK):
        return [script]
    if importlib.util.find_spec("ndx.cli") is None:
        raise ImportError("ndx.cli not found (no `ndx` console command)")
    return [sys.executable, "-c", "import sys; from ndx.cli import main; sys.exit(main())"]


def _remove_at_exit(path):
    import atexit
    atexit.register(lambda: os.path.exists(path) and os.unlink(path))


def _run(argv):
    import subprocess
    cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if cp.returncode != 0:
        err = cp.stderr.decode(errors="replace").strip()
        tail = err[-400:]
        low = err.lower()
        if ("invalid choice" in low or "no module named" in low or "has no attribute" in low
                or "cannot import" in low or "not implemented" in low):
            raise NotImplementedError("%s exited %d: %s" % (os.path.basename(argv[0]),
                                                            cp.returncode, tail))
        raise RuntimeError("%s exited %d: %s" % (os.path.basename(argv[0]), cp.returncode, tail))


def ndx_convert(env):
    src = env.fixtures.get("params")
    if not src:
        raise RuntimeError("fixture .params was not prepared")
    cmd = _ndx_command()
    out = env.path("converted.safetensors")

    _remove_at_exit(out)

    def step():
        _run(cmd + ["convert", src, out])
        if not os.path.exists(out):
            raise RuntimeError("`ndx convert` wrote no %s" % out)
    return step


def py_copy(env):
    src = env.fixtures.get("params")
    out = env.path("copy.params")

    _remove_at_exit(out)
    return lambda: _run([sys.executable, "-c", _COPY, src, out])


def ndx_startup(env):
    cmd = _ndx_command()
    return lambda: _run(cmd + ["--help"])


def py_startup(env):
    return lambda: _run([sys.executable, "-c", "import numpy"])


def workloads(cfg):
    n = _fixtures.n_arrays(cfg)
    nbytes = n * _fixtures.SHAPE[0] * _fixtures.SHAPE[1] * 4
    return [
        Workload("convert_params_safetensors",
                 "convert .params → .safetensors (%d MB)" % (nbytes // 2**20),
                 {"ndx": ndx_convert, "numpy": py_copy}, fresh=True, rss_of="children",
                 gpu=False, nbytes=nbytes,
                 notes={"numpy": "`python -c` read all bytes + write them (the floor)"}),
        Workload("cli_startup", "start-up only (`ndx --help`)",
                 {"ndx": ndx_startup, "numpy": py_startup}, fresh=True, rss_of="children",
                 gpu=False, notes={"numpy": "`python -c 'import numpy'`"}),
    ]
