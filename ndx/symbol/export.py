"""Tracing a HybridBlock into a Symbol and ``HybridBlock.export`` (MXNet's ``-symbol.json`` + ``.params``).

As in MXNet, the graph is what the block returns when called on Symbols: ``HybridBlock.forward`` sends
Symbol inputs to ``hybrid_forward`` with ``F = ndx.symbol`` and the Parameters' ``var()``, inside the
block's name scope so op nodes get MXNet's names (``<prefix>fwd``).
"""
import inspect

from ..base import MXNetError
from .symbol import Group, Symbol, var

__all__ = ["trace", "export", "install"]


def _count_inputs(block):
    """How many data inputs ``block`` takes: its ``hybrid_forward`` positional parameters after ``F``,
    minus the Parameters passed by keyword (MXNet knows this from the last call's cached graph)."""
    if hasattr(block, "_input_names"):
        return len(block._input_names)
    try:
        sig = inspect.signature(block.hybrid_forward)
    except (TypeError, ValueError):
        return 1
    names = [p for p in sig.parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][1:]
    return max(1, sum(1 for p in names if p.default is p.empty and p.name not in block._reg_params))


def trace(block, num_inputs=None):
    """The Symbol ``block`` computes, with inputs ``data`` (one) or ``data0, data1, ...``."""
    n = num_inputs or _count_inputs(block)
    inputs = [var("data")] if n == 1 else [var(f"data{i}") for i in range(n)]
    outs = _flatten(block(*inputs))
    return outs[0] if len(outs) == 1 else Group(outs)


def _flatten(out):
    if isinstance(out, Symbol):
        return [out]
    if isinstance(out, (list, tuple)):
        return [s for o in out for s in _flatten(o)]
    raise MXNetError(f"hybrid_forward returned {type(out).__name__}; export needs Symbols (use F ops, "
                     "not NDArray methods or numpy, inside hybrid_forward)")


def export(block, path, epoch=0, remove_amp_cast=True, num_inputs=None):
    """Write ``path-symbol.json`` and ``path-%04d.params`` (``arg:``/``aux:`` keys) for MXNet.

    Every Parameter the graph uses must be initialized (run the block once first, as MXNet requires).
    Returns the Symbol written.
    """
    from ..formats import save_arrays
    if not (getattr(block, "_active", False) and getattr(block, "_ran_active", False)):
        raise RuntimeError("Please first call block.hybridize() and then run forward with this block at least "
                           "once before calling export.")
    sym = trace(block, num_inputs)
    sym.save(f"{path}-symbol.json")
    args, aux = set(sym.list_arguments()), set(sym.list_auxiliary_states())
    arrays = {}
    for name, param in block.collect_params().items():
        if name in args:
            key = "arg:" + name
        elif name in aux:
            key = "aux:" + name
        else:
            continue
        if param._data is None:
            raise RuntimeError(f"Parameter '{name}' has not been initialized. Please first call "
                               "block.hybridize() and then run forward with this block at least once before "
                               "calling export.")
        arrays[key] = param._reduce().asnumpy()
    save_arrays(f"{path}-{epoch:04d}.params", arrays, format="mxnet")
    return sym


def install():
    """Give HybridBlock its ``export`` method (MXNet's signature) unless the Gluon core defines one."""
    from ..gluon.block import HybridBlock
    if "export" in HybridBlock.__dict__:
        return

    def export_method(self, path, epoch=0, remove_amp_cast=True):
        """Export the graph and parameters for MXNet: ``path-symbol.json`` and ``path-%04d.params``."""
        export(self, path, epoch, remove_amp_cast)

    export_method.__name__ = "export"
    HybridBlock.export = export_method
