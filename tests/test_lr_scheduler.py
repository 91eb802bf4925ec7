"""Learning-rate schedules against MXNet 1.9.1 sequences (tests/data/training/lr_schedulers.json)."""
import json
from pathlib import Path

import pytest

import ndx as mx

CASES = json.loads((Path(__file__).resolve().parent / "data" / "training" / "lr_schedulers.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c['class']}{i}" for i, c in enumerate(CASES)])
def test_sequence_matches_mxnet(case):
    sched = getattr(mx.lr_scheduler, case["class"])(**case["kwargs"])
    got = [sched(q) for q in case["queries"]]
    assert got == pytest.approx(case["lrs"], rel=1e-12, abs=0)


@pytest.mark.parametrize("make,message", [
    (lambda: mx.lr_scheduler.FactorScheduler(step=0), "Schedule step must be greater or equal than 1 round"),
    (lambda: mx.lr_scheduler.FactorScheduler(step=2, factor=1.5), "Factor must be no more than 1 to make lr reduce"),
    (lambda: mx.lr_scheduler.MultiFactorScheduler(step=[3, 2]), "Schedule step must be an increasing integer list"),
    (lambda: mx.lr_scheduler.PolyScheduler(max_update=0), "maximum number of updates must be strictly positive"),
    (lambda: mx.lr_scheduler.CosineScheduler(10, base_lr=0.1, warmup_begin_lr=0.5),
     "Base lr has to be higher than warmup_begin_lr"),
    (lambda: mx.lr_scheduler.CosineScheduler(10, warmup_steps=-1), "Warmup steps has to be positive or 0"),
    (lambda: mx.lr_scheduler.CosineScheduler(10, warmup_mode="exp"), "Supports only linear and constant modes"),
])
def test_invalid_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_optimizer_uses_scheduler_and_refuses_set_learning_rate():
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(learning_rate=None, lr_scheduler=sched)
    assert opt.learning_rate == 1.0
    opt.num_update = 3
    assert opt.learning_rate == 0.25
    with pytest.raises(UserWarning, match="LRScheduler of the optimizer has already been defined"):
        opt.set_learning_rate(0.1)
