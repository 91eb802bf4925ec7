"""Train a small MLP on a generated 3-class spiral dataset with Gluon (no download needed).

    python examples/train_mlp.py            # ~2 s on a laptop CPU; reaches >= 95% training accuracy

Shows the whole MXNet-style loop: ArrayDataset + DataLoader, nn.Sequential of Dense layers,
SoftmaxCrossEntropyLoss, Trainer('adam'), autograd.record/backward, metric.Accuracy, and saving and
reloading the trained parameters.
"""
import argparse
import os
import tempfile

import numpy as np

import ndx as mx
from ndx import autograd, gluon, nd


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


def evaluate(net, loader, ctx):
    metric = mx.metric.Accuracy()
    for x, y in loader:
        metric.update([y.as_in_context(ctx)], [net(x.as_in_context(ctx))])
    return metric.get()[1]


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
        if verbose and (epoch + 1) % 10 == 0:
            print(f"epoch {epoch + 1}: loss {total / len(dataset):.4f}, "
                  f"accuracy {evaluate(net, eval_loader, ctx):.3f}")
    return net, evaluate(net, eval_loader, ctx)


def save_and_reload(net, ctx=None):
    """Save the parameters, load them into a fresh network, and check both predict the same."""
    ctx = ctx or mx.cpu()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mlp.params")
        net.save_parameters(path)
        net2 = build_net()
        net2.load_parameters(path, ctx=ctx)
    x = nd.array(make_spirals(5)[0], ctx=ctx)
    np.testing.assert_allclose(net(x).asnumpy(), net2(x).asnumpy(), rtol=1e-6)
    return net2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--gpu", action="store_true", help="train on gpu(0) (needs CuPy)")
    args = parser.parse_args()
    ctx = mx.gpu(0) if args.gpu else mx.cpu()
    net, acc = train(epochs=args.epochs, ctx=ctx)
    print(f"final training accuracy: {acc:.3f}")
    save_and_reload(net, ctx)
    print("parameters saved and reloaded: predictions identical")


if __name__ == "__main__":
    main()
