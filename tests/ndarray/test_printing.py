"""Exact reprs: numpy's str of the values, then '<NDArray dims @ctx>' (spec/ndarray.md section 3)."""
import numpy as np

import ndx as mx
from ndx import nd


def test_reprs_from_the_spec():
    assert repr(nd.array([1, 2, 3])) == "\n[1. 2. 3.]\n<NDArray 3 @cpu(0)>"
    assert repr(nd.zeros((2, 3))) == "\n[[0. 0. 0.]\n [0. 0. 0.]]\n<NDArray 2x3 @cpu(0)>"
    assert repr(nd.array(5)) == "\n5.0\n<NDArray  @cpu(0)>"
    assert repr(nd.array([1, 2, 3], dtype="int32")) == "\n[1 2 3]\n<NDArray 3 @cpu(0)>"
    assert repr(nd.array([1e10, 1])) == "\n[1.e+10 1.e+00]\n<NDArray 2 @cpu(0)>"
    assert repr(nd.arange(2000)) == ("\n[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]"
                                     "\n<NDArray 2000 @cpu(0)>")
    assert repr(nd.ones((1001,))) == "\n[1. 1. 1. ... 1. 1. 1.]\n<NDArray 1001 @cpu(0)>"
    assert repr(nd.arange(1, 9).reshape((2, 2, 2))) == (
        "\n[[[1. 2.]\n  [3. 4.]]\n\n [[5. 6.]\n  [7. 8.]]]\n<NDArray 2x2x2 @cpu(0)>")
    assert repr(nd.array(np.zeros((0, 3)))) == "\n[]\n<NDArray 0x3 @cpu(0)>"


def test_str_equals_repr_and_comparison_prints():
    y, y2 = nd.array([1, 2, 3]), nd.array([1, 5, 3])
    assert str(y2 == y) == repr(y2 == y) == "\n[1. 0. 1.]\n<NDArray 3 @cpu(0)>"


def test_list_of_arrays():
    assert repr([nd.ones(2), nd.zeros(1)]) == "[\n[1. 1.]\n<NDArray 2 @cpu(0)>, \n[0.]\n<NDArray 1 @cpu(0)>]"


def test_body_is_numpy_str_on_every_context(ctx):
    values = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    x = nd.array(values, ctx=ctx)
    assert repr(x) == f"\n{values}\n<NDArray 3x4 @{ctx}>"


def test_other_contexts_in_repr():
    assert repr(nd.ones(1, ctx=mx.cpu(1))) == "\n[1.]\n<NDArray 1 @cpu(1)>"


def test_large_floats_print_positionally_as_in_mxnet():
    # MXNet 1.9.1 prints with numpy 1.x, which switches to scientific notation from 1e8 up whatever the
    # float type; numpy 2.3 would switch at 1e3 for float16 and at 1e6 for float32.
    assert repr(nd.array([1234567.0])) == "\n[1234567.]\n<NDArray 1 @cpu(0)>"
    assert repr(nd.array([3000], dtype="float16")) == "\n[3000.]\n<NDArray 1 @cpu(0)>"
    assert repr(nd.arange(0, 1e8, 1e7)) == (
        "\n[       0. 10000000. 20000000. 30000000. 40000000. 50000000. 60000000.\n"
        " 70000000. 80000000. 90000000.]\n<NDArray 10 @cpu(0)>")
    assert repr(nd.array([1e8, 1])) == "\n[1.e+08 1.e+00]\n<NDArray 2 @cpu(0)>"
