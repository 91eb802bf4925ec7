"""``gluon.Trainer``: applies an optimizer to a set of Parameters, as MXNet 1.9.1's Trainer does.

``step(batch_size)`` sets ``optimizer.rescale_grad = scale / batch_size`` and applies the optimizer.
There is no key-value store object; with several contexts its three modes are reproduced directly:

- ``kvstore=None``: no reduction, every context is updated with its own gradient;
- a kvstore and ``update_on_kvstore=False``: the gradient copies are summed in place (every context
  receives the sum), then every copy is updated;
- a kvstore and ``update_on_kvstore`` True or None (MXNet's default): the kvstore's update. The summed
  gradient updates the weight once (the first context's copy is the kvstore's), which is then copied to
  every context; the gradient buffers keep their own values, ``allreduce_grads``/``update`` refuse to
  run, and the stale-gradient check comes after the update and never clears (as in MXNet 1.9.1).
"""
import os

from .. import autograd
from .. import optimizer as opt
from ..autograd import Leaf
from ..formats.atomic import atomic_write
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]

_STALE = ("Gradient of Parameter `{}` on context {} has not been updated by backward since last `step`. This "
          "could mean a bug in your model that made it only use a subset of the Parameters (Blocks) for this "
          "iteration. If you are intentionally only using a subset, call step with ignore_stale_grad=True to "
          "suppress this warning and skip updating of Parameters with stale gradient")


def _leaf(arr):
    node = arr._node
    return node if type(node) is Leaf else None


def _check_fresh(param):
    """MXNet's stale-gradient error for the first copy of ``param`` that backward has not written."""
    for data in param.list_data():
        leaf = _leaf(data)
        if leaf is not None and not leaf.fresh:
            raise UserWarning(_STALE.format(param.name, data.context))


def _summed_grad(param):
    """A new array: the sum of ``param``'s gradient copies, on the first copy's context."""
    grads = param.list_grad()
    total = grads[0].copy()
    for g in grads[1:]:
        total._data += g.as_in_context(total.context)._data
    return total


class Trainer:
    """Updates ``params`` with ``optimizer`` (a name plus ``optimizer_params``, or an Optimizer).

    ``params`` may be a ParameterDict/dict (taken in sorted key order: that order numbers the
    optimizer states) or a list/tuple (kept as given). ``kvstore``, ``compression_params`` and
    ``update_on_kvstore`` are accepted for compatibility; ``update_on_kvstore=True`` makes
    ``allreduce_grads``/``update`` refuse to run, as in MXNet.
    """

    def __init__(self, params, optimizer, optimizer_params=None, kvstore="device", compression_params=None,
                 update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(list(params.keys()))]
        if not isinstance(params, (list, tuple)):
            raise ValueError(f"First argument must be a list or dict of Parameters, got {type(params)}.")
        self._params = []
        seen = set()
        for param in params:
            if not isinstance(param, Parameter):
                raise ValueError(f"First argument must be a list or dict of Parameters, got list of {type(param)}.")
            if id(param) in seen:  # a shared Parameter listed twice is updated once
                continue
            seen.add(id(param))
            self._params.append(param)
        self._compression_params = compression_params
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._update_on_kvstore = bool(update_on_kvstore)
        self._reduce = False
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params if optimizer_params else {})
        self._scale = self._optimizer.rescale_grad
        self._kv_initialized = False

    def _init_kvstore(self):
        """MXNet reads every Parameter's data once, on the first step/update/states call: a Parameter whose
        initialization is still deferred (no forward yet) fails there, before any stale-gradient check."""
        if not self._kv_initialized:
            for param in self._params:
                param.data(self._contexts[0])
            if len(self._contexts) > 1:
                self._init_reduction()
            self._kv_initialized = True

    def _init_reduction(self):
        """How several contexts are combined, decided as MXNet decides it when creating its kvstore."""
        kvstore, update_on_kvstore = self._kvstore_params["kvstore"], self._kvstore_params["update_on_kvstore"]
        self._reduce = kvstore is not None
        if update_on_kvstore is None:
            update_on_kvstore = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
            if kvstore == "local" and max(p.data(self._contexts[0]).size for p in self._params) > 1024 * 1024 * 16:
                update_on_kvstore = False
        self._update_on_kvstore = self._reduce and update_on_kvstore

    def _check_contexts(self):
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            assert contexts is None or contexts == ctx, \
                (f"All Parameters must be initialized on the same set of contexts, but Parameter {param.name} is "
                 f"initialized on {ctx} while previous Parameters are initialized on {contexts}.")
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer, optimizer_params):
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            assert not optimizer_params, \
                "optimizer_params must be None if optimizer is an instance of Optimizer instead of str"
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            # called as MXNet calls it, so a bad optimizer_params names Optimizer.create_optimizer
            self._optimizer = opt.Optimizer.create_optimizer(optimizer, param_dict=param_dict,
                                                             **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in self._contexts]

    # ------------------------------------------------------------------ learning rate
    @property
    def learning_rate(self):
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning("Optimizer has to be defined before its learning rate can be accessed.")
        return self._optimizer.learning_rate

    @property
    def optimizer(self):
        if isinstance(self._optimizer, opt.Optimizer):
            return self._optimizer
        raise UserWarning("Optimizer has not been initialized yet")

    def set_learning_rate(self, lr):
        """Set the optimizer's learning rate (refused when it has an lr_scheduler)."""
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning("Optimizer has to be defined before its learning rate is mutated.")
        self._optimizer.set_learning_rate(lr)

    # ------------------------------------------------------------------ steps
    def step(self, batch_size, ignore_stale_grad=False):
        """One optimization step: rescale gradients by ``1/batch_size``, sum them across contexts, update.

        Use ``batch_size=1`` when the loss was already averaged over the batch.
        """
        self._init_kvstore()
        self._optimizer.rescale_grad = self._scale / batch_size
        if self._update_on_kvstore and self._reduce:
            self._update_on_kv(ignore_stale_grad)
            return
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        """Sum each Parameter's gradient copies across contexts, in place (first half of ``step``)."""
        self._init_kvstore()
        assert not self._update_on_kvstore, \
            ("allreduce_grads() when parameters are updated on kvstore is not supported. Try setting "
             "`update_on_kvstore` to False when creating trainer.")
        self._allreduce_grads()

    def update(self, batch_size, ignore_stale_grad=False):
        """Apply the optimizer to the (already all-reduced) gradients (second half of ``step``)."""
        self._init_kvstore()
        assert not self._update_on_kvstore, \
            ("update() when parameters are updated on kvstore is not supported. Try setting "
             "`update_on_kvstore` to False when creating trainer.")
        self._optimizer.rescale_grad = self._scale / batch_size
        self._update(ignore_stale_grad)

    def _allreduce_grads(self):
        if not self._reduce:
            return
        with autograd.pause():
            for param in self._params:
                if param.grad_req == "null":
                    continue
                total = _summed_grad(param)
                for g in param.list_grad():
                    g._data[...] = total.as_in_context(g.context)._data

    def _update(self, ignore_stale_grad=False):
        updates = [[] for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            if not ignore_stale_grad:
                _check_fresh(param)
            for upd, arr, grad in zip(updates, param.list_data(), param.list_grad()):
                leaf = _leaf(arr)
                fresh = leaf is None or leaf.fresh
                if not ignore_stale_grad or fresh:
                    upd.append((i, grad, arr))
                    if leaf is not None:
                        leaf.fresh = False
        for k, (updater, upd) in enumerate(zip(self._updaters, updates)):
            if upd:
                self._optimizer._set_current_context(k)
                indices, grads, weights = zip(*upd)
                updater(list(indices), list(grads), list(weights))
        self._optimizer._set_current_context(0)

    def _update_on_kv(self, ignore_stale_grad):
        """The kvstore's update: the summed gradient (buffers untouched) updates the first context's
        weight, which every other context then receives; staleness is checked afterwards, never cleared."""
        indices, grads, weights = [], [], []
        with autograd.pause():
            for i, param in enumerate(self._params):
                if param.grad_req == "null":
                    continue
                indices.append(i)
                grads.append(_summed_grad(param))
                weights.append(param.list_data()[0])
            if indices:
                self._optimizer._set_current_context(0)
                self._updaters[0](indices, grads, weights)
            for i in indices:
                first, *others = self._params[i].list_data()
                for w in others:
                    w._data[...] = first.as_in_context(w.context)._data
        if not ignore_stale_grad:
            for i in indices:
                _check_fresh(self._params[i])

    # ------------------------------------------------------------------ states
    def save_states(self, fname):
        """Save the optimizer states and settings (ndx's safe npz+JSON format, not MXNet's pickle)."""
        assert self._optimizer is not None
        self._init_kvstore()
        with atomic_write(fname) as f:
            f.write(self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname):
        """Load states saved by ``save_states``, including the optimizer's settings and update counts."""
        self._init_kvstore()
        with open(fname, "rb") as f:
            states = f.read()
        for updater in self._updaters:
            updater.set_states(states)
            updater.optimizer = self._updaters[0].optimizer
        self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = {i: param for i, param in enumerate(self._params)}
