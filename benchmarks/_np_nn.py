"""Hand-written numpy forward/backward for the training-step references (the CPU floor).

Only what the mlp/cnn/conv areas need: dense, ReLU, 2-D convolution (im2col view + tensordot,
the formulation anchors.md §3e calls the most predictable), 2×2 max pooling and softmax
cross-entropy. Imported inside the numpy implementations only.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided


def _windows(x, kh, kw):
    """(N, C, kh, kw, Ho, Wo) strided view of the (already padded) input."""
    n, c, h, w = x.shape
    s = x.strides
    return as_strided(x, (n, c, kh, kw, h - kh + 1, w - kw + 1),
                      (s[0], s[1], s[2], s[3], s[2], s[3]), writeable=False)


def conv2d_forward(x, w, b, pad):
    """x (N,C,H,W), w (O,C,kh,kw), b (O,), stride 1 -> y (N,O,Ho,Wo) and the cache for backward."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    cols = _windows(xp, w.shape[2], w.shape[3])
    y = np.tensordot(cols, w, axes=([1, 2, 3], [1, 2, 3]))        # (N, Ho, Wo, O)
    y += b
    return np.ascontiguousarray(y.transpose(0, 3, 1, 2)), (xp.shape, cols, pad)


def conv2d_backward(dy, w, cache):
    xp_shape, cols, pad = cache
    kh, kw = w.shape[2], w.shape[3]
    dw = np.tensordot(dy, cols, axes=([0, 2, 3], [0, 4, 5]))      # (O, C, kh, kw)
    db = dy.sum(axis=(0, 2, 3))
    dcols = np.tensordot(w, dy, axes=([0], [1]))                   # (C, kh, kw, N, Ho, Wo)
    dxp = np.zeros(xp_shape, dtype=dy.dtype)
    ho, wo = dy.shape[2], dy.shape[3]
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i:i + ho, j:j + wo] += dcols[:, i, j].transpose(1, 0, 2, 3)
    dx = dxp[:, :, pad:xp_shape[2] - pad, pad:xp_shape[3] - pad] if pad else dxp
    return dx, dw, db


def maxpool2_forward(x):
    n, c, h, w = x.shape
    xr = x.reshape(n, c, h // 2, 2, w // 2, 2)
    y = xr.max(axis=(3, 5))
    return y, (xr, y)


def maxpool2_backward(dy, cache):
    xr, y = cache
    mask = xr == y[:, :, :, None, :, None]
    dx = mask * dy[:, :, :, None, :, None]
    n, c, h2, _, w2, _ = xr.shape
    return dx.reshape(n, c, h2 * 2, w2 * 2)


def dense_forward(x, w, b):
    return x @ w.T + b


def dense_backward(dy, x, w):
    return dy @ w, dy.T @ x, dy.sum(axis=0)


def softmax_ce(logits, labels):
    """Mean-free (per-sample, like Gluon's SoftmaxCrossEntropyLoss) loss and d(sum loss)/dlogits."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    idx = np.arange(len(labels))
    loss = -np.log(p[idx, labels] + 1e-12)
    p[idx, labels] -= 1.0
    return loss, p


def sgd(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g
