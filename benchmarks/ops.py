"""ops: per-operation overhead — what one call costs when the arithmetic is negligible.

Steps run back to back and the worker synchronises once per sample (``nd.waitall()`` for ndx and
MXNet), so MXNet's asynchronous engine is measured at its throughput, not per-call latency.
"""
from .common import Workload

TITLE = "ops — per-operation overhead"
ABOUT = ("Small arrays, where the cost is the library's dispatch rather than the arithmetic "
         "(time per op; the chains are per whole chain).")

CHAIN_ROUNDS = 5  # 4 ops per round -> 20 ops


def _add(pair, shape):
    """An implementation timing ``a + b`` on the two random arrays ``pair(env, shape)`` makes."""
    def make(env):
        a, b = pair(env, shape)
        return lambda: a + b
    return make


# --------------------------------------------------------------------------- mx (ndx and MXNet)

def _mx_pair(env, shape):
    nd = env.mx.nd
    a = nd.random.uniform(shape=shape, ctx=env.ctx)
    b = nd.random.uniform(shape=shape, ctx=env.ctx)
    return a, b


mx_add_small = _add(_mx_pair, (10,))
mx_add_large = _add(_mx_pair, (1000, 1000))


def mx_dot(env):
    a, b = _mx_pair(env, (512, 512))
    dot = env.mx.nd.dot
    return lambda: dot(a, b)


def _mx_chain_args(env):
    nd = env.mx.nd
    x = nd.random.uniform(shape=(10,), ctx=env.ctx)
    w = nd.random.uniform(0.5, 1.5, shape=(10,), ctx=env.ctx)
    b = nd.random.uniform(shape=(10,), ctx=env.ctx)
    c = nd.random.uniform(shape=(10,), ctx=env.ctx)
    d = nd.random.uniform(1.0, 2.0, shape=(10,), ctx=env.ctx)
    return x, w, b, c, d


def _chain(x, w, b, c, d):
    y = x
    for _ in range(CHAIN_ROUNDS):
        y = y * w
        y = y + b
        y = y - c
        y = y / d
    return y


def mx_chain(env):
    x, w, b, c, d = _mx_chain_args(env)
    return lambda: _chain(x, w, b, c, d)


def mx_chain_grad(env):
    x, w, b, c, d = _mx_chain_args(env)
    x.attach_grad()
    record = env.mx.autograd.record

    def step():
        with record():
            y = _chain(x, w, b, c, d)
        y.backward()
    return step


# --------------------------------------------------------------------------------------- numpy

def _np_pair(env, shape):
    import numpy as np
    rng = np.random.default_rng(0)
    return rng.random(shape, dtype=np.float32), rng.random(shape, dtype=np.float32)


np_add_small = _add(_np_pair, (10,))
np_add_large = _add(_np_pair, (1000, 1000))


def np_dot(env):
    import numpy as np
    a, b = _np_pair(env, (512, 512))
    return lambda: np.dot(a, b)


def _np_chain_args():
    import numpy as np
    rng = np.random.default_rng(0)
    f = np.float32
    return (rng.random(10, dtype=f), rng.uniform(0.5, 1.5, 10).astype(f),
            rng.random(10, dtype=f), rng.random(10, dtype=f), rng.uniform(1, 2, 10).astype(f))


def np_chain(env):
    x, w, b, c, d = _np_chain_args()
    return lambda: _chain(x, w, b, c, d)


def np_chain_grad(env):
    """The floor: the same forward, and the backward written by hand (no tape)."""
    import numpy as np
    x, w, b, c, d = _np_chain_args()

    def step():
        _chain(x, w, b, c, d)
        g = np.ones_like(x)
        for _ in range(CHAIN_ROUNDS):   # d/dy of (((y*w)+b)-c)/d, innermost last
            g = g / d
            g = g * w
        return g
    return step


# --------------------------------------------------------------------------------------- torch

def _t_pair(env, shape):
    import torch
    torch.manual_seed(0)
    return torch.rand(shape), torch.rand(shape)


t_add_small = _add(_t_pair, (10,))
t_add_large = _add(_t_pair, (1000, 1000))


def t_dot(env):
    import torch
    a, b = _t_pair(env, (512, 512))
    return lambda: torch.mm(a, b)


def _t_chain_args():
    import torch
    torch.manual_seed(0)
    return (torch.rand(10), torch.rand(10) + 0.5, torch.rand(10), torch.rand(10),
            torch.rand(10) + 1.0)


def t_chain(env):
    x, w, b, c, d = _t_chain_args()
    return lambda: _chain(x, w, b, c, d)


def t_chain_grad(env):
    import torch
    x, w, b, c, d = _t_chain_args()
    x.requires_grad_(True)
    ones = torch.ones(10)

    def step():
        x.grad = None          # MXNet's grad_req='write': no accumulation
        y = _chain(x, w, b, c, d)
        y.backward(ones)
    return step


def workloads(cfg):
    return [
        Workload("add_10", "add, 10 float32", {"mx": mx_add_small, "numpy": np_add_small,
                                               "torch": t_add_small}),
        Workload("add_1000x1000", "add, 1000×1000 float32",
                 {"mx": mx_add_large, "numpy": np_add_large, "torch": t_add_large}),
        Workload("dot_512", "dot, 512×512 float32",
                 {"mx": mx_dot, "numpy": np_dot, "torch": t_dot}),
        Workload("chain_20", "chain of 20 small ops (* + - /, 10 elements)",
                 {"mx": mx_chain, "numpy": np_chain, "torch": t_chain},
                 per_label="chain"),
        Workload("chain_20_autograd", "same chain recorded + backward",
                 {"mx": mx_chain_grad, "numpy": np_chain_grad, "torch": t_chain_grad},
                 per_label="chain",
                 notes={"numpy": "forward plus a hand-written backward (no tape): the floor"}),
    ]
