"""A two-minute tour of ndx: contexts, NDArray and autograd, written exactly as MXNet 1.x code.

Run: python examples/quickstart.py
"""
import ndx as mx
from ndx import autograd, nd


def section(title):
    print(f"\n=== {title} " + "=" * (60 - len(title)))


section("Contexts")
print("default context:", mx.current_context())
print("GPUs visible:   ", mx.num_gpus())
ctx = mx.gpu(0) if mx.num_gpus() else mx.cpu(0)
print("running on:     ", ctx)

section("NDArray")
x = nd.array([[1, 2, 3], [4, 5, 6]], ctx=ctx)
print("x =", x)
print("dtype:", x.dtype.__name__, " shape:", x.shape)
print("x * 2 + 1 =", x * 2 + 1)
print("broadcast x + [10, 20, 30] =", x + nd.array([10, 20, 30], ctx=ctx))
print("full sum has shape (1,):", x.sum())
print("softmax over rows:", nd.softmax(x))
print("reshape((-3,)) =", x.reshape((-3,)))
print("x[1] is a view:", x[1])

section("Random numbers")
mx.random.seed(0)
w = nd.random.normal(0, 0.1, shape=(3, 1), ctx=ctx)
print("w =", w)

section("Autograd: fit y = 2*x0 - x1 + 0.5*x2 with gradient descent")
true_w = nd.array([[2.0], [-1.0], [0.5]], ctx=ctx)
data = nd.random.uniform(-1, 1, shape=(64, 3), ctx=ctx)
label = nd.dot(data, true_w)
w.attach_grad()
for step in range(41):
    with autograd.record():
        loss = ((nd.dot(data, w) - label) ** 2).mean()
    loss.backward()
    w[:] = w - 0.3 * w.grad
    if step % 10 == 0:
        print(f"step {step:3d}  loss {loss.asscalar():.6f}")
print("learned w:", w.reshape((-1,)))
print("true w:   ", true_w.reshape((-1,)))

section("Gluon: a network with deferred initialization")
from ndx import gluon  # noqa: E402
from ndx.gluon import nn  # noqa: E402
import numpy as np  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402


def build():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(32, activation="relu"), nn.Dense(32, activation="relu"), nn.Dense(3))
    return net


net = build()
net.initialize(mx.init.Xavier(), ctx=ctx)
print(net)                                  # input sizes unknown until the first batch: Dense(None -> 32, ...)

section("Training: three Gaussian blobs, Adam, 6 epochs")
rng = np.random.RandomState(0)
centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]], dtype=np.float32)
labels = rng.randint(0, 3, size=600)
points = centers[labels] + rng.randn(600, 2).astype(np.float32) * 0.7
dataset = gluon.data.ArrayDataset(points, labels.astype(np.float32))
loader = gluon.data.DataLoader(dataset, batch_size=50, shuffle=True)
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
for epoch in range(6):
    metric, total = mx.metric.Accuracy(), 0.0
    for x, y in loader:
        x, y = x.as_in_context(ctx), y.as_in_context(ctx)
        with autograd.record():
            out = net(x)
            loss = loss_fn(out, y)
        loss.backward()
        trainer.step(x.shape[0])
        metric.update([y], [out])
        total += loss.sum().asscalar()
    print(f"epoch {epoch}  loss {total / len(dataset):.4f}  {metric.get()[0]} {metric.get()[1]:.3f}")
print(net)                                  # shapes are known now: Dense(2 -> 32, Activation(relu))

section("Checkpoints: MXNet .params and safetensors, reloaded")
workdir = tempfile.mkdtemp(prefix="ndx-quickstart-")
probe = nd.array(points[:5], ctx=ctx)
expected = net(probe)
for name in ("mlp.params", "mlp.safetensors"):
    path = os.path.join(workdir, name)
    net.save_parameters(path)               # structural keys: 0.weight, 0.bias, ...
    fresh = build()                         # no initialize(): shapes and values come from the file
    fresh.load_parameters(path, ctx=ctx)
    same = (fresh(probe) - expected).abs().max().asscalar() == 0
    print(f"{name:16s} {os.path.getsize(path):6d} bytes  reloaded predictions identical: {same}")
print("keys:", list(nd.load(os.path.join(workdir, "mlp.params"))))

section("Converting: MXNet .params -> safetensors with PyTorch naming")
from ndx.formats import convert, diff  # noqa: E402  (the same functions as `ndx convert` / `ndx diff`)

src = os.path.join(workdir, "mlp.params")
dst = os.path.join(workdir, "mlp-torch.safetensors")
result = convert(src, dst, preset="mxnet-to-torch", force=True)
print(f"converted {len(result.keys)} arrays -> {os.path.basename(dst)}")
print("same values as the .params file:", diff(src, dst).equal)
print(f"files are in {workdir}  (shell: ndx inspect {dst})")
