"""nd.FullyConnected / nd.Activation against numpy, and their gradients (central differences)."""
import numpy as np
import pytest

from ndx import nd
from ndx.base import MXNetError
from ndx.test_utils import check_numeric_gradient


@pytest.mark.parametrize("flatten,shape", [(True, (2, 3, 2)), (False, (2, 3, 4)), (True, (3, 4))])
def test_fully_connected_forward_and_gradient(ctx, flatten, shape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    in_units = int(np.prod(shape[1:])) if flatten else shape[-1]
    w = rng.standard_normal((5, in_units))
    b = rng.standard_normal(5)
    out = nd.FullyConnected(nd.array(x, ctx=ctx), nd.array(w, ctx=ctx), nd.array(b, ctx=ctx), num_hidden=5,
                            flatten=flatten)
    x2 = x.reshape(shape[0], -1) if flatten else x
    np.testing.assert_allclose(out.asnumpy(), x2 @ w.T + b, rtol=1e-5, atol=1e-5)
    check_numeric_gradient(lambda a, ww, bb: nd.FullyConnected(a, ww, bb, num_hidden=5, flatten=flatten),
                           [x, w, b], ctx=ctx)
    check_numeric_gradient(lambda a, ww: nd.FullyConnected(a, ww, num_hidden=5, no_bias=True, flatten=flatten),
                           [x, w], ctx=ctx)


def test_fully_connected_shape_error():
    with pytest.raises(MXNetError) as e:
        nd.FullyConnected(nd.ones((2, 30)), nd.ones((3, 20)), nd.ones((3,)), num_hidden=3)
    assert str(e.value) == "MXNetError: Shape inconsistent, Provided = [3,20], inferred shape=(3,30)"


@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh", "softrelu", "softsign"])
def test_activation_gradient(ctx, act):
    x = np.array([[-2.0, -0.5, 0.3, 0.5, 2.0]])
    check_numeric_gradient(lambda a: nd.Activation(a, act_type=act), [x], ctx=ctx)


@pytest.mark.parametrize("size", [7, 5000, (1 << 17) + 3, 3 * (1 << 17)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_relu_matches_numpy_maximum_bit_for_bit(ctx, size, dtype):
    """nd.relu (and the ReLU fused into Dense/Conv) keeps NaN, turns -0 into +0, on every chunk size."""
    rng = np.random.default_rng(size)
    x = rng.standard_normal(size).astype(dtype)
    x[:4] = [np.nan, -0.0, 0.0, -np.inf]
    x[-1] = np.inf
    got = nd.relu(nd.array(x, ctx=ctx, dtype=dtype)).asnumpy()
    want = np.maximum(x, 0)
    assert got.dtype == x.dtype and got.tobytes() == want.tobytes()


def test_relu_array_writes_into_out_and_refuses_nothing():
    from ndx.ops.elemwise import relu_array
    x = np.random.default_rng(1).standard_normal((300, 500)).astype(np.float32)
    out = np.empty_like(x)
    assert relu_array(np, x, out=out) is out and np.array_equal(out, np.maximum(x, 0))
    y = x.copy()
    relu_array(np, y, out=y)
    assert np.array_equal(y, np.maximum(x, 0))
    strided = np.empty((300, 1000), np.float32)[:, ::2]   # a non-contiguous out takes numpy's own path
    relu_array(np, x, out=strided)
    assert np.array_equal(strided, np.maximum(x, 0))
    ints = np.arange(-5000, 5000, dtype=np.int32)
    assert np.array_equal(relu_array(np, ints), np.maximum(ints, 0))


def test_relu_nan_rules_follow_mxnet(ctx):
    """Observed on MXNet 1.9.1 for [nan, -1, 2]: nd.relu gives [nan, 0, 2] with gradient [nan, 0, 1];
    Activation(act_type='relu') gives [0, 0, 2] with gradient [0, 0, 1]; a Gluon Dense(activation='relu')
    whose input row holds a NaN outputs zeros there."""
    from ndx import autograd, gluon
    for fn, want, want_grad in ((nd.relu, [np.nan, 0, 2], [np.nan, 0, 1]),
                                (lambda a: nd.Activation(a, act_type="relu"), [0, 0, 2], [0, 0, 1])):
        a = nd.array([np.nan, -1, 2], ctx=ctx)
        a.attach_grad()
        with autograd.record():
            y = fn(a)
        y.backward()
        np.testing.assert_array_equal(y.asnumpy(), np.array(want, np.float32))
        np.testing.assert_array_equal(a.grad.asnumpy(), np.array(want_grad, np.float32))
    dense = gluon.nn.Dense(3, activation="relu", in_units=2)
    dense.initialize(ctx=ctx)
    x = np.ones((2, 2), np.float32)
    x[0, 0] = np.nan
    out = dense(nd.array(x, ctx=ctx)).asnumpy()
    assert np.array_equal(out[0], np.zeros(3, np.float32)) and not np.isnan(out).any()


def _ones(shape, dtype="float32"):
    return nd.ones(shape, dtype=dtype)


@pytest.mark.parametrize("call, message", [
    (lambda: nd.FullyConnected(_ones((2, 3), "float64"), _ones((4, 3)), _ones((4,)), num_hidden=4),
     "Incompatible attr in node  at 1-th input: expected float64, got float32"),
    (lambda: nd.FullyConnected(_ones((2, 3)), _ones((4, 3)), _ones((4,), "float64"), num_hidden=4),
     "Incompatible attr in node  at 2-th input: expected float32, got float64"),
    (lambda: nd.LayerNorm(_ones((2, 3), "float64"), _ones((3,)), _ones((3,))),
     "Incompatible attr in node  at 1-th input: expected float64, got float32"),
    (lambda: nd.Convolution(_ones((1, 1, 4, 4), "float64"), _ones((2, 1, 3, 3)), _ones((2,)), kernel=(3, 3),
                            num_filter=2),
     "(*in_type)[i] == dtype (0 vs. 1) : This layer requires uniform type. Expected 'float64' v.s. given "
     "'float32' at 'weight'"),
    (lambda: nd.Convolution(_ones((1, 1, 4, 4)), _ones((2, 1, 3, 3)), _ones((2,), "float64"), kernel=(3, 3),
                            num_filter=2),
     "(*in_type)[i] == dtype (1 vs. 0) : This layer requires uniform type. Expected 'float32' v.s. given "
     "'float64' at 'bias'"),
    (lambda: nd.Deconvolution(_ones((1, 1, 4, 4), "float64"), _ones((1, 2, 3, 3)), kernel=(3, 3), num_filter=2),
     "(*in_type)[i] == dtype (0 vs. 1) : This layer requires uniform type. Expected 'float64' v.s. given "
     "'float32' at 'weight'"),
    (lambda: nd.BatchNorm(_ones((2, 3), "float64"), _ones((3,)), _ones((3,)), _ones((3,)), _ones((3,))),
     "(*in_type)[i] == dtype_param (0 vs. 1) : This layer requires uniform type. Expected 'float64' v.s. "
     "given 'float32' at 'gamma'"),
])
def test_mixed_input_dtypes_are_refused_as_mxnet_does(call, message):
    """Observed on MXNet 1.9.1 (its type inference; ndx never promotes silently)."""
    with pytest.raises(MXNetError) as e:
        call()
    assert str(e.value) == "MXNetError: Check failed: " + (
        "assign(&dattr, vec.at(i)): " if message.startswith("Incompatible") else "") + message


def test_float16_batchnorm_takes_float32_parameters_and_dense_dtype_must_match():
    from ndx import gluon
    out = nd.BatchNorm(_ones((2, 3), "float16"), _ones((3,)), _ones((3,)), _ones((3,)), _ones((3,)))
    assert out.dtype == np.float16
    dense = gluon.nn.Dense(4, dtype="float64", in_units=3)
    dense.initialize()
    with pytest.raises(MXNetError, match="at 1-th input: expected float32, got float64"):
        dense(nd.ones((2, 3)))
    assert dense(nd.ones((2, 3), dtype="float64")).dtype == np.float64
