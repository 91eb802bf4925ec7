"""cnn: one SGD training step of a small CNN on MNIST-sized input.

conv(1→8, 3×3, pad 1) → ReLU → maxpool 2 → conv(8→16, 3×3, pad 1) → ReLU → maxpool 2 →
dense(784→10); batch 64 of 1×28×28; softmax cross-entropy; SGD.
"""
from ._train_step import gluon_sgd_step, torch_sgd_step
from .common import Workload

TITLE = "cnn — small CNN training step"
ABOUT = ("conv(1→8,3×3)-relu-pool-conv(8→16,3×3)-relu-pool-dense(10), batch 64×1×28×28, "
         "softmax cross-entropy, SGD: forward, backward and update per step.")

BATCH = 64
LR = 0.05


def mx_step(env):
    nn = env.mx.gluon.nn
    net = nn.Sequential()
    net.add(nn.Conv2D(8, 3, padding=1, in_channels=1, activation="relu"),
            nn.MaxPool2D(2),
            nn.Conv2D(16, 3, padding=1, in_channels=8, activation="relu"),
            nn.MaxPool2D(2),
            nn.Dense(10, in_units=16 * 7 * 7))
    return gluon_sgd_step(env, net, (BATCH, 1, 28, 28), 10, LR)


def np_step(env):
    import numpy as np
    from . import _np_nn as F
    rng = np.random.default_rng(0)
    f = np.float32
    w1 = rng.uniform(-0.07, 0.07, (8, 1, 3, 3)).astype(f)
    b1 = np.zeros(8, f)
    w2 = rng.uniform(-0.07, 0.07, (16, 8, 3, 3)).astype(f)
    b2 = np.zeros(16, f)
    w3 = rng.uniform(-0.07, 0.07, (10, 16 * 7 * 7)).astype(f)
    b3 = np.zeros(10, f)
    x = rng.random((BATCH, 1, 28, 28), dtype=f)
    y = np.arange(BATCH) % 10
    lr = f(LR / BATCH)

    def step():
        c1, k1 = F.conv2d_forward(x, w1, b1, 1)
        r1 = np.maximum(c1, 0)
        p1, kp1 = F.maxpool2_forward(r1)
        c2, k2 = F.conv2d_forward(p1, w2, b2, 1)
        r2 = np.maximum(c2, 0)
        p2, kp2 = F.maxpool2_forward(r2)
        flat = p2.reshape(BATCH, -1)
        logits = F.dense_forward(flat, w3, b3)
        _, d = F.softmax_ce(logits, y)
        dflat, dw3, db3 = F.dense_backward(d, flat, w3)
        d = F.maxpool2_backward(dflat.reshape(p2.shape), kp2) * (c2 > 0)
        d, dw2, db2 = F.conv2d_backward(d, w2, k2)
        d = F.maxpool2_backward(d, kp1) * (c1 > 0)
        _, dw1, db1 = F.conv2d_backward(d, w1, k1)
        F.sgd((w1, b1, w2, b2, w3, b3), (dw1, db1, dw2, db2, dw3, db3), lr)
    return step


def t_step(env):
    import torch
    nn = torch.nn
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    return torch_sgd_step(net, (BATCH, 1, 28, 28), 10, LR)


def workloads(cfg):
    return [
        Workload("cnn_step", "small CNN, batch 64×1×28×28, SGD step",
                 {"mx": mx_step, "numpy": np_step, "torch": t_step}, per_label="step",
                 notes={"numpy": "hand-written im2col forward/backward/update (the floor)"}),
    ]
