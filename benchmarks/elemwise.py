"""elemwise: large elementwise ops and matmul, where the arithmetic (or memory bandwidth) dominates."""
from .common import Workload

TITLE = "elemwise — large elementwise and matmul"
ABOUT = "float32; 10M elements is 40 MB per array, well beyond the caches."

N = 10_000_000


def _mx_arrays(env, shape, k):
    nd = env.mx.nd
    return [nd.random.uniform(shape=shape, ctx=env.ctx) for _ in range(k)]


def _np_arrays(shape, k):
    import numpy as np
    rng = np.random.default_rng(0)
    return [rng.random(shape, dtype=np.float32) for _ in range(k)]


def _t_arrays(shape, k):
    import torch
    torch.manual_seed(0)
    return [torch.rand(shape) for _ in range(k)]


# add -------------------------------------------------------------------------------------------
def mx_add(env):
    a, b = _mx_arrays(env, (N,), 2)
    return lambda: a + b


def np_add(env):
    a, b = _np_arrays((N,), 2)
    return lambda: a + b


def t_add(env):
    a, b = _t_arrays((N,), 2)
    return lambda: a + b


# a * b + c -------------------------------------------------------------------------------------
def mx_fma(env):
    a, b, c = _mx_arrays(env, (N,), 3)
    return lambda: a * b + c


def np_fma(env):
    a, b, c = _np_arrays((N,), 3)
    return lambda: a * b + c


def t_fma(env):
    a, b, c = _t_arrays((N,), 3)
    return lambda: a * b + c


# exp -------------------------------------------------------------------------------------------
def mx_exp(env):
    (a,) = _mx_arrays(env, (N,), 1)
    exp = env.mx.nd.exp
    return lambda: exp(a)


def np_exp(env):
    import numpy as np
    (a,) = _np_arrays((N,), 1)
    return lambda: np.exp(a)


def t_exp(env):
    import torch
    (a,) = _t_arrays((N,), 1)
    return lambda: torch.exp(a)


# sum -------------------------------------------------------------------------------------------
def mx_sum(env):
    (a,) = _mx_arrays(env, (N,), 1)
    return lambda: a.sum()


def np_sum(env):
    (a,) = _np_arrays((N,), 1)
    return lambda: a.sum()


def t_sum(env):
    (a,) = _t_arrays((N,), 1)
    return lambda: a.sum()


# matmul ----------------------------------------------------------------------------------------
def _mx_mm(n):
    def impl(env):
        a, b = _mx_arrays(env, (n, n), 2)
        dot = env.mx.nd.dot
        return lambda: dot(a, b)
    return impl


def _np_mm(n):
    def impl(env):
        import numpy as np
        a, b = _np_arrays((n, n), 2)
        return lambda: np.dot(a, b)
    return impl


def _t_mm(n):
    def impl(env):
        import torch
        a, b = _t_arrays((n, n), 2)
        return lambda: torch.mm(a, b)
    return impl


def workloads(cfg):
    wls = [
        Workload("add_10M", "add, 10M", {"mx": mx_add, "numpy": np_add, "torch": t_add}),
        Workload("fma_10M", "a * b + c, 10M (2 ops)",
                 {"mx": mx_fma, "numpy": np_fma, "torch": t_fma}),
        Workload("exp_10M", "exp, 10M", {"mx": mx_exp, "numpy": np_exp, "torch": t_exp}),
        Workload("sum_10M", "sum, 10M", {"mx": mx_sum, "numpy": np_sum, "torch": t_sum}),
        Workload("matmul_1024", "matmul 1024×1024",
                 {"mx": _mx_mm(1024), "numpy": _np_mm(1024), "torch": _t_mm(1024)}),
    ]
    if not cfg.get("quick"):
        wls.append(Workload("matmul_2048", "matmul 2048×2048",
                            {"mx": _mx_mm(2048), "numpy": _np_mm(2048), "torch": _t_mm(2048)}))
    return wls
