"""``Updater``: applies an optimizer to (index, grad, weight) triples, holding one state per index.

``get_states``/``set_states`` serialize the states (and optionally the optimizer's settings) to bytes in
a safe format of our own — an ``.npz`` archive of the state arrays plus a JSON description — instead of
MXNet's pickle, so loading a states file never runs code from it.
"""
import io
import json

import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .optimizer import Optimizer, _check_not_in_graph

__all__ = ["Updater", "get_updater"]

_FORMAT = "ndx-optimizer-states/1"


class Updater:
    """Updates weights with ``optimizer``; call it as ``updater(index, grad, weight)`` (or with lists)."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = False

    def __call__(self, index, grad, weight):
        if not isinstance(index, (list, tuple)):
            index, grad, weight = [index], [grad], [weight]
        opt = self.optimizer
        for i, g, w in zip(index, grad, weight):
            _check_not_in_graph(w)
            if i not in self.states:
                self.states[i] = opt.create_state_multi_precision(i, w)
                self.states_synced[i] = True
            elif not self.states_synced[i]:
                self.states[i] = _sync_state(self.states[i], w._ctx)
                self.states_synced[i] = True
            backend = w._ctx.backend
            if backend.needs_guard:
                with backend.guard(w._ctx):
                    opt.update_multi_precision(i, w, g, self.states[i])
            else:
                opt.update_multi_precision(i, w, g, self.states[i])

    def sync_state_context(self, state, context):
        return _sync_state(state, context)

    def set_states(self, states):
        """Restore states (and the optimizer, if it was dumped) from ``get_states`` bytes."""
        arrays, meta = _read(states)
        self.states = {int(k): _decode(v, arrays) for k, v in meta["states"].items()}
        self.states_synced = dict.fromkeys(self.states, False)
        if meta.get("optimizer") is not None:
            self.optimizer = _load_optimizer(meta["optimizer"])

    def get_states(self, dump_optimizer=False):
        """The states as bytes (with the optimizer's settings when ``dump_optimizer``)."""
        arrays = {}
        meta = {"format": _FORMAT,
                "states": {str(k): _encode(v, arrays) for k, v in self.states.items()},
                "optimizer": _dump_optimizer(self.optimizer) if dump_optimizer else None}
        buf = io.BytesIO()
        np.savez(buf, __meta__=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8), **arrays)
        return buf.getvalue()


def get_updater(optimizer):
    """An ``Updater`` closure for ``optimizer`` (as ``mx.optimizer.get_updater``)."""
    return Updater(optimizer)


# ----------------------------------------------------------------------------- state encoding

def _sync_state(state, ctx):
    if isinstance(state, NDArray):
        return state.as_in_context(ctx)
    if isinstance(state, (tuple, list)):
        return type(state)(_sync_state(s, ctx) for s in state)
    return state


def _encode(state, arrays):
    if state is None:
        return None
    if isinstance(state, NDArray):
        key = f"a{len(arrays)}"
        arrays[key] = state.asnumpy()
        return {"array": key, "ctx": [state.context.device_type, state.context.device_id]}
    if isinstance(state, (tuple, list)):
        return {"tuple" if isinstance(state, tuple) else "list": [_encode(s, arrays) for s in state]}
    if isinstance(state, (bool, int, float, str)):
        return {"value": state}
    raise TypeError(f"cannot save optimizer state of type {type(state).__name__}")


def _decode(obj, arrays):
    from ..context import Context
    from ..ndarray.ndarray import array
    if obj is None:
        return None
    if "array" in obj:
        host = arrays[obj["array"]]
        try:
            ctx = Context(*obj["ctx"])
            ctx.backend
        except Exception:  # the saving device is absent here: states land on cpu and sync on first use
            ctx = Context("cpu", 0)
        return array(host, ctx=ctx, dtype=host.dtype)
    if "tuple" in obj:
        return tuple(_decode(o, arrays) for o in obj["tuple"])
    if "list" in obj:
        return [_decode(o, arrays) for o in obj["list"]]
    return obj["value"]


def _read(data):
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except Exception as e:
        raise MXNetError(f"not an ndx optimizer states file: {e}") from None
    meta_raw = arrays.pop("__meta__", None)
    if meta_raw is None:
        raise MXNetError("not an ndx optimizer states file: no __meta__ entry")
    meta = json.loads(meta_raw.tobytes().decode("utf-8"))
    if meta.get("format") != _FORMAT:
        raise MXNetError(f"unsupported optimizer states format {meta.get('format')!r}")
    return arrays, meta


_SKIP = {"param_dict", "lr_scheduler", "_index_update_count", "_all_index_update_counts", "_grad_scratch"}


def _plain(v):
    """JSON-able settings only (numbers, strings, None, and dicts/lists of them)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_plain(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, (str, int)) and _plain(x) for k, x in v.items())
    return False


def _dump_optimizer(opt):
    attrs = {k: v for k, v in vars(opt).items() if k not in _SKIP and _plain(v)}
    for k in ("lr_mult", "wd_mult", "idx2name"):
        attrs[k] = [[type(i).__name__, i, v] for i, v in getattr(opt, k, {}).items()]
    counts = {str(dev): {str(i): c for i, c in d.items()} for dev, d in opt._all_index_update_counts.items()}
    current = next((dev for dev, d in opt._all_index_update_counts.items() if d is opt._index_update_count), 0)
    sched = opt.lr_scheduler
    sched_meta = None
    if sched is not None:
        sched_meta = {"class": type(sched).__name__,
                      "attrs": {k: (list(v) if isinstance(v, tuple) else v)
                                for k, v in vars(sched).items() if _plain(v)}}
    return {"class": type(opt).__name__.lower(), "attrs": attrs, "counts": counts, "current": current,
            "lr_scheduler": sched_meta}


def _load_optimizer(meta):
    from .. import lr_scheduler as lrs
    cls = Optimizer.opt_registry.get(meta["class"])
    if cls is None:
        raise MXNetError(f"optimizer states name an unknown optimizer {meta['class']!r}")
    opt = cls.__new__(cls)
    Optimizer.__init__(opt)
    attrs = dict(meta["attrs"])
    for k in ("lr_mult", "wd_mult", "idx2name"):
        attrs[k] = {(int(i) if t == "int" else i): v for t, i, v in attrs.get(k, [])}
    vars(opt).update(attrs)
    opt._all_index_update_counts = {int(dev): {int(i): c for i, c in d.items()}
                                    for dev, d in meta["counts"].items()} or {0: {}}
    opt._index_update_count = opt._all_index_update_counts.setdefault(int(meta["current"]), {})
    sched = meta.get("lr_scheduler")
    if sched is not None:
        scls = getattr(lrs, sched["class"], None)
        if scls is None or not (isinstance(scls, type) and issubclass(scls, lrs.LRScheduler)):
            raise MXNetError(f"optimizer states name an unknown lr_scheduler {sched['class']!r}")
        s = scls.__new__(scls)
        vars(s).update(sched["attrs"])
        opt.lr_scheduler = s
    return opt
