"""The CNN example (Conv2D/BatchNorm/MaxPool2D) learns its generated stripe images (a short run)."""


def test_cnn_example_learns(ctx, load_example):
    net, acc = load_example("train_cnn").train(epochs=2, n_train=192, n_test=60, ctx=ctx, verbose=False)
    assert acc >= 0.9


def test_cnn_example_save_and_reload(ctx, load_example):
    example = load_example("train_cnn")
    net, _ = example.train(epochs=1, n_train=32, n_test=8, ctx=ctx, verbose=False)
    example.save_and_reload(net, ctx)
