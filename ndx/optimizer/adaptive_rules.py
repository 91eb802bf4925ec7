"""Adamax, Nadam, DCASGD, FTML and Ftrl, bit for bit as MXNet 1.9.1 computes them; LAMB and SGLD.

MXNet writes the first three as NDArray arithmetic in Python: scalars enter as Python floats, which
numpy (like MXNet's scalar operators) rounds to the weight's dtype, and products run left to right.
FTML and Ftrl are MXNet kernels: their float32 scalars and operation order were matched against
MXNet's outputs (they differ from the operators' documented formulas in places, noted below).
"""
import math

from .optimizer import Optimizer, register
from .rules import _kernel_scalars, _one_minus, _TwoStateRule, _zeros

__all__ = ["Adamax", "Nadam", "DCASGD", "FTML", "Ftrl", "LAMB", "SGLD"]


def _python_grad(opt, xp, grad, w=None, wd=0.0):
    """``clip(rescale_grad*g)``, or ``clip(rescale_grad*g + wd*w)`` given ``w`` (weight decay inside the
    clip), as a new array: the gradient of MXNet's Python-level rules."""
    g = grad * opt.rescale_grad if w is None else grad * opt.rescale_grad + wd * w
    if opt.clip_gradient is not None:
        g = xp.clip(g, -opt.clip_gradient, opt.clip_gradient)
    return g


@register
class Adamax(_TwoStateRule):
    """Adam with the infinity norm: ``m = beta1*m + (1-beta1)*G``, ``u = max(beta2*u, |G|)``,
    ``w -= lr/(1-beta1**t) * m/u`` with ``G = clip(r*g + wd*w)``."""

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        lr /= 1.0 - self.beta1 ** self._index_update_count[index]
        w = weight._data
        g = _python_grad(self, xp, grad._data, w, wd)
        m, u = state[0]._data, state[1]._data
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        u[...] = xp.maximum(self.beta2 * u, xp.abs(g))
        w -= lr * m / u


@register
class Nadam(_TwoStateRule):
    """Adam with Nesterov momentum and a momentum schedule ``mu_t = beta1*(1 - 0.5*0.96**(t*decay))``.

    As in MXNet, the schedule product ``m_schedule`` belongs to the optimizer, not to a parameter:
    every update (of any parameter) multiplies it by that parameter's ``mu_t``.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, schedule_decay=0.004,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        t = self._index_update_count[index]
        w = weight._data
        g = _python_grad(self, xp, grad._data, w, wd)
        mu_t = self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.schedule_decay))
        mu_next = self.beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.schedule_decay))
        self.m_schedule = self.m_schedule * mu_t
        schedule_next = self.m_schedule * mu_next
        m, v = state[0]._data, state[1]._data
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * g * g
        g_prime = g / (1.0 - self.m_schedule)
        m_prime = m / (1.0 - schedule_next)
        v_prime = v / (1.0 - self.beta2 ** t)
        m_bar = (1.0 - mu_t) * g_prime + mu_next * m_prime
        w -= lr * m_bar / (xp.sqrt(v_prime) + self.epsilon)


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD: the step adds ``lamda*G*G*(w - w_prev)`` to the gradient,
    ``w_prev`` being the weight before the previous update (``G = clip(r*g)``).

    With ``momentum`` the step goes through a momentum buffer (``m = momentum*m - lr*(...)``);
    MXNet 1.9.1 documents that but fails on it for any weight of more than one element.
    """

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        return (None if self.momentum == 0.0 else _zeros(weight), weight.copy())

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        w = weight._data
        g = _python_grad(self, xp, grad._data)
        mom, previous = state
        prev = previous._data
        step = -lr * (g + wd * w + self.lamda * g * g * (w - prev))
        if mom is not None:
            m = mom._data
            m *= self.momentum
            m += step
            step = m
        prev[...] = w
        w += step


def _kernel_start(opt, index, weight, grad, *hyper, wd_in_grad=False):
    """Count the update and return ``(xp, w, lr, wd, G, hyper)`` as MXNet's update kernels see them:
    float32 scalars in the weight's dtype, ``G = clip(r*g)`` (``clip(r*g + wd*w)`` with ``wd_in_grad``;
    MXNet passes the clip only when it is non-zero)."""
    xp, lr, wd = opt._prepare(index, weight)
    w = weight._data
    lr, wd, r, c, *hyper = _kernel_scalars(w.dtype, lr, wd, opt.rescale_grad, opt.clip_gradient or 0.0, *hyper)
    g = grad._data * r + wd * w if wd_in_grad else grad._data * r
    if opt.clip_gradient:
        g = xp.clip(g, -c, c)
    return xp, w, lr, wd, g, hyper


@register
class FTML(Optimizer):
    """Follow the Moving Leader. With ``G = clip(r*g + wd*w)``: ``v = beta2*v + (1-beta2)*G*G``,
    ``d_t = (1-beta1**t)/lr * (sqrt(v/(1-beta2**t)) + epsilon)``,
    ``z = beta1*z + (1-beta1)*G - (d_t - beta1*d)*w``, ``d = d_t``, ``w = -z/d_t``.

    MXNet's kernel weighs ``G`` in ``z`` by ``1-beta1``, where its documentation says ``1-beta1**t``.
    """

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (_zeros(weight), _zeros(weight), _zeros(weight))

    def update(self, index, weight, grad, state):
        xp, w, lr, wd, g, (b1, b2, eps) = _kernel_start(self, index, weight, grad, self.beta1, self.beta2,
                                                        self.epsilon, wd_in_grad=True)
        t = w.dtype.type(self._index_update_count[index])
        d, v, z = (s._data for s in state)
        one = w.dtype.type(1)
        v[...] = b2 * v + _one_minus(w.dtype, self.beta2) * (g * g)
        d_t = (one - b1 ** t) / lr * (xp.sqrt(v / (one - b2 ** t)) + eps)
        z[...] = b1 * z + _one_minus(w.dtype, self.beta1) * g - (d_t - b1 * d) * w
        d[...] = d_t
        w[...] = -z / d_t


@register
class Ftrl(_TwoStateRule):
    """Follow the Regularized Leader (proximal, with L1 ``lamda1``). With ``G = clip(r*g)``:
    ``z += G - (sqrt(n + G*G) - sqrt(n))*w/lr``, ``n += G*G``,
    ``w = (sign(z)*lamda1 - z) / ((beta + sqrt(n))/lr + wd) * (|z| > lamda1)``.
    """

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def update(self, index, weight, grad, state):
        xp, w, lr, wd, g, (lamda1, beta) = _kernel_start(self, index, weight, grad, self.lamda1, self.beta)
        z, n = state[0]._data, state[1]._data
        g2 = g * g
        z += g - (xp.sqrt(n + g2) - xp.sqrt(n)) * w / lr
        n += g2
        w[...] = (xp.sign(z) * lamda1 - z) / ((beta + xp.sqrt(n)) / lr + wd) * (xp.abs(z) > lamda1)


@register
class LAMB(_TwoStateRule):
    """Layer-wise adaptive moments (LAMB): an Adam direction ``u = m_hat/(sqrt(v_hat) + epsilon) + wd*w``
    (``G = clip(r*g)``; bias-corrected unless ``bias_correction=False``), scaled per parameter by the
    trust ratio ``||w|| / ||u||`` (1 when either norm is 0; ``||w||`` clamped to ``lower_bound`` /
    ``upper_bound`` when given): ``w -= lr * ratio * u``.

    Not bit for bit: against MXNet 1.9.1's single-parameter kernels it agreed to about 1e-4 relative
    after three steps (the norms and the kernels' rounding differ).
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6, lower_bound=None,
                 upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction

    def update(self, index, weight, grad, state):
        xp, w, lr, wd, g, (b1, b2, eps) = _kernel_start(self, index, weight, grad, self.beta1, self.beta2,
                                                        self.epsilon)
        t = w.dtype.type(self._index_update_count[index])
        m, v = state[0]._data, state[1]._data
        one = w.dtype.type(1)
        m[...] = b1 * m + _one_minus(w.dtype, self.beta1) * g
        v[...] = b2 * v + _one_minus(w.dtype, self.beta2) * (g * g)
        if self.bias_correction:
            u = (m / (one - b1 ** t)) / (xp.sqrt(v / (one - b2 ** t)) + eps) + wd * w
        else:
            u = m / (xp.sqrt(v) + eps) + wd * w
        r1, r2 = xp.sqrt((w * w).sum()), xp.sqrt((u * u).sum())
        if self.lower_bound:
            r1 = xp.maximum(r1, w.dtype.type(self.lower_bound))
        if self.upper_bound:
            r1 = xp.minimum(r1, w.dtype.type(self.upper_bound))
        # lr * r1 / r2 as one scalar (MXNet's order), kept on the device: no host round trip for the norms
        step = xp.where((r1 == 0) | (r2 == 0), lr, lr * r1 / xp.where(r2 == 0, one, r2))
        w -= step * u


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics: ``w += -lr/2*(G + wd*w) + N(0, sqrt(lr))`` with
    ``G = clip(r*g)``; the noise comes from the weight's context's generator (``mx.random.seed``)."""

    def update(self, index, weight, grad, state):
        from ..ndarray import random as nd_random
        xp, lr, wd = self._prepare(index, weight)
        w = weight._data
        g = _python_grad(self, xp, grad._data)
        w += -lr / 2 * (g + wd * w)
        w += nd_random.normal(0, math.sqrt(lr), shape=w.shape, dtype=w.dtype, ctx=weight._ctx)._data
