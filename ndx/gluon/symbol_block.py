"""``gluon.SymbolBlock``: run a symbolic graph (an MXNet ``-symbol.json`` export) as a HybridBlock.

The graph runs with ndx's own ``nd`` operators (``ndx.symbol.executor``), so it works on every backend,
records under ``autograd.record()`` and can be fine-tuned. Arguments of the graph become Parameters
named exactly like their variables; auxiliary states (BatchNorm running stats) become Parameters with
``grad_req='null'``. Every unsupported op or attribute is reported when the block is built.
"""
import warnings

import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from ..symbol import executor
from ..symbol.symbol import Group, Node, Symbol, check_graph
from .block import HybridBlock

__all__ = ["SymbolBlock"]


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


class SymbolBlock(HybridBlock):
    """A Block computing ``outputs`` (Symbol or list) from the variables ``inputs`` (Symbol or list).

    ``params`` (a ParameterDict) supplies existing Parameters to share by name.
    """

    def __init__(self, outputs, inputs, params=None):
        super().__init__(prefix=None, params=None)  # draws a name (symbolblock0) from the counters
        self._prefix = ""
        from .parameter import ParameterDict
        self._params = ParameterDict("", params)
        outputs = _as_list(outputs)
        for o in outputs:
            if not isinstance(o, Symbol):
                raise TypeError(f"SymbolBlock outputs must be Symbols, got {type(o).__name__}")
        out = outputs[0] if len(outputs) == 1 else Group(outputs)
        inputs = _as_list(inputs)
        names = []
        for i in inputs:
            if not isinstance(i, Symbol) or len(i._outputs) != 1 or not i._outputs[0][0].is_var:
                raise TypeError("Input type is expected to be a Symbol variable (e.g. mx.sym.var('data')), "
                                f"got {i!r}")
            names.append(i.name)
        check_graph(out)
        all_vars = set(out.list_inputs())
        missing = [n for n in names if n not in all_vars]
        if missing:
            raise ValueError(f"input names {missing} are not variables of the graph; its variables are "
                             f"{sorted(all_vars)}")
        self._graph = out
        self._order = out._topo()
        self._input_names = names
        self._num_outputs = len(out._outputs)
        aux = set(out.list_auxiliary_states())
        types = _param_types(out, inputs)
        for name in out.list_arguments():
            if name not in names:
                self._params.get(name, allow_deferred_init=True, **types.get(name, {}))
        for name in out.list_auxiliary_states():
            if name not in names:
                self._params.get(name, grad_req="null", allow_deferred_init=True, **types.get(name, {}))
        self._aux_names = aux

    def __repr__(self):
        # MXNet's text: the output Symbol with its input and output counts, not indented
        return (f"SymbolBlock(\n{self._graph!r} : {len(self._input_names)} -> "
                f"{len(self._graph.list_outputs())}\n)")

    # ------------------------------------------------------------------ loading
    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None, allow_missing=False, ignore_extra=False):
        """Load an exported model: the graph ``symbol_file`` with its inputs named ``input_names``, and
        the weights of ``param_file`` (``arg:``/``aux:`` prefixes stripped) on ``ctx``."""
        from .. import symbol as sym
        graph = sym.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        block = SymbolBlock(graph, [sym.var(n) for n in input_names])
        if param_file is not None:
            block.load_params_file(param_file, ctx=ctx, allow_missing=allow_missing, ignore_extra=ignore_extra)
        return block

    def load_params_file(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        """``collect_params().load`` as MXNet's ``SymbolBlock.imports`` calls it: names matched after
        stripping ``arg:``/``aux:``, arrays keep the dtype stored in the file."""
        from ..formats import load_arrays
        data = load_arrays(filename)
        if not isinstance(data, dict):
            raise MXNetError(f"{filename} holds an unnamed list of arrays; a parameter file needs names")
        arrays = {}
        for key, value in data.items():
            name = key[4:] if key.startswith(("arg:", "aux:")) else key
            arrays[name] = value
        params = self.collect_params()
        if not allow_missing:
            for name in params.keys():
                if name not in arrays:
                    raise AssertionError(
                        f"Parameter '{name}' is missing in file '{filename}', which contains parameters: "
                        f"{_brief(arrays)}. Please make sure source and target networks have the same prefix.")
        for name, value in arrays.items():
            if name not in params.keys():
                if ignore_extra:
                    continue
                raise AssertionError(
                    f"Parameter '{name}' loaded from file '{filename}' is not present in ParameterDict, which "
                    f"contains parameters {_brief(dict(params.items()))}. Set ignore_extra=True to ignore.")
            params[name]._load_init(np.ascontiguousarray(value), ctx, cast_dtype=True, dtype_source="saved")

    # ------------------------------------------------------------------ running
    def forward(self, x, *args):
        inputs = [x] + list(args)
        if isinstance(x, Symbol):
            return self._symbolic(inputs)
        if len(inputs) != len(self._input_names):
            raise ValueError(f"SymbolBlock expects {len(self._input_names)} inputs "
                             f"({', '.join(self._input_names)}), got {len(inputs)}")
        for a in inputs:
            if not isinstance(a, NDArray):
                raise TypeError(f"SymbolBlock inputs must be NDArrays, got {type(a).__name__}")
        ctx = x.context
        feed = dict(zip(self._input_names, inputs))
        params = self.collect_params()
        if any(p._data is None and p._deferred_init for p in params.values()):
            self._finish_init(feed)
        for name, p in params.items():
            feed[name] = p.data(ctx)
        outs = executor.evaluate(self._graph, feed, self._order)
        return outs[0] if self._num_outputs == 1 else outs

    def _finish_init(self, feed):
        """Complete deferred initialization: parameter shapes from the graph and the input shapes."""
        shapes = {n: a.shape for n, a in feed.items()}
        for name, p in self.collect_params().items():
            if p._data is not None:
                shapes[name] = p.shape
        arg_shapes, _, aux_shapes = executor.infer_shape(self._graph, partial=True, **shapes)
        known = dict(zip(self._graph.list_arguments(), arg_shapes))
        known.update(zip(self._graph.list_auxiliary_states(), aux_shapes))
        for name, p in self.collect_params().items():
            if p._data is None and p._deferred_init:
                if known.get(name) is not None:
                    p.shape = known[name]
                p._finish_deferred_init()

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError("SymbolBlock runs its graph in forward()")

    def _symbolic(self, inputs):
        """This graph with its input variables replaced by ``inputs`` (used when a containing block is
        exported): parameter variables keep their names, so the file keys stay the same."""
        if len(inputs) != len(self._input_names):
            raise ValueError(f"SymbolBlock expects {len(self._input_names)} inputs, got {len(inputs)}")
        subst = {}
        for name, s in zip(self._input_names, inputs):
            if not isinstance(s, Symbol) or len(s._outputs) != 1:
                raise TypeError("SymbolBlock inputs must all be single-output Symbols when tracing")
            subst[name] = s._outputs[0]
        copies = {}
        for node in self._order:
            if node.is_var:
                copies[id(node)] = subst.get(node.name) or (Node("null", node.name, node.attrs), 0)
            else:
                new = Node(node.op, node.name, node.attrs,
                           [(_follow(copies[id(c)], i)) for c, i in node.inputs])
                copies[id(node)] = (new, None)
        outs = [_follow(copies[id(n)], i) for n, i in self._graph._outputs]
        return Symbol(outs) if len(outs) > 1 else Symbol(outs)


def _param_types(out, inputs):
    """``{name: {'dtype': t}}`` for the graph's variables when every input variable declares a dtype.

    As MXNet does, the first input without one is reported in a warning and every parameter then
    keeps the default dtype."""
    given = {}
    for i in inputs:
        if "__dtype__" not in i._outputs[0][0].attrs:
            warnings.warn("Cannot decide type for the following arguments. Consider providing them as "
                          f"input:\n\t{i.name}: None", stacklevel=3)
            return {}
        given[i.name] = i.infer_type()[0][0]
    try:
        arg_types, _, aux_types = out.infer_type(**given)
    except MXNetError:
        return {}
    names = out.list_arguments() + out.list_auxiliary_states()
    return {n: {"dtype": t} for n, t in zip(names, arg_types + aux_types)}


def _follow(copy, index):
    node, fixed = copy
    return (node, fixed) if fixed is not None else (node, index)


def _brief(d):
    names = list(d)
    text = ", ".join(names[:10])
    return text + (", ..." if len(names) > 10 else "")


def _attach_export():
    from ..symbol import export as _export
    _export.install()


_attach_export()
