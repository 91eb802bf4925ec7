"""MXNet 1.9.1 model-zoo reference: architectures (param names/shapes/order, prefixes,
reprs) for every vision constructor, plus saved random weights + input/output for a few
small nets. Writes tests/data/model_zoo/.

    .venv-mxnet/bin/python tools/mxnet_reference/gen_model_zoo.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402  (sets threading env before mxnet import)

mx = C.import_mxnet()
np = C.np
from mxnet.gluon.model_zoo import vision  # noqa: E402

OUT = C.out_dir("model_zoo")
WEIGHTS = C.out_dir("model_zoo", "weights")

# constructor -> input spatial size (smallest "round" size the net accepts)
SIZES = {"alexnet": 64, "inception_v3": 299}
for n in ["densenet121", "densenet161", "densenet169", "densenet201", "squeezenet1_0", "squeezenet1_1"]:
    SIZES[n] = 224
CONSTRUCTORS = (
    ["alexnet"]
    + ["vgg%d%s" % (d, s) for d in (11, 13, 16, 19) for s in ("", "_bn")]
    + ["resnet%d_v%d" % (d, v) for v in (1, 2) for d in (18, 34, 50, 101, 152)]
    + ["densenet121", "densenet161", "densenet169", "densenet201"]
    + ["squeezenet1_0", "squeezenet1_1", "inception_v3"]
    + ["mobilenet1_0", "mobilenet0_75", "mobilenet0_5", "mobilenet0_25"]
    + ["mobilenet_v2_1_0", "mobilenet_v2_0_75", "mobilenet_v2_0_5", "mobilenet_v2_0_25"]
)
# (entry id, constructor, kwargs) built with non-default classes as well
EXTRA = [
    ("resnet18_v1_classes10", "resnet18_v1", {"classes": 10}),
    ("mobilenet0_25_classes10", "mobilenet0_25", {"classes": 10}),
    ("mobilenet_v2_0_25_classes10", "mobilenet_v2_0_25", {"classes": 10}),
    ("squeezenet1_1_classes10", "squeezenet1_1", {"classes": 10}),
    ("alexnet_classes10", "alexnet", {"classes": 10}),
]
REPR_FOR = {"alexnet", "squeezenet1_1", "mobilenet0_25", "resnet18_v1", "mobilenet_v2_0_25",
            "resnet18_v2", "vgg11_bn"}

# get_model names -> constructor (verified below by comparing prefix and parameter names)
GET_MODEL = {
    "alexnet": "alexnet", "inceptionv3": "inception_v3",
    "squeezenet1.0": "squeezenet1_0", "squeezenet1.1": "squeezenet1_1",
    "mobilenet1.0": "mobilenet1_0", "mobilenet0.75": "mobilenet0_75",
    "mobilenet0.5": "mobilenet0_5", "mobilenet0.25": "mobilenet0_25",
    "mobilenetv2_1.0": "mobilenet_v2_1_0", "mobilenetv2_0.75": "mobilenet_v2_0_75",
    "mobilenetv2_0.5": "mobilenet_v2_0_5", "mobilenetv2_0.25": "mobilenet_v2_0_25",
}
for d in (121, 161, 169, 201):
    GET_MODEL["densenet%d" % d] = "densenet%d" % d
for d in (11, 13, 16, 19):
    GET_MODEL["vgg%d" % d] = "vgg%d" % d
    GET_MODEL["vgg%d_bn" % d] = "vgg%d_bn" % d
for v in (1, 2):
    for d in (18, 34, 50, 101, 152):
        GET_MODEL["resnet%d_v%d" % (d, v)] = "resnet%d_v%d" % (d, v)


def build(ctor, kwargs):
    with mx.name.NameManager():
        return getattr(vision, ctor)(pretrained=False, **kwargs)


def describe(net):
    params = []
    for key, p in net._collect_params_with_prefix().items():
        params.append([key, p.name, list(p.shape), C.dtype_name(p.dtype)])
    return params


def arch_entry(entry_id, ctor_name, kwargs, net, size):
    mx.random.seed(0)
    net.initialize()
    x = mx.nd.zeros((1, 3, size, size))
    y = net(x)
    params = describe(net)
    by_key = [p[1] for p in params]
    collect = list(net.collect_params().keys())
    e = {
        "id": entry_id,
        "constructor": ctor_name,
        "kwargs": kwargs,
        "class": type(net).__name__,
        "prefix": net.prefix,
        "name": net.name,
        "input_shape": list(x.shape),
        "output_shape": list(y.shape),
        "num_params": len(params),
        "param_count": int(sum(int(np.prod(p[2])) for p in params)),
        "params": params,
        "collect_params_same_order": collect == by_key,
    }
    if collect != by_key:
        e["collect_params_order"] = collect
    # grad_req='null' params other than BatchNorm running_mean/running_var (those are always null)
    e["grad_req_null_extra"] = [p.name for p in net.collect_params().values() if p.grad_req == "null"
                                and not p.name.endswith(("running_mean", "running_var"))]
    if entry_id in REPR_FOR:
        e["repr"] = repr(net)
    return e


def fill_params(net, seed):
    """Deterministic numpy-drawn values for every parameter (He-normal weights,
    perturbed BatchNorm stats), so the saved file exercises every term."""
    r = C.rng(seed)
    for name, p in net.collect_params().items():
        shp = p.shape
        if name.endswith("running_var"):
            v = r.uniform(0.5, 1.5, shp)
        elif name.endswith("running_mean"):
            v = r.uniform(-0.2, 0.2, shp)
        elif name.endswith("gamma"):
            v = r.uniform(0.6, 1.4, shp)
        elif name.endswith("beta") or name.endswith("bias"):
            v = r.uniform(-0.1, 0.1, shp)
        else:
            fan_in = int(np.prod(shp[1:])) if len(shp) > 1 else 1
            v = r.normal(0.0, np.sqrt(2.0 / fan_in), shp)
        p.set_data(mx.nd.array(v.astype(np.float32)))


def tiny_nets():
    """Small instances of the zoo classes, built through their public constructors."""
    return [
        ("resnet_v1_tiny", "ResNetV1(BasicBlockV1, [1, 1, 1, 1], [8, 8, 16, 32, 64], classes=10)",
         lambda: vision.ResNetV1(vision.BasicBlockV1, [1, 1, 1, 1], [8, 8, 16, 32, 64], classes=10), 32),
        ("resnet_v1b_tiny_thumb", "ResNetV1(BottleneckV1, [1, 1], [8, 16, 32], classes=10, thumbnail=True)",
         lambda: vision.ResNetV1(vision.BottleneckV1, [1, 1], [8, 16, 32], classes=10, thumbnail=True), 16),
        ("resnet_v2_tiny", "ResNetV2(BasicBlockV2, [1, 1, 1, 1], [8, 8, 16, 32, 64], classes=10)",
         lambda: vision.ResNetV2(vision.BasicBlockV2, [1, 1, 1, 1], [8, 8, 16, 32, 64], classes=10), 32),
        ("resnet_v2b_tiny_thumb", "ResNetV2(BottleneckV2, [1, 1], [8, 16, 32], classes=10, thumbnail=True)",
         lambda: vision.ResNetV2(vision.BottleneckV2, [1, 1], [8, 16, 32], classes=10, thumbnail=True), 16),
        ("densenet_tiny", "DenseNet(8, 4, [2, 2], bn_size=2, classes=10)",
         lambda: vision.DenseNet(8, 4, [2, 2], bn_size=2, classes=10), 64),
    ]


def weighted_entries():
    """(id, description, builder, input size) for nets whose weights are stored."""
    return [
        ("mobilenet0_25_classes10", "mobilenet0_25(classes=10)",
         lambda: vision.mobilenet0_25(classes=10), 32),
        ("mobilenet_v2_0_25_classes10", "mobilenet_v2_0_25(classes=10)",
         lambda: vision.mobilenet_v2_0_25(classes=10), 32),
        ("squeezenet1_1_classes10", "squeezenet1_1(classes=10)",
         lambda: vision.squeezenet1_1(classes=10), 224),
    ] + tiny_nets()


def main():
    archs = []
    for name in CONSTRUCTORS:
        size = SIZES.get(name, 32)
        net = build(name, {})
        archs.append(arch_entry(name, name, {}, net, size))
        print("arch", name, archs[-1]["param_count"], file=sys.stderr)
    for eid, name, kw in EXTRA:
        net = build(name, kw)
        archs.append(arch_entry(eid, name, kw, net, SIZES.get(name, 32)))

    # get_model name -> constructor check (prefix + param names before shape inference)
    get_model = {}
    for gname, ctor in GET_MODEL.items():
        with mx.name.NameManager():
            a = vision.get_model(gname, pretrained=False)
        b = build(ctor, {})
        same = (a.prefix == b.prefix and list(a.collect_params().keys()) == list(b.collect_params().keys())
                and type(a) is type(b))
        assert same, gname
        get_model[gname] = ctor

    weights = []
    for i, (eid, desc, builder, size) in enumerate(weighted_entries()):
        with mx.name.NameManager():
            net = builder()
        net.initialize()
        x0 = mx.nd.zeros((1, 3, size, size))
        net(x0)
        fill_params(net, 1000 + i)
        r = C.rng(2000 + i)
        # multiples of 1/32 in [-2, 2): exact in float32 and compress well
        X = (r.randint(-64, 64, size=(1, 3, size, size)) / 32.0).astype(np.float32)
        Y = net(mx.nd.array(X)).asnumpy()
        pfile = "%s.params" % eid
        net.save_parameters(os.path.join(WEIGHTS, pfile))
        C.save_npz(os.path.join(WEIGHTS, "%s_io.npz" % eid), {"X": X, "Y": Y})
        weights.append({
            "id": eid,
            "build": desc,
            "prefix": net.prefix,
            "params_file": "weights/" + pfile,
            "io_file": "weights/%s_io.npz" % eid,
            "input_shape": list(X.shape),
            "output_shape": list(Y.shape),
            "params": describe(net),
            "param_count": int(sum(p.data().size for p in net.collect_params().values())),
            "repr": repr(net),
        })
        print("weights", eid, weights[-1]["param_count"], file=sys.stderr)

    doc = C.header(__file__)
    doc["notes"] = [
        "Every net built inside a fresh `with mx.name.NameManager():` so prefixes start at 0.",
        "params entries are [structural key from _collect_params_with_prefix (= save_parameters key), "
        "Parameter.name (prefixed), shape, dtype], in save_parameters order.",
        "Shapes are completed by initialize() + one forward on zeros of input_shape.",
        "weights/*.params are written by net.save_parameters (structural keys); weights/*_io.npz hold "
        "X (input) and Y = net(X) in inference mode (outside autograd.record), float32.",
        "Weight values were drawn with numpy (He-normal weights, uniform BN stats/gamma/beta/biases) "
        "and set with set_data, so BatchNorm running stats are non-trivial.",
    ]
    doc["architectures"] = archs
    doc["get_model_names"] = get_model
    doc["weights"] = weights
    C.save_json(os.path.join(OUT, "model_zoo.json"), doc)


if __name__ == "__main__":
    main()
