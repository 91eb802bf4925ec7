"""``nd.linalg``: MXNet's linear-algebra operators, batched over all but the trailing two (matrix) axes.

Argument checks raise MXNet 1.9.1's messages; the ops (forward and backward) are in ``ndx.ops.linalg``.
"""
import numpy as np

from ..base import MXNetError
from ..ops import linalg as L
from .dispatch import invoke
from .functions import _out
from .ndarray import _shape_str
from .type_checks import check_same_dtype

__all__ = ["gemm", "gemm2", "potrf", "potri", "trsm", "trmm", "syrk", "inverse", "det", "slogdet", "sumlogdiag",
           "extractdiag", "makediag", "extracttrian", "maketrian"]

_FLOAT_ONLY = "This operation only supports 32-bit and 64-bit floating point"


def _floats(*arrays, prefix=""):
    """MXNet's linalg kernels exist for float32 and float64 only; inputs must share one dtype."""
    check_same_dtype(arrays)
    if arrays[0].dtype.__name__ not in ("float32", "float64"):
        raise MXNetError(prefix + _FLOAT_ONLY)


def _square_lapack(A, op):
    """potrf/potri's check (MXNet flattens the batch axes, so a vector reads as one row)."""
    rows = 1 if A.ndim == 1 else A.shape[-2]
    if rows != A.shape[-1]:
        raise MXNetError(f"Check failed: A.size(0) == A.size(1) ({rows} vs. {A.shape[-1]}) : "
                         f"No square matrix as input to {op}.")


def _square_det(A):
    """det/slogdet/inverse's checks."""
    if A.ndim < 2:
        raise MXNetError(f"Check failed: ndim >= 2 ({A.ndim} vs. 2) : Input A's dimension must be >= 2")
    if A.shape[-2] != A.shape[-1]:
        raise MXNetError(f"Check failed: in[ndim-2] == in[ndim-1] ({A.shape[-2]} vs. {A.shape[-1]}) : "
                         "Input A's last two dimension must be equal")


def _square_operand(A, what="Input operand"):
    if A.ndim < 2:
        raise MXNetError(f"Check failed: ndim >= 2 ({A.ndim} vs. 2) : {what} must be a tensor of matrices")
    if A.shape[-2] != A.shape[-1]:
        raise MXNetError(f"Check failed: (*in_attrs)[0][ndim-2] == (*in_attrs)[0][ndim-1] ({A.shape[-2]} vs. "
                         f"{A.shape[-1]}) : {what} must be a tensor of square matrices")


def _shape_inference_failed(op, A, ndim=2):
    if A.ndim < ndim:
        raise MXNetError(f"Operator {op} inferring shapes failed.")


def _matmul_shapes(A, B, transpose_a, transpose_b, axis, op):
    """gemm/gemm2's shape checks: same batch axes, matching inner dimension."""
    _shape_inference_failed(op, A)
    if A.ndim != B.ndim:
        raise MXNetError(f"Operator {op} inferring shapes failed.")
    ndim, axis = A.ndim, axis % A.ndim
    for i in range(ndim):
        if i not in (axis, ndim - 1) and A.shape[i] != B.shape[i]:
            raise MXNetError(f"Check failed: (*in_attrs)[0][i] == (*in_attrs)[1][i] ({A.shape[i]} vs. {B.shape[i]})"
                             " : Shapes of inputs 0, 1 must be the same, except on row/col axis")
    inner_a = A.shape[axis] if transpose_a else A.shape[-1]
    inner_b = B.shape[-1] if transpose_b else B.shape[axis]
    if inner_a != inner_b:
        raise MXNetError("Check failed: (transpose_a ? (*in_attrs)[0][axis] : (*in_attrs)[0][ndim-1]) == "
                         "(transpose_b ? (*in_attrs)[1][ndim-1] : (*in_attrs)[1][axis]) "
                         f"({inner_a} vs. {inner_b}) : Incompatible matrix dimensions for multiplication")


def _mm_attrs(transpose_a, transpose_b, alpha, axis):
    return {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b), "alpha": float(alpha),
            "axis": int(axis)}


def gemm(A, B, C, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0, axis=-2, out=None, name=None,
         **kwargs):
    """``alpha * op(A) @ op(B) + beta * C`` over the matrix axes (rows on ``axis``, columns last)."""
    _matmul_shapes(A, B, transpose_a, transpose_b, axis, "_linalg_gemm")
    _floats(A, B, C)
    attrs = dict(_mm_attrs(transpose_a, transpose_b, alpha, axis), beta=float(beta))
    want = _gemm_shape(A, B, attrs)
    if C.shape != want:
        raise MXNetError(f"Shape inconsistent, Provided = {_shape_str(C.shape)}, inferred shape={_shape_str(want)}")
    return _out(invoke(L.gemm, (A, B, C), attrs), out)


def _gemm_shape(A, B, attrs):
    axis = attrs["axis"] % A.ndim
    shape = list(A.shape)
    shape[axis] = A.shape[-1] if attrs["transpose_a"] else A.shape[axis]
    shape[-1] = B.shape[axis] if attrs["transpose_b"] else B.shape[-1]
    return tuple(shape)


def gemm2(A, B, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2, out=None, name=None, **kwargs):
    """``alpha * op(A) @ op(B)`` over the trailing matrix axes (rows on ``axis``, columns last), batched
    over the others."""
    _matmul_shapes(A, B, transpose_a, transpose_b, axis, "_linalg_gemm2")
    _floats(A, B)
    return _out(invoke(L.gemm2, (A, B), _mm_attrs(transpose_a, transpose_b, alpha, axis)), out)


def potrf(A, out=None, name=None, **kwargs):
    """Cholesky factor ``L`` (lower triangular, ``A = L L^T``) of symmetric positive-definite ``A``; only
    ``A``'s lower triangle is read."""
    _square_lapack(A, "potrf")
    _floats(A)
    return _out(_lapack(L.potrf, A, f"{'s' if A.dtype.__name__ == 'float32' else 'd'}potrf failed in lapack on "
                        "cpu. This may happen when the input matrix is either not symmetric or not positive definite.",
                        _potrf_info),
                out)


def _lapack(op, A, message, info):
    """Run ``op``, turning numpy's LinAlgError into MXNet's message with LAPACK's ``info`` (found on the host,
    on this error path only). CuPy returns NaN/inf instead: it raises no device error without a sync."""
    try:
        return invoke(op, (A,))
    except Exception as e:
        if type(e).__name__ != "LinAlgError":
            raise
        mats = A.asnumpy().reshape((-1,) + A.shape[-2:]).astype(np.float64)
        code = next((k for k in map(info, mats) if k), 0)
        raise MXNetError(f"Check failed: ret == 0 ({code} vs. 0) : {message}") from None


def _potrf_info(a):
    """LAPACK potrf's info: the order of the first leading minor that is not positive definite."""
    a = np.tril(a) + np.tril(a, -1).T
    for k in range(1, a.shape[0] + 1):
        try:
            np.linalg.cholesky(a[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


def _getrf_info(a):
    """LAPACK getrf's info: the (1-based) step of partial-pivoting LU that meets an exactly zero pivot."""
    a = a.copy()
    for k in range(a.shape[0]):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1:, k:] -= np.outer(a[k + 1:, k] / a[k, k], a[k, k:])
    return 0


def potri(A, out=None, name=None, **kwargs):
    """``(A A^T)^-1`` from a Cholesky factor ``A`` (lower triangle read): the inverse of the factored matrix."""
    _square_lapack(A, "potri")
    _floats(A)
    return _out(invoke(L.potri, (A,)), out)


def _tri_attrs(A, B, transpose, rightside, lower, alpha, op):
    _shape_inference_failed(op, A)
    if A.ndim != B.ndim:
        raise MXNetError(f"Operator {op} inferring shapes failed.")
    for i in range(A.ndim - 2):
        if A.shape[i] != B.shape[i]:
            raise MXNetError(f"Check failed: (*in_attrs)[0][i] == (*in_attrs)[1][i] ({A.shape[i]} vs. {B.shape[i]})"
                             " : Shapes of inputs 0, 1 must be the same, except on last two dimensions")
    if A.shape[-2] != A.shape[-1]:
        raise MXNetError(f"Check failed: (*in_attrs)[0][ndim-2] == (*in_attrs)[0][ndim-1] ({A.shape[-2]} vs. "
                         f"{A.shape[-1]}) : First operand must be a tensor of square matrices")
    if rightside and B.shape[-1] != A.shape[-2]:
        raise MXNetError(f"Check failed: (*in_attrs)[0][ndim-2] == (*in_attrs)[1][ndim-1] ({A.shape[-2]} vs. "
                         f"{B.shape[-1]}) : Incompatible matrix dimensions for multiplication")
    if not rightside and B.shape[-2] != A.shape[-1]:
        raise MXNetError(f"Check failed: (*in_attrs)[1][ndim-2] == (*in_attrs)[0][ndim-1] ({B.shape[-2]} vs. "
                         f"{A.shape[-1]}) : Incompatible matrix dimensions for multiplication")
    _floats(A, B)
    return {"transpose": bool(transpose), "rightside": bool(rightside), "lower": bool(lower), "alpha": float(alpha)}


def trsm(A, B, transpose=False, rightside=False, lower=True, alpha=1.0, out=None, name=None, **kwargs):
    """Solve ``op(A) X = alpha B`` (``X op(A) = alpha B`` with ``rightside``) for triangular ``A`` (its lower
    triangle, or the upper one when ``lower=False``; the other is ignored)."""
    attrs = _tri_attrs(A, B, transpose, rightside, lower, alpha, "_linalg_trsm")
    return _out(invoke(L.trsm, (A, B), attrs), out)


def trmm(A, B, transpose=False, rightside=False, lower=True, alpha=1.0, out=None, name=None, **kwargs):
    """``alpha op(A) B`` (``alpha B op(A)`` with ``rightside``) for the triangle of ``A`` that ``lower`` names."""
    attrs = _tri_attrs(A, B, transpose, rightside, lower, alpha, "_linalg_trmm")
    return _out(invoke(L.trmm, (A, B), attrs), out)


def syrk(A, transpose=False, alpha=1.0, out=None, name=None, **kwargs):
    """``alpha A A^T`` (``alpha A^T A`` with ``transpose``)."""
    _shape_inference_failed("_linalg_syrk", A)
    _floats(A)
    return _out(invoke(L.syrk, (A,), {"transpose": bool(transpose), "alpha": float(alpha)}), out)


def inverse(A, out=None, name=None, **kwargs):
    """Inverse of each square matrix in ``A``."""
    _square_det(A)
    _floats(A)
    return _out(_lapack(L.inverse, A, "the input matrix is non-convertible", _getrf_info), out)


def det(A, out=None, name=None, **kwargs):
    """Determinant of each square matrix in ``A`` (shape ``(1,)`` for a single matrix)."""
    _square_det(A)
    _floats(A, prefix="Check failed: dtype == kFloat32 || dtype == kFloat64: ")
    return _out(invoke(L.det, (A,)), out)


def slogdet(A, out=None, name=None, **kwargs):
    """``[sign, log|det|]`` of each square matrix in ``A``; only the log-determinant carries a gradient."""
    _square_det(A)
    _floats(A, prefix="Check failed: dtype == kFloat32 || dtype == kFloat64: ")
    return invoke(L.slogdet, (A,))


def sumlogdiag(A, out=None, name=None, **kwargs):
    """``sum(log(diag(A)))`` per matrix: the log-determinant of a Cholesky factor, halved."""
    _shape_inference_failed("_linalg_sumlogdiag", A)
    if A.shape[-2] != A.shape[-1]:
        raise MXNetError(f"Check failed: A.size(1) == A.size(2) ({A.shape[-2]} vs. {A.shape[-1]}) : "
                         "sumlogdiag operator requires square matrices as input.")
    _floats(A)
    return _out(invoke(L.sumlogdiag, (A,)), out)


def _check_offset(n, offset):
    if n - abs(offset) <= 0:
        raise MXNetError(f"Check failed: n > 0 (0 vs. 0) : Illegal offset {offset} for diag/trian extraction of "
                         f"matrix with dimension {n}")


def extractdiag(A, offset=0, out=None, name=None, **kwargs):
    """The ``offset`` diagonal of each matrix (above the main one for ``offset > 0``)."""
    _square_operand(A)
    _floats(A)
    _check_offset(A.shape[-1], int(offset))
    return _out(invoke(L.extractdiag, (A,), {"offset": int(offset)}), out)


def makediag(A, offset=0, out=None, name=None, **kwargs):
    """Square matrices with the trailing axis of ``A`` on their ``offset`` diagonal and zeros elsewhere."""
    _floats(A)
    return _out(invoke(L.makediag, (A,), {"offset": int(offset)}), out)


def extracttrian(A, offset=0, lower=True, out=None, name=None, **kwargs):
    """The triangle of each matrix, packed into the trailing axis (``offset != 0`` picks the triangle by
    its sign and ignores ``lower``)."""
    _square_operand(A)
    _floats(A)
    _check_offset(A.shape[-1], int(offset))
    return _out(invoke(L.extracttrian, (A,), {"offset": int(offset), "lower": bool(lower)}), out)


def maketrian(A, offset=0, lower=True, out=None, name=None, **kwargs):
    """Triangular matrices from packed triangles (``extracttrian``'s inverse), zeros elsewhere."""
    n = A.shape[-1] if A.ndim else 1
    m = int(((8 * n + 1) ** 0.5 - 1) / 2 + 0.5)  # MXNet rounds
    if m * (m + 1) // 2 != n:
        raise MXNetError(f"Check failed: (m*(m+1))/2 == n ({m * (m + 1) // 2} vs. {n}) : Input tensor of "
                         "maketrian has an invalid dimension for the last axis.")
    _floats(A)
    attrs = {"offset": int(offset), "lower": bool(lower), "size": m + abs(int(offset))}
    return _out(invoke(L.maketrian, (A,), attrs), out)
