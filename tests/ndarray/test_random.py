"""nd.random: shapes, dtypes, parameter arrays, and seed reproducibility per context."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd


def test_shapes_and_dtypes(ctx):
    assert nd.random.uniform(ctx=ctx).shape == (1,)
    u = nd.random.uniform(-1, 1, shape=(3, 4), ctx=ctx)
    assert u.dtype is np.float32 and u.context == ctx
    h = u.asnumpy()
    assert ((h >= -1) & (h < 1)).all()
    assert nd.random.normal(0, 1, shape=5, ctx=ctx).dtype is np.float32
    assert nd.random.randn(2, 3, ctx=ctx).shape == (2, 3)
    assert nd.random.uniform(shape=2, dtype="float64", ctx=ctx).dtype is np.float64
    r = nd.random.randint(0, 5, shape=(100,), ctx=ctx)
    assert r.dtype is np.int32
    assert set(np.unique(r.asnumpy())) <= set(range(5))
    assert nd.random.randint(0, 5, ctx=ctx).shape == (1,)


def test_array_valued_parameters(ctx):
    low, high = nd.array([0, 10], ctx=ctx), nd.array([1, 11], ctx=ctx)
    u = nd.random.uniform(low, high, shape=2)
    assert u.shape == (2, 2)
    h = u.asnumpy()
    assert (h[0] < 1).all() and (h[1] >= 10).all()
    assert nd.random.uniform(low, high).shape == (2,)
    assert nd.random.normal(nd.array([0, 10], ctx=ctx), nd.array([1, 1], ctx=ctx), shape=3).shape == (2, 3)


def test_seed_reproducible_per_context(ctx):
    mx.random.seed(42)
    a = nd.random.uniform(shape=5, ctx=ctx).asnumpy()
    mx.random.seed(42)
    b = nd.random.uniform(shape=5, ctx=ctx).asnumpy()
    np.testing.assert_array_equal(a, b)
    c = nd.random.uniform(shape=5, ctx=ctx).asnumpy()
    assert not np.array_equal(b, c)
    mx.random.seed(7, ctx=ctx)
    d = nd.random.normal(shape=3, ctx=ctx).asnumpy()
    mx.random.seed(7, ctx=ctx)
    np.testing.assert_array_equal(d, nd.random.normal(shape=3, ctx=ctx).asnumpy())
    assert not hasattr(nd.random, "seed") or nd.random.seed is mx.random.seed


def test_distributions_roughly_right(ctx):
    mx.random.seed(0)
    n = nd.random.normal(2, 3, shape=20000, ctx=ctx).asnumpy()
    assert abs(n.mean() - 2) < 0.1 and abs(n.std() - 3) < 0.1
    u = nd.random.uniform(0, 4, shape=20000, ctx=ctx).asnumpy()
    assert abs(u.mean() - 2) < 0.1


def test_shuffle_and_multinomial(ctx):
    x = nd.arange(10, ctx=ctx)
    s = nd.random.shuffle(x)
    assert sorted(s.asnumpy().tolist()) == list(range(10))
    m = nd.random.multinomial(nd.array([[0.0, 1.0], [1.0, 0.0]], ctx=ctx), shape=3)
    assert m.dtype is np.int32
    np.testing.assert_array_equal(m.asnumpy(), [[1, 1, 1], [0, 0, 0]])
    assert nd.random.multinomial(nd.array([0.2, 0.8], ctx=ctx)).shape == (1,)
    assert nd.random.multinomial(nd.array([0.2, 0.8], ctx=ctx), shape=3).shape == (3,)


@pytest.mark.parametrize("fn", [nd.random.exponential, nd.random.gamma, nd.random.poisson])
def test_other_samplers(ctx, fn):
    out = fn(shape=(4,), ctx=ctx)
    assert out.shape == (4,) and out.dtype is np.float32 and (out.asnumpy() >= 0).all()


def test_array_parameters_give_one_row_per_parameter(ctx):
    """Shapes observed on MXNet 1.9.1: poisson(lam=[1,2], shape=2) -> (2, 2), exponential([1,2]) -> (2,),
    gamma([1,2], [1,1], shape=(3,)) -> (2, 3); float32 throughout."""
    lam = nd.array([1, 2], ctx=ctx)
    cases = [(nd.random.poisson(lam, shape=2), (2, 2)),
             (nd.random.exponential(lam), (2,)),
             (nd.random.gamma(lam, nd.array([1, 1], ctx=ctx), shape=(3,)), (2, 3))]
    for got, shape in cases:
        assert got.shape == shape and got.dtype == np.float32 and got.context == ctx
        assert (got.asnumpy() >= 0).all()
