"""The host allocator tuning: on by default on Linux/glibc, off with NDX_HOST_ALLOCATOR=system."""
import os
import platform
import subprocess
import sys

import pytest

glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def _tuned(env_value):
    env = dict(os.environ)
    env.pop("NDX_HOST_ALLOCATOR", None)
    if env_value is not None:
        env["NDX_HOST_ALLOCATOR"] = env_value
    out = subprocess.run([sys.executable, "-c", "import ndx.backends.host_memory as h, ndx; print(h.TUNED[0])"],
                         env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not glibc, reason="malloc tuning applies to glibc only")
def test_tuned_by_default_on_glibc():
    assert _tuned(None) == "True"


def test_system_allocator_opt_out():
    assert _tuned("system") == "False"


@pytest.mark.skipif(not glibc, reason="malloc tuning applies to glibc only")
def test_freed_large_blocks_are_reused_without_new_page_faults():
    """After the tuning, a freed 8 MB array's pages serve the next one: no fresh page faults."""
    code = """
import resource, numpy as np, ndx
a = np.ones(2 << 20, np.float32); del a
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    b = np.ones(2 << 20, np.float32); del b
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""
    env = dict(os.environ)
    counts = {}
    for mode in ("tuned", "system"):
        env.pop("NDX_HOST_ALLOCATOR", None)
        if mode == "system":
            env["NDX_HOST_ALLOCATOR"] = "system"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        counts[mode] = int(out.stdout.strip())
    assert counts["tuned"] < 200 <= counts["system"], counts
