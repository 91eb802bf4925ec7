"""LeakyReLU family, softmax losses, Dropout, Embedding, UpSampling: values and gradients."""
import numpy as np
import pytest


from ndx import autograd, nd
from ndx.test_utils import check_numeric_gradient

X = [-2, -0.5, 0, 0.5, 2]


@pytest.mark.parametrize("act,expected", [
    # observed on MXNet 1.9.1 (spec/layers.md §3)
    ("selu", [-1.5201665, -0.6917582, 0., 0.5253505, 2.101402]),
    ("gelu", [-0.0455001, -0.15426877, 0., 0.3457312, 1.9544998]),
    ("elu", [-0.86466473, -0.3934694, 0., 0.5, 2.]),
])
def test_leaky_family_spec_values(ctx, act, expected):
    y = nd.LeakyReLU(nd.array(X, ctx=ctx), act_type=act, slope=1.0)
    # MXNet's GELU kernel carries its own erf error (gelu(-2) is -0.04550026 exactly, MXNet says -0.0455001)
    np.testing.assert_allclose(y.asnumpy(), expected, rtol=1e-6, atol=2e-7)


@pytest.mark.parametrize("act", ["leaky", "elu", "gelu"])
def test_leaky_family_gradient(ctx, rng, act):
    x = rng.standard_normal((3, 4)) + 0.05
    check_numeric_gradient(lambda a: nd.LeakyReLU(a, act_type=act, slope=0.3), [x], ctx=ctx)


def test_selu_gradient_is_mxnets(ctx, rng):
    """MXNet 1.9.1 back-propagates lambda*(y + alpha) for x <= 0 (not lambda*alpha*exp(x)); lambda for x > 0."""
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    x = nd.array(rng.standard_normal((3, 4)), ctx=ctx, dtype="float64")
    g = rng.standard_normal((3, 4))
    x.attach_grad()
    with autograd.record():
        y = nd.LeakyReLU(x, act_type="selu")
    y.backward(nd.array(g, ctx=ctx, dtype="float64"))
    xn, yn = x.asnumpy(), y.asnumpy()
    np.testing.assert_allclose(yn, lam * np.where(xn > 0, xn, alpha * np.expm1(xn)), rtol=1e-12)
    np.testing.assert_allclose(x.grad.asnumpy(), g * np.where(xn > 0, lam, lam * (yn + alpha)), rtol=1e-12)


def test_rrelu_inference_returns_output_and_mask(ctx, rng):
    x = rng.standard_normal((3, 4))
    y, mask = nd.LeakyReLU(nd.array(x, ctx=ctx, dtype="float64"), act_type="rrelu", lower_bound=0.1,
                           upper_bound=0.3)
    np.testing.assert_allclose(y.asnumpy(), np.where(x > 0, x, 0.2 * x), rtol=1e-12)
    assert mask.shape == x.shape

    def inference_rrelu(a):
        with autograd.predict_mode():
            return nd.LeakyReLU(a, act_type="rrelu")[0]
    check_numeric_gradient(inference_rrelu, [x + 0.05], ctx=ctx)


def test_rrelu_training_draws_slopes_into_the_mask(ctx, rng):
    x = nd.array(rng.standard_normal((50, 40)), ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y, mask = nd.LeakyReLU(x, act_type="rrelu", lower_bound=0.1, upper_bound=0.3)
    y.backward()
    xn, m = x.asnumpy(), mask.asnumpy()
    assert 0.1 <= m.min() and m.max() <= 0.3 and m.std() > 0.03
    np.testing.assert_allclose(y.asnumpy(), np.where(xn > 0, xn, xn * m), rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), np.where(xn > 0, 1, m), rtol=1e-6)


def test_prelu_per_channel(ctx, rng):
    x = rng.standard_normal((2, 3, 4))
    a = rng.random(3)
    y = nd.LeakyReLU(nd.array(x, ctx=ctx), nd.array(a, ctx=ctx), act_type="prelu")
    np.testing.assert_allclose(y.asnumpy(), np.where(x > 0, x, x * a.reshape(1, 3, 1)), rtol=1e-6)
    check_numeric_gradient(lambda xx, aa: nd.LeakyReLU(xx, aa, act_type="prelu"), [x, a], ctx=ctx)
    check_numeric_gradient(lambda xx, aa: nd.LeakyReLU(xx, aa, act_type="prelu"), [x, a[:1]], ctx=ctx)


def test_softmax_cross_entropy(ctx, rng):
    x = rng.standard_normal((3, 5))
    lab = np.array([1, 0, 4], dtype=np.float64)
    y = nd.softmax_cross_entropy(nd.array(x, ctx=ctx), nd.array(lab, ctx=ctx))
    logp = x - x.max(1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
    assert y.shape == (1,)
    np.testing.assert_allclose(y.asnumpy(), [-logp[np.arange(3), [1, 0, 4]].sum()], rtol=1e-5)
    check_numeric_gradient(lambda a, b: nd.softmax_cross_entropy(a, b), [x, lab], ctx=ctx, grad_inputs=[0])


def test_softmax_output_gradient_ignores_head(ctx, rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    lab = np.array([0, 3, 1], dtype=np.float32)
    xa = nd.array(x, ctx=ctx)
    xa.attach_grad()
    with autograd.record():
        y = nd.SoftmaxOutput(xa, nd.array(lab, ctx=ctx), grad_scale=2.0)
    y.backward(nd.ones((3, 4), ctx=ctx) * 7)
    p = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    np.testing.assert_allclose(y.asnumpy(), p, rtol=1e-5)
    np.testing.assert_allclose(xa.grad.asnumpy(), 2.0 * (p - np.eye(4)[[0, 3, 1]]), rtol=1e-5, atol=1e-6)


def test_dropout_modes(ctx):
    x = nd.ones((200, 50), ctx=ctx)
    np.testing.assert_array_equal(nd.Dropout(x, p=0.25).asnumpy(), 1)  # inference: identity
    with autograd.train_mode():
        y = nd.Dropout(x, p=0.25).asnumpy()
        rows = nd.Dropout(x, p=0.5, axes=(1,)).asnumpy()
    assert set(np.unique(y)) == {0, np.float32(1 / 0.75)}
    assert 0.2 < (y == 0).mean() < 0.3
    assert all(len(set(r)) == 1 for r in rows)  # the mask is shared along axis 1
    always = nd.Dropout(x, p=0.5, mode="always").asnumpy()  # active even outside training
    assert 0.4 < (always == 0).mean() < 0.6


def test_dropout_gradient_uses_the_mask(ctx):
    x = nd.ones((10, 10), ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = nd.Dropout(x, p=0.5)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), y.asnumpy())


def test_embedding_clips_and_accumulates(ctx, rng):
    w = rng.standard_normal((3, 4))
    idx = np.array([0, 2, 5, -1, 1.7])
    y = nd.Embedding(nd.array(idx, ctx=ctx), nd.array(w, ctx=ctx), input_dim=3, output_dim=4)
    np.testing.assert_allclose(y.asnumpy(), w[[0, 2, 2, 0, 1]], rtol=1e-6)
    check_numeric_gradient(lambda i, ww: nd.Embedding(i, ww, input_dim=3, output_dim=4),
                           [idx.reshape(5, 1), w], ctx=ctx, grad_inputs=[1])


def test_upsampling_nearest(ctx, rng):
    x = rng.standard_normal((1, 2, 2, 3))
    y = nd.UpSampling(nd.array(x, ctx=ctx), scale=2, sample_type="nearest")
    np.testing.assert_allclose(y.asnumpy(), x.repeat(2, axis=2).repeat(2, axis=3), rtol=1e-6)
    check_numeric_gradient(lambda a: nd.UpSampling(a, scale=2, sample_type="nearest"), [x], ctx=ctx)


@pytest.mark.parametrize("dtype, message", [
    ("int32", "This operation only support floating point types, not int32"),
    ("int64", "This operation only support floating point types, not int64"),
    ("uint8", "This operation only support floating point types not uint8"),
    ("int8", "This operation only support floating point types not int8"),
    ("bool", "Unknown type enum 7"),
])
def test_activation_refuses_integer_input(ctx, dtype, message):
    # Messages observed on MXNet 1.9.1 (the int8 and uint8 ones have no comma).
    from ndx.base import MXNetError
    with pytest.raises(MXNetError) as e:
        nd.Activation(nd.array([1], dtype=dtype, ctx=ctx), act_type="relu")
    assert str(e.value) == "MXNetError: " + message
