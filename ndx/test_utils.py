"""Testing helpers: numeric gradient checks and tolerant comparisons (as ``mx.test_utils``).

``check_numeric_gradient`` takes either a Python function of NDArrays (ndx's form) or, as MXNet's,
a Symbol with its input ``location``; ``check_symbolic_forward``/``check_symbolic_backward``,
``almost_equal``, ``same``, ``rand_ndarray``, ``rand_shape_*`` and ``assert_exception`` follow MXNet's.
"""
import numpy as np

from . import autograd
from .context import current_context
from .ndarray.ndarray import NDArray, array

__all__ = ["assert_almost_equal", "almost_equal", "same", "assert_exception", "check_numeric_gradient",
           "check_symbolic_forward", "check_symbolic_backward", "numeric_grad", "rand_ndarray", "rand_shape_2d",
           "rand_shape_3d", "rand_shape_nd", "default_context", "set_default_context"]

_DEFAULT_TOL = {np.dtype("float16"): (1e-2, 1e-1), np.dtype("float32"): (1e-4, 1e-3),
                np.dtype("float64"): (1e-5, 1e-20)}

_default = [None]


def default_context():
    return _default[0] or current_context()


def set_default_context(ctx):
    _default[0] = ctx


def _np(x):
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)


def _tolerances(a, b, rtol, atol):
    """MXNet's defaults when not given: by the wider of the two dtypes (float32: 1e-4, 1e-3)."""
    kinds = [x.dtype for x in (a, b) if x.dtype.kind == "f"]
    wide = max(kinds, key=lambda d: d.itemsize) if kinds else np.dtype("float64")
    r, t = _DEFAULT_TOL.get(wide, (1e-5, 1e-20))
    return (r if rtol is None else rtol), (t if atol is None else atol)


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False, use_broadcast=True,
                        mismatches=(10, 10)):
    """``|a - b| <= atol + rtol*|b|`` elementwise on NDArrays or numpy arrays, else AssertionError."""
    a, b = _np(a), _np(b)
    if not use_broadcast and a.shape != b.shape:
        raise AssertionError(f"shapes differ: {names[0]} {a.shape} vs {names[1]} {b.shape}")
    rtol, atol = _tolerances(a, b, rtol, atol)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan, err_msg=f"{names[0]} vs {names[1]}")


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether ``assert_almost_equal`` would pass."""
    a, b = _np(a), _np(b)
    rtol, atol = _tolerances(a, b, rtol, atol)
    if not use_broadcast and a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def same(a, b):
    """Exact equality of values and shapes."""
    return bool(np.array_equal(_np(a), _np(b)))


def assert_exception(f, exception_type, *args, **kwargs):
    """``f(*args, **kwargs)`` must raise ``exception_type``."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError(f"{getattr(f, '__name__', f)} did not raise {exception_type.__name__}")


def rand_shape_2d(dim0=10, dim1=10):
    return tuple(int(v) for v in np.random.randint(1, [dim0 + 1, dim1 + 1]))


def rand_shape_3d(dim0=10, dim1=10, dim2=10):
    return tuple(int(v) for v in np.random.randint(1, [dim0 + 1, dim1 + 1, dim2 + 1]))


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return tuple(int(v) for v in np.random.randint(low, dim + 1, size=num_dim))


def rand_ndarray(shape, stype="default", density=None, dtype=None, ctx=None, **kwargs):
    """Uniform [0, 1) values (numpy's global generator, as MXNet); dense storage only in ndx."""
    if stype != "default":
        raise NotImplementedError(f"rand_ndarray: ndx has dense arrays only, not stype={stype!r}")
    values = np.random.uniform(size=shape).astype(dtype or np.float32)
    if density is not None:
        values *= np.random.uniform(size=shape) < density
    return array(values, ctx=ctx or default_context(), dtype=values.dtype)


def numeric_grad(fn, inputs, head, eps=1e-6):
    """Central differences of ``sum(fn(*inputs) * head)`` w.r.t. each float64 numpy input."""
    grads = []
    for k, x in enumerate(inputs):
        g = np.zeros_like(x)
        flat, gflat = x.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            orig = flat[i]
            flat[i] = orig + eps
            plus = float(np.sum(fn(*inputs) * head))
            flat[i] = orig - eps
            minus = float(np.sum(fn(*inputs) * head))
            flat[i] = orig
            gflat[i] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def check_numeric_gradient(fn, inputs, ctx=None, rtol=1e-4, atol=1e-6, eps=1e-6, grad_inputs=None, seed=0,
                           **kwargs):
    """Check autograd's gradients of ``fn`` (NDArrays -> NDArray) against central differences in float64.

    ``inputs`` are numpy arrays; ``grad_inputs`` lists the indices to differentiate (default: all
    floating inputs). A random head gradient weights the output so every element is exercised.
    MXNet's form, ``check_numeric_gradient(sym, location, aux_states=None, numeric_eps=1e-3, rtol=1e-2,
    atol=None, grad_nodes=None, ..., ctx=None)``, is taken when ``fn`` is a Symbol.
    """
    from .symbol.symbol import Symbol
    if isinstance(fn, Symbol):
        return _check_symbol_gradient(fn, inputs, ctx=ctx, rtol=rtol, atol=atol, **kwargs)
    ctx = ctx or default_context()
    rng = np.random.default_rng(seed)
    inputs = [np.array(x, dtype=np.float64) if np.asarray(x).dtype.kind == "f" else np.asarray(x) for x in inputs]
    if grad_inputs is None:
        grad_inputs = [i for i, x in enumerate(inputs) if x.dtype.kind == "f"]
    arrays = [array(x, ctx=ctx, dtype=x.dtype) for x in inputs]
    for i in grad_inputs:
        arrays[i].attach_grad()
    with autograd.record():
        out = fn(*arrays)
    head = rng.standard_normal(out.shape)
    out.backward(array(head, ctx=ctx, dtype=np.float64))

    def host_fn(*xs):
        with autograd.pause():
            return fn(*[array(x, ctx=ctx, dtype=x.dtype) for x in xs]).asnumpy()

    for i in grad_inputs:
        def partial(x, i=i):
            args = list(inputs)
            args[i] = x
            return host_fn(*args)
        expected = numeric_grad(partial, [inputs[i]], head, eps)[0]
        np.testing.assert_allclose(arrays[i].grad.asnumpy(), expected, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i}")
    return out


# ----------------------------------------------------------------------------- MXNet's symbolic checks

def _bind(sym, location, aux_states, ctx, dtype):
    """Name -> float NDArray for every argument (``location``: dict, or list in ``list_arguments`` order)
    and auxiliary state of ``sym``."""
    names = sym.list_arguments()
    if not isinstance(location, dict):
        if len(location) != len(names):
            raise ValueError(f"Symbol arguments and keys of the given location do not match. "
                             f"symbol args:{names}, location.keys():{list(range(len(location)))}")
        location = dict(zip(names, location))
    aux_names = sym.list_auxiliary_states()
    if aux_states is not None and not isinstance(aux_states, dict):
        aux_states = dict(zip(aux_names, aux_states))
    feed = {k: array(_np(v), ctx=ctx, dtype=dtype) for k, v in location.items()}
    for k in aux_names:
        value = (aux_states or {}).get(k)
        feed[k] = array(_np(value), ctx=ctx, dtype=dtype) if value is not None else None
    return feed


def _aux_defaults(sym, feed, ctx, dtype):
    """Unbound auxiliary states (BatchNorm's moving mean/var): zeros and ones, as MXNet binds them."""
    missing = [k for k, v in feed.items() if v is None]
    if missing:
        shapes = dict(zip(sym.list_auxiliary_states(),
                          sym.infer_shape(**{k: v.shape for k, v in feed.items() if v is not None})[2]))
        for k in missing:
            fill = np.ones if k.endswith("var") else np.zeros
            feed[k] = array(fill(shapes[k]), ctx=ctx, dtype=dtype)
    return feed


def _run(sym, feed, grad_names=(), head=None, train=True):
    for k in grad_names:
        feed[k].attach_grad()
    with autograd.record(train_mode=train):
        outs = sym.eval(**feed)
    if head is not None:
        autograd.backward(outs, [array(_np(h), ctx=o.context, dtype=o.dtype) for h, o in zip(head, outs)])
    return outs


def check_symbolic_forward(sym, location, expected, rtol=1e-4, atol=None, aux_states=None, ctx=None,
                           equal_nan=False, dtype=np.float32):
    """Outputs of ``sym`` at ``location`` must equal ``expected`` (list or dict by output name)."""
    ctx = ctx or default_context()
    feed = _aux_defaults(sym, _bind(sym, location, aux_states, ctx, dtype), ctx, dtype)
    with autograd.predict_mode():
        outs = sym.eval(**feed)
    if isinstance(expected, dict):
        expected = [expected[k] for k in sym.list_outputs()]
    for i, (o, e) in enumerate(zip(outs, expected)):
        assert_almost_equal(o, e, rtol=rtol, atol=atol, names=(f"EXPECTED_{i}", f"FORWARD_{i}"), equal_nan=equal_nan)
    return [o.asnumpy() for o in outs]


def check_symbolic_backward(sym, location, out_grads, expected, rtol=1e-5, atol=None, aux_states=None,
                            grad_req="write", ctx=None, grad_stypes=None, equal_nan=False, dtype=np.float32):
    """Gradients of ``sym`` at ``location`` for head gradients ``out_grads`` must equal ``expected``
    (a dict by argument name, or a list in ``list_arguments`` order)."""
    ctx = ctx or default_context()
    names = sym.list_arguments()
    if not isinstance(expected, dict):
        expected = dict(zip(names, expected))
    if isinstance(out_grads, dict):
        out_grads = [out_grads[k] for k in sym.list_outputs()]
    feed = _aux_defaults(sym, _bind(sym, location, aux_states, ctx, dtype), ctx, dtype)
    wanted = [k for k in names if k in expected and (grad_req if isinstance(grad_req, str)
                                                     else grad_req.get(k, "write")) != "null"]
    _run(sym, feed, wanted, out_grads)
    grads = {k: feed[k].grad.asnumpy() for k in wanted}
    for k in wanted:
        assert_almost_equal(grads[k], expected[k], rtol=rtol, atol=atol, names=(f"EXPECTED_{k}", f"BACKWARD_{k}"),
                            equal_nan=equal_nan)
    return grads


def _check_symbol_gradient(sym, location, aux_states=None, numeric_eps=1e-3, rtol=1e-2, atol=None,
                           grad_nodes=None, use_forward_train=True, ctx=None, grad_stype_dict=None,
                           dtype=np.float32):
    """MXNet's symbolic gradient check, run in float64 so that the central differences are exact enough
    for MXNet's tolerances whatever the input's dtype."""
    ctx = ctx or default_context()
    feed = _aux_defaults(sym, _bind(sym, location, aux_states, ctx, np.float64), ctx, np.float64)
    names = sym.list_arguments()
    if grad_nodes is None:
        grad_nodes = names
    elif isinstance(grad_nodes, dict):
        grad_nodes = [k for k, req in grad_nodes.items() if req != "null"]
    aux = {k: feed[k].asnumpy() for k in sym.list_auxiliary_states()}
    base = {k: feed[k].asnumpy() for k in names}
    rng = np.random.default_rng(0)
    outs = _run(sym, dict(feed), (), None, use_forward_train)
    heads = [rng.standard_normal(o.shape) for o in outs]
    feed = dict(feed)
    _run(sym, feed, grad_nodes, heads, use_forward_train)

    def weighted(values):
        point = {k: array(v, ctx=ctx, dtype=np.float64) for k, v in values.items()}
        point.update({k: array(v, ctx=ctx, dtype=np.float64) for k, v in aux.items()})
        with autograd.pause(train_mode=use_forward_train):
            return sum(float(np.sum(o.asnumpy() * h)) for o, h in zip(sym.eval(**point), heads))

    for k in grad_nodes:
        x = base[k].copy()
        numeric = np.zeros_like(x)
        flat, nflat = x.reshape(-1), numeric.reshape(-1)
        for i in range(flat.size):
            orig = flat[i]
            flat[i] = orig + numeric_eps / 2
            plus = weighted(dict(base, **{k: x}))
            flat[i] = orig - numeric_eps / 2
            minus = weighted(dict(base, **{k: x}))
            flat[i] = orig
            nflat[i] = (plus - minus) / numeric_eps
        assert_almost_equal(feed[k].grad.asnumpy(), numeric, rtol=rtol, atol=1e-4 if atol is None else atol,
                            names=(f"NUMERICAL_{k}", f"BACKWARD_{k}"))