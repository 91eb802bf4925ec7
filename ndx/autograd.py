"""Autograd: record NDArray ops on a tape and run them backwards.

Recording is a thread-local flag checked once per op. A recorded op output holds a ``Node`` (the op,
its raw inputs and output, and the nodes of its inputs); a variable holds a ``Leaf`` with its
gradient buffer and ``grad_req``. ``backward`` walks the nodes in reverse topological order, calling
each op's ``backward`` with backend arrays, and writes or adds the totals into the leaves' buffers.
"""
import itertools
import sys
import threading
from contextlib import contextmanager

import numpy as np

from .base import MXNetError

#: Gradients at least this large replace a leaf's ``write`` buffer instead of being copied into it.
_ADOPT_BYTES = 1 << 16

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "backward", "grad", "mark_variables", "Function"]

_NOT_IN_GRAPH = ("Check failed: !AGInfo: :IsNone(*i): Cannot differentiate node because it is not in a "
                 "computational graph. You need to set is_recording to true or use autograd.record() to save "
                 "computational graphs for backward. If you want to differentiate the same graph twice, you need "
                 "to pass retain_graph=True to backward.")
_NO_INPUTS = ("Check failed: xs.size() > 0 (0 vs. 0) : There are no inputs in computation graph that require "
              "gradients.")
_NOT_VARIABLE = ("Check failed: !AGInfo: :IsNone(*variables[i]) && AGInfo::IsVariable(variables[i]->entry_.node): "
                 "Cannot differentiate with respect to the {}-th variable because it does not require gradient.")
_UNREACHABLE = ("Check failed: output_grads.find(xs[i].node.get()) != output_grads.end(): Cannot differentiate "
                "with respect to the {}-th variable because it is unreachable from the outputs.")
INPLACE_IN_GRAPH = ("Check failed: AGInfo: :IsNone(*output): Assigning to NDArrays that are already in a "
                    "computational graph will cause undefined behavior when evaluating gradients. Please call "
                    "backward first to clear the graph or do this out side of a record section. Also note that "
                    "you cannot use inplace operations like +=, *=, relu(x, out=x), y[idx]=x, etc inside a "
                    "record section.")


class _State(threading.local):
    recording = False
    training = False


_state = _State()


class Leaf:
    """A variable's autograd record: its gradient buffer (an NDArray) and how to fill it.

    ``fresh`` is set when a backward writes the buffer; ``gluon.Trainer`` clears it after each update
    (MXNet's stale-gradient check).
    """

    __slots__ = ("grad", "grad_req", "fresh")

    def __init__(self, grad, grad_req):
        self.grad = grad
        self.grad_req = grad_req
        self.fresh = False


_sequence = itertools.count()


class Node:
    """One recorded op application."""

    __slots__ = ("op", "attrs", "parents", "inputs", "output", "saved", "ctx", "n_out", "seq")

    def __init__(self, op, attrs, parents, inputs, output, saved, ctx, n_out):
        self.seq = next(_sequence)  # creation order: a node is always created after its parents
        self.op = op
        self.attrs = attrs
        self.parents = parents      # per input: (Leaf | Node | None, output index)
        self.inputs = inputs        # raw backend arrays
        self.output = output
        self.saved = saved
        self.ctx = ctx
        self.n_out = n_out


# ----------------------------------------------------------------------------- scopes

def set_recording(is_recording):
    """Set the recording flag; returns the previous value."""
    prev = _state.recording
    _state.recording = bool(is_recording)
    return prev


def set_training(train_mode):
    """Set the training flag; returns the previous value."""
    prev = _state.training
    _state.training = bool(train_mode)
    return prev


def is_recording():
    return _state.recording


def is_training():
    return _state.training


@contextmanager
def _scope(recording, training):
    prev_rec, prev_train = _state.recording, _state.training
    if recording is not None:
        _state.recording = recording
    if training is not None:
        _state.training = training
    try:
        yield
    finally:
        _state.recording, _state.training = prev_rec, prev_train


def record(train_mode=True):
    """Record ops for ``backward`` inside the block (and set training mode to ``train_mode``)."""
    return _scope(True, train_mode)


def pause(train_mode=False):
    """Stop recording inside the block."""
    return _scope(False, train_mode)


def train_mode():
    """Training-mode behaviour (Dropout, BatchNorm) inside the block; recording unchanged."""
    return _scope(None, True)


def predict_mode():
    """Inference-mode behaviour inside the block; recording unchanged."""
    return _scope(None, False)


# ----------------------------------------------------------------------------- variables

def mark_variables(variables, gradients, grad_reqs="write"):
    """Make ``variables`` leaves whose gradients go into the given ``gradients`` buffers."""
    from .ndarray.ndarray import NDArray
    if isinstance(variables, NDArray):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    for var, g, req in zip(variables, gradients, grad_reqs):
        var._node = Leaf(g, req)


# ----------------------------------------------------------------------------- engine

def _topo_order(head_nodes):
    """Nodes reachable from ``head_nodes``, consumers before producers (newest first)."""
    seen = {id(n): n for n in head_nodes}
    stack = list(head_nodes)
    while stack:
        for parent, _ in stack.pop().parents:
            if type(parent) is Node and id(parent) not in seen:
                if parent.op is None:
                    raise MXNetError(_NOT_IN_GRAPH)
                seen[id(parent)] = parent
                stack.append(parent)
    return sorted(seen.values(), key=_by_seq, reverse=True)


def _by_seq(node):
    return node.seq


def _accumulate(store, key, index, n_out, g):
    cur = store.get(key)
    if n_out == 1:
        store[key] = g if cur is None else cur + g
    else:
        if cur is None:
            cur = store[key] = [None] * n_out
        cur[index] = g if cur[index] is None else cur[index] + g


def _run(heads, head_grads, retain_graph, variables=None):
    """Backpropagate from ``heads``; returns {id(var): raw grad} for ``variables`` if given, else
    writes into the leaves' buffers."""
    if type(heads) is not list and type(heads) is not tuple:
        heads = [heads]
    if head_grads is None:
        head_grads = [None] * len(heads)
    elif type(head_grads) is not list and type(head_grads) is not tuple:
        head_grads = [head_grads]
    assert len(heads) == len(head_grads), "heads and head_grads must be lists of the same length"
    node_grads, leaf_grads, leaves = {}, {}, {}
    head_nodes = []
    for h, hg in zip(heads, head_grads):
        node = h._node
        if node is None or (type(node) is Node and node.op is None):
            raise MXNetError(_NOT_IN_GRAPH)
        g = h._ctx.backend.xp.ones_like(h._data) if hg is None else hg._data
        if type(node) is Leaf:
            leaves[id(node)] = node
            _accumulate(leaf_grads, id(node), 0, 1, g)
        else:
            _accumulate(node_grads, node, h._oidx if node.n_out > 1 else 0, node.n_out, g)
            head_nodes.append(node)
    wanted = None
    if variables is not None:
        wanted = {}
        for i, v in enumerate(variables):
            if type(v._node) is not Leaf:
                raise MXNetError(_NOT_VARIABLE.format(i + 1))
            wanted[id(v._node)] = v
    order = _topo_order(head_nodes) if len(head_nodes) != 1 or _has_node_parent(head_nodes[0]) else head_nodes
    captured = {}
    for node in order:
        g = node_grads.pop(node, None)
        if wanted is not None and id(node) in wanted:
            captured[id(node)] = g
        if g is None:
            for parent, _ in node.parents:  # a variable behind a stop_gradient still has its gradient written (0)
                if type(parent) is Leaf:
                    leaves[id(parent)] = parent
            continue
        backend = node.ctx._backend
        if node.n_out > 1:
            g = tuple(backend.xp.zeros_like(o) if gi is None else gi for gi, o in zip(g, node.output))
        attrs = node.attrs
        if node.op.masked:
            attrs = dict(attrs, needs=tuple(parent is not None for parent, _ in node.parents))
        if not backend.needs_guard:
            in_grads = node.op.backward(backend.xp, g, node.inputs, node.output, node.saved, **attrs)
        else:
            with backend.guard(node.ctx):
                in_grads = node.op.backward(backend.xp, g, node.inputs, node.output, node.saved, **attrs)
        for (parent, oidx), pg in zip(node.parents, in_grads):
            if parent is None:
                continue
            if type(parent) is Leaf:
                leaves[id(parent)] = parent
                if pg is not None:
                    _accumulate(leaf_grads, id(parent), 0, 1, pg)
            elif pg is not None:
                if parent.n_out == 1:  # the common case, inlined
                    cur = node_grads.get(parent)
                    node_grads[parent] = pg if cur is None else cur + pg
                else:
                    _accumulate(node_grads, parent, oidx, parent.n_out, pg)
    in_grads = pg = g = None  # drop the loop's references: _adopt counts them
    if not retain_graph:
        for node in order:
            node.op = None
            node.inputs = node.output = node.saved = None
    if wanted is not None:
        result = {}
        reachable = None
        for i, var in enumerate(variables):
            key = id(var._node)
            g = leaf_grads.get(key, captured.get(key))
            if g is None:
                if reachable is None:  # every variable the graph of the heads holds, gradient or not
                    reachable = set(leaves)
                    reachable.update(id(p) for node in order for p, _ in node.parents if type(p) is Leaf)
                if key not in reachable:
                    raise MXNetError(_UNREACHABLE.format(i + 1))
                g = var._ctx.backend.xp.zeros_like(var._data)
            result[id(var)] = g
        return result
    written = False
    for key, leaf in leaves.items():
        buf = leaf.grad
        if buf is None or leaf.grad_req == "null":
            continue
        written = True
        leaf.fresh = True
        g = leaf_grads.get(key)
        data = buf._data
        if g is None:
            if leaf.grad_req == "write":
                data[...] = 0
        elif leaf.grad_req == "add":
            data += g.astype(data.dtype, copy=False)
        elif (type(g) is np.ndarray and g.nbytes >= _ADOPT_BYTES and type(data) is np.ndarray
              and g.shape == data.shape and g.dtype == data.dtype and g.base is None and data.base is None
              and g.flags.c_contiguous and g.flags.writeable
              # g: leaf_grads' entry, the name g, getrefcount's argument; data: buf._data, the name
              # data, the argument. Nothing else (no view, no DLPack export, no other leaf) sees them.
              and sys.getrefcount(g) == 3 and sys.getrefcount(data) == 3):
            buf._data = g  # the fresh gradient becomes the buffer: no copy of a large array
        else:
            data[...] = g
    if not written:
        raise MXNetError(_NO_INPUTS)
    return None


def _has_node_parent(node):
    for parent, _ in node.parents:
        if type(parent) is Node:
            return True
    return False


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute gradients of ``heads`` (summed) into the variables' ``.grad`` buffers."""
    state = _state
    prev_rec, prev_train = state.recording, state.training
    state.recording, state.training = False, train_mode
    try:
        _run(heads, head_grads, retain_graph)
    finally:
        state.recording, state.training = prev_rec, prev_train


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False, train_mode=True):
    """Gradients of ``heads`` with respect to ``variables``, returned as a list (``.grad`` untouched)."""
    from .ndarray.ndarray import NDArray, _wrap
    if create_graph:
        raise NotImplementedError("autograd.grad(create_graph=True): higher-order gradients are not supported "
                                  "by ndx; compute first-order gradients and differentiate them numerically.")
    if retain_graph is None:
        retain_graph = create_graph
    single = isinstance(variables, NDArray)
    variables = [variables] if single else list(variables)
    with _scope(False, train_mode):
        result = _run(heads, head_grads, retain_graph, variables)
    return [_wrap(result[id(v)], v._ctx) for v in variables]


# ----------------------------------------------------------------------------- custom functions

class Function:
    """A user-defined differentiable function with its own ``forward`` and ``backward`` (on NDArrays).

    Subclass it, implement ``forward(self, *inputs)`` and ``backward(self, *output_grads)``, keep what
    backward needs with ``self.save_for_backward(...)`` and call an instance like a function.
    """

    def __init__(self):
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        self.saved_tensors = args

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, *output_grads):
        raise NotImplementedError

    def __call__(self, *inputs):
        from .ndarray.ndarray import NDArray
        from .ops.op import Op
        with pause(_state.training):
            outputs = self.forward(*inputs)
        single = isinstance(outputs, NDArray)
        outs = (outputs,) if single else tuple(outputs)
        if _state.recording and any(x._node is not None for x in inputs):
            func = self

            def _backward(xp, g, raw_inputs, raw_output, saved):
                from .ndarray.ndarray import _wrap
                ctx = outs[0]._ctx
                grads = (g,) if single else g
                with pause(_state.training):
                    res = func.backward(*[_wrap(gi, ctx) for gi in grads])
                res = (res,) if isinstance(res, NDArray) else tuple(res)
                return tuple(r._data if r is not None else None for r in res)

            op = Op(type(self).__name__, None, _backward)
            from .ndarray.dispatch import _output_index
            node = Node(op, {}, tuple((x._node, _output_index(x)) for x in inputs),
                        tuple(x._data for x in inputs), outs[0]._data if single else tuple(o._data for o in outs),
                        None, outs[0]._ctx, len(outs) if not single else 1)
            for i, o in enumerate(outs):
                o._node = node
                if not single:
                    o._oidx = i
        return outputs
