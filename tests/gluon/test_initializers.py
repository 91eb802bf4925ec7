"""ndx.init: catalogue, formulas, dispatch, create/registry and Gluon precedence (spec/initializers.md)."""
import json
import math
import warnings

import numpy as np
import pytest

import ndx as mx
from ndx import init, nd
from ndx.gluon import nn


@pytest.fixture(autouse=True)
def fresh_names():
    with mx.name.NameManager():
        yield


def _fill(initializer, shape, ctx, name="x_weight"):
    arr = nd.zeros(shape, ctx=ctx)
    initializer(init.InitDesc(name), arr)
    return arr.asnumpy()


def test_alias_module():
    assert mx.init is mx.initializer


def test_uniform_normal_constant_zero_one(ctx):
    u = _fill(init.Uniform(), (200, 300), ctx)
    assert -0.07 <= u.min() < -0.069 and 0.069 < u.max() <= 0.07
    n = _fill(init.Normal(), (200, 300), ctx)
    assert abs(n.std() - 0.01) < 5e-4 and abs(n.mean()) < 5e-4
    np.testing.assert_array_equal(_fill(init.Constant([1, 2, 3]), (2, 3), ctx), [[1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(_fill(init.Constant(3), (2,), ctx), [3, 3])
    assert (_fill(init.Zero(), (3,), ctx) == 0).all() and (_fill(init.One(), (3,), ctx) == 1).all()


def test_draws_follow_the_context_generator(ctx):
    mx.random.seed(7)
    a = _fill(init.Uniform(), (5,), ctx)
    mx.random.seed(7)
    b = _fill(init.Uniform(), (5,), ctx)
    np.testing.assert_array_equal(a, b)


def test_xavier(ctx):
    a = _fill(init.Xavier(), (200, 300), ctx)
    bound = math.sqrt(3 / 250)
    assert np.abs(a).max() <= bound and np.abs(a).max() > 0.99 * bound
    g = _fill(init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2), (64, 32, 3, 3), ctx)
    assert abs(g.std() - math.sqrt(2 / 288)) < 0.002
    with pytest.raises(ValueError) as e:
        _fill(init.Xavier(), (3,), ctx, name="v_weight")
    assert str(e.value) == "Xavier initializer cannot be applied to vector v_weight. It requires at least 2D."
    with pytest.raises(ValueError, match="^Incorrect factor type$"):
        _fill(init.Xavier(factor_type="bogus"), (2, 2), ctx)
    with pytest.raises(ValueError, match="^Unknown random type$"):
        _fill(init.Xavier(rnd_type="bogus"), (2, 2), ctx)


def test_msraprelu(ctx):
    a = _fill(init.MSRAPrelu(), (100, 200), ctx)
    expected = math.sqrt(2 / (1 + 0.25 ** 2) / 150)
    assert abs(a.std() - expected) < 0.005


def test_orthogonal_bilinear_lstmbias(ctx):
    a = _fill(init.Orthogonal(), (4, 6), ctx)
    np.testing.assert_allclose(a @ a.T, 1.414 ** 2 * np.eye(4), atol=1e-5)
    b = _fill(init.Orthogonal(rand_type="normal"), (6, 2, 2), ctx).reshape(6, 4)
    np.testing.assert_allclose(b.T @ b, 1.414 ** 2 * np.eye(4), atol=1e-5)
    k = _fill(init.Bilinear(), (1, 1, 4, 4), ctx)[0, 0]
    row = np.array([0.25, 0.75, 0.75, 0.25])
    np.testing.assert_allclose(k, np.outer(row, row))
    np.testing.assert_array_equal(_fill(init.LSTMBias(2.0), (8,), ctx), [0, 0, 2, 2, 0, 0, 0, 0])


def test_dumps_and_equality():
    assert init.Uniform().dumps() == '["uniform", {"scale": 0.07}]'
    assert init.Normal().dumps() == '["normal", {"sigma": 0.01}]'
    assert init.Constant(3).dumps() == '["constant", {"value": 3}]'
    assert init.Zero().dumps() == '["zero", {}]' and init.One().dumps() == '["one", {}]'
    assert json.loads(init.Xavier().dumps()) == ["xavier", {"rnd_type": "uniform", "factor_type": "avg",
                                                            "magnitude": 3}]
    assert init.MSRAPrelu().dumps() == '["msraprelu", {"factor_type": "avg", "slope": 0.25}]'
    assert init.Orthogonal().dumps() == '["orthogonal", {"scale": 1.414, "rand_type": "uniform"}]'
    assert init.Bilinear().dumps() == '["bilinear", {}]' and init.LSTMBias().dumps() == \
        '["lstmbias", {"forget_bias": 1.0}]'
    assert init.Uniform() == init.Uniform() and init.Uniform() != init.Uniform(0.1)


def test_create():
    assert isinstance(init.create("zeros"), init.Zero) and isinstance(init.create("ONES"), init.One)
    n = init.create('["normal", {"sigma": 0.5}]')
    assert isinstance(n, init.Normal) and n.sigma == 0.5
    x = init.Xavier()
    assert init.create(x) is x
    with pytest.raises(AssertionError) as e:
        init.create("nosuch")
    assert str(e.value) == "nosuch is not registered. Please register with initializer.register first"
    with pytest.raises(AssertionError, match="^initializer must be of string type$"):
        init.create(init.Mixed([".*"], [init.One()]))


def test_create_keyword_forms_and_extra_arguments():
    """Observed on MXNet 1.9.1: the dict/JSON-object form names the class under the key 'initializer';
    extra arguments are passed to the constructor, and refused with an instance or a JSON form."""
    for spec in ('{"initializer": "normal", "sigma": 0.5}', {"initializer": "normal", "sigma": 0.5}):
        assert init.create(spec).dumps() == '["normal", {"sigma": 0.5}]'
    assert init.create(initializer="xavier", magnitude=2).dumps() == \
        '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 2}]'
    for spec in ('{"name": "normal"}', {"xavier": {}}):
        with pytest.raises(KeyError, match="^'initializer'$"):
            init.create(spec)
    assert init.create("Normal", 0.3).dumps() == '["normal", {"sigma": 0.3}]'
    with pytest.raises(AssertionError, match="^initializer is already an instance. Additional arguments are invalid$"):
        init.create(init.Uniform(), 3)
    with pytest.raises(AssertionError, match="^$"):
        init.create('["normal", {"sigma": 0.5}]', 0.1)


def test_quantized_suffixes_draw_int8_range_integers(ctx):
    """A direct call dispatches ``*weight_quantize``/``*bias_quantize`` to integer draws in [-127, 127)."""
    for name in ("x_weight_quantize", "x_bias_quantize"):
        a = _fill(init.Constant(7), (2000,), ctx, name)
        assert (a == np.round(a)).all() and a.min() >= -127 and a.max() < 127 and len(np.unique(a)) > 100


def test_register_custom():
    @init.register
    class MyFill(init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 7

    d = nn.Dense(2, in_units=2)
    d.initialize("myfill")
    assert (d.weight.data().asnumpy() == 7).all() and (d.bias.data().asnumpy() == 0).all()


def test_suffix_dispatch(ctx):
    u = init.Uniform()
    assert np.abs(_fill(u, (50,), ctx, "x_weight")).max() > 0
    assert (_fill(u, (3,), ctx, "x_bias") == 0).all() and (_fill(u, (3,), ctx, "x_gamma") == 1).all()
    assert (_fill(u, (3,), ctx, "x_beta") == 0).all() and (_fill(u, (3,), ctx, "x_min") == 0).all()
    assert (_fill(u, (3,), ctx, "x_max") == 1).all()
    with pytest.raises(ValueError) as e:
        _fill(u, (3,), ctx, "x_running_mean")
    assert str(e.value) == ('Unknown initialization pattern for x_running_mean. Default initialization is now '
                            'limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
                            "mx.sym.Variable(init=mx.init.*) to set initialization pattern")
    with pytest.raises(NotImplementedError, match="^Must override it$"):
        _fill(init.Initializer(), (2,), ctx)
    # an explicit __init__ attribute bypasses the suffix logic
    arr = nd.zeros((3,), ctx=ctx)
    u(init.InitDesc("x_bias", {"__init__": "ones"}), arr)
    assert (arr.asnumpy() == 1).all()


def test_legacy_string_call_warns():
    arr = nd.zeros((2, 2))
    with pytest.warns(DeprecationWarning) as rec:
        init.Uniform()("x_moving_var", arr)
    assert "Calling initializer with init(str, NDArray) has been deprecated." in str(rec[0].message)
    assert (arr.asnumpy() == 1).all()


def test_gluon_path_runs_only_init_weight():
    calls = []

    class Spy(init.Initializer):
        def _init_weight(self, name, arr):
            calls.append(("weight", str(name)))

        def _init_bias(self, name, arr):
            calls.append(("bias", str(name)))

        def _init_default(self, name, arr):
            calls.append(("default", str(name)))

    class B(nn.Block):
        def __init__(self):
            super().__init__(prefix="b_")
            for n in ("weight", "bias", "gamma", "foo", "running_mean"):
                self.params.get(n, shape=(2,))

    B().initialize(Spy())
    assert calls == [("weight", f"b_{n}") for n in ("weight", "bias", "gamma", "foo", "running_mean")]


def test_gluon_bias_without_own_init_is_random():
    class B(nn.Block):
        def __init__(self):
            super().__init__(prefix="c_")
            self.b = self.params.get("bias", shape=(50,))

    blk = B()
    blk.initialize()
    assert np.abs(blk.b.data().asnumpy()).max() > 0


def test_layer_initializers_win_over_global():
    d = nn.Dense(3, in_units=4, weight_initializer=init.Constant(2.0), bias_initializer=init.Constant(-1))
    d.initialize(init.One())
    assert (d.weight.data().asnumpy() == 2).all() and (d.bias.data().asnumpy() == -1).all()
    e = nn.Dense(3, in_units=4)
    e.initialize("ones")
    assert (e.weight.data().asnumpy() == 1).all() and (e.bias.data().asnumpy() == 0).all()


def test_mixed_and_load_are_rejected_by_gluon(ctx):
    d = nn.Dense(2, in_units=2)
    for bad in (init.Mixed([".*"], [init.One()]), init.Load({"w": nd.ones((2, 2))}, default_init=init.One())):
        with pytest.raises(AssertionError, match="^initializer must be of string type$"):
            d.initialize(bad, force_reinit=True)


def test_mixed_and_load_direct(ctx):
    m = init.Mixed(["bias", ".*"], [init.Zero(), init.One()])
    a = nd.zeros((2,), ctx=ctx)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        m("fc_weight", a)
    assert (a.asnumpy() == 1).all()
    with pytest.raises(ValueError) as e:
        init.Mixed(["bias"], [init.Zero()])("fc_weight", a)
    assert str(e.value) == ('Parameter name %s did not match any pattern. Consideradd a ".*" pattern at the and '
                            "with default Initializer.")
    loader = init.Load({"arg:fc_weight": nd.array([[1, 2], [3, 4]])})
    b = nd.zeros((2, 2), ctx=ctx)
    loader("fc_weight", b)
    np.testing.assert_array_equal(b.asnumpy(), [[1, 2], [3, 4]])
    with pytest.raises(AssertionError) as e:
        loader("fc_weight", nd.zeros((3,)))
    assert str(e.value) == ("Parameter fc_weight cannot be initialized from loading. Shape mismatch, target (3,) "
                            "vs loaded (2, 2)")
    with pytest.raises(AssertionError) as e:
        loader("y", nd.zeros((3,)))
    assert str(e.value) == "Cannot Initialize y. Not found in loaded param and no default Initializer is provided."


@pytest.mark.parametrize("initializer", [init.Uniform(), init.Normal(), init.Xavier(), init.MSRAPrelu()])
def test_random_initializers_refuse_integer_parameters(ctx, initializer):
    """MXNet 1.9.1 fills through nd.random.*(out=arr): an integer parameter is the sampler's output-type error."""
    want = "MXNetError: Check failed: dtype_ok: Output type must be float16, float32, float64: dtype is 4 vs 2 or 0 or 1"
    p = mx.gluon.Parameter("weight", shape=(4, 4), dtype="int32", init=initializer)
    with pytest.raises(mx.base.MXNetError) as e:
        p.initialize(ctx=ctx)
    assert str(e.value) == want
    dense = nn.Dense(3, in_units=4, dtype="int32")
    with pytest.raises(mx.base.MXNetError) as e:
        dense.initialize(initializer, ctx=ctx)
    assert str(e.value) == want
    q = mx.gluon.Parameter("weight", shape=(2,), dtype="int32", init=init.Constant(3))
    q.initialize(ctx=ctx)  # non-random fills of integer parameters still work
    np.testing.assert_array_equal(q.data(ctx).asnumpy(), [3, 3])
