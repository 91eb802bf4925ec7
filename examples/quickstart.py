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
