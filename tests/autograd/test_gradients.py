"""Every differentiable op in ndx/ops/{elemwise,reduce,shape,index,linalg}.py against central differences.

Each case drives an op through the public nd API (float64 inputs away from kinks); a coverage test makes
sure a newly added differentiable op cannot go without a case here.
"""
import numpy as np
import pytest

from ndx import nd
from ndx.ops import elemwise, index, linalg, reduce, shape
from ndx.ops.op import Op
from ndx.test_utils import check_numeric_gradient

RNG = np.random.default_rng(1)


def _r(*s):
    return RNG.standard_normal(s)


def _pos(*s):
    return RNG.uniform(0.5, 2.0, s)


def _unit(*s):
    return RNG.uniform(-0.8, 0.8, s)


def _apart(*s):
    """Distinct values (no ties for max/min/sort), well away from 0."""
    v = RNG.permutation(np.prod(s)).reshape(s).astype(np.float64)
    return (v + 1.0) * 0.37


def _spd(*batch, n=3):
    """Well-conditioned symmetric positive-definite matrices."""
    m = RNG.standard_normal(batch + (n, n))
    return m @ np.swapaxes(m, -1, -2) + n * np.eye(n)


def _lower(*batch, n=3):
    """Well-conditioned lower-triangular factors with junk above the diagonal (which the ops ignore)."""
    return np.linalg.cholesky(_spd(*batch, n=n)) + np.triu(RNG.standard_normal(batch + (n, n)), 1)


def _sym(a):
    return (a + nd.swapaxes(a, -1, -2)) * 0.5


# (covered op names, nd expression, input arrays)
CASES = {
    "sort": (lambda x: nd.sort(x, axis=0, is_ascend=False) * nd.array(np.arange(6).reshape(2, 3), ctx=x.context, dtype=x.dtype),
             [_r(2, 3)]),
    "topk": (lambda x: nd.topk(x, k=2, ret_typ="value") * nd.array([[1, 2]], ctx=x.context, dtype=x.dtype), [_r(3, 3)]),
    "negative": (lambda x: -x, [_r(2, 3)]),
    "abs": (nd.abs, [_pos(2, 3) * np.sign(_r(2, 3))]),
    "exp": (nd.exp, [_r(2, 3)]),
    "log": (nd.log, [_pos(2, 3)]),
    "log2": (nd.log2, [_pos(2, 3)]),
    "log10": (nd.log10, [_pos(2, 3)]),
    "log1p": (nd.log1p, [_pos(2, 3)]),
    "expm1": (nd.expm1, [_r(2, 3)]),
    "sqrt": (nd.sqrt, [_pos(2, 3)]),
    "rsqrt": (nd.rsqrt, [_pos(2, 3)]),
    "cbrt": (nd.cbrt, [_pos(2, 3)]),
    "square": (nd.square, [_r(2, 3)]),
    "reciprocal": (nd.reciprocal, [_pos(2, 3)]),
    "sin": (nd.sin, [_r(2, 3)]),
    "cos": (nd.cos, [_r(2, 3)]),
    "tan": (nd.tan, [_unit(2, 3)]),
    "arcsin": (nd.arcsin, [_unit(2, 3)]),
    "arccos": (nd.arccos, [_unit(2, 3)]),
    "arctan": (nd.arctan, [_r(2, 3)]),
    "sinh": (nd.sinh, [_r(2, 3)]),
    "cosh": (nd.cosh, [_r(2, 3)]),
    "tanh": (nd.tanh, [_r(2, 3)]),
    "arcsinh": (nd.arcsinh, [_r(2, 3)]),
    "arccosh": (nd.arccosh, [_pos(2, 3) + 1]),
    "arctanh": (nd.arctanh, [_unit(2, 3)]),
    "degrees": (nd.degrees, [_r(2, 3)]),
    "radians": (nd.radians, [_r(2, 3)]),
    "relu": (nd.relu, [_pos(2, 3) * np.sign(_r(2, 3))]),
    "Activation": (lambda a: nd.Activation(a, act_type="relu"), [_pos(2, 3) * np.sign(_r(2, 3))]),
    "sigmoid": (nd.sigmoid, [_r(2, 3)]),
    "softrelu": (nd.softrelu, [_r(2, 3)]),
    "softsign": (nd.softsign, [_r(2, 3)]),
    "erf": (nd.erf, [_r(2, 3)]),
    "identity": (nd.identity, [_r(2, 3)]),
    "add": (lambda a, b: a + b, [_r(2, 3), _r(3)]),
    "subtract": (lambda a, b: a - b, [_r(2, 1), _r(1, 3)]),
    "multiply": (lambda a, b: a * b, [_r(2, 3), _r(2, 1)]),
    "divide": (lambda a, b: a / b, [_r(2, 3), _pos(3)]),
    "mod": (lambda a, b: a % b, [_pos(2, 3) * 3 + 0.05, np.full(3, 0.7)]),
    "power": (lambda a, b: a ** b, [_pos(2, 3), _r(3)]),
    "maximum": (nd.maximum, [_apart(2, 3), _apart(2, 3)[::-1] + 0.1]),
    "minimum": (nd.minimum, [_apart(2, 3), _apart(2, 3)[::-1] + 0.1]),
    "hypot": (nd.hypot, [_pos(2, 3), _pos(2, 3)]),
    "arctan2": (nd.arctan2, [_r(2, 3), _pos(2, 3)]),
    "_plus_scalar": (lambda x: x + 1.5, [_r(2, 3)]),
    "_minus_scalar": (lambda x: x - 1.5, [_r(2, 3)]),
    "_rminus_scalar": (lambda x: 1.5 - x, [_r(2, 3)]),
    "_mul_scalar": (lambda x: x * 1.5, [_r(2, 3)]),
    "_div_scalar": (lambda x: x / 1.5, [_r(2, 3)]),
    "_rdiv_scalar": (lambda x: 1.5 / x, [_pos(2, 3)]),
    "_mod_scalar": (lambda x: x % 0.7, [_pos(2, 3) * 3 + 0.05]),
    "_rmod_scalar": (lambda x: 5.3 % x, [np.array([[0.9, 1.2], [1.9, 2.3]])]),
    "_power_scalar": (lambda x: x ** 3, [_r(2, 3)]),
    "_rpower_scalar": (lambda x: 2 ** x, [_r(2, 3)]),
    "_maximum_scalar": (lambda x: nd.maximum(x, 0.1), [_apart(2, 3) - 1.0]),
    "_minimum_scalar": (lambda x: nd.minimum(x, 0.1), [_apart(2, 3) - 1.0]),
    "clip": (lambda x: nd.clip(x, -0.5, 0.5), [np.array([[-0.9, -0.3, 0.2], [0.45, 0.7, -0.1]])]),
    "where": (lambda c, a, b: nd.where(c, a, b), [np.array([[1, 0, 1], [0, 0, 1]], np.int64), _r(2, 3), _r(2, 3)]),
    "cast": (lambda x: nd.cast(x, "float64") * 2, [_r(2, 3)]),
    "copy": (lambda x: x.copy() * 2, [_r(2, 3)]),
    "add_n": (lambda a, b, c: nd.add_n(a, b, c), [_r(2, 3), _r(2, 3), _r(2, 3)]),
    "sum": (lambda x: nd.sum(x, axis=1), [_r(2, 3, 4)]),
    "mean": (lambda x: nd.mean(x, axis=(0, 2), keepdims=True), [_r(2, 3, 4)]),
    "max": (lambda x: nd.max(x, axis=0), [_apart(3, 4)]),
    "min": (lambda x: nd.min(x), [_apart(3, 4)]),
    "prod": (lambda x: nd.prod(x, axis=1), [_pos(2, 3)]),
    "norm": (lambda x: nd.norm(x, axis=1) + nd.norm(x, ord=1), [_pos(2, 3) * np.sign(_r(2, 3))]),
    "softmax": (lambda x: nd.softmax(x, temperature=2.0), [_r(2, 4)]),
    "log_softmax": (lambda x: nd.log_softmax(x, axis=0), [_r(3, 2)]),
    "reshape": (lambda x: x.reshape((-1, 0), reverse=True) * nd.flatten(x).reshape((4, 3)), [_r(2, 2, 3)]),
    "transpose": (lambda x: nd.transpose(x, axes=(2, 0, 1)), [_r(2, 3, 4)]),
    "broadcast_to": (lambda x: nd.broadcast_to(x, (2, 4, 3)), [_r(1, 4, 1)]),
    "flip": (lambda x: nd.flip(x, axis=1), [_r(2, 3)]),
    "tile": (lambda x: nd.tile(x, (2, 1, 3)), [_r(2, 3)]),
    "repeat": (lambda x: nd.repeat(x, 2, axis=0) + nd.repeat(x, 2, axis=0), [_r(2, 3)]),
    "concat": (lambda a, b: nd.concat(a, b, dim=0), [_r(2, 3), _r(1, 3)]),
    "stack": (lambda a, b: nd.stack(a, b, axis=1), [_r(2, 3), _r(2, 3)]),
    "split": (lambda x: nd.split(x, 3, axis=1)[0] * 2 + nd.split(x, 3, axis=1, squeeze_axis=True)[2].reshape((2, 1)),
              [_r(2, 3)]),
    "pad": (lambda x: nd.pad(x, mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 2, 0), constant_value=1)
            + nd.pad(x, mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)), [_r(1, 1, 2, 3)]),
    "getitem": (lambda x: x[:, 1:3] * 2 + x[[0, 0]][:, :2] + x[1, 2], [_r(2, 4)]),
    "take": (lambda a, i: nd.take(a, i), [_r(4, 3), np.array([[0, 2], [2, 3]], np.int64)]),
    "pick": (lambda a, i: nd.pick(a, i, axis=1), [_r(3, 4), np.array([0, 3, 3], np.int64)]),
    # fused log_softmax + pick behind gluon.loss.SoftmaxCrossEntropyLoss (labels 5 and -1 are clipped)
    "softmax_ce_sparse": (lambda a, i: _softmax_ce(a, i, 0), [_r(4, 3), np.array([2, 0, 5], np.int64)]),
    "dot": (lambda a, b: nd.dot(a, b) + nd.dot(a, b.T, transpose_b=True), [_r(2, 3), _r(3, 4)]),
    "batch_dot": (lambda a, b: nd.batch_dot(a, b, transpose_b=True), [_r(2, 3, 4), _r(2, 5, 4)]),
    "_linalg_gemm2": (lambda a, b: nd.linalg.gemm2(a, b, transpose_a=True, alpha=1.5, axis=-3),
                      [_r(2, 4, 3, 3), _r(2, 4, 3, 5)]),
    "_linalg_gemm": (lambda a, b, c: nd.linalg.gemm(a, b, c, transpose_b=True, alpha=1.5, beta=0.5),
                     [_r(2, 3, 4), _r(2, 5, 4), _r(2, 3, 5)]),
    # potrf reads A's lower triangle and MXNet symmetrizes its gradient: differentiate through a symmetric input
    "_linalg_potrf": (lambda a: nd.linalg.potrf(_sym(a)), [_spd(2)]),
    "_linalg_potri": (nd.linalg.potri, [_lower(2)]),
    "_linalg_trsm": (lambda a, b: nd.linalg.trsm(a, b, transpose=True, alpha=1.5), [_lower(2), _r(2, 3, 4)]),
    "_linalg_trmm": (lambda a, b: nd.linalg.trmm(a, b, rightside=True, lower=False, alpha=0.5),
                     [np.swapaxes(_lower(2), -1, -2), _r(2, 4, 3)]),
    "_linalg_syrk": (lambda a: nd.linalg.syrk(a, transpose=True, alpha=0.5), [_r(2, 3, 4)]),
    "_linalg_inverse": (nd.linalg.inverse, [_spd(2) + _r(2, 3, 3)]),
    "_linalg_det": (nd.linalg.det, [_spd(2) + _r(2, 3, 3)]),
    "_linalg_slogdet": (lambda a: nd.linalg.slogdet(a)[1] * 2 + nd.linalg.slogdet(a)[0], [_spd(2) - 2 * _spd(2)]),
    "_linalg_sumlogdiag": (nd.linalg.sumlogdiag, [_spd(2)]),
    "_linalg_extractdiag": (lambda a: nd.linalg.extractdiag(a, offset=-1), [_r(2, 3, 3)]),
    "_linalg_makediag": (lambda a: nd.linalg.makediag(a, offset=1), [_r(2, 3)]),
    "_linalg_extracttrian": (lambda a: nd.linalg.extracttrian(a, offset=1), [_r(2, 4, 4)]),
    "_linalg_maketrian": (lambda a: nd.linalg.maketrian(a, lower=False), [_r(2, 6)]),
}
EXTRA = {  # the same ops on other paths: first-axis view indexing, 1-D and N-D dot, the where row rule
    "getitem_view": (lambda x: x[1] * 3 + x[0:1].reshape((4,)), [_r(2, 4)]),
    "dot_1d": (lambda a, b: nd.dot(a, b), [_r(3), _r(3)]),
    "dot_nd": (lambda a, b: nd.dot(a, b, transpose_a=True), [_r(3, 2), _r(3, 4, 2)]),
    # MXNet 1.9.1 contracts lhs's first axis under transpose_a and rhs's last under transpose_b, whatever the ndim
    "dot_nd_transposed": (lambda a, b: nd.dot(a, b, transpose_a=True), [_r(2, 3, 4), _r(2, 3, 2)]),
    "dot_nd_both_transposed": (lambda a, b: nd.dot(a, b, transpose_a=True, transpose_b=True),
                               [_r(2, 3, 2), _r(4, 3, 2)]),
    "where_rows": (lambda c, a, b: nd.where(c, a, b), [np.array([1, 0], np.int64), _r(2, 3), _r(2, 3)]),
    "sum_all": (lambda x: x.sum() * x.mean(), [_r(2, 3)]),
    "_linalg_gemm_axis": (lambda a, b, c: nd.linalg.gemm(a, b, c, transpose_a=True, axis=-3),
                          [_r(3, 2, 4), _r(3, 2, 5), _r(4, 2, 5)]),
    "_linalg_potrf_2d": (lambda a: nd.linalg.potrf(_sym(a)), [_spd(n=4)]),
    "_linalg_trsm_right_upper": (lambda a, b: nd.linalg.trsm(a, b, rightside=True, lower=False),
                                 [np.swapaxes(_lower(2), -1, -2), _r(2, 4, 3)]),
    "_linalg_trmm_left_transposed": (lambda a, b: nd.linalg.trmm(a, b, transpose=True), [_lower(), _r(3, 2)]),
    "_linalg_det_2d": (nd.linalg.det, [_spd() + _r(3, 3)]),
}


@pytest.mark.parametrize("name", sorted(CASES) + sorted(EXTRA))
def test_gradient(ctx, name):
    fn, inputs = CASES.get(name) or EXTRA[name]
    check_numeric_gradient(fn, [x.copy() for x in inputs], ctx=ctx, rtol=1e-5, atol=1e-7)


def _differentiable_op_names():
    names = set()
    for module in (elemwise, reduce, shape, index, linalg):
        for value in vars(module).values():
            if isinstance(value, Op) and value.backward is not None and value.backward is not elemwise._none_grad:
                names.add(value.name)
    return names


def _softmax_ce(a, i, axis):
    from ndx.ndarray.dispatch import invoke
    from ndx.ops.index import softmax_ce_sparse
    return invoke(softmax_ce_sparse, (a, i), {"axis": axis})


def test_every_differentiable_op_has_a_case():
    missing = _differentiable_op_names() - set(CASES)
    assert not missing, f"ops without a gradient case: {sorted(missing)}"


def test_topk_values_and_sort_are_differentiable(ctx):
    """Observed on MXNet 1.9.1: topk(k=1, ret_typ='value') of [[1,2],[3,4]] sends [[0,1],[0,1]] back;
    sort(axis=0, descending) times [[1,2],[3,4]] sends [[3,4],[1,2]] back."""
    from ndx import autograd
    x = nd.array([[1, 2], [3, 4]], ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = nd.topk(x, k=1, ret_typ="value")
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.array([[0, 1], [0, 1]], dtype=np.float32))
    with autograd.record():
        y = nd.sort(x, axis=0, is_ascend=False) * nd.array([[1, 2], [3, 4]], ctx=ctx)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.array([[3, 4], [1, 2]], dtype=np.float32))
    with autograd.record():
        v, _ = nd.topk(x, k=2, axis=0, ret_typ="both")
    v.backward(nd.array([[1, 2], [3, 4]], ctx=ctx))
    np.testing.assert_array_equal(x.grad.asnumpy(), np.array([[3, 4], [1, 2]], dtype=np.float32))
