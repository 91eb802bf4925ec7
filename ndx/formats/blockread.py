"""Read many byte ranges of one file straight into their destination arrays, in parallel.

A checkpoint load is a page-cache (or disk) copy into freshly allocated arrays; the copy and the
first-touch page faults of the destination both run in the kernel with the GIL released, so a
few threads issuing ``pread`` calls on disjoint ranges scale with the cores (about 3× one thread
on 2 cores here, see ``docs/performance.md``). Small loads stay on the calling thread.
"""
from __future__ import annotations

import os

import numpy as np

__all__ = ["Extent", "read_blocks"]

#: Below this many bytes in total, one thread does it all (thread start-up would dominate).
PARALLEL_MIN_BYTES = 16 << 20
#: Ranges are split into pieces of at most this size, so a few big arrays still spread over threads
#: and no single call reaches Linux's 2 GiB per-read cap.
_PIECE = 32 << 20
_MAX_THREADS = 4


class Extent:
    """``nbytes`` bytes at file ``offset`` go into ``dest`` (a writable, C-contiguous ndarray)."""

    __slots__ = ("dest", "offset", "tag")

    def __init__(self, dest: np.ndarray, offset: int, tag=None):
        self.dest, self.offset, self.tag = dest, offset, tag


class ShortRead(Exception):
    """The file ended before a block was filled (it is shorter than its header says, or shrank)."""

    def __init__(self, block: Extent, got: int):
        super().__init__(block, got)
        self.block, self.got = block, got


def _threads(total: int) -> int:
    if total < PARALLEL_MIN_BYTES or not hasattr(os, "preadv"):
        return 1
    return max(1, min(_MAX_THREADS, os.cpu_count() or 1, total // _PIECE + 1))


def _fill(fd, block, view, start):
    """``pread`` into ``view`` (a slice of ``block.dest`` starting at byte ``start``) until it is full."""
    done, want = 0, len(view)
    while done < want:
        n = os.preadv(fd, [view[done:]], block.offset + start + done)
        if n <= 0:
            raise ShortRead(block, start + done)
        done += n


def _fill_seek(f, block):
    """The portable path (no ``preadv``, e.g. Windows): seek + readinto."""
    view = memoryview(block.dest.reshape(-1).view(np.uint8))
    f.seek(block.offset)
    done = 0
    while done < len(view):
        n = f.readinto(view[done:])
        if not n:
            raise ShortRead(block, done)
        done += n


def read_blocks(f, blocks) -> None:
    """Fill every block from the open binary file ``f``; raises :class:`ShortRead` on a short file."""
    blocks = [b for b in blocks if b.dest.nbytes]
    if not blocks:
        return
    if not hasattr(os, "preadv"):
        for b in blocks:
            _fill_seek(f, b)
        return
    fd = f.fileno()
    pieces = []
    for b in blocks:
        view = memoryview(b.dest.reshape(-1).view(np.uint8))
        for start in range(0, len(view), _PIECE):
            pieces.append((b, view[start:start + _PIECE], start))
    total = sum(b.dest.nbytes for b in blocks)
    n = _threads(total)
    if n == 1:
        for p in pieces:
            _fill(fd, *p)
        return
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(n, thread_name_prefix="ndx-read") as pool:
        for fut in [pool.submit(_fill, fd, *p) for p in pieces]:
            fut.result()
