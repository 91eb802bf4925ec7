"""mlp: one SGD training step of a 784-256-10 MLP on a batch of 128 (forward, backward, update)."""
from .common import Workload

TITLE = "mlp — MLP 784-256-10 training step"
ABOUT = ("Batch 128, ReLU, softmax cross-entropy, plain SGD (lr 0.1): forward, backward and "
         "update per step. The Gluon code is shared by ndx and MXNet.")

BATCH, IN, HIDDEN, OUT = 128, 784, 256, 10
LR = 0.1


def mx_step(env):
    mx = env.mx
    nn = mx.gluon.nn
    net = nn.Sequential()
    net.add(nn.Dense(HIDDEN, activation="relu", in_units=IN), nn.Dense(OUT, in_units=HIDDEN))
    net.initialize(ctx=env.ctx)
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    x = mx.nd.random.uniform(shape=(BATCH, IN), ctx=env.ctx)
    y = mx.nd.array([i % OUT for i in range(BATCH)], ctx=env.ctx)
    record = mx.autograd.record

    def step():
        with record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(BATCH)
    return step


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
    # Gluon's loss is per-sample and Trainer.step(batch) divides by the batch: same as mean
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    x = torch.rand(BATCH, IN)
    y = torch.arange(BATCH) % OUT

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
    return step


def workloads(cfg):
    return [
        Workload("mlp_step", "MLP 784-256-10, batch 128, SGD step",
                 {"mx": mx_step, "numpy": np_step, "torch": t_step}, per_label="step",
                 notes={"numpy": "hand-written forward/backward/update (the floor)"}),
    ]
