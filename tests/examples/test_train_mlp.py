"""The MLP example trains to high accuracy on its generated spirals (a short run)."""
import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_mlp.py"


def _load():
    spec = importlib.util.spec_from_file_location("train_mlp", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mlp_example_converges(ctx):
    example = _load()
    net, acc = example.train(epochs=15, samples_per_class=60, ctx=ctx, verbose=False)
    assert acc >= 0.9


def test_mlp_example_save_and_reload(ctx):
    example = _load()
    net, _ = example.train(epochs=1, samples_per_class=10, ctx=ctx, verbose=False)
    example.save_and_reload(net, ctx)
