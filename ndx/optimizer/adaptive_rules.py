"""Adamax, Nadam and DCASGD: MXNet 1.9.1 writes these rules as NDArray arithmetic in Python, so
the same float32 operations in the same order give its results bit for bit.

Scalars enter as Python floats, which numpy (like MXNet's scalar operators) rounds to the weight's
dtype; products run left to right, as in MXNet's expressions.
"""
from .optimizer import Optimizer, register
from .rules import _zeros

__all__ = ["Adamax", "Nadam", "DCASGD"]


def _decayed_grad(opt, xp, grad, w, wd):
    """``clip(rescale_grad*g + wd*w)`` (weight decay inside the clip), a new array."""
    g = grad * opt.rescale_grad + wd * w
    if opt.clip_gradient is not None:
        g = xp.clip(g, -opt.clip_gradient, opt.clip_gradient)
    return g


@register
class Adamax(Optimizer):
    """Adam with the infinity norm: ``m = beta1*m + (1-beta1)*G``, ``u = max(beta2*u, |G|)``,
    ``w -= lr/(1-beta1**t) * m/u`` with ``G = clip(r*g + wd*w)``."""

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index, weight):
        return (_zeros(weight), _zeros(weight))

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        lr /= 1.0 - self.beta1 ** self._index_update_count[index]
        w = weight._data
        g = _decayed_grad(self, xp, grad._data, w, wd)
        m, u = state[0]._data, state[1]._data
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        u[...] = xp.maximum(self.beta2 * u, xp.abs(g))
        w -= lr * m / u


@register
class Nadam(Optimizer):
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

    def create_state(self, index, weight):
        return (_zeros(weight), _zeros(weight))

    def update(self, index, weight, grad, state):
        xp, lr, wd = self._prepare(index, weight)
        t = self._index_update_count[index]
        w = weight._data
        g = _decayed_grad(self, xp, grad._data, w, wd)
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
        g = grad._data * self.rescale_grad
        if self.clip_gradient is not None:
            g = xp.clip(g, -self.clip_gradient, self.clip_gradient)
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
