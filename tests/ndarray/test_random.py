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


_FLOAT_CHOICES = "valid values are: {'None', 'float16', 'float32', 'float64'}, in operator "


@pytest.mark.parametrize("call, op", [
    (lambda c: nd.random.uniform(shape=(2,), dtype="int32", ctx=c),
     '_random_uniform(name="", dtype="int32", shape="(2,)", ctx="{c}", high="1", low="0")'),
    (lambda c: nd.random.uniform(-1.5, 2, shape=[2, 3], dtype=np.int64, ctx=c),
     '_random_uniform(name="", dtype="int64", shape="[2, 3]", ctx="{c}", high="2", low="-1.5")'),
    (lambda c: nd.random.normal(shape=(2,), dtype="int32", ctx=c),
     '_random_normal(name="", ctx="{c}", shape="(2,)", scale="1", dtype="int32", loc="0")'),
    (lambda c: nd.random.normal(dtype="int32", ctx=c, out=nd.zeros((2,), ctx=c)),
     '_random_normal(name="", ctx="{c}", scale="1", dtype="int32", loc="0")'),
    (lambda c: nd.random.randn(2, 3, loc=1.5, dtype="int32", ctx=c),
     '_random_normal(name="", ctx="{c}", shape="(2, 3)", scale="1", dtype="int32", loc="1.5")'),
    (lambda c: nd.random.exponential(2, dtype="uint8", ctx=c),
     '_random_exponential(name="", dtype="uint8", ctx="{c}", shape="1", lam="0.5")'),
    (lambda c: nd.random.gamma(2, 3.0, shape=(2,), dtype="int32", ctx=c),
     '_random_gamma(name="", dtype="int32", shape="(2,)", ctx="{c}", beta="3.0", alpha="2")'),
    (lambda c: nd.random.gamma(dtype="int32", ctx=c, out=nd.zeros((2,), ctx=c)),
     '_random_gamma(name="", ctx="{c}", beta="1", dtype="int32", alpha="1")'),
    (lambda c: nd.random.poisson(2.5, dtype="int32", ctx=c),
     '_random_poisson(name="", dtype="int32", ctx="{c}", shape="1", lam="2.5")'),
    (lambda c: nd.random.uniform(nd.zeros((2,), ctx=c), nd.ones((2,), ctx=c), shape=(3,), dtype="int32"),
     '_sample_uniform(name="", dtype="int32", shape="(3,)")'),
    (lambda c: nd.random.poisson(nd.ones((2,), ctx=c), dtype="int32"), '_sample_poisson(name="", dtype="int32")'),
])
def test_float_samplers_refuse_an_integer_dtype(ctx, call, op):
    """MXNet 1.9.1's texts; the attributes are listed in MXNet's order, which depends on whether a shape is given."""
    dtype = op.split('dtype="')[1].split('"')[0]
    with pytest.raises(mx.base.MXNetError) as e:
        call(ctx)
    assert str(e.value) == f"MXNetError: Invalid Input: '{dtype}', {_FLOAT_CHOICES}{op.format(c=ctx)}"


def test_randint_refuses_a_float_dtype(ctx):
    with pytest.raises(mx.base.MXNetError) as e:
        nd.random.randint(0, 5, shape=(2,), dtype="float16", ctx=ctx)
    assert str(e.value) == ("MXNetError: Invalid Input: 'float16', valid values are: {'None', 'int32', 'int64'}, "
                            f'in operator _random_randint(name="", dtype="float16", shape="(2,)", ctx="{ctx}", '
                            'high="5", low="0")')
    with pytest.raises(mx.base.MXNetError) as e:
        nd.random.randint(0, 5, shape=(2,), ctx=ctx, out=nd.zeros((2,), ctx=ctx))
    assert str(e.value) == "MXNetError: Check failed: dtype_ok: Output type must be int32, int64: dtype is 0 vs 4 or 6"


@pytest.mark.parametrize("dtype, flag", [("int32", 4), ("int64", 6), ("uint8", 3), ("int8", 5)])
@pytest.mark.parametrize("sampler", [nd.random.uniform, nd.random.normal, nd.random.gamma, nd.random.exponential,
                                     nd.random.poisson, nd.random.randn])
def test_float_samplers_refuse_an_integer_out(ctx, sampler, dtype, flag):
    out = nd.zeros((2,), dtype=dtype, ctx=ctx)
    with pytest.raises(mx.base.MXNetError) as e:
        sampler(ctx=ctx, out=out)
    assert str(e.value) == (f"MXNetError: Check failed: dtype_ok: Output type must be float16, float32, float64: "
                            f"dtype is {flag} vs 2 or 0 or 1")
    assert (out.asnumpy() == 0).all()


def test_sampler_out_must_match_dtype_and_array_parameters(ctx):
    with pytest.raises(mx.base.MXNetError) as e:
        nd.random.uniform(shape=(2,), dtype="float32", ctx=ctx, out=nd.zeros((2,), dtype="int32", ctx=ctx))
    assert str(e.value) == ("MXNetError: Check failed: dtype_out == param.dtype (4 vs. 0) : Output type does not "
                            "match requested type: 4 vs 0")
    with pytest.raises(mx.base.MXNetError) as e:
        nd.random.uniform(dtype="float16", ctx=ctx, out=nd.zeros((2,), ctx=ctx))
    assert str(e.value).endswith("(0 vs. 2) : Output type does not match requested type: 0 vs 2")
    low, high = nd.zeros((2,), ctx=ctx), nd.ones((2,), ctx=ctx)
    with pytest.raises(mx.base.MXNetError) as e:
        nd.random.uniform(low, high, out=nd.zeros((2,), dtype="int64", ctx=ctx))
    assert str(e.value) == ("MXNetError: Check failed: dtype_ok == true (0 vs. 1) : Output type must be float16, "
                            "float32, or float64: dtype is 6 vs 2 or 0 or 1")
    with pytest.raises(mx.base.MXNetError) as e:
        nd.random.normal(low, high, dtype="float32", out=nd.zeros((2,), dtype="int32", ctx=ctx))
    assert str(e.value) == ("MXNetError: Check failed: dtype == param.dtype (4 vs. 0) : Inferred output type does "
                            "not match requested type: 4 vs 0")
    # a float16 out is fine without a dtype
    assert nd.random.uniform(ctx=ctx, out=nd.zeros((2,), dtype="float16", ctx=ctx)).dtype is np.float16
