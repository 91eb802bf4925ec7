"""The one path every op takes: unwrap, check contexts, run forward on the backend, wrap, record."""
from ..autograd import Node, _state
from ..base import MXNetError

_EMPTY = {}


def mismatch(ctx, other):
    """The context an op on ``ctx`` and ``other`` arrays runs on, or an error naming both.

    Contexts of one backend mix (MXNet runs cpu(0) + cpu(1) on the first operand's context); arrays
    of different backends never do: that needs an explicit copy.
    """
    if ctx.backend is other.backend:
        return ctx
    raise MXNetError(f"operands are on different contexts: {ctx} and {other}; "
                     f"copy one of them with .as_in_context() / .copyto() first")


def invoke(op, args, attrs=_EMPTY):
    """Apply ``op`` to NDArrays ``args`` with keyword ``attrs``; returns NDArray(s)."""
    ctx = args[0]._ctx
    if len(args) == 1:
        raws = (args[0]._data,)
    else:
        for a in args:
            if a._ctx is not ctx:
                mismatch(ctx, a._ctx)
        raws = tuple([a._data for a in args])
    backend = ctx._backend or ctx.backend
    if backend.needs_guard:
        with backend.guard(ctx):
            res = op.forward(backend.xp, *raws, **attrs)
    else:
        res = op.forward(backend.xp, *raws, **attrs)
    saved = None
    if op.saves:
        res, saved = res
    if _state.recording and op.backward is not None:
        for a in args:
            if a._node is not None:
                return _record(op, args, raws, res, saved, attrs, ctx)
    if op.multi_output:
        return [_wrap(r, ctx) for r in res]
    out = _new(NDArray)
    out._data = res
    out._ctx = ctx
    out._node = None
    return out


def _output_index(a):
    """Which output of its producing node ``a`` is (only multi-output nodes set ``_oidx``)."""
    node = a._node
    if type(node) is Node and node.n_out > 1:
        return a._oidx
    return 0


def invoke2(op, a, b):
    """``invoke`` for the common binary case, kept short: it is the small-op hot path."""
    ctx = a._ctx
    if b._ctx is not ctx:
        mismatch(ctx, b._ctx)
    backend = ctx._backend or ctx.backend
    if backend.needs_guard:
        with backend.guard(ctx):
            res = op.forward(backend.xp, a._data, b._data)
    else:
        res = op.forward(backend.xp, a._data, b._data)
    if _state.recording and (a._node is not None or b._node is not None) and op.backward is not None:
        return _record(op, (a, b), (a._data, b._data), res, None, _EMPTY, ctx)
    out = _new(NDArray)
    out._data = res
    out._ctx = ctx
    out._node = None
    return out


def _record(op, args, raws, res, saved, attrs, ctx):
    parents = tuple([(n, a._oidx if type(n) is Node and n.n_out > 1 else 0) for a in args for n in (a._node,)])
    if op.multi_output:
        node = Node(op, attrs, parents, raws, tuple(res), saved, ctx, len(res))
        outs = []
        for i, r in enumerate(res):
            o = _wrap(r, ctx)
            o._node = node
            o._oidx = i
            outs.append(o)
        return outs
    node = Node(op, attrs, parents, raws, res, saved, ctx, 1)
    out = _wrap(res, ctx)
    out._node = node
    return out


from .ndarray import NDArray, _new, _wrap  # noqa: E402  (NDArray's methods call invoke)
