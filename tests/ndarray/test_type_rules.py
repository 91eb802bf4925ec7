"""MXNet 1.9.1 never promotes: ops given mixed dtypes refuse with its messages (observed values)."""
import numpy as np
import pytest

from ndx import nd
from ndx.base import MXNetError


@pytest.mark.parametrize("call, message", [
    (lambda: nd.stack(nd.ones(2), nd.ones(2, dtype="int32")),
     "MXNetError: Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at 1-th input: "
     "expected float32, got int32"),
    (lambda: nd.add_n(nd.ones(2), nd.ones(2), nd.ones(2, dtype="float64")),
     "MXNetError: Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at 2-th input: "
     "expected float32, got float64"),
    (lambda: nd.where(nd.ones(2), nd.ones(2), nd.ones(2, dtype="float64")),
     "MXNetError: Check failed: infer_type_success: Operator where is missing FInferType attribute"),
    (lambda: nd.softmax(nd.array([1, 2], dtype="int32")),
     "MXNetError: This operation only support floating point types, not int32"),
    (lambda: nd.log_softmax(nd.array([1, 2], dtype="int64")),
     "MXNetError: This operation only support floating point types, not int64"),
])
def test_mixed_or_integer_dtypes_are_refused(call, message):
    with pytest.raises(MXNetError) as e:
        call()
    assert str(e.value) == message


def test_same_dtypes_still_work(ctx):
    a = nd.array([1, 2], ctx=ctx, dtype="int32")
    assert nd.stack(a, a).dtype == np.int32 and nd.add_n(a, a, a).asnumpy().tolist() == [3, 6]
    assert nd.where(nd.array([1, 0], ctx=ctx), a, a * 10).asnumpy().tolist() == [1, 20]


def test_sign_maps_nan_and_negative_zero_to_zero(ctx):
    """Observed on MXNet 1.9.1: sign([nan, -0, 0, 1, -2, inf]) = [0, 0, 0, 1, -1, 1], no negative zero."""
    x = nd.array([np.nan, -0.0, 0.0, 1, -2, np.inf], ctx=ctx)
    got = nd.sign(x).asnumpy()
    assert got.tolist() == [0, 0, 0, 1, -1, 1] and not np.signbit(got[:3]).any()
    assert nd.sign(nd.array([-3, 0, 5], ctx=ctx, dtype="int32")).asnumpy().tolist() == [-1, 0, 1]


def test_ieee_results_come_without_numpy_warnings():
    """MXNet computes inf/nan silently; ndx's ops do not let numpy warn, while the user's own numpy code
    still does (a fresh interpreter: pytest swaps the warning filters around collection)."""
    import subprocess
    import sys
    code = ("import numpy as np, ndx as mx\n"
            "nd = mx.nd\n"
            "s = nd.sigmoid(nd.array([-1000.0])).asnumpy()\n"
            "lg = nd.log(nd.array([0.0])).asnumpy()\n"
            "q = (nd.array([1.0]) / nd.array([0.0])).asnumpy()\n"
            "r = nd.sqrt(nd.array([-1.0])).asnumpy()\n"
            "assert s[0] == 0 and lg[0] == -np.inf and q[0] == np.inf and np.isnan(r[0])\n"
            "np.log(np.zeros(1))\n")
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warned) == 1 and "divide by zero encountered in log" in warned[0] and "<string>" in warned[0]


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64", "bool"])
def test_float_only_ops_word_the_refusal_per_dtype(ctx, dtype):
    """MXNet 1.9.1: the int8 and uint8 kernels drop the comma; softmax says 'not bool' where the
    activation-style kernels (Activation, hard_sigmoid) say 'Unknown type enum 7'."""
    x = nd.array([[1, 0, 1]], dtype=dtype, ctx=ctx)
    sep = "" if dtype in ("int8", "uint8") else ","
    text = f"MXNetError: This operation only support floating point types{sep} not {dtype}"
    for call in (nd.softmax, nd.log_softmax, nd.softmin, lambda a: nd.softmax(a, dtype="float32")):
        with pytest.raises(MXNetError) as e:
            call(x)
        assert str(e.value) == text
    for call in (lambda a: nd.Activation(a, act_type="tanh"), nd.hard_sigmoid):
        with pytest.raises(MXNetError) as e:
            call(x)
        assert str(e.value) == ("MXNetError: Unknown type enum 7" if dtype == "bool" else text)


@pytest.mark.parametrize("dtype, text", [("int8", "This operation only support floating point types not int8"),
                                         ("int64", "This operation only support floating point types, not int64"),
                                         ("bool", "Unknown type enum 7")])
def test_pad_and_adaptive_pooling_word_the_refusal_per_dtype(ctx, dtype, text):
    x = nd.ones((1, 1, 2, 2), dtype=dtype, ctx=ctx)
    for call in (lambda: nd.pad(x, mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)),
                 lambda: nd.contrib.AdaptiveAvgPooling2D(x, output_size=1)):
        with pytest.raises(MXNetError) as e:
            call()
        assert str(e.value).endswith(text)
