"""Train a small CNN to classify generated 12x12 stripe images (horizontal / vertical / diagonal).

    python examples/train_cnn.py        # reaches >= 95% accuracy on held-out images in a few epochs

Uses nn.Conv2D, nn.BatchNorm, nn.MaxPool2D and nn.Dense in a HybridSequential, the Adam Trainer,
metric.Accuracy on a held-out split, and saves/reloads the trained parameters.
"""
import argparse
import os
import tempfile

import numpy as np

import ndx as mx
from ndx import autograd, gluon, nd

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


def evaluate(net, loader, ctx):
    metric = mx.metric.Accuracy()
    for x, y in loader:
        metric.update([y.as_in_context(ctx)], [net(x.as_in_context(ctx))])
    return metric.get()[1]


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
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": lr})
    for epoch in range(epochs):
        total = 0.0
        for xb, yb in train_loader:
            xb, yb = xb.as_in_context(ctx), yb.as_in_context(ctx)
            with autograd.record():
                loss = loss_fn(net(xb), yb)
            loss.backward()
            trainer.step(xb.shape[0])
            total += loss.sum().asscalar()
        if verbose:
            print(f"epoch {epoch + 1}: loss {total / len(train_data):.4f}, "
                  f"held-out accuracy {evaluate(net, test_loader, ctx):.3f}")
    return net, evaluate(net, test_loader, ctx)


def save_and_reload(net, ctx=None):
    """Save the parameters, load them into a fresh network, and check both predict the same."""
    ctx = ctx or mx.cpu()
    x = nd.array(make_stripes(8, seed=99)[0], ctx=ctx)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cnn.params")
        net.save_parameters(path)
        net2 = build_net()
        net2.load_parameters(path, ctx=ctx)
    np.testing.assert_allclose(net(x).asnumpy(), net2(x).asnumpy(), rtol=1e-5, atol=1e-6)
    return net2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--gpu", action="store_true", help="train on gpu(0) (needs CuPy)")
    args = parser.parse_args()
    ctx = mx.gpu(0) if args.gpu else mx.cpu()
    net, acc = train(epochs=args.epochs, ctx=ctx)
    print(f"final held-out accuracy: {acc:.3f}")
    save_and_reload(net, ctx)
    print("parameters saved and reloaded: predictions identical")


if __name__ == "__main__":
    main()
