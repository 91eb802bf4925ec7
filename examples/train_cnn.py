"""Train a small CNN to classify generated 12x12 stripe images (horizontal / vertical / diagonal).

    python examples/train_cnn.py        # reaches >= 95% accuracy on held-out images in a few epochs

Uses nn.Conv2D, nn.BatchNorm, nn.MaxPool2D and nn.Dense in a HybridSequential, the Adam Trainer,
metric.Accuracy on a held-out split, and saves/reloads the trained parameters (the loop, evaluation and
reload check are in _training.py, shared with train_mlp.py).
"""
import os
import sys

import numpy as np

import ndx as mx
from ndx import gluon, nd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # _training.py sits beside this script
import _training  # noqa: E402

SIZE = 12


def make_stripes(n, seed=0, noise=0.3):
    """n images (N, 1, 12, 12) of random-phase stripes in one of three orientations, plus noise."""
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    labels = rng.randint(0, 3, n)
    images = np.empty((n, 1, SIZE, SIZE), np.float32)
    for i, c in enumerate(labels):
        coord = (yy, xx, xx + yy)[c]
        period = rng.randint(3, 5)
        images[i, 0] = ((coord + rng.randint(period)) % period < period // 2 + 1).astype(np.float32)
    images += rng.normal(0, noise, images.shape).astype(np.float32)
    return images, labels.astype(np.float32)


def build_net():
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Conv2D(8, kernel_size=3, padding=1), gluon.nn.BatchNorm(), gluon.nn.Activation("relu"),
            gluon.nn.MaxPool2D(pool_size=2),
            gluon.nn.Conv2D(16, kernel_size=3, padding=1), gluon.nn.BatchNorm(), gluon.nn.Activation("relu"),
            gluon.nn.MaxPool2D(pool_size=2),
            gluon.nn.Dense(32, activation="relu"), gluon.nn.Dense(3))
    return net


def train(epochs=4, n_train=600, n_test=200, batch_size=32, lr=0.01, ctx=None, seed=0, verbose=True):
    """Train on generated stripes; returns (net, held-out accuracy)."""
    ctx = ctx or mx.cpu()
    np.random.seed(seed)
    mx.random.seed(seed)
    train_data = gluon.data.ArrayDataset(*make_stripes(n_train, seed))
    test_data = gluon.data.ArrayDataset(*make_stripes(n_test, seed + 1))
    train_loader = gluon.data.DataLoader(train_data, batch_size=batch_size, shuffle=True)
    test_loader = gluon.data.DataLoader(test_data, batch_size=100)
    net = build_net()
    net.initialize(mx.init.Xavier(), ctx=ctx)
    net.hybridize()
    acc = _training.fit(net, train_loader, test_loader, epochs, lr, ctx, log_every=1 if verbose else 0,
                        accuracy_label="held-out accuracy")
    return net, acc


def save_and_reload(net, ctx=None):
    """Save the parameters, load them into a fresh network, and check both predict the same."""
    ctx = ctx or mx.cpu()
    x = nd.array(make_stripes(8, seed=99)[0], ctx=ctx)
    return _training.reload_and_compare(net, build_net, x, ctx, rtol=1e-5, atol=1e-6)


def main():
    _training.run_cli(__doc__, train, save_and_reload, epochs=4, accuracy_label="held-out accuracy")


if __name__ == "__main__":
    main()
