"""The MLP example trains to high accuracy on its generated spirals (a short run)."""


def test_mlp_example_converges(ctx, load_example):
    example = load_example("train_mlp")
    net, acc = example.train(epochs=15, samples_per_class=60, ctx=ctx, verbose=False)
    assert acc >= 0.9


def test_mlp_example_save_and_reload(ctx, load_example):
    example = load_example("train_mlp")
    net, _ = example.train(epochs=1, samples_per_class=10, ctx=ctx, verbose=False)
    example.save_and_reload(net, ctx)
