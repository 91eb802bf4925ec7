"""conv: one convolution layer and one pooling layer, forward and backward, plus peak memory.

Conv2D 16→32, 3×3, pad 1 on 32×16×32×32; backward computes the input gradient too (a layer in
the middle of a network) with a ones head gradient. Max pooling 2×2 on 32×32×32×32.
"""
from .common import Workload

TITLE = "conv — Conv2D and pooling layers"
ABOUT = ("Conv2D 16→32, 3×3, pad 1, input 32×16×32×32 (gradients for input, weight and bias); "
         "MaxPool 2×2 on 32×32×32×32. Peak RSS is the first step in a fresh process.")

N, C, H, W, O = 32, 16, 32, 32, 32


def _mx_conv(env):
    mx = env.mx
    conv = mx.gluon.nn.Conv2D(O, 3, padding=1, in_channels=C)
    conv.initialize(ctx=env.ctx)
    x = mx.nd.random.uniform(shape=(N, C, H, W), ctx=env.ctx)
    return mx, conv, x


def mx_conv_fwd(env):
    mx, conv, x = _mx_conv(env)
    return lambda: conv(x)


def mx_conv_fwd_bwd(env):
    mx, conv, x = _mx_conv(env)
    x.attach_grad()
    record = mx.autograd.record

    def step():
        with record():
            y = conv(x)
        y.backward()
    return step


def mx_pool_fwd_bwd(env):
    mx = env.mx
    pool = mx.gluon.nn.MaxPool2D(2)
    x = mx.nd.random.uniform(shape=(N, O, H, W), ctx=env.ctx)
    x.attach_grad()
    record = mx.autograd.record

    def step():
        with record():
            y = pool(x)
        y.backward()
    return step


def _np_conv():
    import numpy as np
    rng = np.random.default_rng(0)
    f = np.float32
    w = rng.uniform(-0.07, 0.07, (O, C, 3, 3)).astype(f)
    b = np.zeros(O, f)
    x = rng.random((N, C, H, W), dtype=f)
    return w, b, x


def np_conv_fwd(env):
    from . import _np_nn as F
    w, b, x = _np_conv()
    return lambda: F.conv2d_forward(x, w, b, 1)[0]


def np_conv_fwd_bwd(env):
    import numpy as np
    from . import _np_nn as F
    w, b, x = _np_conv()

    def step():
        y, cache = F.conv2d_forward(x, w, b, 1)
        return F.conv2d_backward(np.ones_like(y), w, cache)
    return step


def np_pool_fwd_bwd(env):
    import numpy as np
    from . import _np_nn as F
    x = np.random.default_rng(0).random((N, O, H, W), dtype=np.float32)

    def step():
        y, cache = F.maxpool2_forward(x)
        return F.maxpool2_backward(np.ones_like(y), cache)
    return step


def _t_conv():
    import torch
    torch.manual_seed(0)
    return torch, torch.nn.Conv2d(C, O, 3, padding=1), torch.rand(N, C, H, W)


def t_conv_fwd(env):
    torch, conv, x = _t_conv()

    def step():
        with torch.no_grad():
            return conv(x)
    return step


def t_conv_fwd_bwd(env):
    torch, conv, x = _t_conv()
    x.requires_grad_(True)

    def step():
        x.grad = None                      # MXNet's grad_req='write': no accumulation
        conv.zero_grad(set_to_none=True)
        y = conv(x)
        y.backward(torch.ones_like(y))
    return step


def t_pool_fwd_bwd(env):
    import torch
    torch.manual_seed(0)
    x = torch.rand(N, O, H, W, requires_grad=True)
    pool = torch.nn.MaxPool2d(2)

    def step():
        x.grad = None
        y = pool(x)
        y.backward(torch.ones_like(y))
    return step


def workloads(cfg):
    return [
        Workload("conv_fwd", "Conv2D 16→32 3×3, 32×16×32×32, forward",
                 {"mx": mx_conv_fwd, "numpy": np_conv_fwd, "torch": t_conv_fwd},
                 per_label="step"),
        Workload("conv_fwd_bwd", "Conv2D 16→32 3×3, 32×16×32×32, forward+backward",
                 {"mx": mx_conv_fwd_bwd, "numpy": np_conv_fwd_bwd, "torch": t_conv_fwd_bwd},
                 per_label="step", memory=True,
                 notes={"numpy": "im2col (strided view) + tensordot, hand-written backward"}),
        Workload("pool_fwd_bwd", "MaxPool 2×2, 32×32×32×32, forward+backward",
                 {"mx": mx_pool_fwd_bwd, "numpy": np_pool_fwd_bwd, "torch": t_pool_fwd_bwd},
                 per_label="step"),
    ]
