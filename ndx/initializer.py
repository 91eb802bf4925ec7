"""Weight initializers (``ndx.init`` / ``ndx.initializer``), as ``mxnet.init`` in MXNet 1.x.

An Initializer fills a pre-allocated NDArray in place, given a descriptor (the parameter's name).
Called directly, ``init(InitDesc('x_bias'), arr)`` dispatches on the name suffix (``weight``,
``bias``, ``gamma``, ...). Gluon always attaches the chosen initializer to the descriptor
(``InitDesc(name, {'__init__': chosen})``), so through Gluon only ``chosen._init_weight`` ever runs,
whatever the parameter's name. Random draws use ``nd.random`` on the array's own context.

Subclass ``Initializer`` and override ``_init_weight(self, name, arr)`` for a custom scheme;
``register`` makes a class available by its lower-cased name (``net.initialize('myinit')``).
"""
import json
import logging
import math
import re
import warnings

import numpy as np

__all__ = ["InitDesc", "Initializer", "register", "alias", "create", "Uniform", "Normal", "Constant", "Zero",
           "One", "Xavier", "MSRAPrelu", "Orthogonal", "Bilinear", "LSTMBias", "Mixed", "Load"]

_REGISTRY = {}


class InitDesc(str):
    """A parameter name (a ``str``) carrying ``attrs`` (``'__init__'``: the initializer to use) and
    ``global_init``."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def register(klass):
    """Class decorator: make ``klass`` creatable by its lower-cased name (``create('uniform')``)."""
    name = klass.__name__.lower()
    if name in _REGISTRY:
        warnings.warn(f"\033[91mNew initializer {klass.__module__}.{klass.__name__} is overriding existing "
                      f"initializer {_REGISTRY[name].__module__}.{_REGISTRY[name].__name__}\033[0m", UserWarning,
                      stacklevel=2)
    _REGISTRY[name] = klass
    return klass


def alias(*aliases):
    """Class decorator: extra registry names for an initializer class."""
    def deco(klass):
        for a in aliases:
            _REGISTRY[a.lower()] = klass
        return klass
    return deco


def create(*args, **kwargs):
    """The Initializer for ``init`` (the first argument, or the keyword ``initializer``): an instance as
    is, a registered name (any case) constructed with the remaining arguments, a JSON
    ``'["name", {kwargs}]'`` string as written by ``Initializer.dumps()``, or a JSON/dict keyword form
    ``{"initializer": name, **kwargs}``."""
    if args:
        init, args = args[0], args[1:]
    else:
        init = kwargs.pop("initializer")
    if isinstance(init, Initializer):
        assert not args and not kwargs, "initializer is already an instance. Additional arguments are invalid"
        return init
    if isinstance(init, dict):
        return create(**init)
    assert isinstance(init, str), "initializer must be of string type"
    if init.startswith("["):
        assert not args and not kwargs
        name, kw = json.loads(init)
        return create(name, **kw)
    if init.startswith("{"):
        assert not args and not kwargs
        return create(**json.loads(init))
    klass = _REGISTRY.get(init.lower())
    assert klass is not None, f"{init} is not registered. Please register with initializer.register first"
    return klass(*args, **kwargs)


def _default_stat(arr):
    return str((arr.norm() / math.sqrt(arr.size)).asscalar())


class Initializer:
    """Base class: fills arrays by name suffix; subclasses override ``_init_weight``."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        """Log ``Initialized <name> as <init>: <stat>`` for every array filled; returns self."""
        self._verbose = verbose
        self._print_func = print_func or _default_stat
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self):
        """``'["name", {kwargs}]'``: the JSON form ``create`` accepts."""
        return json.dumps([type(self).__name__.lower(), self._kwargs])

    def __eq__(self, other):
        return type(self) is type(other) and self._kwargs == other._kwargs

    def __hash__(self):
        return id(self)

    def __call__(self, desc, arr):
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        name = desc
        for suffix, method in (("weight", self._init_weight), ("bias", self._init_bias),
                               ("gamma", self._init_gamma), ("beta", self._init_beta),
                               ("min", self._init_zero), ("max", self._init_one),
                               ("weight_quantize", self._init_quantized_weight),
                               ("bias_quantize", self._init_quantized_bias)):
            if name.endswith(suffix):
                method(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name, arr):
        warnings.warn("\033[91mCalling initializer with init(str, NDArray) has been deprecated."
                      "please use init(mx.init.InitDesc(...), NDArray) instead.\033[0m",
                      DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise TypeError("name must be string")
        from .ndarray.ndarray import NDArray
        if not isinstance(arr, NDArray):
            raise TypeError("arr must be NDArray")
        if name.startswith("upsampling"):
            self._init_bilinear(name, arr)
        elif name.startswith("stn_loc") and name.endswith("weight"):
            self._init_zero(name, arr)
        elif name.startswith("stn_loc") and name.endswith("bias"):
            arr[:] = np.array([1, 0, 0, 0, 1, 0], dtype=np.float32)
        elif name.endswith("bias"):
            self._init_bias(name, arr)
        elif name.endswith("gamma"):
            self._init_gamma(name, arr)
        elif name.endswith("beta"):
            self._init_beta(name, arr)
        elif name.endswith("weight"):
            self._init_weight(name, arr)
        elif name.endswith("moving_mean") or name.endswith("moving_inv_var") or name.endswith("moving_avg"):
            self._init_zero(name, arr)
        elif name.endswith("moving_var"):
            self._init_one(name, arr)
        elif name.endswith("min"):
            self._init_zero(name, arr)
        elif name.endswith("max"):
            self._init_one(name, arr)
        else:
            self._init_default(name, arr)

    def _init_quantized_weight(self, _, arr):
        """int8-range values: random integers in [-127, 127)."""
        from .ndarray import random as ndrandom
        arr[:] = ndrandom.randint(-127, 127, shape=arr.shape, dtype="int32", ctx=arr.context).astype(arr.dtype)

    _init_quantized_bias = _init_quantized_weight

    def _init_bilinear(self, _, arr):
        arr[:] = _bilinear_kernel(arr.shape)

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_bias(self, _, arr):
        arr[:] = 0.0

    def _init_gamma(self, _, arr):
        arr[:] = 1.0

    def _init_beta(self, _, arr):
        arr[:] = 0.0

    def _init_weight(self, name, arr):
        raise NotImplementedError("Must override it")

    def _init_default(self, name, _):
        raise ValueError(f"Unknown initialization pattern for {name}. Default initialization is now limited to "
                         '"weight", "bias", "gamma" (1.0), and "beta" (0.0).'
                         "Please use mx.sym.Variable(init=mx.init.*) to set initialization pattern")


def _random(kind, a, b, arr):
    """Fill ``arr`` in place from ``nd.random.<kind>(a, b, out=arr)`` on its own context (an integer ``arr``
    is MXNet's output-type error)."""
    from .ndarray import random as ndrandom
    getattr(ndrandom, kind)(a, b, ctx=arr.context, out=arr)


@register
class Zero(Initializer):
    """Fills with 0."""

    def _init_weight(self, _, arr):
        arr[:] = 0


alias("zeros")(Zero)


@register
class One(Initializer):
    """Fills with 1."""

    def _init_weight(self, _, arr):
        arr[:] = 1


alias("ones")(One)


@register
class Constant(Initializer):
    """Fills with ``value`` (a scalar, or an array broadcastable to the parameter's shape)."""

    def __init__(self, value):
        if isinstance(value, np.ndarray):
            kw = value.tolist()
        elif hasattr(value, "asnumpy"):
            kw = value.asnumpy().tolist()
        else:
            kw = value
        super().__init__(value=kw)
        self.value = value

    def _init_weight(self, _, arr):
        value = self.value
        if hasattr(value, "asnumpy") or np.isscalar(value):
            arr[:] = value
        else:
            arr[:] = np.broadcast_to(np.asarray(value, dtype=arr.dtype), arr.shape)


@register
class Uniform(Initializer):
    """U(-scale, scale)."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _random("uniform", -self.scale, self.scale, arr)


@register
class Normal(Initializer):
    """N(0, sigma)."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _random("normal", 0, self.sigma, arr)


@register
class Xavier(Initializer):
    """Glorot: U(-s, s) or N(0, s) with ``s = sqrt(magnitude / factor)``, factor from fan-in/fan-out."""

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError(f"Xavier initializer cannot be applied to vector {name}. It requires at least 2D.")
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = math.sqrt(self.magnitude / factor)
        if self.rnd_type == "uniform":
            _random("uniform", -scale, scale, arr)
        elif self.rnd_type == "gaussian":
            _random("normal", 0, scale, arr)
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He/Kaiming: Xavier with gaussian draws and ``magnitude = 2 / (1 + slope**2)``."""

    def __init__(self, factor_type="avg", slope=0.25):
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Orthogonal(Initializer):
    """``scale`` times an orthonormal basis from the SVD of a random (nout, prod(rest)) matrix."""

    def __init__(self, scale=1.414, rand_type="uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        from .ndarray import random as ndrandom
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            tmp = ndrandom.uniform(-1.0, 1.0, shape=(nout, nin), ctx=arr.context, dtype="float64")
        elif self.rand_type == "normal":
            tmp = ndrandom.normal(0.0, 1.0, shape=(nout, nin), ctx=arr.context, dtype="float64")
        else:
            raise ValueError("Unknown random type")
        xp = arr.context.backend.xp
        u, _, v = xp.linalg.svd(tmp._data, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        arr._data[...] = (self.scale * res.reshape(arr.shape)).astype(arr._data.dtype)


def _bilinear_kernel(shape):
    weight = np.zeros(int(np.prod(shape)), dtype="float32")
    f = np.ceil(shape[3] / 2.0)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    for i in range(weight.size):
        x = i % shape[3]
        y = (i // shape[3]) % shape[2]
        weight[i] = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
    return weight.reshape(shape)


@register
class Bilinear(Initializer):
    """The bilinear upsampling kernel, for every (out, in) slice of a 4-D weight."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = _bilinear_kernel(arr.shape)


@register
class LSTMBias(Initializer):
    """Zeros, except the forget-gate quarter ``[n:2n]`` set to ``forget_bias``."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        arr[:] = 0.0
        n = arr.shape[0] // 4
        arr[n:2 * n] = self.forget_bias


class Mixed:
    """Picks the initializer of the first regex in ``patterns`` matching the name (not usable in Gluon)."""

    def __init__(self, patterns, initializers):
        assert len(patterns) == len(initializers)
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError("Parameter name %s did not match any pattern. Consider"
                         'add a ".*" pattern at the and with default Initializer.')


class Load:
    """Initializes by name from a saved dict (or file); missing names go to ``default_init``
    (not usable in Gluon)."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            from .ndarray import load
            param = load(param)
        assert isinstance(param, dict)
        self.param = {}
        for name, arr in param.items():
            if name.startswith("arg:") or name.startswith("aux:"):
                self.param[name[4:]] = arr
            else:
                self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            assert arr.shape == self.param[name].shape, \
                (f"Parameter {name} cannot be initialized from loading. Shape mismatch, target "
                 f"{arr.shape} vs loaded {self.param[name].shape}")
            arr[:] = self.param[name]
            if self.verbose:
                logging.info("Initialized %s by loading", name)
        else:
            assert self.default_init is not None, \
                f"Cannot Initialize {name}. Not found in loaded param and no default Initializer is provided."
            self.default_init(name, arr)
            if self.verbose:
                logging.info("Initialized %s by default", name)
