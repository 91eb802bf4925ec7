"""model_zoo: inference forward of two model-zoo networks on one 3×224×224 image.

ndx and MXNet build the networks with ``gluon.model_zoo.vision.get_model(name)`` (random init, no
download) and run them imperatively (not hybridized) outside ``autograd.record`` — inference mode.
PyTorch runs the same architectures in ``eval()`` under ``no_grad``: torchvision's resnet18 where
torchvision imports, otherwise an equivalent plain-torch ResNet-18 (basic blocks [2, 2, 2, 2]);
MobileNet v1 has no torchvision model, so it is always the plain-torch definition below.
"""
from .common import Workload

TITLE = "model_zoo — inference forward, batch 1×3×224×224"
ABOUT = ("Random weights, inference mode, imperative (no hybridize); PyTorch in eval() under "
         "no_grad.")


def _mx_model(name):
    def impl(env):
        mx = env.mx
        net = mx.gluon.model_zoo.vision.get_model(name)
        net.initialize(ctx=env.ctx)
        x = mx.nd.random.uniform(shape=(1, 3, 224, 224), ctx=env.ctx)
        return lambda: net(x)
    return impl


def _mx_imported(name):
    """The same network exported to ``-symbol.json`` + ``.params`` and run through
    ``SymbolBlock.imports`` (what a user with an old MXNet export does)."""
    def impl(env):
        import os
        import tempfile
        mx = env.mx
        net = mx.gluon.model_zoo.vision.get_model(name)
        net.initialize(ctx=env.ctx)
        x = mx.nd.random.uniform(shape=(1, 3, 224, 224), ctx=env.ctx)
        net.hybridize()
        net(x)
        prefix = os.path.join(tempfile.mkdtemp(prefix="ndx-bench-export-"), name)
        net.export(prefix)
        imported = mx.gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data"], prefix + "-0000.params",
                                                ctx=env.ctx)
        return lambda: imported(x)
    return impl


def _t_resnet18():
    import torch
    from torch import nn

    class Basic(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

        def forward(self, x):
            y = torch.relu(self.b1(self.c1(x)))
            y = self.b2(self.c2(y))
            return torch.relu(y + (x if self.down is None else self.down(x)))

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Basic(cin, cout, stride), Basic(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


def _t_mobilenet1_0():
    from torch import nn

    def cbr(cin, cout, k, s, groups=1):
        return [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False),
                nn.BatchNorm2d(cout), nn.ReLU()]

    dw = [32, 64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024]
    ch = [64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024] * 2
    strides = [1, 2] * 3 + [1] * 5 + [2, 1]
    layers = cbr(3, 32, 3, 2)
    for d, c, s in zip(dw, ch, strides):
        layers += cbr(d, d, 3, s, groups=d) + cbr(d, c, 1, 1)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1024, 1000)]
    return nn.Sequential(*layers)


def _t_forward(net):
    import torch
    net.eval()
    x = torch.rand(1, 3, 224, 224)

    def step():
        with torch.no_grad():
            return net(x)
    return step


def t_resnet18(env):
    import torch
    torch.manual_seed(0)
    try:
        import torchvision
        net = torchvision.models.resnet18(weights=None)
        env.info["impl"] = "torchvision %s resnet18" % torchvision.__version__
    except Exception as exc:  # noqa: BLE001 - torchvision is optional and may not load
        net = _t_resnet18()
        env.info["impl"] = "plain-torch ResNet-18 (torchvision: %s)" % type(exc).__name__
    return _t_forward(net)


def t_mobilenet(env):
    import torch
    torch.manual_seed(0)
    env.info["impl"] = "plain-torch MobileNet v1 1.0"
    return _t_forward(_t_mobilenet1_0())


def workloads(cfg):
    return [
        Workload("resnet18_v1", "resnet18_v1 forward",
                 {"mx": _mx_model("resnet18_v1"), "torch": t_resnet18}, per_label="image",
                 notes={"torch": "torchvision resnet18, or the same net in plain torch"}),
        Workload("resnet18_v1_imported", "resnet18_v1 forward, imported export (SymbolBlock)",
                 {"mx": _mx_imported("resnet18_v1"), "torch": t_resnet18}, per_label="image",
                 notes={"mx": "net.export() then gluon.SymbolBlock.imports(); compare with the row above",
                        "torch": "torchvision resnet18, or the same net in plain torch"}),
        Workload("mobilenet1_0", "mobilenet1.0 forward",
                 {"mx": _mx_model("mobilenet1.0"), "torch": t_mobilenet}, per_label="image",
                 notes={"torch": "MobileNet v1 1.0 written in plain torch"}),
    ]
