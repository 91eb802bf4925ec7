"""Name managers: the process-wide counters that give top-level Blocks their prefixes (``dense0_``).

``NameManager`` hands out ``hint + counter`` names; entering ``with NameManager():`` installs a fresh
manager (fresh counters) until the block exits, and ``with Prefix('foo_'):`` does the same while also
prepending ``foo_`` to every name it issues. The manager in force is thread-local, as in MXNet.
"""
import threading

__all__ = ["NameManager", "Prefix", "current"]


class NameManager:
    """Issues unique names per hint: ``get(None, 'dense')`` -> ``'dense0'``, then ``'dense1'``..."""

    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        """``name`` itself when given, else ``hint`` followed by this manager's next counter for it."""
        if name:
            return name
        k = self._counter.get(hint, 0)
        self._counter[hint] = k + 1
        return f"{hint}{k}"

    def __enter__(self):
        self._old_manager = current()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc):
        NameManager._current.value = self._old_manager


class Prefix(NameManager):
    """A NameManager whose names all start with ``prefix``."""

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super().get(name, hint)


def current():
    """The NameManager in force in this thread (a process-wide default until one is entered)."""
    mgr = getattr(NameManager._current, "value", None)
    if mgr is None:
        mgr = NameManager._current.value = _default()
    return mgr


_DEFAULT = {}


def _default():
    # one default manager per thread, created on first use
    tid = threading.get_ident()
    mgr = _DEFAULT.get(tid)
    if mgr is None:
        mgr = _DEFAULT[tid] = NameManager()
    return mgr
