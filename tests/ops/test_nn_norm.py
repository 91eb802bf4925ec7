"""BatchNorm, LayerNorm, InstanceNorm, GroupNorm and L2Normalization against numpy, with gradients."""
import numpy as np
import pytest

from ndx import autograd, nd
from ndx.test_utils import check_numeric_gradient


def np_norm(x, axes, eps):
    m = x.mean(axis=axes, keepdims=True)
    v = x.var(axis=axes, keepdims=True)
    return (x - m) / np.sqrt(v + eps)


@pytest.mark.parametrize("axis", [1, -1])
def test_batchnorm_training_and_inference(ctx, rng, axis):
    x = rng.standard_normal((4, 3, 5)).astype(np.float32)
    c = x.shape[axis]
    gamma, beta = rng.standard_normal(c).astype(np.float32), rng.standard_normal(c).astype(np.float32)
    mm, mv = rng.standard_normal(c).astype(np.float32), rng.random(c).astype(np.float32) + 0.5
    axes = tuple(i for i in range(3) if i != axis % 3)
    shape = [1, 1, 1]
    shape[axis] = c
    args = [nd.array(a, ctx=ctx) for a in (x, gamma, beta, mm, mv)]
    with autograd.train_mode():
        y = nd.BatchNorm(*args, eps=1e-5, fix_gamma=False, axis=axis)
    ref = np_norm(x, axes, 1e-5) * gamma.reshape(shape) + beta.reshape(shape)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)
    y = nd.BatchNorm(*args, eps=1e-5, fix_gamma=True, axis=axis)
    ref = (x - mm.reshape(shape)) / np.sqrt(mv.reshape(shape) + 1e-5) + beta.reshape(shape)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradient(ctx, rng, training):
    """Batch statistics in training; with use_global_stats the running ones (a true gradient). Plain
    inference mode copies MXNet's formula, which is not the derivative (checked against MXNet data)."""
    x = rng.standard_normal((3, 2, 4))
    g, b = rng.standard_normal(2), rng.standard_normal(2)
    mm, mv = rng.standard_normal(2), rng.random(2) + 0.5

    def fn(xx, gg, bb):
        with autograd.train_mode() if training else autograd.predict_mode():
            return nd.BatchNorm(xx, gg, bb, nd.array(mm, ctx=ctx, dtype=mm.dtype), nd.array(mv, ctx=ctx, dtype=mv.dtype),
                                fix_gamma=False, eps=1e-5, use_global_stats=not training)
    check_numeric_gradient(fn, [x, g, b], ctx=ctx, rtol=1e-3)


def test_batchnorm_moving_stats_move_on_backward(ctx, rng):
    """MXNet (CPU) updates the running statistics during backward, not in the recorded forward."""
    x = rng.standard_normal((6, 2)).astype(np.float32)
    gamma, beta = nd.ones(2, ctx=ctx), nd.zeros(2, ctx=ctx)
    gamma.attach_grad()
    mm, mv = nd.zeros(2, ctx=ctx), nd.ones(2, ctx=ctx)
    xa = nd.array(x, ctx=ctx)
    with autograd.record():
        y = nd.BatchNorm(xa, gamma, beta, mm, mv, momentum=0.9)
    np.testing.assert_array_equal(mm.asnumpy(), [0, 0])
    y.backward()
    np.testing.assert_allclose(mm.asnumpy(), 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(mv.asnumpy(), 0.9 + 0.1 * x.var(0), rtol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batchnorm_moving_stats_weigh_in_float32(ctx, dtype):
    # observed on MXNet 1.9.1 with data [[1, 2], [3, 5]], float32 and float64 alike:
    # running_mean [0.20000005 0.35000008] (1 - 0.9 taken in float32); float64 running_var
    # [1.0, 1.1250000298023224]
    gamma, beta = nd.ones(2, ctx=ctx, dtype=dtype), nd.zeros(2, ctx=ctx, dtype=dtype)
    gamma.attach_grad()
    mm, mv = nd.zeros(2, ctx=ctx, dtype=dtype), nd.ones(2, ctx=ctx, dtype=dtype)
    with autograd.record():
        y = nd.BatchNorm(nd.array([[1, 2], [3, 5]], ctx=ctx, dtype=dtype), gamma, beta, mm, mv, momentum=0.9)
    y.backward()
    np.testing.assert_array_equal(mm.asnumpy(), np.array([2, 3.5]) * float(np.float32(1) - np.float32(0.9)))
    np.testing.assert_array_equal(mv.asnumpy(), [1, 1.125] if dtype == "float32" else [1.0, 1.1250000298023224])
    if dtype == "float32":
        assert str(mm).startswith("\n[0.20000005 0.35000008]\n")


def test_batchnorm_output_mean_var_is_mean_and_inverse_std(ctx, rng):
    x = rng.standard_normal((4, 3)).astype(np.float32)
    with autograd.train_mode():
        y, mean, invstd = nd.BatchNorm(nd.array(x, ctx=ctx), nd.ones(3, ctx=ctx), nd.zeros(3, ctx=ctx),
                                       nd.zeros(3, ctx=ctx), nd.ones(3, ctx=ctx), output_mean_var=True)
    np.testing.assert_allclose(mean.asnumpy(), x.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(invstd.asnumpy(), 1 / np.sqrt(x.var(0) + 1e-3), rtol=1e-5)


def test_layernorm_spec_values(ctx):
    x = nd.array([[1, 2, 3, 4, 5], [1, 1, 2, 2, 2]], ctx=ctx)
    y = nd.LayerNorm(x, nd.ones(5, ctx=ctx), nd.zeros(5, ctx=ctx))
    np.testing.assert_allclose(y.asnumpy(), [[-1.41421, -0.707105, 0., 0.707105, 1.41421],
                                             [-1.2247195, -1.2247195, 0.81647956, 0.81647956, 0.81647956]],
                               rtol=1e-5)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_layernorm(ctx, rng, axis):
    x = rng.standard_normal((3, 4, 2))
    c = x.shape[axis]
    g, b = rng.standard_normal(c), rng.standard_normal(c)
    shape = [1, 1, 1]
    shape[axis] = c
    y = nd.LayerNorm(nd.array(x, ctx=ctx), nd.array(g, ctx=ctx), nd.array(b, ctx=ctx), axis=axis)
    ref = np_norm(x, axis % 3, 1e-5) * g.reshape(shape) + b.reshape(shape)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)
    check_numeric_gradient(lambda a, gg, bb: nd.LayerNorm(a, gg, bb, axis=axis), [x, g, b], ctx=ctx, rtol=1e-3)


def test_instancenorm_and_groupnorm(ctx, rng):
    x = rng.standard_normal((2, 4, 3, 2))
    g, b = rng.standard_normal(4), rng.standard_normal(4)
    y = nd.InstanceNorm(nd.array(x, ctx=ctx), nd.array(g, ctx=ctx), nd.array(b, ctx=ctx), eps=1e-5)
    ref = np_norm(x, (2, 3), 1e-5) * g.reshape(1, 4, 1, 1) + b.reshape(1, 4, 1, 1)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)
    _check_instancenorm_grads(ctx, x, g, b)
    gg, bb = rng.standard_normal(2), rng.standard_normal(2)
    y = nd.GroupNorm(nd.array(x, ctx=ctx), nd.array(gg, ctx=ctx), nd.array(bb, ctx=ctx), num_groups=2)
    ref = (np_norm(x.reshape(2, 2, -1), (2,), 1e-5) * gg.reshape(1, 2, 1) + bb.reshape(1, 2, 1)).reshape(x.shape)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)
    check_numeric_gradient(lambda a, g1, b1: nd.GroupNorm(a, g1, b1, num_groups=2), [x, gg, bb], ctx=ctx, rtol=1e-3)


def _check_instancenorm_grads(ctx, x, g, b):
    """InstanceNorm is float32-only (as MXNet's), so its gradients are compared with those of the same
    normalization written with LayerNorm (unit affine) and broadcasting, in float32."""
    def grads(fn):
        arrs = [nd.array(v, ctx=ctx, dtype="float32") for v in (x, g, b)]
        for a in arrs:
            a.attach_grad()
        with autograd.record():
            y = fn(*arrs)
        y.backward(nd.array(np.linspace(-1, 1, y.size).reshape(y.shape), ctx=ctx, dtype="float32"))
        return [a.grad.asnumpy() for a in arrs]

    def composed(a, gg, bb):
        c = a.shape[1]
        n = nd.LayerNorm(a.reshape((a.shape[0], c, -1)), nd.ones((a.size // (a.shape[0] * c),), ctx=ctx),
                         nd.zeros((a.size // (a.shape[0] * c),), ctx=ctx), axis=-1, eps=1e-5)
        return n.reshape(a.shape) * gg.reshape((1, c, 1, 1)) + bb.reshape((1, c, 1, 1))

    for got, want in zip(grads(lambda a, gg, bb: nd.InstanceNorm(a, gg, bb, eps=1e-5)), grads(composed)):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_norm_layer_checks_are_mxnets(ctx):
    """Observed on MXNet 1.9.1: axis range, rank and dtype checks of the normalization operators."""
    from ndx.base import MXNetError
    x2, one3 = nd.ones((2, 3), ctx=ctx), nd.ones((3,), ctx=ctx)
    cases = [
        (lambda: nd.BatchNorm(x2, one3, one3, one3, one3, axis=2),
         "MXNetError: Check failed: channelAxis < dshape.ndim() (2 vs. 2) : Channel axis out of range: 2"),
        (lambda: nd.BatchNorm(x2, one3, one3, one3, one3, axis=-3),
         "MXNetError: Check failed: channelAxis < dshape.ndim() (18446744073709551615 vs. 2) : "
         "Channel axis out of range: -3"),
        (lambda: nd.LayerNorm(x2, one3, one3, axis=2),
         "MXNetError: Check failed: axis >= 0 && axis < dshape.ndim(): Channel axis out of range: axis=2"),
        (lambda: nd.InstanceNorm(x2, one3, one3),
         "MXNetError: Check failed: in_data[instance_norm: :kData].ndim() >= 3 (2 vs. 3) : "
         "InstanceNorm only supports input tensors of rank >= 3."),
        (lambda: nd.InstanceNorm(nd.ones((2, 3, 4), ctx=ctx, dtype="float64"), one3.astype("float64"),
                                 one3.astype("float64")),
         "MXNetError: Check failed: in_type->at(i) == mshadow: :default_type_flag || in_type->at(i) == -1: "
         "Unsupported data type 1"),
        (lambda: nd.GroupNorm(x2, nd.ones((1,), ctx=ctx), nd.ones((1,), ctx=ctx)),
         "MXNetError: Check failed: dshape.ndim() >= 3U (2 vs. 3) : "),
        (lambda: nd.GroupNorm(nd.ones((2, 4, 3), ctx=ctx, dtype="float64"), nd.ones((2,), ctx=ctx),
                              nd.ones((2,), ctx=ctx), num_groups=2),
         "MXNetError: Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at 1-th input: "
         "expected float64, got float32"),
        (lambda: nd.LeakyReLU(nd.ones((2, 3), ctx=ctx, dtype="float16"), one3, act_type="prelu"),
         "MXNetError: Type inconsistent, Provided = float32, inferred type = float16"),
    ]
    for fn, message in cases:
        with pytest.raises(MXNetError) as e:
            fn()
        assert str(e.value) == message


@pytest.mark.parametrize("mode,axes", [("instance", (1, 2, 3)), ("channel", (1,)), ("spatial", (2, 3))])
def test_l2_normalization(ctx, rng, mode, axes):
    x = rng.standard_normal((2, 3, 2, 2))
    y = nd.L2Normalization(nd.array(x, ctx=ctx), mode=mode)
    np.testing.assert_allclose(y.asnumpy(), x / np.sqrt((x * x).sum(axis=axes, keepdims=True) + 1e-10), rtol=1e-5)
    check_numeric_gradient(lambda a: nd.L2Normalization(a, mode=mode), [x], ctx=ctx, rtol=1e-3)
