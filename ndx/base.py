"""Errors and small helpers shared by every layer of ndx."""


class MXNetError(RuntimeError):
    """Raised where MXNet raises ``MXNetError`` (same name and base, so ``except mx.base.MXNetError`` works)."""


NDXError = MXNetError


class DeviceUnavailableError(MXNetError):
    """A context names a device whose backend is missing or has no such device."""
