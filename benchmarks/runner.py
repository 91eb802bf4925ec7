"""The benchmark runner: ``python -m benchmarks [--only AREA,...] [--quick] [--json OUT] ...``.

The runner itself measures nothing. For every area it starts one worker process per library
(``benchmarks._child serve LIB`` under that library's interpreter), sets each workload up in every
worker, then asks for samples in alternation (ndx, numpy, torch, mxnet, ndx, ...; the starting
library rotates each round) so that slow drifts of a noisy machine hit every column alike.
Workloads that need a clean process (file I/O with peak memory, CLI runs) get a brand-new process
per sample instead.
"""
import argparse
import datetime
import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time

from .common import (ERROR, LIBS, MISSING, NO_DEVICE, NOT_APPLICABLE,
                     NOT_IMPLEMENTED, median)

AREAS = ("ops", "elemwise", "mlp", "cnn", "conv", "checkpoint", "convert", "model_zoo")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# set in some environments to pin OpenBLAS to one kernel; unset for benchmark subprocesses so
# numpy runs the kernel a user would get (threadpoolctl's report of it goes into the JSON)
UNSET_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

# sampling plans: (rounds, min rounds, seconds per sample, warm-up seconds, budget per workload)
PLANS = {
    "quick": {"repeats": 5, "min_repeats": 3, "sample_time": 0.02, "warmup_time": 0.05,
              "budget": 1.5, "fresh_repeats": 1, "setup_timeout": 240, "sample_timeout": 120,
              "fresh_settle": 0.0},
    "full": {"repeats": 11, "min_repeats": 5, "sample_time": 0.1, "warmup_time": 0.3,
             "budget": 10.0, "fresh_repeats": 5, "setup_timeout": 600, "sample_timeout": 300,
             "fresh_settle": 2.5},
}
# fresh_settle: a fresh-process sample flushes the page cache's dirty data before its process
# starts, and waits this long between its set-up and the timed operation. On VMs whose balloon
# reports free memory to the host (virtio free page reporting, Firecracker here), memory freed in
# blocks of 2 MB or more is handed back to the host about 2 s after it is freed; the next first
# touch of such a page costs a host fault. A 256 MB save that started inside that window took
# 55-70 ms or 200-380 ms depending on how far the reporting had got (perf: the extra time is all
# in copying into the new page-cache pages), for every library. Waiting past the window puts every
# sample, whichever library, in the same state.


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# worker processes

class WorkerDied(RuntimeError):
    pass


class Worker:
    """A ``benchmarks._child serve LIB`` process spoken to in JSON lines."""

    def __init__(self, lib, python, env, wait=True, timeout=180):
        self.lib = lib
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [python, "-m", "benchmarks._child", "serve", lib], cwd=REPO, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)
        self._buf = b""
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        if wait:
            self.wait_ready(timeout)

    def wait_ready(self, timeout=180):
        hello = self._readline(timeout)
        if hello.get("status") != "ready":
            raise WorkerDied("worker did not start: %r" % hello)

    def _readline(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerDied("timed out after %.0f s" % timeout)
            if not self._sel.select(left):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self.proc.wait()
                raise WorkerDied("worker exited with code %s" % self.proc.returncode)
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def call(self, timeout, **req):
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied("worker gone: %s" % exc) from None
        return self._readline(timeout)

    def stderr_tail(self, n=1500):
        try:
            self.stderr.seek(0, os.SEEK_END)
            size = self.stderr.tell()
            self.stderr.seek(max(0, size - n))
            return self.stderr.read().decode(errors="replace")
        except (OSError, ValueError):
            return ""

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b'{"cmd": "exit"}\n')
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()
        self.stderr.close()


def _run_json(python, args, env, timeout):
    """Run a one-off child command; its single JSON reply (or an error record)."""
    try:
        cp = subprocess.run([python, "-m", "benchmarks._child"] + args, cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "error", "msg": "timed out after %.0f s" % timeout}
    except OSError as exc:
        return {"status": "missing", "msg": "%s: %s" % (type(exc).__name__, exc)}
    lines = [ln for ln in cp.stdout.decode(errors="replace").splitlines() if ln.strip()]
    if cp.returncode != 0 or not lines:
        tail = cp.stderr.decode(errors="replace")[-1500:]
        return {"status": "error", "msg": "exit code %d" % cp.returncode, "stderr": tail}
    return json.loads(lines[-1])


# ---------------------------------------------------------------------------------------------
# the run

class Run:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.plan = dict(PLANS["quick" if args.quick else "full"])
        self.libs = [lib for lib in LIBS if lib in args.libs]
        self.env = self._child_env()
        self.pythons = {}
        self.probes = {}
        self.lib_status = {}   # lib -> (status, msg)
        self.results = {}      # area -> {"workloads": [...], "cells": {wname: {lib: cell}}}
        self.workers = {}      # lib -> Worker, kept for the whole run (imports happen once)
        self.tmpdir = tempfile.mkdtemp(prefix="ndx-bench-", dir=args.workdir)

    # -- interpreters -------------------------------------------------------------------------
    def _child_env(self):
        env = dict(os.environ)
        for k in UNSET_ENV:
            env.pop(k, None)
        env["PYTHONPATH"] = REPO + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH")
                                    else "")
        env.setdefault("PYTHONHASHSEED", "0")
        env["PYTHONDONTWRITEBYTECODE"] = "1"   # peers' interpreters must not litter the tree
        return env

    @staticmethod
    def _default_python(flag, default_rel):
        if flag:
            return flag
        return os.path.join(REPO, default_rel)

    def resolve_pythons(self):
        a = self.args
        self.pythons = {
            "ndx": sys.executable,
            "ndx-gpu": sys.executable,
            "numpy": sys.executable,
            "torch": self._default_python(a.torch_python, ".venv-bench-torch/bin/python"),
            "mxnet": self._default_python(a.mxnet_python, ".venv-bench-mxnet/bin/python"),
        }

    def probe(self):
        """Start every library's worker at once and ask each what it has (versions, devices).

        The workers stay up for the whole run, so each library is imported once.
        """
        started = {}
        for lib in self.libs:
            if lib == "ndx-gpu":
                continue
            py = self.pythons[lib]
            if not (os.path.isfile(py) and os.access(py, os.X_OK)):
                hint = {"torch": "--torch-python", "mxnet": "--mxnet-python"}.get(lib, "")
                self.probes[lib] = {"status": "missing",
                                    "msg": "no interpreter at %s (run `make bench-venvs` or pass "
                                           "%s)" % (py, hint)}
                continue
            try:
                started[lib] = Worker(lib, py, self.env, wait=False)
            except OSError as exc:
                self.probes[lib] = {"status": "missing", "msg": "%s: %s" % (
                    type(exc).__name__, exc)}
        for lib, wk in started.items():
            try:
                wk.wait_ready(180)
                self.probes[lib] = wk.call(180, cmd="probe")
            except WorkerDied as exc:
                self.probes[lib] = {"status": "missing", "msg": "%s; %s" % (
                    exc, " ".join(wk.stderr_tail(400).split()))}
                wk.kill()
                wk.close()
                continue
            if self.probes[lib].get("status") == "ok":
                self.workers[lib] = wk
            else:
                wk.close()
        for lib in self.libs:
            if lib == "ndx-gpu":
                continue
            pr = self.probes[lib]
            self.lib_status[lib] = (pr.get("status", "missing"), pr.get("msg", ""))
        if "ndx-gpu" in self.libs:
            pr = self.probes.get("ndx", {})
            if pr.get("status") != "ok":
                self.lib_status["ndx-gpu"] = ("na", pr.get("msg", "ndx did not import"))
            elif pr.get("num_gpus", 0) < 1:
                self.lib_status["ndx-gpu"] = ("nodevice", pr.get("gpu_probe", "no CUDA device"))
            else:
                self.lib_status["ndx-gpu"] = ("ok", "")
        if "ndx" in self.lib_status and self.lib_status["ndx"][0] == "missing":
            # ndx is the subject, not a peer: an ndx that does not import is "not implemented"
            self.lib_status["ndx"] = ("na", self.lib_status["ndx"][1])

    # -- configuration sent to implementations ---------------------------------------------------
    def cfg(self, area, fixtures=None):
        p = self.plan
        return {"quick": self.quick, "tmpdir": self.tmpdir, "area": area,
                "fixtures": fixtures or {},
                "sample_time": p["sample_time"], "warmup_time": p["warmup_time"],
                "settle": p["fresh_settle"]}

    # -- one area -------------------------------------------------------------------------------
    def run_area(self, area):
        import importlib
        mod = importlib.import_module("benchmarks." + area)
        fixtures = {}
        if hasattr(mod, "prepare"):
            _log("[%s] preparing fixtures" % area)
            rep = _run_json(sys.executable, ["prepare", json.dumps(
                {"area": area, "cfg": self.cfg(area)})], self.env, timeout=600)
            if rep.get("status") != "ok":
                _log("[%s] fixture preparation failed: %s" % (area, rep.get("msg")))
                fixtures = {"error": rep.get("msg")}
            else:
                fixtures = rep["fixtures"]
        cfg = self.cfg(area, fixtures)
        workloads = mod.workloads(cfg)
        about = mod.about(cfg) if hasattr(mod, "about") else getattr(mod, "ABOUT", "")
        res = {"title": getattr(mod, "TITLE", area), "about": about,
               "workloads": [w.describe() for w in workloads], "cells": {}}
        self.results[area] = res
        workers = self.workers
        try:
            for w in workloads:
                cells = {lib: self._initial_cell(w, lib) for lib in self.libs}
                res["cells"][w.name] = cells
                todo = [lib for lib in self.libs if cells[lib]["status"] == "pending"]
                if not todo:
                    continue
                _log("[%s] %s: %s" % (area, w.name, ", ".join(todo)))
                if w.fresh:
                    self._run_fresh(area, w, cfg, todo, cells)
                else:
                    self._run_timed(area, w, cfg, todo, cells, workers)
                    if w.memory:
                        self._run_memory(area, w, cfg,
                                         [lib for lib in todo if cells[lib]["status"] == "ok"],
                                         cells)
                for lib in todo:
                    self._summarise(w, cells[lib])
        finally:
            for f in (fixtures or {}).values():
                if isinstance(f, str) and f.startswith(self.tmpdir) and os.path.exists(f):
                    os.unlink(f)

    def _initial_cell(self, w, lib):
        kind, fn = w.impl_for(lib)
        if fn is None:
            return {"status": NOT_APPLICABLE}
        st, msg = self.lib_status.get(lib, ("ok", ""))
        if st == "missing":
            return {"status": MISSING, "msg": msg}
        if st == "na":
            return {"status": NOT_IMPLEMENTED, "msg": msg}
        if st == "nodevice":
            return {"status": NO_DEVICE, "msg": msg}
        return {"status": "pending", "samples": []}

    @staticmethod
    def _apply(cell, rep):
        st = rep.get("status")
        if st == "ok":
            return True
        cell["status"] = {"na": NOT_IMPLEMENTED, "missing": MISSING}.get(st, ERROR)
        cell["msg"] = rep.get("msg", "")
        if rep.get("traceback"):
            cell["traceback"] = rep["traceback"]
        if rep.get("stderr"):
            cell["stderr"] = rep["stderr"]
        return False

    def _worker(self, workers, lib):
        wk = workers.get(lib)
        if wk is not None and wk.alive():
            return wk
        wk = Worker(lib, self.pythons[lib], self.env)
        workers[lib] = wk
        return wk

    def _run_timed(self, area, w, cfg, todo, cells, workers):
        p = self.plan
        ready = []
        for lib in todo:
            cell = cells[lib]
            try:
                wk = self._worker(workers, lib)
                rep = wk.call(p["setup_timeout"], cmd="setup", area=area, workload=w.name,
                              cfg=cfg)
            except WorkerDied as exc:
                cell.update(status=ERROR, msg="worker died during set-up: %s" % exc,
                            stderr=workers[lib].stderr_tail() if lib in workers else "")
                workers.pop(lib, None)
                continue
            if self._apply(cell, rep):
                cell.update(status="ok", number=rep.get("number"),
                            first_call=rep.get("first_call"), info=rep.get("info") or {})
                ready.append(lib)
        t_start = time.monotonic()
        for r in range(p["repeats"]):
            if not ready:
                break
            if r >= p["min_repeats"] and time.monotonic() - t_start > p["budget"]:
                break
            k = r % len(ready)
            for lib in ready[k:] + ready[:k]:
                cell = cells[lib]
                if cell["status"] != "ok":
                    continue
                try:
                    rep = workers[lib].call(p["sample_timeout"], cmd="sample")
                except WorkerDied as exc:
                    cell.update(status=ERROR, msg="worker died: %s" % exc,
                                stderr=workers[lib].stderr_tail())
                    workers.pop(lib, None)
                    continue
                if self._apply(cell, rep):
                    cell["samples"].append(rep["t"] / w.per)
        for lib in ready:
            wk = workers.get(lib)
            if wk is not None and wk.alive():
                try:
                    wk.call(60, cmd="teardown")
                except WorkerDied:
                    workers.pop(lib, None)

    def _oneshot(self, area, w, cfg, lib):
        req = {"lib": lib, "area": area, "workload": w.name, "cfg": cfg}
        return _run_json(self.pythons[lib], ["oneshot", json.dumps(req)], self.env,
                         timeout=self.plan["setup_timeout"])

    def _run_fresh(self, area, w, cfg, todo, cells):
        p = self.plan
        live = list(todo)
        for lib in live:
            cells[lib]["status"] = "ok"
            cells[lib]["rss"] = []
            cells[lib]["cpu"] = []
        for r in range(p["fresh_repeats"]):
            k = r % len(live) if live else 0
            for lib in live[k:] + live[:k]:
                cell = cells[lib]
                if cell["status"] != "ok":
                    continue
                if p.get("fresh_settle") and hasattr(os, "sync"):
                    os.sync()
                rep = self._oneshot(area, w, cfg, lib)
                if self._apply(cell, rep):
                    cell["samples"].append(rep["t"] / w.per)
                    cell["rss"].append(self._rss_record(w, rep["rss"]))
                    if rep.get("cpu"):
                        cell["cpu"].append(rep["cpu"])
                    cell["info"] = rep.get("info") or {}

    def _run_memory(self, area, w, cfg, libs, cells):
        for lib in libs:
            rep = self._oneshot(area, w, cfg, lib)
            if rep.get("status") == "ok":
                cells[lib]["rss"] = [self._rss_record(w, rep["rss"])]
                cells[lib]["cold_step"] = rep["t"] / w.per
            else:
                cells[lib]["rss_error"] = rep.get("msg", "")

    @staticmethod
    def _rss_record(w, rss):
        if w.rss_of == "children":
            return {"peak": rss["children_peak"], "added": None}
        base = rss.get("baseline_current") or rss["baseline_peak"]
        return {"peak": rss["peak"], "added": max(0, rss["peak"] - base),
                "baseline": base}

    @staticmethod
    def _summarise(w, cell):
        s = cell.get("samples") or []
        if cell["status"] == "ok" and not s:
            cell["status"] = ERROR
            cell.setdefault("msg", "no sample")
        if s:
            cell["median"] = median(s)
            cell["min"] = min(s)
            cell["max"] = max(s)
            cell["n"] = len(s)
        rss = cell.get("rss")
        if rss:
            cell["peak_rss"] = median([x["peak"] for x in rss])
            added = [x["added"] for x in rss if x.get("added") is not None]
            cell["added_rss"] = median(added) if added else None
        if w.nbytes and cell.get("median"):
            cell["gbps"] = w.nbytes / cell["median"] / 1e9

    # -- everything -----------------------------------------------------------------------------
    def machine(self, noise):
        from . import machine
        return machine.describe(self.probes, {k: os.environ.get(k) for k in UNSET_ENV}, noise)

    def cleanup(self):
        for wk in self.workers.values():
            wk.close()
        self.workers.clear()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def acquire_machine_lock(max_wait):
    """Keep two benchmark runs on one machine from measuring each other.

    Takes an exclusive ``flock`` on a file in the temp dir; waits for a run that holds it, at most
    ``max_wait`` seconds, then goes on without it (the JSON says so). Returns (file or None,
    seconds waited).
    """
    import fcntl
    path = os.path.join(tempfile.gettempdir(), "ndx-benchmarks.lock")
    try:
        f = open(path, "a+")
    except OSError:
        return None, 0.0
    t0 = time.monotonic()
    warned = False
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            f.seek(0)
            f.truncate()
            f.write("%d\n" % os.getpid())
            f.flush()
            return f, time.monotonic() - t0
        except OSError:
            waited = time.monotonic() - t0
            if waited > max_wait:
                _log("another benchmark run still holds %s; going on anyway (results overlap)"
                     % path)
                f.close()
                return None, waited
            if not warned:
                _log("another benchmark run holds %s; waiting up to %.0f s" % (path, max_wait))
                warned = True
            time.sleep(1.0)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma-separated areas (default: all): "
                    + ",".join(AREAS))
    ap.add_argument("--quick", action="store_true", help="few repeats, small checkpoints "
                    "(the whole suite in under ~2 minutes)")
    ap.add_argument("--json", metavar="OUT", help="write every sample and the machine here")
    ap.add_argument("--markdown", metavar="OUT", help="write the tables here (also printed)")
    ap.add_argument("--plot", metavar="OUT.png", help="bar chart (needs matplotlib)")
    ap.add_argument("--docs", metavar="OUT.md", help="also write the tables as the docs page "
                    "(docs/performance.md)")
    ap.add_argument("--mxnet-python", metavar="PATH",
                    help="interpreter with mxnet==1.9.1 (default .venv-bench-mxnet/bin/python)")
    ap.add_argument("--torch-python", metavar="PATH",
                    help="interpreter with PyTorch (default .venv-bench-torch/bin/python)")
    ap.add_argument("--libs", default=",".join(LIBS),
                    help="comma-separated libraries to run (default: %s)" % ",".join(LIBS))
    ap.add_argument("--no-lock", action="store_true", help="do not wait for another benchmark "
                    "run on this machine (smoke tests; the numbers may overlap)")
    ap.add_argument("--workdir", default=None, help="where scratch checkpoints go "
                    "(default: the system temp dir)")
    a = ap.parse_args(argv)
    a.areas = [x.strip() for x in a.only.split(",") if x.strip()] or list(AREAS)
    bad = [x for x in a.areas if x not in AREAS]
    if bad:
        ap.error("unknown area(s) %s; choose from %s" % (", ".join(bad), ", ".join(AREAS)))
    a.libs = [x.strip() for x in a.libs.split(",") if x.strip()]
    bad = [x for x in a.libs if x not in LIBS]
    if bad:
        ap.error("unknown librar(y/ies) %s; choose from %s" % (", ".join(bad), ", ".join(LIBS)))
    return a


def main(argv=None):
    args = parse_args(argv)
    from . import report
    lock, waited = acquire_machine_lock(0 if args.no_lock else 120 if args.quick else 1800)
    from .machine import Noise
    noise = Noise()
    run = Run(args)
    t0 = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        run.resolve_pythons()
        _log("probing libraries: %s" % ", ".join(run.libs))
        run.probe()
        for lib in run.libs:
            st, msg = run.lib_status[lib]
            _log("  %-8s %s%s" % (lib, st, (" (%s)" % msg) if msg and st != "ok" else ""))
        for area in args.areas:
            a0 = time.monotonic()
            try:
                run.run_area(area)
            except Exception as exc:  # noqa: BLE001 - one broken area never ends the run
                import traceback
                _log("[%s] failed: %s" % (area, traceback.format_exc()))
                res = run.results.setdefault(area, {"title": area, "about": "", "workloads": [],
                                                    "cells": {}})
                res["error"] = "%s: %s" % (type(exc).__name__, exc)
            _log("[%s] done in %.1f s" % (area, time.monotonic() - a0))
    finally:
        run.cleanup()
    noise = noise.finish()
    noise["waited_for_other_run_s"] = round(waited, 1)
    noise["overlapped_other_run"] = lock is None
    if lock is not None:
        lock.close()
    doc = {
        "schema": 1,
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - t0, 1),
        "quick": args.quick,
        "command": " ".join(["python -m benchmarks"] + (argv if argv is not None
                                                           else sys.argv[1:])),
        "plan": run.plan,
        "machine": run.machine(noise),
        "libraries": {lib: dict(run.probes.get(lib, {}), python=run.pythons.get(lib),
                                status=run.lib_status.get(lib, ("?", ""))[0])
                      for lib in run.libs},
        "areas": run.results,
    }
    md = report.markdown(doc)
    print(md)
    for out in (args.markdown, args.docs, args.json, args.plot):
        if out and os.path.dirname(out):
            os.makedirs(os.path.dirname(out), exist_ok=True)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(md)
    if args.docs:
        with open(args.docs, "w") as f:
            f.write(report.docs_page(doc))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1, default=str)
    if args.plot:
        try:
            report.plot(doc, args.plot)
        except ImportError as exc:
            _log("no plot: %s (pip install -e '.[bench]')" % exc)
    _log("total %.1f s" % (time.monotonic() - t0))
    return 0

