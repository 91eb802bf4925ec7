"""The Gluon training loop, evaluation, save/reload check and command line the example scripts share.

The scripts (train_mlp.py, train_cnn.py) import this module from their own folder; each keeps its data,
network and settings.
"""
import argparse
import os
import tempfile

import numpy as np

import ndx as mx
from ndx import autograd, gluon


def evaluate(net, loader, ctx):
    """Classification accuracy of ``net`` over ``loader``."""
    metric = mx.metric.Accuracy()
    for x, y in loader:
        metric.update([y.as_in_context(ctx)], [net(x.as_in_context(ctx))])
    return metric.get()[1]


def fit(net, train_loader, eval_loader, epochs, lr, ctx, log_every=0, accuracy_label="accuracy"):
    """Adam on softmax cross-entropy, ``epochs`` passes over ``train_loader``; every ``log_every`` epochs
    (0: never) prints the mean loss and the accuracy on ``eval_loader``. Returns that final accuracy."""
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": lr})
    for epoch in range(1, epochs + 1):
        total, count = 0.0, 0
        for xb, yb in train_loader:
            xb, yb = xb.as_in_context(ctx), yb.as_in_context(ctx)
            with autograd.record():
                loss = loss_fn(net(xb), yb)
            loss.backward()
            trainer.step(xb.shape[0])
            total += loss.sum().asscalar()
            count += xb.shape[0]
        if log_every and epoch % log_every == 0:
            print(f"epoch {epoch}: loss {total / count:.4f}, "
                  f"{accuracy_label} {evaluate(net, eval_loader, ctx):.3f}")
    return evaluate(net, eval_loader, ctx)


def reload_and_compare(net, build_net, x, ctx, **tolerances):
    """Save ``net``'s parameters, load them into a fresh ``build_net()`` and check both predict the same
    on ``x`` (``tolerances`` go to ``assert_allclose``); returns the reloaded network."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "example.params")
        net.save_parameters(path)
        net2 = build_net()
        net2.load_parameters(path, ctx=ctx)
    np.testing.assert_allclose(net(x).asnumpy(), net2(x).asnumpy(), **tolerances)
    return net2


def run_cli(doc, train, save_and_reload, epochs, accuracy_label):
    """The scripts' command line (``--epochs``, ``--gpu``): train, print the final accuracy, check a
    save/reload round trip."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--gpu", action="store_true", help="train on gpu(0) (needs CuPy)")
    args = parser.parse_args()
    ctx = mx.gpu(0) if args.gpu else mx.cpu()
    net, acc = train(epochs=args.epochs, ctx=ctx)
    print(f"final {accuracy_label}: {acc:.3f}")
    save_and_reload(net, ctx)
    print("parameters saved and reloaded: predictions identical")
