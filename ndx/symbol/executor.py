"""Running a graph with ndx's ``nd`` operators, and shape/type inference built on it.

``evaluate`` walks the nodes in graph order and calls each op's ``registry`` compute function on
NDArrays, so the graph runs on whatever context its inputs live on and autograd records every step
(a loaded graph is differentiable and can be fine-tuned).
"""
import warnings

import numpy as np

from ..base import MXNetError
from .symbol import aux_nodes, check_graph

__all__ = ["evaluate", "infer_shape", "infer_type"]


def _nd():
    from .. import ndarray
    return ndarray


def evaluate(sym, feed, nodes=None):
    """Outputs of ``sym`` (a list of NDArrays) given ``feed``: variable name -> NDArray."""
    nd = _nd()
    order = nodes if nodes is not None else sym._topo()
    values = {}
    for node in order:
        if node.is_var:
            try:
                values[id(node)] = [feed[node.name]]
            except KeyError:
                raise MXNetError(f"no value bound for the graph input '{node.name}'") from None
            continue
        ins = [values[id(c)][i] for c, i in node.inputs]
        try:
            out = node.spec.compute(nd, ins, node.parsed())
        except MXNetError as e:
            raise MXNetError(f"Error in operator {node.name} ({node.op}): {e}") from None
        values[id(node)] = list(out) if isinstance(out, (list, tuple)) else [out]
    return [values[id(n)][i] for n, i in sym._outputs]


def _shape_hint(node):
    """A variable's ``__shape__`` when complete (Gluon writes 0 for unknown dims)."""
    s = node.attrs.get("__shape__")
    if not s:
        return None
    from .attrs import shape
    try:
        t = shape(s)
    except ValueError:
        return None
    return t if t and all(d > 0 for d in t) else None


def infer_shape(sym, *args, partial=False, **kwargs):
    """``(arg_shapes, out_shapes, aux_shapes)`` in MXNet's list orders, from the given input shapes.

    Parameter shapes follow from each op's data shape (``registry`` ``params`` rules); output shapes
    come from running the graph on zeros. With unknown shapes left and ``partial`` false, MXNet's
    ``(None, None, None)`` is returned.
    """
    from .. import autograd
    from ..context import cpu
    nd = _nd()
    order = sym._topo()
    check_graph(sym)
    known = {}
    if args:
        names = sym.list_arguments()
        for n, s in zip(names, args):
            if s is not None:
                known[n] = tuple(s)
    _check_keywords(sym, kwargs, "InferShape")
    known.update({k: tuple(v) for k, v in kwargs.items() if v is not None})
    shapes = {}
    with autograd.pause():
        for node in order:
            if node.is_var:
                s = known.get(node.name) or _shape_hint(node)
                shapes[id(node)] = [s]
                continue
            in_shapes = [shapes[id(c)][i] for c, i in node.inputs]
            spec, a = node.spec, node.parsed()
            if any(s is None for s in in_shapes) and spec.params and in_shapes and in_shapes[0] is not None:
                for slot, s in spec.params(a, in_shapes).items():
                    if slot < len(node.inputs) and in_shapes[slot] is None:
                        child = node.inputs[slot][0]
                        if child.is_var:
                            shapes[id(child)] = [s]
                            in_shapes[slot] = s
            if any(s is None for s in in_shapes):
                shapes[id(node)] = [None] * max(node.num_outputs(), spec.num_hidden(a))
                continue
            ins = [nd.zeros(s, ctx=cpu()) for s in in_shapes]
            try:
                out = spec.compute(nd, ins, a)
            except MXNetError as e:
                msg = str(e)
                if msg.startswith("MXNetError: ") and "Error in operator" not in msg:
                    raise MXNetError(f"MXNetError: Error in operator {node.name}: {msg[12:]}") from None
                raise
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            shapes[id(node)] = [tuple(o.shape) for o in out]
    aux = aux_nodes(order)
    arg_shapes = [shapes[id(n)][0] for n in order if n.is_var and id(n) not in aux]
    aux_shapes = [shapes[id(n)][0] for n in order if n.is_var and id(n) in aux]
    out_shapes = [shapes[id(n)][i] for n, i in sym._outputs]
    if not partial and any(s is None for s in arg_shapes + aux_shapes + out_shapes):
        unknown = [f"{n}: ()" for n, s in zip(sym.list_arguments(), arg_shapes) if s is None]
        if len(unknown) > 10:
            unknown = unknown[:10] + ["..."]
        warnings.warn("Cannot decide shape for the following arguments (0s in shape means unknown dimensions). "
                      "Consider providing them as input:\n\t" + "\n\t".join(unknown), stacklevel=3)
        return None, None, None

    def known_or_empty(shapes):  # MXNet reports an unknown shape as ()
        return [() if s is None else s for s in shapes]
    return known_or_empty(arg_shapes), known_or_empty(out_shapes), known_or_empty(aux_shapes)


def _check_keywords(sym, kwargs, what):
    names = sym.list_arguments()
    for k in kwargs:
        if k not in names:
            raise MXNetError(f"MXNetError: {what}Keyword argument name {k} not found.\nCandidate arguments:\n"
                             + "".join(f"\t[{i}]{n}\n" for i, n in enumerate(names)) + "\n")


def infer_type(sym, *args, **kwargs):
    """``(arg_types, out_types, aux_types)``: given types, ``__dtype__`` hints, else the first given one."""
    from .serialize import DTYPE_FLAGS
    flags = {v: k for k, v in DTYPE_FLAGS.items()}
    known = dict(zip(sym.list_arguments(), args)) if args else {}
    _check_keywords(sym, kwargs, "InferType")
    known.update(kwargs)
    known = {k: np.dtype(v).type for k, v in known.items() if v is not None}
    order = sym._topo()
    aux = aux_nodes(order)

    def declared(node):
        if node.name in known:
            return known[node.name]
        hint = node.attrs.get("__dtype__")
        if hint is not None and hint.lstrip("-").isdigit() and int(hint) in flags \
                and flags[int(hint)] != "bfloat16":
            return np.dtype(flags[int(hint)]).type
        return None

    found = [t for t in (declared(n) for n in order if n.is_var) if t is not None]
    if not found:  # nothing to infer from: MXNet warns and returns Nones
        args = sym.list_arguments()
        warnings.warn("Cannot decide type for the following arguments. Consider providing them as input:\n\t"
                      + "\n\t".join(f"{n}: None" for n in args), stacklevel=3)
        return None, None, None
    default = next(iter(known.values()), found[0])

    def dtype(node):
        t = declared(node)
        return default if t is None else t

    arg_types = [dtype(n) for n in order if n.is_var and id(n) not in aux]
    aux_types = [dtype(n) for n in order if n.is_var and id(n) in aux]
    return arg_types, [default] * len(sym._outputs), aux_types
