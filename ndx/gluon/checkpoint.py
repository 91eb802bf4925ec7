"""Saving and loading Gluon parameters: by structure (``Block.save_parameters``) and by prefixed name
(``ParameterDict.save``), in MXNet's ``.params`` format, safetensors or npz.

The format is chosen from the extension on save and detected from the bytes on load. Every save is
atomic (temp file + rename). Messages are MXNet 1.9.1's; missing/extra errors also carry the closest
matching names as an exception note (Python 3.11+), shown in the traceback.
"""
import difflib
import os

import numpy as np

from ..context import cpu
from ..ndarray.ndarray import _wrap

_NAMING_URL = "https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html"
_SAME_PREFIX = f"Please make sure source and target networks have the same prefix.For more info on naming, please see {_NAMING_URL}"


def _brief_print_list(lst, limit=7):
    """MXNet's list formatting in messages: quoted, comma-joined, long lists elided in the middle."""
    lst = list(lst)
    if len(lst) > limit:
        return _brief_print_list(lst[:limit // 2], limit) + ", ..., " + _brief_print_list(lst[-limit // 2:], limit)
    return ", ".join(f"'{str(s)}'" for s in lst)


def _fail(exc_type, message, name, candidates):
    """Raise MXNet's exact message; the nearest names ride along as an exception note (shown in the
    traceback, not part of ``str(e)``, so code matching MXNet's text keeps working)."""
    error = exc_type(message)
    matches = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if matches and hasattr(error, "add_note"):
        error.add_note("closest names: " + ", ".join(f"'{m}'" for m in matches))
    raise error


def _host_value(param):
    """What is saved for a Parameter: its data on the host (the average over several contexts)."""
    arrays = param.list_data()
    if len(arrays) == 1:
        return arrays[0]._ctx.backend.host_view(arrays[0]._data)
    return param._reduce()._data


def _save(filename, arrays, naming, format):
    from ..formats import save_arrays
    from ..ndarray.io import _check_open
    filename = os.fspath(filename)
    _check_open(filename, write=True)
    save_arrays(filename, arrays, format=format, metadata={"naming": naming}, default="mxnet")


def _read(filename):
    """The file's arrays as {name: NDArray on cpu(0)}, sharing the freshly read buffers."""
    from ..formats import load_arrays
    from ..ndarray.io import _check_open
    filename = os.fspath(filename)
    _check_open(filename)
    loaded = load_arrays(filename)
    if isinstance(loaded, list):
        if not loaded:
            return {}
        raise AttributeError("'list' object has no attribute 'keys'")
    ctx = cpu(0)
    return {k: _wrap(v if v.flags.writeable else v.copy(), ctx) for k, v in loaded.items()}


# ----------------------------------------------------------------------------- Block

def save_parameters(self, filename, deduplicate=False, format=None):
    """Save parameters under structural names (``0.weight``, ``hidden.bias``), independent of prefixes.

    ``deduplicate=True`` saves a shared Parameter once, under the last name it is found under.
    ``format`` overrides the extension (``'mxnet'``, ``'safetensors'``, ``'npz'``).
    """
    params = self._collect_params_with_prefix()
    if deduplicate:
        last = {}
        for name, param in params.items():
            last[param] = name
        params = {name: param for param, name in last.items()}
    arrays = {name: _host_value(param) for name, param in params.items()}
    _save(filename, arrays, "structural", format)


def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False, cast_dtype=False,
                    dtype_source="current"):
    """Load a ``save_parameters`` file; files with prefixed names (no ``.`` in any key) take the legacy path."""
    loaded = _read(filename)
    params = self._collect_params_with_prefix()
    if not loaded and not params:
        return
    if not any("." in key for key in loaded):
        # legacy file (or a bare layer's own file): prefixed names
        del loaded
        self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                   cast_dtype=cast_dtype, dtype_source=dtype_source)
        return
    if not allow_missing:
        names_of = {}
        for name, param in params.items():
            names_of.setdefault(param, []).append(name)
        for name, param in params.items():
            if not any(n in loaded for n in names_of[param]):
                _fail(AssertionError,
                      f"Parameter '{name}' is missing in file '{filename}', which contains parameters: "
                      f"{_brief_print_list(loaded.keys())}. Set allow_missing=True to ignore missing parameters.",
                      name, loaded)
    for name, value in loaded.items():
        if name not in params:
            if not ignore_extra:
                _fail(ValueError,
                      f"Parameter '{name}' loaded from file '{filename}' is not present in ParameterDict, which "
                      f"contains parameters {_brief_print_list(self._params.keys())}. Set ignore_extra=True to "
                      f"ignore. ", name, params)
            continue
        params[name]._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)


def save_params(self, filename):
    """Deprecated MXNet name: ``collect_params().save(filename, strip_prefix=self.prefix)``."""
    self.collect_params().save(filename, strip_prefix=self.prefix)


def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
    """Deprecated MXNet name for ``load_parameters``."""
    self.load_parameters(filename, ctx, allow_missing, ignore_extra)


# ----------------------------------------------------------------------------- ParameterDict

def paramdict_save(self, filename, strip_prefix="", format=None):
    """Save by full parameter name, each with ``strip_prefix`` removed."""
    arrays = {}
    for param in self.values():
        name = param.name
        if not name.startswith(strip_prefix):
            raise ValueError(
                f"Prefix '{strip_prefix}' is to be striped before saving, but Parameter's name '{name}' does not "
                f"start with '{strip_prefix}'. this may be due to your Block shares parameters from other Blocks "
                f"or you forgot to use 'with name_scope()' when creating child blocks. For more info on naming, "
                f"please see {_NAMING_URL}")
        arrays[name[len(strip_prefix):]] = _host_value(param)
    _save(filename, arrays, "prefixed", format)


def _check_restore_prefix(self, restore_prefix):
    if restore_prefix:
        for name in self.keys():
            assert name.startswith(restore_prefix), (
                f"restore_prefix is '{restore_prefix}' but Parameters name '{name}' does not start with "
                f"'{restore_prefix}'. For more info on naming, please see {_NAMING_URL}")


def paramdict_load(self, filename, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix="",
                   cast_dtype=False, dtype_source="current"):
    """Load a file saved by ``ParameterDict.save`` (``arg:``/``aux:`` keys of exported models included)."""
    _check_restore_prefix(self, restore_prefix)
    loaded = _read(filename)
    paramdict_load_dict(self, loaded, ctx, allow_missing, ignore_extra, restore_prefix, filename,
                        cast_dtype, dtype_source)


def paramdict_load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix="",
                        filename=None, cast_dtype=False, dtype_source="current"):
    """``load`` from an in-memory dict name -> NDArray."""
    if filename is None:
        _check_restore_prefix(self, restore_prefix)
    lprefix = len(restore_prefix)
    loaded = {}
    if isinstance(param_dict, list) and not param_dict:
        param_dict = {}  # nd.load of an empty dict file: MXNet accepts it as an empty dict
    for key, value in param_dict.items():
        if key.startswith(("arg:", "aux:")):
            key = key[4:]
        if not hasattr(value, "_ctx"):
            value = _wrap(np.asarray(value), cpu(0))
        loaded[restore_prefix + key] = value
    where = f"file: {filename}" if filename is not None else "param_dict"
    if not allow_missing:
        for name in self.keys():
            if name not in loaded:
                _fail(AssertionError, f"Parameter '{name[lprefix:]}' is missing in {where}, which contains "
                      f"parameters: {_brief_print_list(loaded.keys())}. {_SAME_PREFIX}", name, loaded)
    for name, value in loaded.items():
        if name not in self.keys():
            if not ignore_extra:
                _fail(AssertionError, f"Parameter '{name[lprefix:]}' loaded from {where} is not present in "
                      f"ParameterDict, choices are: {_brief_print_list(self.keys())}. Set ignore_extra to True to "
                      f"ignore. {_SAME_PREFIX}", name, self.keys())
            continue
        self[name]._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)


def install():
    """Attach the save/load methods to Block and ParameterDict."""
    from .block import Block
    from .parameter import ParameterDict
    Block.save_parameters = save_parameters
    Block.load_parameters = load_parameters
    Block.save_params = save_params
    Block.load_params = load_params
    ParameterDict.save = paramdict_save
    ParameterDict.load = paramdict_load
    ParameterDict.load_dict = paramdict_load_dict
