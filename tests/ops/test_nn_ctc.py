"""nd.CTCLoss: losses and data gradients against MXNet 1.9.1 (tests/data/ops_extra/ctc.*, written by
tools/mxnet_reference/gen_ctc.py), against a brute-force sum over every alignment computed here, and
against central differences, on every context."""
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from ndx import autograd, nd
from ndx.base import MXNetError
from ndx.test_utils import check_numeric_gradient

DATA = Path(__file__).resolve().parents[1] / "data" / "ops_extra"
REF = json.loads((DATA / "ctc.json").read_text())
ARRAYS = dict(np.load(DATA / "ctc.npz"))


def _run(ctx, data, label, kwargs, data_lengths=None, label_lengths=None, head=None, fn=nd.CTCLoss):
    x = nd.array(data, ctx=ctx, dtype=data.dtype)
    x.attach_grad()
    extra = [None if v is None else nd.array(v, ctx=ctx) for v in (data_lengths, label_lengths)]
    with autograd.record():
        loss = fn(x, nd.array(label, ctx=ctx), *extra, **kwargs)
    loss.backward(None if head is None else nd.array(head, ctx=ctx, dtype=data.dtype))
    return loss.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("case", REF["cases"], ids=[c["id"] for c in REF["cases"]])
def test_matches_mxnet(ctx, case):
    arr = {k: ARRAYS[v["key"]] for k, v in case["inputs"].items()}
    args = (ctx, arr["data"], arr["label"], case["kwargs"], arr.get("data_lengths"), arr.get("label_lengths"))
    if "error" in case:
        with pytest.raises(MXNetError) as err:
            _run(*args)
        assert case["error"] in str(err.value)
        return
    loss, grad = _run(*args, head=ARRAYS[case["head_grad"]])
    np.testing.assert_allclose(loss, ARRAYS[case["output"]], rtol=1e-5, atol=1e-5, err_msg="loss")
    assert loss.dtype == np.float32 and loss.shape == (arr["data"].shape[1],)
    if "grad" in case:
        np.testing.assert_allclose(grad, ARRAYS[case["grad"]], rtol=1e-5, atol=1e-5, err_msg="gradient")


# ----------------------------------------------------------------------------- brute force

def _brute(x, labels, blank, steps):
    """-log p(label | x) and its gradient w.r.t. the logits, by enumerating all C**T frame paths
    (float64). A path produces a label once repeats are merged and blanks dropped."""
    t_max, n, c = x.shape
    loss, grad = np.zeros(n), np.zeros(x.shape)
    for b in range(n):
        t = steps[b]
        z = x[:t, b].astype(np.float64)
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        total, occupancy = 0.0, np.zeros((t, c))
        for path in itertools.product(range(c), repeat=t):
            merged = [k for i, k in enumerate(path) if (i == 0 or k != path[i - 1]) and k != blank]
            if merged == list(labels[b]):
                prob = np.prod(p[np.arange(t), path])
                total += prob
                occupancy[np.arange(t), path] += prob
        if total > 0:  # infeasible sequences: loss 0 and no gradient (MXNet's value; see module docs)
            loss[b] = -np.log(total)
            grad[:t, b] = p - occupancy / total
    return loss, grad


@pytest.mark.parametrize("blank_label", ["first", "last"])
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_brute_force_enumeration(ctx, blank_label, seed):
    rng = np.random.default_rng(seed)
    t, n, c, width = 5, 4, 3, 3
    x = rng.standard_normal((t, n, c)).astype(np.float32) * 1.5
    first = blank_label == "first"
    blank, pad = (0, 0) if first else (c - 1, -1)
    symbols = [k for k in range(c) if k != blank]
    steps = rng.integers(2, t + 1, size=n)
    labels = [list(rng.choice(symbols, size=rng.integers(0, min(width, s) + 1))) for s in steps]
    labels[0] = [symbols[0]] * 2 if steps[0] >= 3 else labels[0]  # a repeat: needs a blank between
    padded = np.full((n, width), pad, np.float32)
    for b, lab in enumerate(labels):
        padded[b, :len(lab)] = lab
    head = rng.standard_normal(n).astype(np.float32)
    loss, grad = _run(ctx, x, padded, {"blank_label": blank_label, "use_data_lengths": True},
                      data_lengths=steps.astype(np.float32), head=head)
    ref_loss, ref_grad = _brute(x, labels, blank, steps)
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(grad, ref_grad * head[None, :, None], rtol=1e-4, atol=1e-5)


def test_label_lengths_cut_labels_before_their_padding(ctx):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 2, 3)).astype(np.float32)
    label = np.array([[1, 2, 2], [2, 2, 1]], np.float32)
    loss, grad = _run(ctx, x, label, {"use_label_lengths": True}, label_lengths=np.array([2, 1], np.float32))
    ref_loss, ref_grad = _brute(x, [[1, 2], [2]], 0, [4, 4])
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-4, atol=1e-5)


def test_infeasible_sequence_gives_zero_loss_and_gradient(ctx):
    """MXNet returns loss 0 for a label no alignment can produce (its gradient buffer is left unwritten);
    ndx returns 0 and a zero gradient for that sequence, and the other sequences are untouched."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 2, 4)).astype(np.float32)
    label = np.array([[1, 1, 1], [3, 2, 0]], np.float32)
    loss, grad = _run(ctx, x, label, {})
    alone_loss, alone_grad = _run(ctx, x[:, 1:], label[1:], {})
    assert loss[0] == 0 and not grad[:, 0].any()
    np.testing.assert_allclose(loss[1:], alone_loss, rtol=1e-6)
    np.testing.assert_allclose(grad[:, 1:], alone_grad, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kwargs,lengths", [
    ({"blank_label": "first"}, (None, None)),
    ({"blank_label": "last", "use_data_lengths": True, "use_label_lengths": True}, ([6, 4, 5], [2, 3, 0])),
])
def test_gradient_central_differences(ctx, kwargs, lengths):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 3, 4))
    if kwargs["blank_label"] == "first":
        label = np.array([[1, 2, 2], [3, 0, 0], [1, 3, 1]])
    else:
        label = np.array([[0, 2, 1], [1, 1, 0], [2, -1, -1]])
    extra = [None if v is None else nd.array(v, ctx=ctx) for v in lengths]
    lab = nd.array(label, ctx=ctx)
    check_numeric_gradient(lambda d: nd.CTCLoss(d, lab, *extra, **kwargs), [x], ctx, rtol=1e-5, atol=1e-7)


def test_long_sequence_is_stable_in_log_space(ctx):
    """200 peaked frames: probabilities far below float32's range, the loss still finite and float32
    agreeing with float64."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((200, 2, 5)) * 10
    label = rng.integers(1, 5, size=(2, 40)).astype(np.float32)
    loss64, grad64 = _run(ctx, x, label, {})
    loss32, grad32 = _run(ctx, x.astype(np.float32), label, {})
    assert loss64.dtype == np.float64 and np.isfinite(loss64).all() and (loss64 > 100).all()
    np.testing.assert_allclose(loss32, loss64, rtol=1e-6)
    np.testing.assert_allclose(grad32, grad64, atol=5e-5)
    np.testing.assert_allclose(grad64.sum(axis=2), 0, atol=1e-9)  # softmax minus a distribution per frame


def test_aliases_and_float16(ctx):
    assert nd.ctc_loss is nd.CTCLoss and nd.contrib.CTCLoss is nd.CTCLoss and nd.contrib.ctc_loss is nd.CTCLoss
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, 2, 4)).astype(np.float16)
    label = nd.array([[1, 2, 0], [3, 0, 0]], ctx=ctx)
    half = nd.contrib.ctc_loss(nd.array(x, ctx=ctx, dtype="float16"), label)
    full = nd.CTCLoss(nd.array(x.astype(np.float32), ctx=ctx), label)
    assert half.dtype == np.float16
    np.testing.assert_allclose(half.asnumpy(), full.asnumpy(), rtol=1e-3)


def test_lengths_given_without_their_flag_are_refused():
    x, label = nd.ones((4, 2, 3)), nd.ones((2, 2))
    with pytest.raises(MXNetError, match=r"Operator CTCLoss expects 2 inputs, but got 3 instead"):
        nd.CTCLoss(x, label, nd.array([4, 4]))
