"""Saves replace the target atomically: an exception or a SIGKILL mid-write leaves the old file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from ndx.formats import atomic_write, load_arrays, mxnet, npz_format, save_arrays, safetensors_format

REPO = Path(__file__).resolve().parents[2]
OLD = {"old": np.arange(10, dtype=np.float32)}


def _leftovers(folder, keep):
    return sorted(p.name for p in Path(folder).iterdir() if p.name != keep)


def test_atomic_write_exception_keeps_old_file(tmp_path):
    p = tmp_path / "f.bin"
    p.write_bytes(b"previous")
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_write(p) as f:
            f.write(b"x" * 100_000)
            raise RuntimeError("boom")
    assert p.read_bytes() == b"previous" and _leftovers(tmp_path, "f.bin") == []
    with atomic_write(p) as f:
        f.write(b"new")
    assert p.read_bytes() == b"new" and _leftovers(tmp_path, "f.bin") == []


def test_new_file_mode_follows_umask_and_old_mode_is_kept(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    old = os.umask(0o022)
    try:
        p = tmp_path / "m.params"
        save_arrays(p, OLD)
        assert p.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0o600
        os.chmod(p, 0o640)
        save_arrays(p, OLD)
        assert p.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


@pytest.mark.parametrize("ext", [".params", ".safetensors", ".npz"])
def test_exception_mid_save_keeps_old_file(tmp_path, monkeypatch, ext):
    p = tmp_path / f"ckpt{ext}"
    save_arrays(p, OLD)
    before = p.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(mxnet, "_write_data", fail)
    monkeypatch.setattr(safetensors_format, "save_file", fail)
    monkeypatch.setattr(npz_format, "_write_npy", fail)
    with pytest.raises(OSError, match="disk full"):
        save_arrays(p, {"new": np.ones((256, 256), np.float32)})
    assert p.read_bytes() == before and _leftovers(tmp_path, p.name) == []
    assert list(load_arrays(p)) == ["old"]


# The child saves a large checkpoint; after part of the data is on disk it reports and stalls,
# and the parent kills it with SIGKILL (no cleanup can run).
CHILD = textwrap.dedent("""
    import sys, time, numpy as np
    sys.path.insert(0, {repo!r})
    from ndx.formats import mxnet, npz_format, safetensors_format, save_arrays
    calls = [0]
    def stall():
        print("STALLED", flush=True)
        time.sleep(60)
    real_write = mxnet._write_data
    def slow_write(f, a):
        real_write(f, a)
        calls[0] += 1
        if calls[0] == 4:
            f.flush()
            stall()
    real_npy = npz_format._write_npy
    def slow_npy(fp, a):
        real_npy(fp, a)
        calls[0] += 1
        if calls[0] == 4:
            stall()
    def slow_st(tensors, path, metadata=None):
        with open(path, "wb") as f:  # part of what the package would write, then stall
            for a in list(tensors.values())[:4]:
                f.write(a.tobytes())
            f.flush()
            stall()
    mxnet._write_data = slow_write
    npz_format._write_npy = slow_npy
    safetensors_format.save_file = slow_st
    big = {{f"w{{i}}": np.full((1024, 1024), i, np.float32) for i in range(8)}}  # 32 MB
    save_arrays(sys.argv[1], big)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("ext", [".params", ".safetensors", ".npz"])
def test_sigkill_mid_save_keeps_old_file(tmp_path, ext):
    p = tmp_path / f"ckpt{ext}"
    save_arrays(p, OLD)
    before = p.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(repo=str(REPO)), str(p)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "STALLED", child.stderr.read()
        temps = [q for q in tmp_path.iterdir() if q.name != p.name]
        assert len(temps) == 1 and temps[0].stat().st_size >= 4 << 20  # really mid-write
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert p.read_bytes() == before
    assert list(load_arrays(p)) == ["old"]


def test_durable_saving_fsyncs_file_and_folder(tmp_path, monkeypatch):
    import os

    from ndx.formats import atomic
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    target = tmp_path / "d.bin"
    prev = atomic.set_durable(False)
    try:
        with atomic.atomic_write(target) as f:
            f.write(b"fast")
        assert synced == [] and target.read_bytes() == b"fast"
        atomic.set_durable(True)
        with atomic.atomic_write(target) as f:
            f.write(b"safe")
        assert len(synced) == 2 and target.read_bytes() == b"safe"   # the file, then its folder
    finally:
        atomic.set_durable(prev)


def _record_fallocate(monkeypatch, fail_with=None):
    """Replace fallocate(2) with a recorder (that may fail with ``fail_with``, an errno)."""
    from ndx.formats import atomic
    calls = []

    def fake(fd, mode, offset, length):
        calls.append((mode, offset, length))
        if fail_with is not None:
            raise OSError(fail_with, os.strerror(fail_with))
    monkeypatch.setattr(atomic, "_fallocate", fake)
    return calls


def test_mxnet_save_reserves_exactly_the_file_size_without_changing_it(tmp_path, monkeypatch):
    calls = _record_fallocate(monkeypatch)
    arrays = {"w": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.ones(5, np.float64),
              "empty": np.zeros((0, 3), np.float32)}
    path = tmp_path / "m.params"
    mxnet.save(path, arrays)
    expected = mxnet.dumps(arrays)
    assert calls == [(1, 0, len(expected))]          # FALLOC_FL_KEEP_SIZE, the whole file
    assert path.read_bytes() == expected


def test_a_full_disk_fails_before_writing_and_keeps_the_old_file(tmp_path, monkeypatch):
    import errno
    path = tmp_path / "m.params"
    mxnet.save(path, {"old": np.ones(3, np.float32)})
    before = path.read_bytes()
    _record_fallocate(monkeypatch, fail_with=errno.ENOSPC)
    with pytest.raises(OSError) as e:
        mxnet.save(path, {"new": np.zeros(1000, np.float32)})
    assert e.value.errno == errno.ENOSPC and e.value.filename == str(path) and "4" in str(e.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.params"]   # no temporary file left


@pytest.mark.parametrize("code", ["EOPNOTSUPP", "EINVAL", "ENOSYS", "EPERM"])
def test_filesystems_without_preallocation_save_as_usual(tmp_path, monkeypatch, code):
    import errno
    calls = _record_fallocate(monkeypatch, fail_with=getattr(errno, code))
    arrays = {"w": np.arange(6, dtype=np.int32)}
    save_arrays(tmp_path / "a.params", arrays, format="mxnet")
    save_arrays(tmp_path / "a.npz", arrays, format="npz")
    assert len(calls) == 2
    assert (tmp_path / "a.params").read_bytes() == mxnet.dumps(arrays)
    np.testing.assert_array_equal(load_arrays(tmp_path / "a.npz")["w"], arrays["w"])


def test_an_upper_bound_hint_leaves_no_reserved_blocks_past_the_end(tmp_path):
    """npz reserves an upper bound; what the file did not use is given back (real fallocate)."""
    arrays = {f"k{i}": np.ones(1000, np.float32) for i in range(40)}
    npz_format.save(tmp_path / "hinted.npz", arrays)
    with atomic_write(tmp_path / "plain.npz") as f:          # the same bytes, no reservation
        f.write((tmp_path / "hinted.npz").read_bytes())
    hinted, plain = os.stat(tmp_path / "hinted.npz"), os.stat(tmp_path / "plain.npz")
    assert hinted.st_size == plain.st_size
    assert hinted.st_blocks <= plain.st_blocks
