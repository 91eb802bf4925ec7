"""``Symbol``: a graph of operator nodes and variables, with MXNet 1.x's query methods.

A Symbol is a list of output entries ``(node, index)``. Nodes hold the op name, the node name, the
attribute strings exactly as a ``-symbol.json`` file stores them, and their input entries. The graph
order (``topo``) is NNVM's depth-first post-order from the outputs, which is also the order MXNet
uses for ``list_arguments`` and for the nodes of the JSON it writes.
"""
from ..base import MXNetError
from . import registry

__all__ = ["Symbol", "var", "Variable", "Group"]


class Node:
    """One graph node: ``op == 'null'`` marks a variable (graph input, parameter or auxiliary state)."""

    __slots__ = ("op", "name", "attrs", "inputs", "_parsed")

    def __init__(self, op, name, attrs=None, inputs=()):
        self.op = op
        self.name = name
        self.attrs = dict(attrs or {})
        self.inputs = list(inputs)
        self._parsed = None

    @property
    def is_var(self):
        return self.op == "null"

    @property
    def spec(self):
        return registry.get(self.op)

    def parsed(self):
        """The node's attributes parsed against its op's schema (cached; ``ValueError`` when invalid)."""
        if self._parsed is None:
            self._parsed = self.spec.parse(self.attrs)
        return self._parsed

    def num_outputs(self):
        if self.is_var:
            return 1
        spec = self.spec
        if spec is None or spec.generic:
            return 1
        try:
            return spec.num_outputs(self.parsed())
        except ValueError:  # reported by check_graph
            return 1

    def input_names(self):
        """Names of the op's input slots (``data``, ``weight``...), as many as the node has inputs."""
        spec = self.spec
        names = spec.inputs(self.parsed()) if spec is not None and not spec.generic else []
        return [names[i] if i < len(names) else f"arg{i}" for i in range(len(self.inputs))]

    def __repr__(self):
        return f"<Node {self.op} {self.name}>"


def topo_order(outputs):
    """Nodes reachable from ``outputs``, inputs before users, in NNVM's DFS post-order."""
    order, seen = [], set()
    for head, _ in outputs:
        if id(head) in seen:
            continue
        stack = [(head, 0)]
        seen.add(id(head))
        while stack:
            node, i = stack.pop()
            if i < len(node.inputs):
                stack.append((node, i + 1))
                child = node.inputs[i][0]
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, 0))
            else:
                order.append(node)
    return order


def aux_nodes(order):
    """ids of the variables wired into an op's mutable (auxiliary-state) input slots."""
    aux = set()
    for node in order:
        if node.is_var:
            continue
        spec = node.spec
        if spec is None or not spec.aux:
            continue
        try:
            names = node.input_names()
        except ValueError:
            continue
        for (child, _), slot in zip(node.inputs, names):
            if slot in spec.aux and child.is_var:
                aux.add(id(child))
    return aux


class Symbol:
    """A symbolic graph: outputs of operators on variables (``mx.sym.Symbol``)."""

    __slots__ = ("_outputs",)

    def __init__(self, outputs):
        self._outputs = list(outputs)

    # ---------------------------------------------------------------- structure
    def _topo(self):
        return topo_order(self._outputs)

    @property
    def name(self):
        """The node name when the symbol has one output, else None (as MXNet)."""
        return self._outputs[0][0].name if len(self._outputs) == 1 else None

    def list_arguments(self):
        """Variable names that are not auxiliary states, in graph order."""
        order = self._topo()
        aux = aux_nodes(order)
        return [n.name for n in order if n.is_var and id(n) not in aux]

    def list_auxiliary_states(self):
        """Variables in mutable op inputs (BatchNorm's moving mean/var), in graph order."""
        order = self._topo()
        aux = aux_nodes(order)
        return [n.name for n in order if n.is_var and id(n) in aux]

    def list_inputs(self):
        """Every variable name (arguments and auxiliary states), in graph order."""
        return [n.name for n in self._topo() if n.is_var]

    def list_outputs(self):
        return [_entry_name(node, i) for node, i in self._outputs]

    def get_internals(self):
        """A symbol whose outputs are every output of every node (``['data', 'fc1_weight', 'fc1_output', ...]``)."""
        outs = []
        for node in self._topo():
            outs.extend((node, i) for i in range(node.num_outputs()))
        return Symbol(outs)

    def get_children(self):
        """The inputs of this symbol's output nodes (in output order), or None when there are none."""
        inputs = [e for node, _ in self._outputs for e in node.inputs]
        return Symbol(inputs) if inputs else None

    def __len__(self):
        return len(self._outputs)

    def __iter__(self):
        return (Symbol([o]) for o in self._outputs)

    def __getitem__(self, index):
        if isinstance(index, str):
            names = self.list_outputs()
            matches = [i for i, n in enumerate(names) if n == index]
            if not matches:
                raise ValueError(f'Cannot find output that matches name "{index}"')
            if len(matches) > 1:
                raise ValueError(f"There are multiple outputs with name \"{index}\"")
            index = matches[0]
        if isinstance(index, slice):
            return Symbol(self._outputs[index])
        if not -len(self._outputs) <= index < len(self._outputs):
            raise IndexError()
        return Symbol([self._outputs[index]])

    # ---------------------------------------------------------------- attributes
    def attr(self, key):
        """The attribute string ``key`` of this symbol's node, or None (``lr_mult`` reads ``__lr_mult__``)."""
        if len(self._outputs) != 1:
            return None
        return self._outputs[0][0].attrs.get(f"__{key}__" if key in HIDDEN_KEYS else key)

    def list_attr(self, recursive=False):
        """The first output node's attributes; hidden keys are listed with and without underscores."""
        if recursive:
            raise DeprecationWarning("Symbol.list_attr with recursive=True has been deprecated. "
                                     "Please use attr_dict instead.")
        return _listed(self._outputs[0][0].attrs)

    def attr_dict(self):
        """``{node name: {key: value}}`` for every node with attributes."""
        return {n.name: _listed(n.attrs) for n in self._topo() if n.attrs}

    def _set_attr(self, **kwargs):
        for node, _ in self._outputs:
            set_attrs(node.attrs, kwargs)

    # ---------------------------------------------------------------- serialization
    def tojson(self):
        """The graph as MXNet 1.9.1 writes it (``-symbol.json`` text)."""
        from .serialize import to_json
        return to_json(self)

    def save(self, fname, remove_amp_cast=True):
        from ..formats.atomic import atomic_write
        with atomic_write(fname) as f:
            f.write(self.tojson().encode("utf-8"))

    # ---------------------------------------------------------------- shapes, evaluation
    def infer_shape(self, *args, **kwargs):
        """``(arg_shapes, out_shapes, aux_shapes)`` from known input shapes, as MXNet's."""
        from .executor import infer_shape
        try:
            return infer_shape(self, *args, partial=False, **kwargs)
        except MXNetError:
            _print_arguments("infer_shape", args, kwargs)
            raise

    def infer_shape_partial(self, *args, **kwargs):
        from .executor import infer_shape
        return infer_shape(self, *args, partial=True, **kwargs)

    def infer_type(self, *args, **kwargs):
        """``(arg_types, out_types, aux_types)``: every type follows the given ones (float32 default)."""
        from .executor import infer_type
        try:
            return infer_type(self, *args, **kwargs)
        except MXNetError:
            _print_arguments("infer_type", args, kwargs)
            raise

    def eval(self, ctx=None, **kwargs):
        """Evaluate with NDArrays bound by name; returns a list of NDArrays (one per output)."""
        from .executor import evaluate
        return evaluate(self, kwargs)

    def __call__(self, *args, **kwargs):
        raise NotImplementedError("Symbol composition (calling a Symbol) is not supported by ndx")

    def __repr__(self):
        if len(self._outputs) == 1:
            return f"<Symbol {self.name}>"
        return f"<Symbol group [{', '.join(n.name for n, _ in self._outputs)}]>"

    def __copy__(self):
        return Symbol(self._outputs)

    def __deepcopy__(self, memo):
        from .serialize import from_json
        return from_json(self.tojson())

    def __bool__(self):
        raise NotImplementedError("The truth value of a Symbol is not defined")

    __hash__ = object.__hash__


def _print_arguments(what, args, kwargs):
    """What MXNet prints (to stdout) before re-raising an inference error."""
    print(f"{what} error. Arguments:")
    for i, a in enumerate(args):
        print(f"  #{i}: {a}")
    for k, v in kwargs.items():
        print(f"  {k}: {v}")


# keys MXNet stores as ``__key__`` when set without underscores, and lists both ways
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


def set_attrs(attrs, updates):
    """Store ``updates`` into a node's ``attrs`` as strings, hidden keys under their ``__key__`` name."""
    for k, v in updates.items():
        attrs[f"__{k}__" if k in HIDDEN_KEYS else k] = str(v)


def _listed(attrs):
    out = dict(attrs)
    for k in HIDDEN_KEYS:
        if f"__{k}__" in attrs:
            out[k] = attrs[f"__{k}__"]
    return out


def _entry_name(node, index):
    if node.is_var:
        return node.name
    spec = node.spec
    try:
        names = spec.output_names(node.parsed()) if spec is not None else ["output"]
    except ValueError:
        names = ["output"]
    return f"{node.name}_{names[index] if index < len(names) else f'output{index}'}"


def var(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None, stype=None,
        **kwargs):
    """A variable (graph input or parameter); keyword hints are stored as ``__shape__`` etc."""
    if not isinstance(name, str):
        raise TypeError("Expect a string for variable `name`")
    attrs = {}
    set_attrs(attrs, attr or {})
    if shape is not None:
        attrs["__shape__"] = str(tuple(shape))
    if lr_mult is not None:
        attrs["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attrs["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        import numpy as np
        from .serialize import DTYPE_FLAGS
        attrs["__dtype__"] = str(DTYPE_FLAGS[np.dtype(dtype).name])
    if init is not None:
        attrs["__init__"] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        attrs["__storage_type__"] = str({"default": 0, "row_sparse": 1, "csr": 2}[stype])
    for k, v in kwargs.items():
        if k.startswith("__") and k.endswith("__"):
            attrs[k] = str(v)
        else:
            raise ValueError(f"Attribute name={k} is not supported. Additional attributes must start "
                             f"and end with double underscores, e.g, __yourattr__")
    return Symbol([(Node("null", name, attrs), 0)])


Variable = var


def Group(symbols):
    """One symbol whose outputs are the outputs of ``symbols``, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    outs = []
    for s in symbols:
        outs.extend(s._outputs)
    return Symbol(outs)


def check_graph(sym):
    """Every problem that stops ndx from running ``sym``, one line per node; raises MXNetError."""
    problems = []
    for node in sym._topo():
        if node.is_var:
            continue
        spec = node.spec
        if spec is None:
            problems.append(f"node '{node.name}': operator '{node.op}' is not supported by ndx")
            continue
        try:
            a = node.parsed()
        except ValueError as e:
            problems.append(f"node '{node.name}' ({node.op}): {e}")
            continue
        if not spec.generic:
            want = len(spec.inputs(a))
            if len(node.inputs) != want:
                problems.append(f"node '{node.name}' ({node.op}): expects {want} inputs "
                                f"({', '.join(spec.inputs(a))}), the graph gives {len(node.inputs)}")
        for child, idx in node.inputs:
            if idx >= child.num_outputs() and not (child.spec is None and not child.is_var):
                problems.append(f"node '{node.name}' ({node.op}): input '{child.name}' has no output {idx}")
    if problems:
        raise MXNetError(f"cannot run this graph ({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n  "
                         + "\n  ".join(problems))
