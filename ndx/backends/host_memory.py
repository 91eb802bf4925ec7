"""Keep freed multi-MB host buffers in the process for reuse, as MXNet's pooled CPU storage does.

Training allocates and frees the same large activations and gradients every step. glibc's
``malloc`` hands blocks above its mmap threshold back to the kernel on ``free`` and trims the heap
top eagerly, so each step's fresh arrays page-fault again, one 4 KiB page at a time: on a CPU
convolution step that is a fifth of the time. ``tune()`` raises the mmap threshold to glibc's
maximum (32 MiB) and the trim threshold to 512 MiB, so freed blocks stay mapped and are reused.
Peak memory does not grow (freed blocks are reused before new ones are mapped); memory goes back
to the kernel later than it would otherwise.

Linux with glibc only; ``NDX_HOST_ALLOCATOR=system`` leaves malloc untouched.
"""
from __future__ import annotations

import os
import sys

__all__ = ["tune", "TUNED"]

MMAP_THRESHOLD = 32 << 20   # glibc's largest allowed value on 64-bit
TRIM_THRESHOLD = 512 << 20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3

#: ``True`` once ``tune()`` changed malloc's settings in this process.
TUNED = [False]


def tune() -> bool:
    """Apply the settings (once); ``False`` where they do not apply or were turned off."""
    if TUNED[0]:
        return True
    if os.environ.get("NDX_HOST_ALLOCATOR", "").lower() == "system" or not sys.platform.startswith("linux"):
        return False
    import ctypes
    import platform
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
        ok = libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    except (OSError, AttributeError):
        return False
    TUNED[0] = ok
    return ok
