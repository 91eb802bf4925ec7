"""``nd.linalg``: MXNet's linear-algebra operators that ndx implements (``gemm2``)."""
from ..ops import linalg as L
from .dispatch import invoke
from .functions import _out

__all__ = ["gemm2"]


def gemm2(A, B, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2, out=None, name=None, **kwargs):
    """``alpha * op(A) @ op(B)`` over the trailing matrix axes (rows on ``axis``, columns last), batched
    over the others."""
    attrs = {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b), "alpha": float(alpha),
             "axis": int(axis)}
    return _out(invoke(L.gemm2, (A, B), attrs), out)
