"""Metrics against MXNet 1.9.1 values (tests/data/training/metrics.json) and numpy."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

import ndx as mx

CASES = json.loads((Path(__file__).resolve().parent / "data" / "training" / "metrics.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c['name']}{i}" for i, c in enumerate(CASES)])
def test_metric_matches_mxnet(ctx, case):
    m = mx.metric.create(case["name"], **case["kwargs"])
    arrays = {k: mx.nd.array(np.array(v, np.float32), ctx=ctx) for k, v in case["inputs"].items()}
    for expected in case["values"]:
        m.update([arrays[n] for n in case["labels"]], [arrays[n] for n in case["preds"]])
        name, value = m.get()
        assert name == expected[0]
        assert value == pytest.approx(expected[1], rel=1e-6)


def test_nan_before_update_reset_and_name_value():
    m = mx.metric.Accuracy()
    name, value = m.get()
    assert name == "accuracy" and math.isnan(value)
    m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])])
    assert m.get_name_value() == [("accuracy", pytest.approx(2 / 3))]
    assert str(m) == f"EvalMetric: {{'accuracy': {2 / 3}}}"
    m.reset()
    assert m.num_inst == 0 and math.isnan(m.get()[1])


def test_f1_micro_pools_counts_and_macro_averages_batches():
    preds = [np.array([[0.2, 0.8], [0.9, 0.1]]), np.array([[0.3, 0.7], [0.4, 0.6], [0.1, 0.9]])]
    labels = [np.array([1, 1]), np.array([0, 1, 1])]

    def f1(tp, fp, fn):
        p, r = tp / (tp + fp), tp / (tp + fn)
        return 2 * p * r / (p + r)
    micro, macro = mx.metric.F1(average="micro"), mx.metric.F1()
    for label, pred in zip(labels, preds):
        for m in (micro, macro):
            m.update([mx.nd.array(label)], [mx.nd.array(pred)])
    assert micro.get()[1] == pytest.approx(f1(tp=3, fp=1, fn=1))
    assert macro.get()[1] == pytest.approx((f1(1, 0, 1) + f1(2, 1, 0)) / 2)


def test_composite_and_errors():
    c = mx.metric.create(["acc", "mse"])
    assert isinstance(c, mx.metric.CompositeEvalMetric)
    c.update([mx.nd.array([1, 0])], [mx.nd.array([1, 1])])
    assert c.get() == (["accuracy", "mse"], [0.5, 0.5])
    with pytest.raises(ValueError, match="Shape of labels 1 does not match shape of predictions 2"):
        mx.metric.Accuracy().update([mx.nd.array([1])], [mx.nd.array([1]), mx.nd.array([2])])
    with pytest.raises(AssertionError, match="nosuch is not registered. Please register with metric.register first"):
        mx.metric.create("nosuch")
    custom = mx.metric.create(lambda label, pred: float(np.abs(label - pred).sum()))
    custom.update([mx.nd.array([1, 2])], [mx.nd.array([0, 0])])
    assert custom.get() == ("custom(<lambda>)", 3.0)


def _binary_batches():
    rng = np.random.default_rng(0)
    return [(rng.integers(0, 2, size=n).astype(np.float32), rng.random((n, 2)).astype(np.float32)) for n in (7, 5, 9)]


def _confusion(label, pred):
    p, t = pred.argmax(1) == 1, label == 1
    return np.array([(p & t).sum(), (p & ~t).sum(), (~p & t).sum(), (~p & ~t).sum()], float)  # tp fp fn tn


def _mcc(c):
    tp, fp, fn, tn = c
    margins = [m for m in (tp + fp, tp + fn, tn + fp, tn + fn) if m]
    return (tp * tn - fp * fn) / math.sqrt(np.prod(margins)) if c.sum() else 0.0


def _f1(c):
    tp, fp, fn, _ = c
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


@pytest.mark.parametrize("name, score", [("mcc", _mcc), ("f1", _f1)])
def test_binary_metrics_macro_micro_and_local_reset(name, score):
    """macro: mean of per-batch scores; micro: the score of pooled counts, times its count; reset_local
    clears the local counts only (the global value keeps every batch), as MXNet 1.9.1's metrics do."""
    batches = _binary_batches()
    counts = [_confusion(lbl, p) for lbl, p in batches]
    macro = mx.metric.create(name)
    micro = mx.metric.create(name, average="micro")
    for i, (lbl, p) in enumerate(batches):
        for m in (macro, micro):
            m.update([mx.nd.array(lbl)], [mx.nd.array(p)])
        if i == 1:
            assert macro.get()[1] == pytest.approx((score(counts[0]) + score(counts[1])) / 2)
            assert micro.get()[1] == pytest.approx(score(counts[0] + counts[1]))
            macro.reset_local()
            micro.reset_local()
    assert macro.get()[1] == pytest.approx(score(counts[2]))
    assert macro.get_global()[1] == pytest.approx(np.mean([score(c) for c in counts]))
    assert micro.get()[1] == pytest.approx(score(counts[2]))
    assert micro.get_global()[1] == pytest.approx(score(sum(counts)))
    assert all(type(v) is float for v in (macro.get()[1], micro.get_global()[1]))
    with pytest.raises(ValueError, match="^_BinaryClassificationMetrics currently only supports binary"):
        macro.update([mx.nd.array([0, 1, 2])], [mx.nd.array(np.eye(3))])


def test_pearson_correlation_macro_and_streamed_micro():
    rng = np.random.default_rng(1)
    batches = [(rng.random(n), rng.random(n)) for n in (6, 4, 8)]
    macro = mx.metric.create("pearsonr")
    micro = mx.metric.PearsonCorrelation(average="micro")
    assert macro.name == "pearsonr" and isinstance(macro, mx.metric.PearsonCorrelation)
    for lbl, p in batches:
        for m in (macro, micro):
            m.update([mx.nd.array(lbl)], [mx.nd.array(p)])
    labels = np.concatenate([mx.nd.array(b[0]).asnumpy() for b in batches]).astype(np.float64)
    preds = np.concatenate([mx.nd.array(b[1]).asnumpy() for b in batches]).astype(np.float64)
    per_batch = [np.corrcoef(mx.nd.array(p).asnumpy().astype(np.float64),
                             mx.nd.array(lbl).asnumpy().astype(np.float64))[0, 1] for lbl, p in batches]
    assert macro.get()[1] == pytest.approx(np.mean(per_batch), rel=1e-12)
    # the streamed co-moment pairs each batch's labels with the previous prediction mean, as MXNet's does
    mean_l = mean_p = 0.0
    n = 0
    co = 0.0
    for lbl, p in batches:
        lbl = mx.nd.array(lbl).asnumpy().astype(np.float64)
        p = mx.nd.array(p).asnumpy().astype(np.float64)
        n += len(lbl)
        mean_l += np.sum((lbl - mean_l) / n)
        co += np.sum((lbl - mean_l) * (p - mean_p))
        mean_p += np.sum((p - mean_p) / n)
    want = co / ((n - 1) * preds.std(ddof=1) * labels.std(ddof=1))
    assert micro.get()[1] == pytest.approx(want, rel=1e-9)
    micro.reset()
    assert math.isnan(micro.get()[1])
