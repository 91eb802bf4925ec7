"""``describe_graph``: what ``ndx inspect model-symbol.json`` prints about an exported model."""
from collections import Counter

__all__ = ["describe_graph"]


def describe_graph(symbol_file, params_file=None):
    """Inputs, parameters (with shapes), op counts and outputs of a ``-symbol.json`` file.

    Parameters are the graph's variables other than its inputs; inputs are the variables that no
    params file provides (``data``, ``softmax_label``...), or, without a params file, the variables
    that no op uses as a weight-like slot (``data``/``lhs``/...) and whose name Gluon gives inputs.
    Shapes come from ``params_file`` when given (``arg:``/``aux:`` prefixes stripped), else from the
    ``__shape__`` hints (0 = unknown). Returns a dict::

        {"inputs": [...], "params": [{"name", "shape", "dtype", "kind": "arg"|"aux"}...],
         "ops": {op: count}, "num_nodes": n, "outputs": [...], "unsupported": [node names]}
    """
    from .attrs import shape as parse_shape
    from .serialize import load
    sym = load(symbol_file)
    order = sym._topo()
    aux = set(sym.list_auxiliary_states())
    stored = {}
    if params_file is not None:
        from ..formats import load_arrays
        data = load_arrays(params_file)
        if isinstance(data, dict):
            for k, v in data.items():
                key = k.split(":", 1)[1] if k.startswith(("arg:", "aux:")) else k
                stored[key] = v
    variables = [n for n in order if n.is_var]
    if params_file is not None:
        inputs = [n.name for n in variables if n.name not in stored]
    else:
        inputs = [n.name for n in variables if "__shape__" not in n.attrs and n.name not in aux
                  and not _is_param_slot(order, n)]
    params = []
    for n in variables:
        if n.name in inputs:
            continue
        if n.name in stored:
            shape, dtype = tuple(stored[n.name].shape), str(stored[n.name].dtype)
        else:
            try:
                shape = parse_shape(n.attrs["__shape__"]) if "__shape__" in n.attrs else None
            except ValueError:
                shape = None
            dtype = None
        params.append({"name": n.name, "shape": shape, "dtype": dtype,
                       "kind": "aux" if n.name in aux else "arg"})
    ops = Counter(n.op for n in order if not n.is_var)
    unsupported = [n.name for n in order if not n.is_var and n.spec is None]
    return {"inputs": inputs, "params": params, "ops": dict(sorted(ops.items())),
            "num_nodes": len(order), "outputs": sym.list_outputs(), "unsupported": unsupported}


def _is_param_slot(order, var):
    """True when an op consumes ``var`` in a slot other than its first (weights, biases, labels)."""
    for node in order:
        if node.is_var or node.spec is None or node.spec.generic:
            continue
        try:
            names = node.input_names()
        except ValueError:
            continue
        for (child, _), slot in zip(node.inputs, names):
            if child is var and slot not in ("data", "lhs", "rhs") and not slot.startswith("arg"):
                return True
    return False
