"""Train a small MLP on a generated 3-class spiral dataset with Gluon (no download needed).

    python examples/train_mlp.py            # ~2 s on a laptop CPU; reaches >= 95% training accuracy

Shows the whole MXNet-style loop: ArrayDataset + DataLoader, nn.Sequential of Dense layers,
SoftmaxCrossEntropyLoss, Trainer('adam'), autograd.record/backward, metric.Accuracy, and saving and
reloading the trained parameters (the loop, evaluation and reload check are in _training.py, shared with
train_cnn.py).
"""
import os
import sys

import numpy as np

import ndx as mx
from ndx import gluon, nd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # _training.py sits beside this script
import _training  # noqa: E402


def make_spirals(samples_per_class=100, classes=3, noise=0.2, seed=0):
    """Interleaved 2-D spirals: a task a linear model cannot solve."""
    rng = np.random.RandomState(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.0, 1, samples_per_class)
        t = np.linspace(c * 4, (c + 1) * 4, samples_per_class) + rng.randn(samples_per_class) * noise
        xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys.append(np.full(samples_per_class, c))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)


def build_net(classes=3):
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Dense(64, activation="relu"), gluon.nn.Dense(64, activation="relu"), gluon.nn.Dense(classes))
    return net


def train(epochs=60, samples_per_class=100, batch_size=32, lr=0.01, ctx=None, seed=0, verbose=True):
    """Train on the spirals; returns (net, training accuracy)."""
    ctx = ctx or mx.cpu()
    np.random.seed(seed)
    mx.random.seed(seed)
    X, y = make_spirals(samples_per_class, seed=seed)
    dataset = gluon.data.ArrayDataset(X, y)
    train_loader = gluon.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
    eval_loader = gluon.data.DataLoader(dataset, batch_size=256)
    net = build_net()
    net.initialize(mx.init.Xavier(), ctx=ctx)
    acc = _training.fit(net, train_loader, eval_loader, epochs, lr, ctx, log_every=10 if verbose else 0)
    return net, acc


def save_and_reload(net, ctx=None):
    """Save the parameters, load them into a fresh network, and check both predict the same."""
    ctx = ctx or mx.cpu()
    return _training.reload_and_compare(net, build_net, nd.array(make_spirals(5)[0], ctx=ctx), ctx, rtol=1e-6)


def main():
    _training.run_cli(__doc__, train, save_and_reload, epochs=60, accuracy_label="training accuracy")


if __name__ == "__main__":
    main()
