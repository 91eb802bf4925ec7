"""The CNN example (Conv2D/BatchNorm/MaxPool2D) learns its generated stripe images (a short run)."""
import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_cnn.py"


def _load():
    spec = importlib.util.spec_from_file_location("train_cnn", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cnn_example_learns(ctx):
    net, acc = _load().train(epochs=2, n_train=192, n_test=60, ctx=ctx, verbose=False)
    assert acc >= 0.9


def test_cnn_example_save_and_reload(ctx):
    example = _load()
    net, _ = example.train(epochs=1, n_train=32, n_test=8, ctx=ctx, verbose=False)
    example.save_and_reload(net, ctx)
