"""Errors and small helpers shared by every layer of ndx."""


class MXNetError(RuntimeError):
    """Raised where MXNet raises ``MXNetError`` (same name and base, so ``except mx.base.MXNetError`` works)."""


NDXError = MXNetError


def unnamed_error(message):
    """An MXNetError that MXNet raises outside the graph's per-node inference (a check in the kernel or a
    legacy operator): a hybridized Block reports it unchanged, not as ``Error in operator <node>``."""
    err = MXNetError(message)
    err.node_error = False
    return err


class DeviceUnavailableError(MXNetError):
    """A context names a device whose backend is missing or has no such device."""


# MXNet's dtype flags (mshadow type codes): in saved graphs and in type-inference messages
DTYPE_FLAGS = {"float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5, "int64": 6,
               "bool": 7, "bfloat16": 12}


def shape_text(shape):
    """A shape as MXNet's messages print it: ``[2,3]`` (``[]`` for 0-d)."""
    return "[" + ",".join(str(n) for n in shape) + "]"
