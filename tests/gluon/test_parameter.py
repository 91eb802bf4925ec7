"""Parameter and Constant: attributes, data/grad access, errors and reprs (spec/parameters.md)."""
import warnings

import numpy as np
import pytest

import ndx as mx
from ndx import autograd, gluon, init, nd


def test_reprs():
    assert repr(gluon.Parameter("w")) == "Parameter w (shape=None, dtype=<class 'numpy.float32'>)"
    assert repr(gluon.Parameter("w", shape=3)) == "Parameter w (shape=(3,), dtype=<class 'numpy.float32'>)"
    assert repr(gluon.Parameter("w", shape=(2, 3), dtype="float64")) == "Parameter w (shape=(2, 3), dtype=float64)"
    c = gluon.Constant("block_const", [[1, 2], [3, 4]])
    assert repr(c) == "Constant block_const (shape=(2, 2), dtype=<class 'numpy.float32'>)"


def test_errors_before_initialize():
    p = gluon.Parameter("w", shape=(2,))
    msg = ("Parameter 'w' has not been initialized. Note that you should initialize parameters and create Trainer "
           "with Block.collect_params() instead of Block.params because the later does not include Parameters of "
           "nested child Blocks")
    for call in (p.data, p.grad, p.list_data):
        with pytest.raises(RuntimeError) as e:
            call()
        assert str(e.value) == msg
    with pytest.raises(RuntimeError, match=r"^Parameter 'w' has not been initialized$"):
        p.list_ctx()
    with pytest.raises(AssertionError, match=r"^Parameter 'w' has not been initialized$"):
        p.set_data(nd.ones((2,)))
    with pytest.raises(ValueError) as e:
        p.reset_ctx(mx.cpu())
    assert str(e.value) == "Cannot reset context for Parameter 'w' because it has not been initialized."


def test_invalid_shape_and_grad_req():
    with pytest.raises(ValueError) as e:
        gluon.Parameter("r", shape=(0, 3)).initialize()
    assert str(e.value) == "Cannot initialize Parameter 'r' because it has invalid shape: (0, 3)."
    with pytest.raises(ValueError, match=r"invalid shape: None\.$"):
        gluon.Parameter("r").initialize()
    with pytest.raises(AssertionError) as e:
        gluon.Parameter("w", grad_req="bogus")
    assert str(e.value) == "grad_req must be one of 'write', 'add', or 'null', but got 'bogus'"
    with pytest.raises(AssertionError) as e:
        gluon.Parameter("s", stype="foo")
    assert str(e.value) == "stype for Parameter 's' must be one of 'default', 'row_sparse', or 'csr', but got 'foo'"


def test_shape_setter():
    p = gluon.Parameter("w", shape=(0, 3))
    p.shape = (4, 3)
    assert p.shape == (4, 3)
    with pytest.raises(AssertionError) as e:
        p.shape = (5, 3)
    assert str(e.value) == "Expected shape (5, 3) is incompatible with given shape (4, 3)."


def test_data_is_the_stored_object_and_grads_are_zero(ctx):
    p = gluon.Parameter("w", shape=(2, 3), init=init.One())
    p.initialize(ctx=ctx)
    assert p.data() is p.data() and p.data().context == ctx
    assert (p.data().asnumpy() == 1).all() and (p.grad().asnumpy() == 0).all()
    assert p.list_ctx() == [ctx] and len(p.list_data()) == 1 and len(p.list_grad()) == 1
    p.data()[:] = 5
    assert (p.data().asnumpy() == 5).all()


def test_gradients_flow_into_buffers(ctx):
    p = gluon.Parameter("w", shape=(3,))
    p.initialize(init=init.Constant(2.0), ctx=ctx)
    x = nd.array([1.0, 2.0, 3.0], ctx=ctx)
    with autograd.record():
        y = (p.data() * p.data() * x).sum()
    y.backward()
    np.testing.assert_allclose(p.grad().asnumpy(), 2 * 2.0 * np.array([1, 2, 3]))
    p.zero_grad()
    assert (p.grad().asnumpy() == 0).all()


def test_grad_req_add_accumulates(ctx):
    p = gluon.Parameter("w", shape=(2,), grad_req="add")
    p.initialize(init=init.One(), ctx=ctx)
    for _ in range(2):
        with autograd.record():
            y = (p.data() * 3).sum()
        y.backward()
    np.testing.assert_allclose(p.grad().asnumpy(), [6.0, 6.0])


def test_grad_req_null_and_back(ctx):
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(ctx=ctx)
    p.grad_req = "null"
    with pytest.raises(RuntimeError) as e:
        p.grad()
    assert str(e.value) == "Cannot get gradient array for Parameter 'w' because grad_req='null'"
    p.zero_grad()  # no buffers: a no-op
    p.grad_req = "write"
    assert (p.grad().asnumpy() == 0).all()
    q = gluon.Parameter("q", shape=(2,), differentiable=False)
    assert q.grad_req == "null"
    q.grad_req = "write"
    assert q.grad_req == "null"


def test_set_data_copies_and_converts(ctx):
    p = gluon.Parameter("w", shape=(2, 2), dtype="float64")
    p.initialize(ctx=ctx)
    p.set_data(nd.array([[1, 2], [3, 4]]))
    assert p.data().dtype == np.float64
    np.testing.assert_array_equal(p.data().asnumpy(), [[1, 2], [3, 4]])
    with pytest.raises(AssertionError, match="incompatible"):
        p.set_data(nd.ones((3, 2)))


def test_initialize_twice_warns_and_force_reinit(ctx):
    p = gluon.Parameter("w", shape=(2,), init=init.One())
    p.initialize(ctx=ctx)
    with pytest.warns(UserWarning) as rec:
        p.initialize(ctx=ctx)
    assert str(rec[0].message) == ("Parameter 'w' is already initialized, ignoring. Set force_reinit=True to "
                                   "re-initialize.")
    p.initialize(init=init.Zero(), ctx=ctx, force_reinit=True)
    assert (p.data().asnumpy() == 0).all()


def test_init_precedence():
    q = gluon.Parameter("q", shape=(2,), init=init.One())
    q.initialize(init=init.Zero())
    assert (q.data().asnumpy() == 0).all()
    q2 = gluon.Parameter("q2", shape=(2,))
    q2.initialize(default_init=init.Constant(5))
    assert (q2.data().asnumpy() == 5).all()
    q3 = gluon.Parameter("q3", shape=(2,), init="ones")
    q3.initialize(default_init=init.Constant(5))
    assert (q3.data().asnumpy() == 1).all()


def test_cast_and_dtype_setter(ctx):
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(init=init.One(), ctx=ctx)
    p.cast("float16")
    assert repr(p) == "Parameter w (shape=(2,), dtype=float16)"
    assert p.data().dtype == np.float16 and p.grad().dtype == np.float16
    with autograd.record():
        y = (p.data() * 2).sum()
    y.backward()
    np.testing.assert_array_equal(p.grad().asnumpy(), [2, 2])
    p.dtype = "float64"
    assert p.data().dtype == np.float64


def test_multi_context_copies():
    p = gluon.Parameter("w", shape=(2, 2), init=init.Uniform())
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    a, b = p.list_data()
    assert a is not b and a.context == mx.cpu(0) and b.context == mx.cpu(1)
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    assert p.data(mx.cpu(1)) is b and p.list_ctx() == [mx.cpu(0), mx.cpu(1)]
    with mx.cpu(1):
        assert p.data() is b
    with pytest.raises(RuntimeError) as e:
        p.data(mx.cpu(2))
    assert str(e.value) == ("Parameter 'w' was not initialized on context cpu(2). It was only initialized on "
                            "[cpu(0), cpu(1)].")


def test_not_initialized_on_context():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize()
    with pytest.raises(RuntimeError) as e:
        p.data(mx.cpu(1))
    assert str(e.value) == "Parameter 'w' was not initialized on context cpu(1). It was only initialized on [cpu(0)]."


def test_reset_ctx_averages(ctx):
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    p.data(mx.cpu(0))[:] = 1
    p.data(mx.cpu(1))[:] = 3
    p.reset_ctx(ctx)
    assert p.list_ctx() == [ctx]
    np.testing.assert_array_equal(p.data().asnumpy(), [2, 2])
    assert (p.grad().asnumpy() == 0).all()


def test_var_is_the_symbol_variable_mxnet_writes():
    """JSON node as MXNet 1.9.1 writes it for Parameter('w', shape=(3, 4), lr_mult=2.0, init='ones').var()."""
    import json
    p = gluon.Parameter("w", shape=(3, 4), lr_mult=2.0, init="ones")
    v = p.var()
    assert v is p.var()
    assert json.loads(v.tojson())["nodes"] == [
        {"op": "null", "name": "w", "attrs": {"__dtype__": "0", "__init__": "ones", "__lr_mult__": "2.0",
                                               "__shape__": "(3, 4)", "__storage_type__": "0",
                                               "__wd_mult__": "1.0"}, "inputs": []}]


def test_constant(ctx):
    c = gluon.Constant("c", [1, 2, 3])
    assert c.grad_req == "null" and c.shape == (3,)
    with pytest.warns(UserWarning) as rec:
        c.grad_req = "write"
    assert str(rec[0].message) == ('Constant parameter "c" does not support grad_req other than "null", and new '
                                   'value "write" is ignored.')
    assert c.grad_req == "null"
    c.initialize(ctx=ctx)
    np.testing.assert_array_equal(c.data().asnumpy(), [1, 2, 3])
    assert isinstance(c.init, str) and c.init.startswith("Constant_c_")


def test_load_init_fills_deferred_shape_and_cancels_init():
    p = gluon.Parameter("w", shape=(3, 0), allow_deferred_init=True)
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    p._load_init(nd.ones((3, 2)), None)
    assert p.shape == (3, 2) and p.list_ctx() == [mx.cpu(0), mx.cpu(1)]
    assert (p.data(mx.cpu(1)).asnumpy() == 1).all() and not p._deferred_init
    q = gluon.Parameter("q", shape=(5, 3))
    with pytest.raises(AssertionError) as e:
        q._load_init(nd.ones((4, 3)), None)
    assert str(e.value) == ("Failed loading Parameter 'q' from saved params: shape incompatible expected (5, 3) vs "
                            "saved (4, 3)")
    r = gluon.Parameter("r", shape=(2,), dtype="float64")
    with pytest.raises(AssertionError, match="dtype incompatible expected float64 vs saved"):
        r._load_init(nd.ones((2,)), None)
    r._load_init(nd.ones((2,)), None, cast_dtype=True)
    assert r.data().dtype == np.float64 and r.list_ctx() == [mx.cpu(0)]


def test_loading_into_a_shapeless_parameter_keeps_shape_none(tmp_path):
    # MXNet 1.9.1: only a declared shape is completed from the file; shape None stays None
    src = gluon.ParameterDict("a_")
    src.get("w", shape=(2, 3))
    src.initialize(init.One())
    src.save(str(tmp_path / "x.params"))
    dst = gluon.ParameterDict("a_")
    w = dst.get("w")
    dst.load(str(tmp_path / "x.params"))
    assert repr(w) == "Parameter a_w (shape=None, dtype=<class 'numpy.float32'>)"
    assert w.data().shape == (2, 3)
    w.set_data(nd.zeros((2, 3)))
    assert w.shape == (2, 3)


def test_no_warning_for_fresh_initialize():
    p = gluon.Parameter("w", shape=(2,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p.initialize()


def test_row_sparse_data_refused_for_default_storage():
    # Messages observed on MXNet 1.9.1 (note: only the list_ variant quotes the name).
    p = gluon.Parameter("q", shape=(2,))
    p.initialize()
    with pytest.raises(RuntimeError) as e:
        p.row_sparse_data(nd.array([0]))
    assert str(e.value) == ("Cannot return a copy of Parameter q via row_sparse_data() because its storage type "
                            "is default. Please use data() instead.")
    with pytest.raises(RuntimeError) as e:
        p.list_row_sparse_data(nd.array([0]))
    assert str(e.value) == ("Cannot return copies of Parameter 'q' on all contexts via list_row_sparse_data() "
                            "because its storage type is default. Please use data() instead.")
