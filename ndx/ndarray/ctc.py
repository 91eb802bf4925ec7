"""``nd.CTCLoss`` / ``nd.ctc_loss`` (also under ``nd.contrib``) with MXNet 1.x's signature and checks.
Served through ``ndx.ndarray.nn_ops``; the op is ``ndx.ops.nn_ctc.ctc_loss``."""
from ..base import MXNetError
from ..ops import nn_ctc
from .dispatch import invoke
from .functions import _out

__all__ = ["CTCLoss", "ctc_loss"]


def _check(cond, text):
    if not cond:
        raise MXNetError(f"MXNetError: Check failed: {text}")


def CTCLoss(data, label, data_lengths=None, label_lengths=None, use_data_lengths=False, use_label_lengths=False,
            blank_label="first", out=None, name=None, **kwargs):
    """Connectionist Temporal Classification loss, one value per sequence: ``data`` (T, N, C) activations
    (softmax is applied inside), ``label`` (N, L) padded with 0 (``blank_label='first'``, blank = channel 0)
    or -1 (``'last'``, blank = channel C-1); ``data_lengths`` / ``label_lengths`` (N,) are read when
    ``use_data_lengths`` / ``use_label_lengths`` are set."""
    if blank_label not in ("first", "last"):
        raise MXNetError(f"MXNetError: Invalid Input: '{blank_label}', valid values are: {{'first', 'last'}}, "
                         f"in operator CTCLoss(name=\"\", blank_label=\"{blank_label}\")")
    # as in MXNet, the inputs given (None skipped) must be exactly those the use_* flags ask for
    args = [a for a in (data, label, data_lengths, label_lengths) if a is not None]
    expected = 2 + bool(use_data_lengths) + bool(use_label_lengths)
    if len(args) != expected:
        raise MXNetError(f"MXNetError: Check failed: num_inputs == infered_num_inputs ({len(args)} vs. "
                         f"{expected}) : Operator CTCLoss expects {expected} inputs, but got {len(args)} instead.")
    dshape, lshape = data.shape, label.shape
    _check(len(dshape) == 3, f"dshape.ndim() == 3U ({len(dshape)} vs. 3) : "
                             "The number of dimensions of data array must be 3.")
    _check(len(lshape) == 2, f"lshape.ndim() == 2U ({len(lshape)} vs. 2) : "
                             "The number of dimensions of labels array must be 2.")
    _check(dshape[1] == lshape[0], f"dshape[1] == lshape[0] ({dshape[1]} vs. {lshape[0]}) : "
                                   "The batch size for the labels and data arrays must be the same.")
    if use_data_lengths:
        dl = args[2].shape[0]
        _check(dl == dshape[1], f"dlshape[0] == dshape[1] ({dl} vs. {dshape[1]}) : "
                                "The batch size for the data and data lengths must be the same.")
    if use_label_lengths:
        ll = args[-1].shape[0]
        _check(ll == lshape[0], f"llshape[0] == lshape[0] ({ll} vs. {lshape[0]}) : "
                                "The batch size for the labels and label lengths must be the same.")
    _check(dshape[0] >= lshape[1], f"dshape[0] >= lshape[1] ({dshape[0]} vs. {lshape[1]}) : "
                                   "The max number of labels cannot exceed the maximum sequence length of the data.")
    attrs = {"blank_first": blank_label == "first", "use_data_lengths": bool(use_data_lengths),
             "use_label_lengths": bool(use_label_lengths)}
    return _out(invoke(nn_ctc.ctc_loss, tuple(args), attrs), out)


ctc_loss = CTCLoss
