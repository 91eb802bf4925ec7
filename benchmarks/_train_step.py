"""The SGD training step the mlp and cnn areas time, for Gluon (ndx and MXNet) and for PyTorch.

Each builder takes the area's network and returns the step: forward with softmax cross-entropy,
backward and one SGD update on a fixed random batch of ``x_shape`` with labels ``i % classes``.
Initializing the network and making the batch, trainer and loss is set-up, not timed.
"""


def gluon_sgd_step(env, net, x_shape, classes, lr):
    """The step for a Gluon ``net`` built with ``env.mx``, initialized here on ``env.ctx``."""
    mx = env.mx
    batch = x_shape[0]
    net.initialize(ctx=env.ctx)
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr})
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    x = mx.nd.random.uniform(shape=x_shape, ctx=env.ctx)
    y = mx.nd.array([i % classes for i in range(batch)], ctx=env.ctx)
    record = mx.autograd.record

    def step():
        with record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(batch)
    return step


def torch_sgd_step(net, x_shape, classes, lr):
    """The step for a torch ``net``; the batch comes from torch's generator as the caller seeded it.

    Gluon's loss is per-sample and Trainer.step(batch) divides by the batch: the same as torch's mean.
    """
    import torch
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    x = torch.rand(*x_shape)
    y = torch.arange(x_shape[0]) % classes

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
    return step
