"""``nd.LRN`` and the sequence operators (``nd.SequenceMask``, ``nd.SequenceLast``, ``nd.SequenceReverse``)
with MXNet 1.x signatures. Served through ``ndx.ndarray.nn_ops``."""
from ..base import MXNetError
from ..ops import nn_lrn
from ..ops import sequence as Q
from .dispatch import invoke
from .functions import _out

__all__ = ["LRN", "SequenceLast", "SequenceMask", "SequenceReverse"]


def LRN(data, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None, out=None, name=None, **kwargs):
    """Local response normalization over channels: ``x / (knorm + alpha/nsize * sum x^2) ** beta``,
    the sum over ``nsize`` channels centred on each."""
    if nsize is None:
        raise MXNetError("Required parameter nsize of int (non-negative) is not presented, in operator LRN")
    attrs = {"alpha": float(alpha), "beta": float(beta), "knorm": float(knorm), "nsize": int(nsize)}
    return _out(invoke(nn_lrn.lrn, (data,), attrs), out)


def _lengths(op, data, sequence_length, use_sequence_length, axis):
    if axis not in (0, 1):
        raise MXNetError(f"{op}: axis must be 0 (time-major) or 1 (batch-major), got {axis}")
    if not use_sequence_length:
        return None
    if sequence_length is None:
        raise MXNetError(f"{op}: use_sequence_length=True needs the sequence_length input")
    batch = data.shape[1 - axis]
    if sequence_length.shape != (batch,):
        raise MXNetError(f"Shape inconsistent, Provided = [{','.join(map(str, sequence_length.shape))}], "
                         f"inferred shape=({batch},)")
    return sequence_length


def SequenceMask(data, sequence_length=None, use_sequence_length=False, value=0.0, axis=0, out=None, name=None,
                 **kwargs):
    """Set the steps past each batch entry's ``sequence_length`` to ``value`` (``axis``: the time axis)."""
    length = _lengths("SequenceMask", data, sequence_length, use_sequence_length, axis)
    if length is None:
        from . import functions
        return _out(functions.identity(data), out)
    return _out(invoke(Q.sequence_mask, (data, length), {"axis": axis, "value": float(value)}), out)


def SequenceLast(data, sequence_length=None, use_sequence_length=False, axis=0, out=None, name=None, **kwargs):
    """The last valid step of each sequence (the last step when ``use_sequence_length`` is off)."""
    length = _lengths("SequenceLast", data, sequence_length, use_sequence_length, axis)
    if length is None:
        return _out(data.slice_axis(axis=axis, begin=-1, end=None).squeeze(axis=axis), out)
    return _out(invoke(Q.sequence_last, (data, length), {"axis": axis}), out)


def SequenceReverse(data, sequence_length=None, use_sequence_length=False, axis=0, out=None, name=None, **kwargs):
    """Reverse the first ``sequence_length`` steps of each sequence along axis 0; later steps stay in place."""
    if axis != 0:
        raise MXNetError(f"Check failed: param_.axis == 0 ({axis} vs. 0) : Current implementation expects axis "
                         f"to be 0.")
    length = _lengths("SequenceReverse", data, sequence_length, use_sequence_length, axis)
    if length is None:
        return _out(data.flip(axis=0), out)
    return _out(invoke(Q.sequence_reverse, (data, length)), out)
