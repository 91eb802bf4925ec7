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
