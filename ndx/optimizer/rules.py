"""The built-in update rules, exactly as MXNet 1.9.1 applies them (see docs/optimizers.md).

Each rule reads and writes backend arrays (``weight._data``, ``state._data``) with ``xp`` arithmetic,
so it runs unchanged on numpy and CuPy and never touches autograd. Weights change in place.
"""
import math

import numpy as np

from ..ndarray.ndarray import _wrap
from .optimizer import Optimizer, register

__all__ = ["SGD", "NAG", "Signum", "Adam", "AdamW", "AdaGrad", "RMSProp", "AdaDelta"]


def _kernel_scalars(dtype, *values):
    """Hyper-parameters as MXNet's update kernels see them: float32, then the weight's dtype."""
    return tuple(dtype.type(np.float32(v)) for v in values)


def _one_minus(dtype, value):
    """``1.f - value`` computed in float32, as the kernels do, then in the weight's dtype."""
    return dtype.type(np.float32(1) - np.float32(value))


def _zeros(weight):
    xp = weight._ctx.backend.xp
    return _wrap(xp.zeros_like(weight._data), weight._ctx)


class _TwoStateRule(Optimizer):
    """A rule with two state arrays shaped like the weight (two moments, or two accumulators)."""

    def create_state(self, index, weight):
        return (_zeros(weight), _zeros(weight))


class _MomentumRule(Optimizer):
    """A rule with one optional state, the momentum (none when ``momentum`` is 0)."""

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index, weight):
        return _zeros(weight) if self.momentum != 0.0 else None


@register
class SGD(_MomentumRule):
    """Stochastic gradient descent with optional momentum.

    momentum 0: ``w = w - (lr*wd*w + lr*clip(r*g))``; otherwise
    ``m = momentum*m - lr*wd*w - lr*clip(r*g)``, ``w = w + m`` (the weight-decay term is not clipped).
    ``lazy_update`` is accepted (it only matters for sparse gradients, which ndx does not have).
    """

    _master_last = True
    _float16_warning_name = "SGD optimizer"

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(momentum=momentum, **kwargs)
        self.lazy_update = lazy_update

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        w = weight._data
        if state is None:
            # MXNet's kernel: w - (lr*wd*w + lr*rescale*g), its scalars float32 cast to the weight's
            # dtype; (lr*rescale) is one factor unless the gradient is clipped in between
            t = w.dtype.type
            lr_, wd_ = t(np.float32(lr)), t(np.float32(wd))
            if self.clip_gradient is None:
                g = self._scaled_grad(xp, grad._data, lr_ * t(np.float32(self.rescale_grad)))
            else:
                g = self._scaled_grad(xp, grad._data, t(np.float32(self.rescale_grad)))
                g *= lr_
            if wd:
                g += xp.multiply(w, lr_ * wd_, out=self._work(xp, w))
            w -= g
            return
        g = self._scaled_grad(xp, grad._data)
        g *= lr
        m = state._data
        m *= self.momentum
        if wd:
            m -= (lr * wd) * w
        m -= g
        w += m


@register
class NAG(_MomentumRule):
    """Nesterov accelerated gradient (momentum 0: plain SGD).

    With ``G = clip(r*g)``: ``m0 = momentum*m``; ``w' = w + momentum*m0 - (1+momentum)*lr*(G + wd*w)``;
    ``m = m0 - lr*(G + wd*w')`` — MXNet's kernel updates the state from the already-updated weight.
    """

    _master_last = True
    _float16_warning_name = "NAG optimizer"

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        w = weight._data
        g = self._scaled_grad(xp, grad._data)
        if state is None:
            w[...] = (1.0 - lr * wd) * w - lr * g
            return
        # MXNet's kernel, bit for bit (float32 scalars): m0 = mu*m; w = w - m0 + (mu+1)*(m0 - lr*(G + wd*w));
        # then m = m0 - lr*(G + wd*w) with the updated w (the kernel writes w in place first)
        lr, wd, mu = _kernel_scalars(w.dtype, lr, wd, self.momentum)
        m = state._data
        m *= mu
        w[...] = w - m + (mu + w.dtype.type(1)) * (m - lr * (g + wd * w))
        m -= lr * (g + wd * w)


@register
class Signum(_MomentumRule):
    """signSGD / Signum: steps of size ``lr`` in the direction of the sign of the gradient or its momentum.

    momentum 0: ``w = (1 - lr*wd)*w - lr*sign(clip(r*g))``. Otherwise
    ``m = momentum*m - (1-momentum)*(wd*w + clip(r*g))``; ``w = (1 - lr*wd_lh)*w + lr*sign(m)``.
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(momentum=momentum, learning_rate=learning_rate, **kwargs)
        self.wd_lh = wd_lh

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        w = weight._data
        g = self._scaled_grad(xp, grad._data)
        if state is None:
            w[...] = (1.0 - lr * wd) * w - lr * xp.sign(g)
            return
        m = state._data
        m[...] = self.momentum * m - (1.0 - self.momentum) * (wd * w + g)
        w[...] = (1.0 - lr * self.wd_lh) * w + lr * xp.sign(m)


@register
class Adam(_TwoStateRule):
    """Adam. Bias correction goes into the step size: ``lr_t = lr*sqrt(1-beta2**t)/(1-beta1**t)``;
    ``G = clip(r*g + wd*w)`` (weight decay inside the clip); ``m = beta1*m + (1-beta1)*G``;
    ``v = beta2*v + (1-beta2)*G*G``; ``w = w - lr_t*m/(sqrt(v) + epsilon)``.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        t = self._index_update_count[index]
        lr *= math.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        w = weight._data
        # MXNet's kernel, bit for bit: float32 scalars, 1 - beta in float32, (1-beta2)*G*G left to right
        lr, wd, r, b1, b2, eps = _kernel_scalars(w.dtype, lr, wd, self.rescale_grad, self.beta1,
                                                 self.beta2, self.epsilon)
        g = grad._data * r + wd * w
        if self.clip_gradient is not None:
            c = _kernel_scalars(w.dtype, self.clip_gradient)[0]
            g = xp.clip(g, -c, c)
        m, v = state[0]._data, state[1]._data
        m[...] = b1 * m + _one_minus(w.dtype, self.beta1) * g
        v[...] = b2 * v + _one_minus(w.dtype, self.beta2) * g * g
        w -= lr * m / (xp.sqrt(v) + eps)


@register
class AdamW(_TwoStateRule):
    """Adam with decoupled weight decay (an ndx addition: MXNet 1.9.1 only has the ``contrib.adamw_update`` op).

    Follows that op with ``eta = lr`` and Adam's bias correction in the step:
    ``G = clip(r*g)``; ``m = beta1*m + (1-beta1)*G``; ``v = beta2*v + (1-beta2)*G*G``;
    ``w = w - lr*(c_t*m/(sqrt(v) + epsilon) + wd*w)`` with ``c_t = sqrt(1-beta2**t)/(1-beta1**t)``.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        t = self._index_update_count[index]
        coef = math.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        w = weight._data
        # the op's kernel, bit for bit: float32 scalars, 1 - beta in float32, the square taken first
        lr, wd, coef, r, b1, b2, eps = _kernel_scalars(w.dtype, lr, wd, coef, self.rescale_grad, self.beta1,
                                                       self.beta2, self.epsilon)
        g = grad._data * r
        if self.clip_gradient is not None:
            c = _kernel_scalars(w.dtype, self.clip_gradient)[0]
            g = xp.clip(g, -c, c)
        m, v = state[0]._data, state[1]._data
        m[...] = b1 * m + _one_minus(w.dtype, self.beta1) * g
        v[...] = b2 * v + _one_minus(w.dtype, self.beta2) * (g * g)
        w -= lr * (coef * m / (xp.sqrt(v) + eps) + wd * w)


@register
class AdaGrad(Optimizer):
    """AdaGrad: ``G = clip(r*g)``; ``h = h + G*G``; ``w = w - lr*(G/sqrt(h + eps) + wd*w)``."""

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return _zeros(weight)

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        w = weight._data
        g = self._scaled_grad(xp, grad._data)
        h = state._data
        h += g * g
        w -= lr * (g / xp.sqrt(h + self.float_stable_eps) + wd * w)


@register
class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton), or the centered form of Graves when ``centered=True``.

    ``G = clip(r*g + wd*w)``; ``n = (1-gamma1)*G*G + gamma1*n``; plain: ``w = w - lr*G/sqrt(n + epsilon)``;
    centered: ``gm = (1-gamma1)*G + gamma1*gm``, ``d = gamma2*d - lr*G/sqrt(n - gm*gm + epsilon)``,
    ``w = w + d``. ``clip_weights`` then clips the weight to ``[-clip_weights, clip_weights]``.
    """

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False,
                 clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        if self.centered:
            return (_zeros(weight), _zeros(weight), _zeros(weight))
        return (_zeros(weight),)

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        w = weight._data
        # MXNet's kernels, bit for bit: float32 scalars, 1 - gamma1 in float32; the plain form squares
        # G before scaling it, the centered one scales left to right
        lr, wd, r, g1, g2, eps = _kernel_scalars(w.dtype, lr, wd, self.rescale_grad, self.gamma1,
                                                 self.gamma2, self.epsilon)
        g = grad._data * r + wd * w
        if self.clip_gradient is not None:
            c = _kernel_scalars(w.dtype, self.clip_gradient)[0]
            g = xp.clip(g, -c, c)
        n = state[0]._data
        om = _one_minus(w.dtype, self.gamma1)
        if not self.centered:
            n[...] = om * (g * g) + g1 * n
            w -= lr * (g / xp.sqrt(n + eps))
        else:
            n[...] = om * g * g + g1 * n
            gm, d = state[1]._data, state[2]._data
            gm[...] = om * g + g1 * gm
            d[...] = g2 * d - lr * g / xp.sqrt(n - gm * gm + eps)
            w += d
        if self.clip_weights:
            w[...] = xp.clip(w, -self.clip_weights, self.clip_weights)


@register
class AdaDelta(_TwoStateRule):
    """AdaDelta (the learning rate is unused). The gradient buffer itself is rescaled in place (``g *= r``)
    as MXNet does; then ``G = clip(g)``, ``acc_g = rho*acc_g + (1-rho)*G*G``,
    ``delta = sqrt(acc_d + eps)/sqrt(acc_g + eps)*G``, ``acc_d = rho*acc_d + (1-rho)*delta*delta``,
    ``w = w - (delta + wd*w)``.
    """

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def update(self, index, weight, grad, state):
        xp, _, wd = self._prepare(index, weight)
        w = weight._data
        gbuf = grad._data
        gbuf *= self.rescale_grad
        g = gbuf
        if self.clip_gradient is not None:
            g = xp.clip(g, -self.clip_gradient, self.clip_gradient)
        acc_g, acc_d = state[0]._data, state[1]._data
        acc_g[...] = self.rho * acc_g + (1.0 - self.rho) * g * g
        delta = xp.sqrt(acc_d + self.epsilon) / xp.sqrt(acc_g + self.epsilon) * g
        acc_d[...] = self.rho * acc_d + (1.0 - self.rho) * delta * delta
        w -= delta + wd * w
