"""Reading and writing ``-symbol.json`` (spec/symbol.md sections 2, 3, 6 and 7).

Reading accepts what MXNet 1.9.1's reader accepts: node attributes under ``attrs``, ``attr`` or the
pre-NNVM ``param``; 2-element input entries; missing ``node_row_ptr``/``attrs``; and runs the legacy
upgrades chosen by the file's ``mxnet_version`` (missing = 0.8.0). Unknown keys are errors, as there.
Writing reproduces MXNet's layout (dmlc's pretty printer), so files diff cleanly against MXNet's.
"""
import json

from ..base import DTYPE_FLAGS, MXNetError
from .symbol import Node, Symbol, aux_nodes, topo_order

__all__ = ["from_json", "to_json", "load", "load_json", "DTYPE_FLAGS", "MXNET_VERSION"]

MXNET_VERSION = 10901
_TOP_KEYS = ("arg_nodes", "attrs", "heads", "node_row_ptr", "nodes")
_NODE_KEYS = ("attr", "attrs", "backward_source_id", "control_deps", "inputs", "name", "op", "param",
              "subgraphs")
_HIDDEN = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")
_BN_AUX_INIT = {"moving_mean": '["zero", {}]', "moving_var": '["one", {}]'}


def _unknown(key, allowed):
    return MXNetError(f"JSONReader: Unknown field {key}, candidates are: \n"
                      + "\n".join(f'"{k}"' for k in allowed))


def load_json(json_str):
    """A Symbol from ``-symbol.json`` text (``mx.sym.load_json``)."""
    if not isinstance(json_str, str):
        raise TypeError("fname required to be string")
    return from_json(json_str)


def load(fname):
    """A Symbol from a ``-symbol.json`` file (``mx.sym.load``)."""
    if not isinstance(fname, str):
        raise TypeError("fname need to be string")
    with open(fname, encoding="utf-8") as f:
        text = f.read()
    try:
        return from_json(text)
    except MXNetError as e:
        raise MXNetError(f"{e} (in {fname})") from None


def _entry(e, where):
    if not isinstance(e, list) or len(e) not in (2, 3) or not all(isinstance(v, int) for v in e):
        raise MXNetError(f"bad entry {e!r} in {where}: expected [node_id, output_index(, version)]")
    return e[0], e[1], (e[2] if len(e) == 3 else 0)


def from_json(text):
    try:
        graph = json.loads(text)
    except json.JSONDecodeError as e:
        raise MXNetError(f"this is not a symbol JSON file: {e}") from None
    if not isinstance(graph, dict):
        raise MXNetError("this is not a symbol JSON file: the top level is not an object")
    for key in graph:
        if key not in _TOP_KEYS:
            raise _unknown(key, _TOP_KEYS)
    for key in ("nodes", "arg_nodes", "heads"):
        if key not in graph:
            raise MXNetError(f'JSONReader: Missing field "{key}"')
    version = 800
    gattrs = graph.get("attrs") or {}
    if "mxnet_version" in gattrs:
        v = gattrs["mxnet_version"]
        version = int(v[1] if isinstance(v, list) else v)

    nodes = []
    for i, raw in enumerate(graph["nodes"]):
        for key in raw:
            if key not in _NODE_KEYS:
                raise _unknown(key, _NODE_KEYS)
        if "op" not in raw or "name" not in raw:
            raise MXNetError(f"node {i} lacks 'op' or 'name'")
        attrs = dict(raw.get("param") or {})
        later = {}
        for key in raw:  # on a clash between attr and attrs the later field wins; param never does
            if key in ("attr", "attrs"):
                later.update(raw[key] or {})
        attrs.update(later)
        attrs = {str(k): str(v) for k, v in attrs.items()}
        inputs = []
        for e in raw.get("inputs", []):
            nid, idx, _ = _entry(e, f"inputs of node {i} ({raw['name']})")
            if not 0 <= nid < i:
                raise MXNetError(f"node {i} ({raw['name']}) takes input from node {nid}, which does not "
                                 f"come before it")
            inputs.append((nodes[nid], idx))
        nodes.append(Node(raw["op"], raw["name"], attrs, inputs))
    heads = []
    for e in graph["heads"]:
        nid, idx, _ = _entry(e, "heads")
        if not 0 <= nid < len(nodes):
            raise MXNetError(f"head {e} refers to node {nid}; the graph has {len(nodes)} nodes")
        heads.append((nodes[nid], idx))
    if version < MXNET_VERSION:
        _upgrade(nodes, version)
    return Symbol(heads)


def _upgrade(nodes, version):
    """MXNet's legacy upgrades: hidden keys without underscores, missing aux inputs, argmax axis -1."""
    for node in nodes:
        moves = []
        for key in list(node.attrs):
            if key in _HIDDEN:
                node.attrs[f"__{key}__"] = node.attrs.pop(key)
                continue
            for hidden in _HIDDEN:
                if key.endswith("_" + hidden) and not node.is_var:
                    moves.append((key[: -len(hidden) - 1], hidden, node.attrs.pop(key)))
                    break
        node._parsed = None
        for slot, hidden, value in moves:
            for child in _inputs_named(node, slot):
                child.attrs[f"__{hidden}__"] = value
    if version < 900:
        for node in nodes:
            spec = node.spec
            if node.is_var or spec is None or spec.generic:
                continue
            try:
                names = spec.inputs(node.parsed())
            except ValueError:
                continue
            for slot in names[len(node.inputs):]:
                attrs = {k: v for k, v in node.attrs.items()}
                if node.op == "BatchNorm" and slot in _BN_AUX_INIT:
                    attrs["__init__"] = _BN_AUX_INIT[slot]
                node.inputs.append((Node("null", f"{node.name}_{slot}", attrs), 0))
    if version < 905:
        for node in nodes:
            if node.op in ("argmax", "argmin") and node.attrs.get("axis") == "-1":
                del node.attrs["axis"]


def _inputs_named(node, slot):
    try:
        names = node.input_names()
    except ValueError:
        return []
    return [child for (child, _), n in zip(node.inputs, names) if n == slot and child.is_var]


# ----------------------------------------------------------------------------- writing

def to_json(sym):
    order = topo_order(sym._outputs)
    index = {id(n): i for i, n in enumerate(order)}
    aux = aux_nodes(order)
    out_nodes, row_ptr = [], [0]
    for node in order:
        entry = {"op": node.op, "name": node.name}
        if node.attrs:
            entry["attrs"] = {k: node.attrs[k] for k in sorted(node.attrs)}
        entry["inputs"] = [[index[id(c)], i, 1 if id(c) in aux else 0] for c, i in node.inputs]
        out_nodes.append(entry)
        hidden = 1
        if not node.is_var and node.spec is not None and not node.spec.generic:
            hidden = node.spec.num_hidden(node.parsed())
        row_ptr.append(row_ptr[-1] + hidden)
    graph = {"nodes": out_nodes,
             "arg_nodes": [i for i, n in enumerate(order) if n.is_var],
             "node_row_ptr": row_ptr,
             "heads": [[index[id(n)], i, 0] for n, i in sym._outputs],
             "attrs": {"mxnet_version": ["int", MXNET_VERSION]}}
    return _dump(graph, 0, "graph")


def _dump(value, level, key):
    """dmlc's JSON layout: two-space indent, ``", "`` line ends, short containers on one line."""
    pad = "  " * (level + 1)
    end = "\n" + "  " * level
    if isinstance(value, dict):
        items = [f"{json.dumps(k)}: {_dump(v, level + 1, k)}" for k, v in value.items()]
        if key in ("graph", "node") or len(items) > 1:
            return "{\n" + pad + (", \n" + pad).join(items) + end + "}"
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        if key == "nodes":
            items = [_dump(v, level + 1, "node") for v in value]
            return "[\n" + pad + (", \n" + pad).join(items) + end + "]"
        items = [_dump(v, level + 1, None) for v in value]
        if key in ("arg_nodes", "node_row_ptr") and len(items) > 10:
            return "[\n" + pad + (", \n" + pad).join(items) + end + "]"
        return "[" + ", ".join(items) + "]"
    return json.dumps(value)

