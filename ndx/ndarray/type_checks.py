"""MXNet's type-inference errors for ops whose inputs must share one dtype (ndx never promotes)."""
import numpy as np

from ..base import DTYPE_FLAGS, MXNetError

__all__ = ["check_same_dtype", "check_uniform_dtype", "check_float32_only", "check_type_consistent"]


def _name(dtype):
    return np.dtype(dtype).name


def check_same_dtype(arrays):
    """FullyConnected, LayerNorm, ...: every input takes the first input's dtype."""
    first = arrays[0]._data.dtype
    for i, a in enumerate(arrays[1:], 1):
        if a is not None and a._data.dtype != first:
            raise MXNetError(f"MXNetError: Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at "
                             f"{i}-th input: expected {_name(first)}, got {_name(a._data.dtype)}")


def check_uniform_dtype(named, expected=None, var="dtype"):
    """Convolution, Deconvolution, BatchNorm: ``named`` is ((input name, array), ...); every array after
    the data (or all of them, given ``expected``) must have the expected dtype."""
    expected = np.dtype(named[0][1]._data.dtype if expected is None else expected)
    for name, a in named[1:]:
        if a is not None and a._data.dtype != expected:
            got, want = _name(a._data.dtype), expected.name
            raise MXNetError(f"MXNetError: Check failed: (*in_type)[i] == {var} ({DTYPE_FLAGS.get(got, -1)} vs. "
                             f"{DTYPE_FLAGS.get(want, -1)}) : This layer requires uniform type. Expected '{want}' "
                             f"v.s. given '{got}' at '{name}'")


def check_float32_only(arrays):
    """Legacy operators with no other kernel (InstanceNorm): every input must be float32."""
    for a in arrays:
        if a._data.dtype != np.float32:
            raise MXNetError("MXNetError: Check failed: in_type->at(i) == mshadow: :default_type_flag || "
                             f"in_type->at(i) == -1: Unsupported data type {DTYPE_FLAGS.get(_name(a._data.dtype), -1)}")


def check_type_consistent(data, other):
    """An input whose dtype MXNet infers from the data's (PReLU's gamma)."""
    if other._data.dtype != data._data.dtype:
        raise MXNetError(f"MXNetError: Type inconsistent, Provided = {_name(other._data.dtype)}, "
                         f"inferred type = {_name(data._data.dtype)}")
