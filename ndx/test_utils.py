"""Testing helpers: numeric gradient checks and tolerant comparisons (as ``mx.test_utils``)."""
import numpy as np

from . import autograd
from .context import current_context
from .ndarray.ndarray import NDArray, array

__all__ = ["assert_almost_equal", "check_numeric_gradient", "numeric_grad", "default_context", "set_default_context"]

_default = [None]


def default_context():
    return _default[0] or current_context()


def set_default_context(ctx):
    _default[0] = ctx


def _np(x):
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)


def assert_almost_equal(a, b, rtol=1e-5, atol=1e-7, names=("a", "b"), equal_nan=False):
    """``np.testing.assert_allclose`` on NDArrays or numpy arrays."""
    np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=atol, equal_nan=equal_nan,
                               err_msg=f"{names[0]} vs {names[1]}")


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


def check_numeric_gradient(fn, inputs, ctx=None, rtol=1e-4, atol=1e-6, eps=1e-6, grad_inputs=None, seed=0):
    """Check autograd's gradients of ``fn`` (NDArrays -> NDArray) against central differences in float64.

    ``inputs`` are numpy arrays; ``grad_inputs`` lists the indices to differentiate (default: all
    floating inputs). A random head gradient weights the output so every element is exercised.
    """
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
