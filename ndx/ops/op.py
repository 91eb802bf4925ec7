"""The op protocol: each op's forward and backward side by side, written against ``xp``.

``forward(xp, *inputs, **attrs)`` takes backend arrays and returns the output array (or a tuple for
multi-output ops; with ``saves=True`` it returns ``(output, saved)``). ``backward(xp, grad, inputs,
output, saved, **attrs)`` returns one gradient per input (``None`` where an input gets none).
``backward=None`` marks an op as not differentiable (its outputs are constants to autograd).
An op created with ``masked=True`` also receives ``needs``: one bool per input telling whether that
input takes part in the graph, so expensive gradients nobody uses (a first layer's input) are skipped.

Ops know nothing of NDArray or contexts: ``ndx.ndarray.dispatch.invoke`` unwraps inputs, picks
``xp`` from the context's backend, runs ``forward`` and records the node when autograd is on.
"""

import warnings

__all__ = ["Op", "unbroadcast"]

# MXNet's kernels produce IEEE results (inf, nan) silently; numpy would warn about overflow, division
# by zero and invalid values from the op code that called it. Only warnings raised in ndx.ops are muted.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ndx\.ops\.")


class Op:
    """A named forward/backward pair."""

    __slots__ = ("name", "forward", "backward", "saves", "multi_output", "masked")

    def __init__(self, name, forward, backward=None, saves=False, multi_output=False, masked=False):
        self.name = name
        self.forward = forward
        self.backward = backward
        self.saves = saves
        self.multi_output = multi_output
        self.masked = masked

    def __repr__(self):
        return f"<Op {self.name}>"


def unbroadcast(xp, grad, shape):
    """Sum ``grad`` down to ``shape``, undoing numpy broadcasting."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)
