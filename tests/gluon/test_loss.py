"""Gluon losses: values, input gradients and reprs against MXNet 1.9.1 (tests/data/training/losses.*)."""
import json
from pathlib import Path

import numpy as np
import pytest

import ndx as mx
from ndx import autograd, gluon, nd

DATA = Path(__file__).resolve().parents[1] / "data" / "training"
CASES = json.loads((DATA / "losses.json").read_text())
REF = np.load(DATA / "losses.npz")


@pytest.mark.parametrize("key,cls,kwargs,names", CASES, ids=[c[0] for c in CASES])
def test_loss_matches_mxnet(ctx, key, cls, kwargs, names):
    loss = getattr(gluon.loss, cls)(**kwargs)
    args = [None if n is None else mx.nd.array(REF[f"in/{n}"], ctx=ctx) for n in names]
    args[0].attach_grad()
    with autograd.record():
        out = loss(*args)
    out.backward()
    # atol 1e-5: MXNet's float32 log_softmax is off by ~3e-6 near 0 (ndx's is closer to float64 truth)
    np.testing.assert_allclose(out.asnumpy(), REF[f"{key}/out"], rtol=1e-5, atol=1e-5)
    assert out.shape == REF[f"{key}/out"].shape
    if f"{key}/grad" in REF:
        np.testing.assert_allclose(args[0].grad.asnumpy(), REF[f"{key}/grad"], rtol=1e-5, atol=1e-5)
    assert repr(loss) == REF[f"{key}/repr"].tobytes().decode()


PRED = np.array([[0.5, -1, 2], [1.5, 0.2, -0.3]], np.float32)
LABEL = np.array([[1, 0, 1], [0, 1, 1]], np.float32)


def test_l2_against_numpy_with_sample_weight_and_batch_axis(ctx):
    pred, label = mx.nd.array(PRED, ctx=ctx), mx.nd.array(LABEL, ctx=ctx)
    sq = (LABEL - PRED) ** 2 / 2
    np.testing.assert_allclose(gluon.loss.L2Loss()(pred, label).asnumpy(), sq.mean(1), rtol=1e-6)
    sw = np.array([[1], [0.5]], np.float32)
    np.testing.assert_allclose(gluon.loss.L2Loss()(pred, label, mx.nd.array(sw, ctx=ctx)).asnumpy(),
                               (sq * sw).mean(1), rtol=1e-6)
    np.testing.assert_allclose(gluon.loss.L2Loss(batch_axis=1)(pred, label).asnumpy(), sq.mean(0), rtol=1e-6)
    flat = gluon.loss.L2Loss()(mx.nd.array([1, 2], ctx=ctx), mx.nd.array([0, 0], ctx=ctx))
    np.testing.assert_allclose(flat.asnumpy(), [0.5, 2.0])


def test_softmax_ce_accepts_column_labels_and_dense_labels(ctx):
    pred = mx.nd.array(PRED, ctx=ctx)
    logp = PRED - np.log(np.exp(PRED).sum(1, keepdims=True))
    expected = -logp[[0, 1], [2, 0]]
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    np.testing.assert_allclose(loss(pred, mx.nd.array([2, 0], ctx=ctx)).asnumpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(loss(pred, mx.nd.array([[2], [0]], ctx=ctx)).asnumpy(), expected, rtol=1e-5)
    onehot = np.eye(3, dtype=np.float32)[[2, 0]]
    dense = gluon.loss.SoftmaxCELoss(sparse_label=False)(pred, mx.nd.array(onehot, ctx=ctx))
    np.testing.assert_allclose(dense.asnumpy(), expected, rtol=1e-5)


def test_loss_reprs_and_bad_arguments():
    assert repr(gluon.loss.L2Loss()) == "L2Loss(batch_axis=0, w=1.0)"
    assert repr(gluon.loss.L1Loss()) == "L1Loss(batch_axis=0, w=None)"
    assert repr(gluon.loss.SoftmaxCrossEntropyLoss()) == "SoftmaxCrossEntropyLoss(batch_axis=0, w=None)"
    assert gluon.loss.SigmoidBCELoss is gluon.loss.SigmoidBinaryCrossEntropyLoss
    with pytest.raises(ValueError, match="label_format can only be signed or binary, recieved foo."):
        gluon.loss.LogisticLoss(label_format="foo")
    with pytest.raises(AssertionError, match="weight must be a number"):
        gluon.loss.L1Loss(weight="2")(mx.nd.ones((2, 2)), mx.nd.ones((2, 2)))


def test_triplet_loss_takes_no_sample_weight(ctx):
    pred = nd.array([[0.2, -0.5, 1.0], [1.5, 0.3, -0.2]], ctx=ctx)
    pos, neg = pred * 0.5, pred * 1.1
    loss = gluon.loss.TripletLoss(margin=0.5)(pred, pos, neg)
    p = pred.asnumpy()
    want = np.maximum(((p * 0.5 - p) ** 2 - (p * 1.1 - p) ** 2).sum(axis=1) + 0.5, 0)
    assert (want > 0).all()
    np.testing.assert_allclose(loss.asnumpy(), want, rtol=1e-6)
    with pytest.raises(TypeError) as e:  # MXNet 1.9.1's text
        gluon.loss.TripletLoss()(pred, pos, neg, nd.ones((2, 1), ctx=ctx))
    assert str(e.value) == "TripletLoss.hybrid_forward() takes 5 positional arguments but 6 were given"


def test_poisson_full_is_finite_for_zero_counts(ctx):
    """MXNet 1.9.1 returns nan when a target is 0 (0*log(0) masked by multiplication); ndx masks with where."""
    pred = np.array([[0.5, 1.5], [2.0, 0.7]], np.float32)
    target = np.array([[0, 3], [1, 2]], np.float32)
    loss = gluon.loss.PoissonNLLLoss(from_logits=False, compute_full=True)
    out = loss(mx.nd.array(pred, ctx=ctx), mx.nd.array(target, ctx=ctx)).asnumpy()
    t = target.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        stirling = np.where(t > 1, t * np.log(t) - t + 0.5 * np.log(2 * t * np.pi), 0)
    expected = np.mean(pred - t * np.log(pred + 1e-8) + stirling)
    np.testing.assert_allclose(out, [expected], rtol=1e-5)


def test_softmax_ce_rejects_sparse_label_of_the_wrong_shape(ctx):
    # Observed on MXNet 1.9.1: pick's shape check on the label.
    pred = nd.ones((2, 3, 4), ctx=ctx)
    with pytest.raises(mx.MXNetError) as e:
        gluon.loss.SoftmaxCrossEntropyLoss()(pred, nd.array([1, 2], ctx=ctx))
    assert str(e.value) == "MXNetError: Shape inconsistent, Provided = [2], inferred shape=[2,3]"


@pytest.mark.parametrize("shape, axis, label_shape", [((6, 5), -1, (6,)), ((6, 5), 1, (6, 1)),
                                                      ((3, 4, 5), 1, (3, 5)), ((4, 3), 0, (3,))])
def test_softmax_ce_fused_path_is_bit_identical_to_the_composition(ctx, monkeypatch, shape, axis, label_shape):
    """Imperative SoftmaxCrossEntropyLoss runs one fused op; values and gradients equal the
    log_softmax + pick composition (what a hybridized net and MXNet run) to the last bit."""
    import ndx.gluon.loss as L
    rng = np.random.default_rng(5)
    pred = nd.array(rng.standard_normal(shape) * 3, ctx=ctx)
    n = shape[axis]
    label = nd.array(rng.integers(-1, n + 1, size=label_shape), ctx=ctx)   # out-of-range labels clip
    weight = nd.array(rng.random(label_shape[:1] + (1,) * (len(shape) - 2)), ctx=ctx) if len(shape) == 2 else None
    loss = L.SoftmaxCrossEntropyLoss(axis=axis, weight=0.7)
    results = []
    for fused in (True, False):
        if not fused:
            monkeypatch.setattr(L, "_pickable", lambda *a: False)
        pred.attach_grad()
        with autograd.record():
            out = loss(pred, label, weight) if weight is not None else loss(pred, label)
        out.backward()
        results.append((out.asnumpy(), pred.grad.asnumpy().copy()))
    (v1, g1), (v2, g2) = results
    assert v1.shape == v2.shape and np.array_equal(v1, v2) and np.array_equal(g1, g2)
