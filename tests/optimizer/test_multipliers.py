"""Per-parameter learning-rate / weight-decay multipliers and update counting (MXNet 1.x rules)."""
import numpy as np

import ndx as mx
from ndx import nd


def _lr_wd(opt, index):
    return opt._get_lr(index), opt._get_wd(index)


def test_multipliers_by_index_by_name_and_from_param_dict():
    opt = mx.optimizer.SGD(learning_rate=0.5, wd=0.1,
                           param_idx2name={0: "fc_weight", 1: "fc_bias", 2: "bn_gamma", 3: "other"})
    # names not ending in _weight/_gamma get no weight decay by default
    assert _lr_wd(opt, 0) == (0.5, 0.1) and _lr_wd(opt, 1) == (0.5, 0.0)
    assert _lr_wd(opt, 2) == (0.5, 0.1) and _lr_wd(opt, 3) == (0.5, 0.0)
    opt.set_lr_mult({0: 3.0, "fc_bias": 0.25})
    opt.set_wd_mult({"fc_weight": 2.0})
    assert _lr_wd(opt, 0) == (1.5, 0.1 * 2.0) and opt._get_lr(1) == 0.125
    assert _lr_wd(opt, 7) == (0.5, 0.1)          # an unknown index takes the plain values
    assert opt._get_lrs([0, 1, 7]) == [1.5, 0.125, 0.5]

    class P:
        lr_mult, wd_mult = 4.0, 0.5
    opt.param_dict = {0: P()}                    # Gluon's Parameters win over the dicts
    assert _lr_wd(opt, 0) == (2.0, 0.05)


def test_a_subclass_rule_for_the_rates_is_used_by_updates():
    class Halved(mx.optimizer.SGD):
        def _get_lrs(self, indices):
            return [lr / 2 for lr in super()._get_lrs(indices)]

    w, g = nd.array(np.ones(3, np.float32)), nd.array(np.full(3, 2.0, np.float32))
    Halved(learning_rate=0.5).update(0, w, g, None)
    np.testing.assert_array_equal(w.asnumpy(), np.ones(3, np.float32) - np.float32(0.25) * 2)


def test_update_counts_start_at_begin_num_update_and_drive_the_scheduler():
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(lr_scheduler=sched, begin_num_update=3)
    w, g = nd.array(np.zeros(2, np.float32)), nd.array(np.ones(2, np.float32))
    lrs = []
    for _ in range(3):
        for index in (0, 1):
            opt.update(index, w, g, None)
        lrs.append(opt.learning_rate)
        assert opt._index_update_count == {0: opt.num_update, 1: opt.num_update}
    assert opt.num_update == 6
    reference = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)  # stateful: a fresh one
    assert lrs == [reference(4), reference(5), reference(6)]
