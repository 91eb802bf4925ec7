"""``mx.model`` checkpoints: a symbol file plus a params file whose keys are ``arg:<name>``/``aux:<name>``.

``save_checkpoint(prefix, epoch, symbol, arg_params, aux_params)`` writes ``prefix-symbol.json`` and
``prefix-%04d.params`` (every argument, then every auxiliary state); ``load_checkpoint`` reads them
back as ``(symbol, arg_params, aux_params)``.
"""
import logging

from . import ndarray as nd
from .context import cpu

__all__ = ["save_checkpoint", "load_checkpoint", "load_params"]


def _params_file(prefix, epoch):
    return f"{prefix}-{epoch:04d}.params"


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Write ``prefix-symbol.json`` (unless ``symbol`` is None) and ``prefix-%04d.params``."""
    if symbol is not None:
        symbol.save(f"{prefix}-symbol.json", remove_amp_cast=remove_amp_cast)
    arrays = {}
    for kind, params in (("arg", arg_params), ("aux", aux_params)):
        for name, value in params.items():
            arrays[f"{kind}:{name}"] = value.as_in_context(cpu())
    fname = _params_file(prefix, epoch)
    nd.save(fname, arrays)
    logging.info('Saved checkpoint to "%s"', fname)


def load_params(prefix, epoch):
    """The ``(arg_params, aux_params)`` dicts of ``prefix-%04d.params``."""
    fname = _params_file(prefix, epoch)
    loaded = nd.load(fname)
    arg_params, aux_params = {}, {}
    if not loaded:
        logging.warning("Params file '%s' is empty", fname)
        return arg_params, aux_params
    for key, value in loaded.items():
        kind, name = key.split(":", 1)
        if kind == "arg":
            arg_params[name] = value
        elif kind == "aux":
            aux_params[name] = value
    return arg_params, aux_params


def load_checkpoint(prefix, epoch):
    """``(symbol, arg_params, aux_params)`` from ``prefix-symbol.json`` and ``prefix-%04d.params``."""
    from . import symbol
    sym = symbol.load(f"{prefix}-symbol.json")
    arg_params, aux_params = load_params(prefix, epoch)
    return sym, arg_params, aux_params
