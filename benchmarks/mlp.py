"""mlp: one SGD training step of a 784-256-10 MLP on a batch of 128 (forward, backward, update)."""
from ._train_step import gluon_sgd_step, torch_sgd_step
from .common import Workload

TITLE = "mlp — MLP 784-256-10 training step"
ABOUT = ("Batch 128, ReLU, softmax cross-entropy, plain SGD (lr 0.1): forward, backward and "
         "update per step. The Gluon code is shared by ndx and MXNet.")

BATCH, IN, HIDDEN, OUT = 128, 784, 256, 10
LR = 0.1


def mx_step(env):
    nn = env.mx.gluon.nn
    net = nn.Sequential()
    net.add(nn.Dense(HIDDEN, activation="relu", in_units=IN), nn.Dense(OUT, in_units=HIDDEN))
    return gluon_sgd_step(env, net, (BATCH, IN), OUT, LR)


def np_step(env):
    import numpy as np
    from . import _np_nn as F
    rng = np.random.default_rng(0)
    f = np.float32
    w1 = rng.uniform(-0.07, 0.07, (HIDDEN, IN)).astype(f)
    b1 = np.zeros(HIDDEN, f)
    w2 = rng.uniform(-0.07, 0.07, (OUT, HIDDEN)).astype(f)
    b2 = np.zeros(OUT, f)
    x = rng.random((BATCH, IN), dtype=f)
    y = np.arange(BATCH) % OUT
    lr = f(LR / BATCH)

    def step():
        h_pre = F.dense_forward(x, w1, b1)
        h = np.maximum(h_pre, 0)
        logits = F.dense_forward(h, w2, b2)
        _, dlogits = F.softmax_ce(logits, y)
        dh, dw2, db2 = F.dense_backward(dlogits, h, w2)
        dh *= h_pre > 0
        _, dw1, db1 = F.dense_backward(dh, x, w1)
        F.sgd((w1, b1, w2, b2), (dw1, db1, dw2, db2), lr)
    return step


def t_step(env):
    import torch
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(IN, HIDDEN), torch.nn.ReLU(),
                              torch.nn.Linear(HIDDEN, OUT))
    return torch_sgd_step(net, (BATCH, IN), OUT, LR)


def workloads(cfg):
    return [
        Workload("mlp_step", "MLP 784-256-10, batch 128, SGD step",
                 {"mx": mx_step, "numpy": np_step, "torch": t_step}, per_label="step",
                 notes={"numpy": "hand-written forward/backward/update (the floor)"}),
    ]
