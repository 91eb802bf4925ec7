"""Worker process: runs the workloads of one library, under that library's interpreter.

    python -m benchmarks._child serve LIB      # JSON-lines commands on stdin, replies on stdout
    python -m benchmarks._child oneshot JSON   # one fresh-process measurement, one JSON line
    python -m benchmarks._child probe LIB      # versions and thread-pool configuration
    python -m benchmarks._child prepare JSON   # an area's fixture files

Replies go to a private copy of the original stdout; fd 1 itself is pointed at stderr, so whatever
a library prints (MXNet and oneDNN like to) cannot corrupt the protocol.
Standard library only at import time: this runs under numpy 1.23 (MXNet) as well as numpy 2.
"""
import gc
import importlib
import json
import os
import resource
import sys
import time
import traceback

from .common import Env

_PROTO = None


def _reply(obj):
    _PROTO.write(json.dumps(obj) + "\n")
    _PROTO.flush()


def _protect_stdout():
    global _PROTO
    _PROTO = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr


def _maxrss_bytes(who=resource.RUSAGE_SELF):
    # Linux reports kilobytes (macOS bytes)
    v = resource.getrusage(who).ru_maxrss
    return v if sys.platform == "darwin" else v * 1024


def _current_rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def _classify(lib, exc):
    """Map an exception to a cell status: a missing ndx feature, a missing peer, or an error."""
    msg = "%s: %s" % (type(exc).__name__, exc)
    if lib.startswith("ndx") and isinstance(exc, (ImportError, AttributeError,
                                                   NotImplementedError)):
        return {"status": "na", "msg": msg}
    if not lib.startswith("ndx") and isinstance(exc, ImportError):
        return {"status": "missing", "msg": msg}
    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return {"status": "error", "msg": msg, "traceback": "".join(tb[-6:])}


def _load_mx(lib):
    if lib in ("ndx", "ndx-gpu"):
        import ndx as mx
    elif lib == "mxnet":
        import mxnet as mx
    else:
        return None, None
    ctx = mx.gpu(0) if lib == "ndx-gpu" else mx.cpu()
    return mx, ctx


def _find(area, name, cfg):
    mod = importlib.import_module("benchmarks." + area)
    for w in mod.workloads(cfg):
        if w.name == name:
            return w
    raise KeyError("no workload %r in area %r" % (name, area))


def _build(lib, area, name, cfg):
    """(step, sync, env) for one workload; raises what the implementation raises."""
    w = _find(area, name, cfg)
    kind, fn = w.impl_for(lib)
    if fn is None:
        raise LookupError("%s has no implementation of %s/%s" % (lib, area, name))
    mx = ctx = None
    if kind == "mx":
        mx, ctx = _load_mx(lib)
    env = Env(lib, cfg, mx=mx, ctx=ctx)
    step = fn(env)
    sync = mx.nd.waitall if mx is not None else (lambda: None)
    return step, sync, env


def _time_calls(step, sync, number):
    """Seconds per call of ``number`` back-to-back calls.

    The garbage collector stays on while timing (unlike timeit): a library whose steps create
    reference cycles (autograd tapes) pays for collecting them, as its users do. Each sample
    starts from a collected heap so one sample does not pay for the previous one's garbage.
    """
    gc.collect()
    t0 = time.perf_counter()
    for _ in range(number):
        step()
    sync()
    return (time.perf_counter() - t0) / number


def _quiesce(max_wait=0.5, interval=0.01, idle_cpu=0.15):
    """Return once this process's threads have gone idle (or after ``max_wait`` seconds).

    BLAS and OpenMP pools spin for a while after a parallel call (OpenBLAS for up to ~0.1 s).
    A worker that handed over to the next library while its pool still spins would steal a core
    from that library's measurement, so every reply waits until the process's CPU use over one
    ``interval`` falls below ``idle_cpu`` of a core.
    """
    t_end = time.perf_counter() + max_wait
    prev = time.process_time()
    while time.perf_counter() < t_end:
        time.sleep(interval)
        cur = time.process_time()
        if cur - prev < idle_cpu * interval:
            return
        prev = cur


class _Server:
    def __init__(self, lib):
        self.lib = lib
        self.step = self.sync = self.env = None
        self.number = 1

    def setup(self, req):
        self.step = self.sync = self.env = None
        gc.collect()
        cfg = req["cfg"]
        try:
            step, sync, env = _build(self.lib, req["area"], req["workload"], cfg)
            # first call: lazy initialisation (deferred init, kernel caches) is not measured
            t0 = time.perf_counter()
            step()
            sync()
            first = time.perf_counter() - t0
            one = _time_calls(step, sync, 1)
            target = cfg.get("sample_time", 0.05)
            number = max(1, min(cfg.get("max_number", 100000), int(target / max(one, 1e-9))))
            # warm up (thread pools, caches, allocator) before any sample counts; a step longer
            # than the warm-up time was warmed enough by the two calls above
            warmup = cfg.get("warmup_time", 0.2)
            t_end = time.perf_counter() + warmup
            n = 0
            while one < warmup and (n < 1 or time.perf_counter() < t_end) and n < 1000:
                _time_calls(step, sync, number)
                n += 1
        except Exception as exc:  # noqa: BLE001 - every failure becomes a table cell
            return _classify(self.lib, exc)
        self.step, self.sync, self.env, self.number = step, sync, env, number
        _quiesce()
        return {"status": "ok", "number": number, "first_call": first, "info": env.info}

    def sample(self, req):
        if self.step is None:
            return {"status": "error", "msg": "sample without a successful setup"}
        try:
            t = _time_calls(self.step, self.sync, self.number)
        except Exception as exc:  # noqa: BLE001
            return _classify(self.lib, exc)
        _quiesce()
        return {"status": "ok", "t": t, "number": self.number}

    def probe(self, req):
        return probe_info(self.lib)

    def teardown(self, req):
        self.step = self.sync = self.env = None
        gc.collect()
        return {"status": "ok"}


def serve(lib):
    _protect_stdout()
    server = _Server(lib)
    _reply({"status": "ready", "pid": os.getpid()})
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req.get("cmd")
        if cmd == "exit":
            break
        handler = getattr(server, cmd, None)
        if handler is None:
            _reply({"status": "error", "msg": "unknown command %r" % cmd})
            continue
        _reply(handler(req))


def oneshot(req):
    """One step in this fresh process: its time and the peak RSS it added over the set-up."""
    _protect_stdout()
    lib = req["lib"]
    try:
        step, sync, env = _build(lib, req["area"], req["workload"], req["cfg"])
        gc.collect()
        # let the set-up's freed memory settle first (see PLANS' fresh_settle in runner.py)
        time.sleep(req["cfg"].get("settle", 0.0))
        base_peak = _maxrss_bytes()
        base_cur = _current_rss_bytes()
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        step()
        sync()
        t = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        peak = _maxrss_bytes()
        child_peak = _maxrss_bytes(resource.RUSAGE_CHILDREN)
    except Exception as exc:  # noqa: BLE001
        _reply(_classify(lib, exc))
        return
    # CPU seconds of the step, in user space and in the kernel (a save's time is mostly the latter)
    cpu = {"user": r1.ru_utime - r0.ru_utime, "system": r1.ru_stime - r0.ru_stime}
    _reply({"status": "ok", "t": t, "info": env.info, "cpu": cpu,
            "rss": {"baseline_peak": base_peak, "baseline_current": base_cur,
                    "peak": peak, "children_peak": child_peak}})


def prepare(req):
    _protect_stdout()
    try:
        mod = importlib.import_module("benchmarks." + req["area"])
        out = mod.prepare(req["cfg"])
    except Exception as exc:  # noqa: BLE001
        _reply({"status": "error", "msg": "%s: %s" % (type(exc).__name__, exc),
                "traceback": traceback.format_exc()})
        return
    _reply({"status": "ok", "fixtures": out})


def probe_info(lib):
    """What this interpreter has for LIB: versions, thread pools, devices."""
    info = {"python": sys.version.split()[0], "executable": sys.executable}
    try:
        import numpy
        info["numpy"] = numpy.__version__
    except ImportError:
        info["numpy"] = None
    try:
        if lib in ("ndx", "ndx-gpu"):
            import ndx
            info["version"] = getattr(ndx, "__version__", None)
            if info["version"] is None:
                try:
                    from importlib.metadata import version
                    info["version"] = version("ndxlib")
                except Exception:  # noqa: BLE001
                    info["version"] = "unknown"
            try:
                from ndx.context import num_gpus
                info["num_gpus"] = int(num_gpus())
            except Exception as exc:  # noqa: BLE001
                info["num_gpus"] = 0
                info["gpu_probe"] = "%s: %s" % (type(exc).__name__, exc)
            try:
                import ndx.nd  # noqa: F401  - the core; absent before it lands
                info["core"] = True
            except Exception as exc:  # noqa: BLE001
                info["core"] = False
                info["core_error"] = "%s: %s" % (type(exc).__name__, exc)
        elif lib == "numpy":
            import numpy
            info["version"] = numpy.__version__
            try:
                import safetensors
                info["safetensors"] = safetensors.__version__
            except ImportError:
                info["safetensors"] = None
        elif lib == "torch":
            import torch
            info["version"] = torch.__version__
            info["num_threads"] = torch.get_num_threads()
            info["parallel_info"] = torch.__config__.parallel_info()
            import re
            m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
            info["blas_info"] = m.group(1) if m else None
            try:
                import safetensors
                info["safetensors"] = safetensors.__version__
            except ImportError:
                info["safetensors"] = None
            try:
                import torchvision
                info["torchvision"] = torchvision.__version__
            except Exception as exc:  # noqa: BLE001
                info["torchvision"] = None
                info["torchvision_error"] = "%s: %s" % (type(exc).__name__, exc)
        elif lib == "mxnet":
            import mxnet
            info["version"] = mxnet.__version__
            try:
                feats = mxnet.runtime.Features()
                info["features"] = sorted(k for k in feats.keys() if feats.is_enabled(k))
            except Exception:  # noqa: BLE001
                pass
        info["status"] = "ok"
    except Exception as exc:  # noqa: BLE001
        info["status"] = "missing"
        info["msg"] = "%s: %s" % (type(exc).__name__, exc)
    # after the library is imported, so its BLAS/OpenMP runtimes are loaded and visible
    try:
        from threadpoolctl import threadpool_info
        info["threadpools"] = threadpool_info()
    except Exception as exc:  # noqa: BLE001 - optional dependency (the `bench` extra)
        info["threadpools"] = "threadpoolctl unavailable (%s)" % type(exc).__name__
    return info


def probe(lib):
    _protect_stdout()
    _reply(probe_info(lib))


def main(argv):
    cmd = argv[0]
    if cmd == "serve":
        serve(argv[1])
    elif cmd == "oneshot":
        oneshot(json.loads(argv[1]))
    elif cmd == "probe":
        probe(argv[1])
    elif cmd == "prepare":
        prepare(json.loads(argv[1]))
    else:
        raise SystemExit("unknown command %r" % cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
