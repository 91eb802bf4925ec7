"""The ``Optimizer`` base class and its registry (``mx.optimizer.Optimizer``, ``create``, ``register``).

An optimizer turns a gradient into an in-place change of its weight. Subclasses implement
``create_state(index, weight)`` and ``update(index, weight, grad, state)`` on NDArrays, as in MXNet 1.x.
The built-in rules work on the backend arrays (``weight._data``) with ``xp`` arithmetic: no autograd,
no per-op dispatch, and the same code runs on numpy and CuPy.
"""
import math

import numpy as np

from ..base import MXNetError
from .. import autograd as _autograd
from ..autograd import _state as _autograd_state

__all__ = ["Optimizer", "register", "create"]


class Optimizer:
    """Base class of all optimizers: learning rate, weight decay, gradient rescaling and clipping.

    ``learning_rate=None`` with no ``lr_scheduler`` means 0.01. Per parameter, the learning rate and
    weight decay are multiplied by ``param_dict[index].lr_mult`` / ``.wd_mult`` (Gluon) or by the
    multipliers set with ``set_lr_mult`` / ``set_wd_mult``.
    """

    opt_registry = {}

    def __init__(self, rescale_grad=1.0, param_idx2name=None, wd=0.0, clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None:
            if lr_scheduler.base_lr != learning_rate:
                print(UserWarning("learning rate from ``lr_scheduler`` has been overwritten by "
                                  "``learning_rate`` in optimizer."))
            lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise AssertionError("param_idx2name should be a dict of param indexes to names.")
        self.idx2name = param_idx2name.copy()
        self.sym_info = ()
        self.param_dict = param_dict if param_dict else {}
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ------------------------------------------------------------------ registry
    @staticmethod
    def register(klass):
        """Register an Optimizer subclass under its lower-cased class name (a decorator)."""
        if not isinstance(klass, type):
            raise AssertionError("klass must be a class")
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            import warnings
            old = Optimizer.opt_registry[name]
            warnings.warn(f"WARNING: New optimizer {klass.__module__}.{klass.__name__} is overriding existing "
                          f"optimizer {old.__module__}.{old.__name__}", stacklevel=2)
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An optimizer instance from its (case-insensitive) registered name."""
        key = name.lower()
        if key not in Optimizer.opt_registry:
            raise ValueError(f"Cannot find optimizer {name}")
        return Optimizer.opt_registry[key](**kwargs)

    # ------------------------------------------------------------------ learning rate
    @property
    def learning_rate(self):
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        """Set the learning rate (only possible without an ``lr_scheduler``)."""
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note that "
                              "set_learning_rate can mutate the value of the learning rate of the optimizer "
                              "only when the LRScheduler of the optimizer is undefined.")
        self.lr = lr

    def set_lr_mult(self, args_lr_mult):
        """Per-parameter learning-rate multipliers keyed by index or name."""
        self.lr_mult = {}
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Per-parameter weight-decay multipliers; named parameters other than ``*_weight``/``*_gamma`` get 0."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith("_weight") or n.endswith("_gamma")):
                self.wd_mult[n] = 0.0
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id):
        """Keep separate update counts per device (one updater per context in Gluon)."""
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index):
        """Count one more update of ``index`` (or of each index in a list)."""
        if not isinstance(index, (list, tuple)):
            index = [index]
        for idx in index:
            if idx not in self._index_update_count:
                self._index_update_count[idx] = self.begin_num_update
            self._index_update_count[idx] += 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _get_lrs(self, indices):
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        lrs = [lr] * len(indices)
        for i, index in enumerate(indices):
            if index in self.param_dict:
                lrs[i] *= self.param_dict[index].lr_mult
            elif index in self.lr_mult:
                lrs[i] *= self.lr_mult[index]
            elif index in self.idx2name:
                lrs[i] *= self.lr_mult.get(self.idx2name[index], 1.0)
        return lrs

    def _get_lr(self, index):
        if type(self)._get_lrs is not Optimizer._get_lrs:  # a subclass's own rule
            return self._get_lrs([index])[0]
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        mult = self._mult(index, self.lr_mult, "lr_mult")
        return lr if mult is None else lr * mult

    def _get_wds(self, indices):
        wds = [self.wd] * len(indices)
        for i, index in enumerate(indices):
            if index in self.param_dict:
                wds[i] *= self.param_dict[index].wd_mult
            elif index in self.wd_mult:
                wds[i] *= self.wd_mult[index]
            elif index in self.idx2name:
                wds[i] *= self.wd_mult.get(self.idx2name[index], 1.0)
        return wds

    def _get_wd(self, index):
        if type(self)._get_wds is not Optimizer._get_wds:
            return self._get_wds([index])[0]
        mult = self._mult(index, self.wd_mult, "wd_mult")
        return self.wd if mult is None else self.wd * mult

    def _mult(self, index, mults, attr):
        """The multiplier ``_get_lrs``/``_get_wds`` apply to ``index`` (None: none applies)."""
        param = self.param_dict.get(index)
        if param is not None:
            return getattr(param, attr)
        if index in mults:
            return mults[index]
        if index in self.idx2name:
            return mults.get(self.idx2name[index], 1.0)
        return None

    # ------------------------------------------------------------------ states and updates
    def create_state(self, index, weight):
        """Auxiliary state (momentum, moments, ...) for one weight; None when the rule needs none."""
        return None

    # MXNet's SGD and NAG put the float32 master copy last in a multi-precision state and name
    # themselves in the float16 warning; every other optimizer puts it first and says "the optimizer"
    _master_last = False
    _float16_warning_name = "optimizer"

    def create_state_multi_precision(self, index, weight):
        """For float16 weights with ``multi_precision``: the float32 master copy and the state of that
        copy, as ``(master, state)`` (``(state, master)`` for SGD and NAG, as in MXNet)."""
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            state = self.create_state(index, master)
            return (state, master) if self._master_last else (master, state)
        if weight.dtype == np.float16 and not self.multi_precision:
            import warnings
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or slow "
                          "convergence. Consider using multi_precision=True option of the "
                          f"{self._float16_warning_name}", stacklevel=2)
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        """Update ``weight`` in place from ``grad`` (NDArrays)."""
        raise NotImplementedError()

    def update_multi_precision(self, index, weight, grad, state):
        """``update``, through the float32 master copy for float16 weights under ``multi_precision``."""
        if self.multi_precision and weight.dtype == np.float16:
            inner, master = state if self._master_last else state[::-1]
            grad32 = grad.astype(np.float32)
            self.update(index, master, grad32, inner)
            weight._data[...] = master._data.astype(weight._data.dtype)
        else:
            self.update(index, weight, grad, state)

    # helpers for the built-in rules -------------------------------------------------
    def _prepare(self, index, weight):
        """Count the update and return (xp, lr, wd) for ``index``."""
        counts = self._index_update_count
        n = counts.get(index, self.begin_num_update) + 1
        counts[index] = n
        if n > self.num_update:
            self.num_update = n
        return weight._ctx.backend.xp, self._get_lr(index), self._get_wd(index)

    def _work(self, xp, like, slot="grad"):
        """A kept work buffer shaped like ``like`` (one per slot, shape and dtype): a fresh multi-MB
        temporary per update costs more in page faults than the arithmetic done in it."""
        scratch = self.__dict__.setdefault("_grad_scratch", {})
        device = None if type(like) is np.ndarray else str(getattr(like, "device", ""))
        key = (slot, id(xp), like.shape, like.dtype, device)
        buf = scratch.get(key)
        if buf is None:
            buf = scratch[key] = xp.empty_like(like)
        return buf

    def _scaled_grad(self, xp, grad, scale=None):
        """``clip(scale * grad)`` (``scale`` defaults to ``rescale_grad``) in a work buffer the caller
        may modify until its next call."""
        g = xp.multiply(grad, self.rescale_grad if scale is None else scale, out=self._work(xp, grad, "scaled"))
        if self.clip_gradient is not None:
            xp.clip(g, -self.clip_gradient, self.clip_gradient, out=g)
        return g


def _guarded(ctx):
    backend = ctx.backend
    return backend.guard(ctx) if backend.needs_guard else None


register = Optimizer.register


def create(name, **kwargs):
    """An optimizer by name (``mx.optimizer.create('adam', learning_rate=0.1)``) or passes one through."""
    if isinstance(name, Optimizer):
        if kwargs:
            raise AssertionError("optimizer_params must be None if optimizer is an instance of Optimizer "
                                 "instead of str")
        return name
    return Optimizer.create_optimizer(name, **kwargs)


def _sqrt(x):
    return math.sqrt(x)


def _check_not_in_graph(weight):
    if _autograd_state.recording and weight._node is not None:
        raise MXNetError(_autograd.INPLACE_IN_GRAPH)
