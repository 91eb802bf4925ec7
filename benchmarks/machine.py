"""What the JSON records about the machine (runner side, standard library + optional psutil)."""
import os
import platform
import sys
import time


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _mem_total():
    try:
        import psutil
        return psutil.virtual_memory().total
    except ImportError:
        pass
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def cpu_busy_seconds():
    """Machine-wide busy CPU seconds since boot (all processes), from /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
        vals = [int(x) for x in fields]
        idle = vals[3] + (vals[4] if len(vals) > 4 else 0)      # idle + iowait
        busy = sum(vals[:8]) - idle                              # without guest (in user)
        return busy / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def own_cpu_seconds():
    import resource
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


class Noise:
    """How much CPU the rest of the machine used while the suite ran (other users, services)."""

    def __init__(self):
        self.t0 = time.monotonic()
        self.busy0 = cpu_busy_seconds()
        self.own0 = own_cpu_seconds()
        self.load0 = os.getloadavg() if hasattr(os, "getloadavg") else None

    def finish(self):
        wall = time.monotonic() - self.t0
        busy1 = cpu_busy_seconds()
        out = {"loadavg_start": self.load0,
               "loadavg_end": os.getloadavg() if hasattr(os, "getloadavg") else None}
        if self.busy0 is not None and busy1 is not None and wall > 0:
            other = max(0.0, (busy1 - self.busy0) - (own_cpu_seconds() - self.own0))
            out["other_cpu_seconds"] = round(other, 1)
            out["other_cpu_cores_avg"] = round(other / wall, 2)
        return out


def blas_summary(probe):
    """'OpenBLAS 0.3.31 (Zen kernel, 2 threads)' from a probe's threadpoolctl record."""
    pools = probe.get("threadpools")
    if not isinstance(pools, list):
        return None
    parts = []
    for p in pools:
        if p.get("user_api") != "blas":
            continue
        s = "%s %s" % (p.get("internal_api", "blas"), p.get("version") or "")
        extra = []
        if p.get("architecture"):
            extra.append("%s kernel" % p["architecture"])
        if p.get("num_threads"):
            extra.append("%s threads" % p["num_threads"])
        if extra:
            s += " (%s)" % ", ".join(extra)
        parts.append(s.strip())
    return "; ".join(parts) or None


def describe(probes, unset_env, noise=None):
    try:
        cores_physical = __import__("psutil").cpu_count(logical=False)
    except ImportError:
        cores_physical = None
    return {
        "cpu": _cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_physical": cores_physical,
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_bytes": _mem_total(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "runner_executable": sys.executable,
        "env_unset_for_children": unset_env,
        "blas": {lib: ("%s (torch BLAS_INFO; numpy beside it: %s)" % (p["blas_info"],
                                                                      blas_summary(p))
                       if p.get("blas_info") else blas_summary(p))
                 for lib, p in probes.items() if isinstance(p, dict)},
        "noise": noise or {},
    }
