"""Every model-zoo constructor against MXNet 1.9.1: prefix, parameter names/keys/shapes/count, output shape, repr."""
import pytest

import ndx
from ndx.gluon import nn
from ndx.gluon.model_zoo import vision

from ._reference import ARCHITECTURES, REFERENCE, build, describe

# nets whose deferred initialization + forward take a second or more on one core (20M+ weights to draw,
# or 224/299-pixel inputs through 100+ layers); they run with the slow tests
SLOW = {"vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
        "resnet101_v1", "resnet152_v1", "resnet101_v2", "resnet152_v2", "alexnet", "alexnet_classes10",
        "densenet161", "densenet169", "densenet201", "inception_v3"}


def _cases():
    return [pytest.param(k, marks=pytest.mark.slow) if k in SLOW else k for k in ARCHITECTURES]


@pytest.mark.parametrize("entry_id", _cases())
def test_architecture_matches_mxnet(entry_id):
    """Built, initialized and run once on zeros: every parameter's structural key, name, shape and dtype
    (in save_parameters order), the prefix, the output shape and, where recorded, the repr are MXNet's."""
    ref = ARCHITECTURES[entry_id]
    net = build(ref)
    assert type(net).__name__ == ref["class"]
    assert (net.prefix, net.name) == (ref["prefix"], ref["name"])
    assert isinstance(net.features, nn.HybridSequential)
    assert isinstance(net.output, ndx.gluon.HybridBlock)
    net.initialize()
    out = net(ndx.nd.zeros(tuple(ref["input_shape"])))
    assert list(out.shape) == ref["output_shape"]
    assert describe(net) == ref["params"]
    assert list(net.collect_params().keys()) == [p[1] for p in ref["params"]]
    assert sum(p.data().size for p in net.collect_params().values()) == ref["param_count"]
    frozen = [p.name for p in net.collect_params().values()
              if p.grad_req == "null" and not p.name.endswith(("running_mean", "running_var"))]
    assert frozen == ref["grad_req_null_extra"]
    if "repr" in ref:
        assert repr(net) == ref["repr"]


@pytest.mark.parametrize("name", sorted(REFERENCE["get_model_names"]))
def test_get_model_name_builds_the_constructor(name):
    """get_model('resnet18_v1' / 'mobilenet1.0' / 'squeezenet1.1' ...) is MXNet's constructor for that name."""
    ctor = getattr(vision, REFERENCE["get_model_names"][name])
    with ndx.name.NameManager():
        a = vision.get_model(name.upper())
    with ndx.name.NameManager():
        b = ctor()
    assert type(a) is type(b)
    assert a.prefix == b.prefix
    assert list(a.collect_params().keys()) == list(b.collect_params().keys())


def test_get_model_lists_every_name_and_passes_kwargs():
    assert set(vision._models) == set(REFERENCE["get_model_names"])
    with ndx.name.NameManager():
        net = ndx.gluon.model_zoo.get_model("resnet18_v1", classes=7, prefix="mine_")
    assert net.prefix == "mine_" and net.output._units == 7


def test_get_model_unknown_name_message():
    """MXNet 1.9.1: 'Model <name> is not supported. Available options are' then every name, sorted."""
    with pytest.raises(ValueError) as e:
        vision.get_model("resnet19_v1")
    expected = "Model resnet19_v1 is not supported. Available options are\n\t" + "\n\t".join(
        sorted(REFERENCE["get_model_names"]))
    assert str(e.value) == expected


def test_classes_exported_as_in_mxnet():
    for name in ["AlexNet", "VGG", "ResNetV1", "ResNetV2", "BasicBlockV1", "BasicBlockV2", "BottleneckV1",
                 "BottleneckV2", "DenseNet", "SqueezeNet", "Inception3", "MobileNet", "MobileNetV2",
                 "get_resnet", "get_vgg", "get_mobilenet", "get_mobilenet_v2"]:
        assert hasattr(vision, name), name


def test_squeezenet_version_error():
    with pytest.raises(AssertionError, match=r"^Unsupported SqueezeNet version 1.2:1.0 or 1.1 expected$"):
        vision.SqueezeNet("1.2")
