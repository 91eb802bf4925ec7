"""Errors and small helpers shared by every layer of ndx."""


class MXNetError(RuntimeError):
    """Raised where MXNet raises ``MXNetError`` (same name and base, so ``except mx.base.MXNetError`` works)."""


NDXError = MXNetError


class DeviceUnavailableError(MXNetError):
    """A context names a device whose backend is missing or has no such device."""


# MXNet's dtype flags (mshadow type codes): in saved graphs and in type-inference messages
DTYPE_FLAGS = {"float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5, "int64": 6,
               "bool": 7, "bfloat16": 12}
