"""Run the batch chunks of a CPU op on several threads, each with a single-threaded BLAS.

A convolution on the CPU is im2col copies, GEMMs and layout copies. A multi-threaded BLAS only
spreads the GEMMs over the cores; numpy runs the copies on one thread, and the BLAS threads meet
at a barrier after every call. Splitting the batch instead, and giving each part a core of its
own (numpy releases the GIL in copies and BLAS calls), keeps every core busy for the whole op.

The BLAS is set to one thread while parts run (through ``threadpoolctl``) and given back its
thread count when the last part finishes; other threads calling BLAS meanwhile run single-threaded
too. Without ``threadpoolctl``, with several BLAS libraries loaded, or when the BLAS already has
one thread, ops run as before on the calling thread.
"""
from __future__ import annotations

import os
import threading

__all__ = ["batch_parts", "run_parts"]

#: Work (multiply-adds) a part must have to be worth splitting (about 0.5 ms of compute): below it,
#: the hand-off and the BLAS threads still spinning from the last multi-threaded call cost more
#: than the second core gives (a small CNN step ran 15% slower with 4M).
MIN_PART_WORK = 20_000_000

_lock = threading.Lock()
_state = {"blas": None, "active": 0, "saved": None, "pool": None}


def _blas():
    """The one loaded BLAS's threadpoolctl controller, or ``None`` (looked up once)."""
    blas = _state["blas"]
    if blas is None:
        blas = False
        try:
            from threadpoolctl import ThreadpoolController
            libs = ThreadpoolController().select(user_api="blas").lib_controllers
            if len(libs) == 1:
                blas = libs[0]
        except Exception:  # noqa: BLE001 - no threadpoolctl, or it cannot read this BLAS
            blas = False
        _state["blas"] = blas
    return blas or None


def _width(blas) -> int:
    with _lock:
        if _state["active"]:
            return _state["saved"]
    return blas.get_num_threads() or 1


def batch_parts(xp, n: int, work: int):
    """Slices of a batch of ``n`` samples to run on separate threads, or ``None`` for one part.

    ``work`` is the op's multiply-adds; only numpy arrays are split (CuPy has its own device
    parallelism, and other backends keep the simple path).
    """
    import numpy
    if xp is not numpy or n < 2:
        return None
    blas = _blas()
    if blas is None:
        return None
    parts = min(_width(blas), n, work // MIN_PART_WORK)
    if parts < 2:
        return None
    bounds = [n * i // parts for i in range(parts + 1)]
    return [slice(a, b) for a, b in zip(bounds, bounds[1:])]


def _pool():
    pool = _state["pool"]
    if pool is None:
        from concurrent.futures import ThreadPoolExecutor
        pool = _state["pool"] = ThreadPoolExecutor(max(1, (os.cpu_count() or 1) - 1),
                                                   thread_name_prefix="ndx-op")
    return pool


def _forget_pool():
    """In a forked child: none of the parent's threads exist, and the BLAS gets its threads back if
    the fork happened while parts were running."""
    _state["pool"] = None
    if _state["active"] and _state["blas"]:
        _state["blas"].set_num_threads(_state["saved"])
    _state["active"] = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _enter():
    blas = _state["blas"]
    with _lock:
        if not _state["active"]:
            _state["saved"] = blas.get_num_threads()
            blas.set_num_threads(1)
        _state["active"] += 1


def _leave():
    blas = _state["blas"]
    with _lock:
        _state["active"] -= 1
        if not _state["active"]:
            blas.set_num_threads(_state["saved"])


def run_parts(fn, parts):
    """``[fn(part) for part in parts]``, the first on this thread and the others on the pool.

    ``parts`` of ``None`` runs ``fn(slice(None))`` here. Every part has finished (or failed) before
    this returns or raises, so no thread still writes into the caller's arrays.
    """
    if parts is None:
        return [fn(slice(None))]
    _enter()
    try:
        futures = [_pool().submit(fn, p) for p in parts[1:]]
        try:
            first = fn(parts[0])
        finally:
            rest = []
            error = None
            for f in futures:
                try:
                    rest.append(f.result())
                except BaseException as e:  # noqa: BLE001 - re-raised below, after all finished
                    error = error or e
        if error is not None:
            raise error
        return [first] + rest
    finally:
        _leave()
