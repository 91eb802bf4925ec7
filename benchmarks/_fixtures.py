"""Checkpoint fixtures written without ndx or MXNet, so every library loads the very same bytes.

The MXNet ``.params`` writer follows the NDArray-list layout of MXNet 1.x (anchors.md §2e,
``src/ndarray/ndarray.cc``): list magic 0x112, reserved 0, count, V2 dense arrays, then the keys.
MXNet 1.9.1 loads what it writes.
"""
import os
import struct

LIST_MAGIC = 0x112
ARRAY_V2_MAGIC = 0xF993FAC9
FLOAT32_FLAG = 0
CPU_DEV_TYPE = 1


def n_arrays(cfg):
    """64 arrays of 1024×1024 float32 (256 MB); 16 of them (64 MB) in quick mode."""
    return 16 if cfg.get("quick") else 64


SHAPE = (1024, 1024)


def make_arrays(n):
    """n float32 arrays of SHAPE, cheap to make (the formats do not compress)."""
    import numpy as np
    return {"arr%03d" % i: np.full(SHAPE, float(i) + 0.5, dtype=np.float32) for i in range(n)}


def write_params(path, arrays):
    """MXNet 1.x ``.params`` (dense float32 arrays, named)."""
    import numpy as np
    with open(path, "wb") as f:
        f.write(struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays)))
        for a in arrays.values():
            a = np.ascontiguousarray(a, dtype="<f4")
            f.write(struct.pack("<Iii", ARRAY_V2_MAGIC, 0, a.ndim))
            f.write(struct.pack("<%dq" % a.ndim, *a.shape))
            f.write(struct.pack("<iii", CPU_DEV_TYPE, 0, FLOAT32_FLAG))
            f.write(memoryview(a).cast("B"))
        f.write(struct.pack("<Q", len(arrays)))
        for k in arrays:
            b = k.encode()
            f.write(struct.pack("<Q", len(b)))
            f.write(b)


def write_raw(path, arrays):
    with open(path, "wb") as f:
        for a in arrays.values():
            a.tofile(f)


def write_all(tmpdir, n, formats=("params", "safetensors", "npz", "bin")):
    """The fixture files for the load benchmarks: {format: path}."""
    import numpy as np
    arrays = make_arrays(n)
    out = {}
    for fmt in formats:
        path = os.path.join(tmpdir, "fixture.%s" % fmt)
        if fmt == "params":
            write_params(path, arrays)
        elif fmt == "bin":
            write_raw(path, arrays)
        elif fmt == "npz":
            np.savez(path, **arrays)
        elif fmt == "safetensors":
            try:
                from safetensors.numpy import save_file
            except ImportError:
                continue
            save_file(arrays, path)
        out[fmt] = path
    return out
