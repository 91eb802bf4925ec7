"""Seed 004 (naming tutorial): its model-zoo lines with pretrained=False print what MXNet 1.9.1 prints."""
import contextlib
import io

import ndx as mx
from ndx import gluon

# MXNet 1.9.1's output for the program in _seed_program (run with the oracle)
MXNET_OUTPUT = """\
sequential0_ sequential0_alexnet0_ sequential0_alexnet1_
Dense(None -> 1000, linear)
alexnet0_dense2_
Dense(None -> 100, linear)
alexnet0_dense3_
"""


def _seed_program():
    net = gluon.nn.Sequential()
    with net.name_scope():
        net.add(gluon.model_zoo.vision.alexnet(pretrained=False))
        net.add(gluon.model_zoo.vision.alexnet(pretrained=False))
    print(net.prefix, net[0].prefix, net[1].prefix)
    alexnet = gluon.model_zoo.vision.alexnet(pretrained=False)
    print(alexnet.output)
    print(alexnet.output.prefix)
    with alexnet.name_scope():
        alexnet.output = gluon.nn.Dense(100)
    alexnet.output.initialize()
    print(alexnet.output)
    print(alexnet.output.prefix)


def test_seed_004_model_zoo_lines():
    out = io.StringIO()
    with mx.name.NameManager(), contextlib.redirect_stdout(out):
        _seed_program()
    assert out.getvalue() == MXNET_OUTPUT


def test_replaced_output_after_shapes_are_known():
    """With weights in place (as after loading), the old output reads 'Dense(4096 -> 1000, linear)' and the
    replacement, once run, 'Dense(4096 -> 100, linear)' (MXNet 1.9.1, same steps)."""
    with mx.name.NameManager():
        alexnet = gluon.model_zoo.vision.alexnet(pretrained=False)
        alexnet.initialize()
        alexnet(mx.nd.zeros((1, 3, 64, 64)))
        assert (repr(alexnet.output), alexnet.output.prefix) == ("Dense(4096 -> 1000, linear)", "alexnet0_dense2_")
        with alexnet.name_scope():
            alexnet.output = gluon.nn.Dense(100)
        alexnet.output.initialize()
        assert alexnet(mx.nd.zeros((2, 3, 64, 64))).shape == (2, 100)
    assert (repr(alexnet.output), alexnet.output.prefix) == ("Dense(4096 -> 100, linear)", "alexnet0_dense3_")
