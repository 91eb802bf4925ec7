"""Adamax, Nadam, DCASGD, FTML, Ftrl (and LAMB) beyond the bit-for-bit steps of test_against_mxnet.py: states survive a
save/load, Nadam's schedule is shared by all parameters, and DCASGD's momentum (which MXNet 1.9.1
documents but fails on) follows its formula."""
import math

import numpy as np
import pytest

import ndx as mx
from ndx import autograd, gluon, nd


def _net(weights=None):
    net = gluon.nn.Dense(2, in_units=3)
    net.initialize(mx.init.Constant(0.5))
    if weights is not None:
        net.weight.set_data(weights[0])
        net.bias.set_data(weights[1])
    return net


def _steps(net, trainer, n, seed):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        x = nd.array(rng.standard_normal((4, 3)))
        with autograd.record():
            loss = (net(x) ** 2).sum()
        loss.backward()
        trainer.step(4)


@pytest.mark.parametrize("name, kwargs", [("adamax", {}), ("nadam", {}), ("dcasgd", {}),
                                          ("dcasgd", {"momentum": 0.9}), ("ftml", {}), ("ftrl", {}),
                                          ("lamb", {})])
def test_states_saved_mid_training_continue_identically(tmp_path, name, kwargs):
    net = _net()
    trainer = gluon.Trainer(net.collect_params(), name, dict(kwargs, learning_rate=0.05))
    _steps(net, trainer, 2, seed=1)
    trainer.save_states(str(tmp_path / "t.states"))
    saved = [net.weight.data().copy(), net.bias.data().copy()]
    _steps(net, trainer, 2, seed=2)

    again = _net(saved)
    resumed = gluon.Trainer(again.collect_params(), name, dict(kwargs, learning_rate=0.05))
    resumed.load_states(str(tmp_path / "t.states"))
    _steps(again, resumed, 2, seed=2)
    np.testing.assert_array_equal(again.weight.data().asnumpy(), net.weight.data().asnumpy())
    np.testing.assert_array_equal(again.bias.data().asnumpy(), net.bias.data().asnumpy())


def test_nadam_schedule_is_one_product_over_every_update():
    opt = mx.optimizer.Nadam(learning_rate=0.01)
    weights = [nd.ones(3), nd.ones(2)]
    states = [opt.create_state(i, w) for i, w in enumerate(weights)]
    want = 1.0
    for step in range(1, 3):
        for i, w in enumerate(weights):
            opt.update(i, w, nd.ones(w.shape), states[i])
            want *= 0.9 * (1 - 0.5 * 0.96 ** (step * 0.004))
    assert opt.m_schedule == pytest.approx(want, rel=1e-15)


def test_dcasgd_momentum_follows_its_formula():
    lr, mom, lamda, wd = 0.1, 0.9, 0.04, 0.01
    opt = mx.optimizer.DCASGD(learning_rate=lr, momentum=mom, lamda=lamda, wd=wd)
    w = nd.array([1.0, -2.0, 3.0])
    state = opt.create_state(0, w)
    rng = np.random.default_rng(0)
    ref_w, ref_prev, ref_m = w.asnumpy().astype(np.float64), w.asnumpy().astype(np.float64), np.zeros(3)
    for _ in range(3):
        g = rng.standard_normal(3).astype(np.float32)
        opt.update(0, w, nd.array(g), state)
        g = g.astype(np.float64)
        ref_m = mom * ref_m - lr * (g + wd * ref_w + lamda * g * g * (ref_w - ref_prev))
        ref_prev = ref_w.copy()
        ref_w = ref_w + ref_m
    np.testing.assert_allclose(w.asnumpy(), ref_w, rtol=1e-6)
    np.testing.assert_allclose(state[1].asnumpy(), ref_prev, rtol=1e-6)


def _lamb_reference(w, grads, lr, wd, beta1=0.9, beta2=0.999, eps=1e-6, bias=True, lower=None, upper=None):
    """LAMB in float64, as MXNet documents lamb_update_phase1/2 (upper bound read as a cap)."""
    w = w.astype(np.float64)
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, 1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        if bias:
            u = (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps) + wd * w
        else:
            u = m / (np.sqrt(v) + eps) + wd * w
        r1, r2 = np.linalg.norm(w), np.linalg.norm(u)
        r1 = max(r1, lower) if lower else r1
        r1 = min(r1, upper) if upper else r1
        w = w - lr * (r1 / r2 if r1 and r2 else 1.0) * u
    return w


@pytest.mark.parametrize("kwargs", [{}, {"wd": 0.01}, {"bias_correction": False}, {"upper_bound": 0.5},
                                    {"lower_bound": 100.0}])
def test_lamb_follows_its_formula(ctx, kwargs):
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal(50).astype(np.float32)
    grads = [rng.standard_normal(50).astype(np.float32) for _ in range(3)]
    opt = mx.optimizer.LAMB(learning_rate=0.01, **kwargs)
    w = nd.array(w0, ctx=ctx)
    state = opt.create_state(0, w)
    for g in grads:
        opt.update(0, w, nd.array(g, ctx=ctx), state)
    want = _lamb_reference(w0, [g.astype(np.float64) for g in grads], 0.01, kwargs.get("wd", 0.0),
                           bias=kwargs.get("bias_correction", True), lower=kwargs.get("lower_bound"),
                           upper=kwargs.get("upper_bound"))
    np.testing.assert_allclose(w.asnumpy(), want, rtol=2e-5, atol=1e-6)


def test_lamb_with_a_zero_weight_takes_the_plain_step(ctx):
    opt = mx.optimizer.LAMB(learning_rate=0.1)
    w = nd.zeros(4, ctx=ctx)
    opt.update(0, w, nd.array([1.0, -1.0, 2.0, 0.0], ctx=ctx), opt.create_state(0, w))
    # ||w|| = 0: no trust ratio; the bias-corrected first step is g/(|g| + eps) per element
    np.testing.assert_allclose(w.asnumpy(), [-0.1, 0.1, -0.1, 0.0], rtol=1e-5)


def test_sgld_adds_a_half_gradient_step_and_gaussian_noise_of_variance_lr(ctx):
    lr, wd = 0.04, 0.1
    opt = mx.optimizer.SGLD(learning_rate=lr, wd=wd)
    w0 = np.linspace(-1, 1, 20000).astype(np.float32)
    g = np.full(20000, 0.5, np.float32)
    mx.random.seed(7)
    w = nd.array(w0, ctx=ctx)
    opt.update(0, w, nd.array(g, ctx=ctx), opt.create_state(0, w))
    noise = w.asnumpy() - (w0 - lr / 2 * (g + wd * w0))
    assert abs(noise.mean()) < 4 * math.sqrt(lr / 20000)
    assert noise.std() == pytest.approx(math.sqrt(lr), rel=0.03)
    mx.random.seed(7)                                    # the same seed draws the same noise
    again = nd.array(w0, ctx=ctx)
    opt.update(0, again, nd.array(g, ctx=ctx), None)
    np.testing.assert_array_equal(again.asnumpy(), w.asnumpy())
