"""Tracing a HybridBlock into a Symbol and ``HybridBlock.export`` (MXNet's ``-symbol.json`` + ``.params``).

As in MXNet, the graph comes from calling ``hybrid_forward`` with ``F = ndx.symbol`` and Symbols for
the inputs and the Parameters: children are called as usual, and ``symbolic_forward`` (installed as
the Symbol branch of ``HybridBlock.forward`` while tracing) does the same for each of them, inside the
block's name scope so op nodes get MXNet's names (``<prefix>fwd``).
"""
import contextlib
import inspect
import threading

from ..base import MXNetError
from .symbol import Group, Symbol, var

__all__ = ["trace", "export", "symbolic_forward", "install"]

_tracing = threading.local()


def _param_var(param):
    """The graph variable of a Parameter (one per Parameter per trace, so shared weights stay shared)."""
    cache = _tracing.vars
    v = cache.get(id(param))
    if v is None:
        shape = param.shape if param.shape is not None else None
        v = var(param.name, shape=shape, dtype=param.dtype, lr_mult=param.lr_mult, wd_mult=param.wd_mult,
                init=param.init, stype=getattr(param, "_stype", "default"))
        cache[id(param)] = v
    return v


def symbolic_forward(block, x, *args):
    """``block``'s forward on Symbol inputs: ``hybrid_forward(ndx.symbol, x, *args, **param_vars)``."""
    from .. import symbol as F
    if hasattr(block, "_symbolic"):  # SymbolBlock: splice its own graph in
        return block._symbolic([x] + list(args))
    with block.name_scope():
        params = {k: _param_var(p) for k, p in block._reg_params.items()}
        return block.hybrid_forward(F, x, *args, **params)


@contextlib.contextmanager
def _symbol_branch():
    """While tracing, HybridBlock.forward sends Symbol inputs to ``symbolic_forward``."""
    from ..gluon.block import HybridBlock
    original = HybridBlock.__dict__["forward"]
    if getattr(original, "_handles_symbols", False):
        yield
        return

    def forward(self, x, *args):
        if isinstance(x, Symbol):
            return symbolic_forward(self, x, *args)
        return original(self, x, *args)

    forward._handles_symbols = True
    HybridBlock.forward = forward
    try:
        yield
    finally:
        HybridBlock.forward = original


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
    _tracing.vars = {}
    try:
        with _symbol_branch():
            out = block(*inputs)
    finally:
        _tracing.vars = {}
    outs = _flatten(out)
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
