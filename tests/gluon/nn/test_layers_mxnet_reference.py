"""nd NN operators and gluon.nn layers against MXNet 1.9.1 reference outputs and gradients.

The cases (inputs, parameters, head gradients, outputs, gradients, BatchNorm running statistics) were
recorded on the real MXNet by ``tools/mxnet_reference/gen_layers.py`` into ``tests/data/layers/``.
Cases where MXNet's oneDNN kernel raised hold the error text; the same case recomputed with the native
CPU kernel (id suffix ``_native_cpu``) holds the values, so only the latter are replayed.
"""
import json
from pathlib import Path

import numpy as np
import pytest

import ndx
from ndx import autograd, nd
from ndx.gluon import nn

DATA = Path(__file__).resolve().parents[2] / "data" / "layers"
_META = json.loads((DATA / "layers.json").read_text()) if (DATA / "layers.json").is_file() else {"cases": []}
CASES = [c for c in _META["cases"] if "error" not in c]
_ARRAYS = {}

# MXNet behaviours ndx does not reproduce (strict xfail: a fix makes the test fail loudly, so this list shrinks)
KNOWN = {
    # deliberate: MXNet's gradient multiplies by its never-written mask buffer (uninitialized memory; in this
    # run it held the output), ndx back-propagates the inference slope (lower+upper)/2
    "nd_leakyrelu_rrelu_inference": "MXNet's rrelu gradient in inference reads an uninitialized mask",
    "bn_train_two_forwards_one_backward": "with heads [y0, y1] passed to backward MXNet applies y0's running-stat "
                                          "update first; ndx's engine applies y1's first",
    "nd_softmax_cross_entropy_bad_label": "out-of-range / fractional labels: MXNet reads past the row",
}


def _arr(ref):
    if not _ARRAYS:
        with np.load(DATA / "layers.npz") as z:
            _ARRAYS.update({k: z[k] for k in z.files})
    return _ARRAYS[ref["key"]]


def _close(actual, ref, what):
    np.testing.assert_allclose(actual.asnumpy() if hasattr(actual, "asnumpy") else actual, _arr(ref),
                               rtol=1e-4, atol=2e-5, err_msg=what)


def _check_outputs_and_grads(case, outs, inputs, params=None):
    for i, ref in case.get("outputs", {}).items():
        _close(outs[int(i)], ref, f"output {i}")
    if "head_grads" not in case:
        return
    heads = [nd.array(_arr(case["head_grads"][str(i)]), ctx=outs[i]._ctx) for i in range(len(outs))]
    autograd.backward(outs, heads)
    for name, ref in case.get("grads", {}).items():
        _close(inputs[name].grad, ref, f"gradient of {name}")
    for name, ref in case.get("param_grads", {}).items():
        _close(params[name].grad(), ref, f"gradient of parameter {name}")


def _nd_case(case, ctx):
    inputs = {k: nd.array(_arr(v), ctx=ctx, dtype=_arr(v).dtype) for k, v in case["inputs"].items()}
    for k in case["grad_wrt"]:
        inputs[k].attach_grad()
    with autograd.record(train_mode=case["train_mode"]):
        out = getattr(nd, case["op"])(*inputs.values(), **case["kwargs"])
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    for name, ref in case.get("running_after_forward", {}).items():
        _close(inputs[name], ref, f"{name} after the recorded forward")
    _check_outputs_and_grads(case, outs, inputs)
    for name, ref in case.get("running_after_backward", {}).items():
        _close(inputs[name], ref, f"{name} after backward")


def _layer_case(case, ctx):
    with ndx.name.NameManager():
        layer = eval(case["ctor"], {"nn": nn, "mx": ndx})  # noqa: S307  (constructor text from the fixture)
    layer.initialize(ctx=ctx)
    raw = {k: _arr(v) for k, v in case["inputs"].items()}
    first = nd.array(next(iter(raw.values())), ctx=ctx, dtype=next(iter(raw.values())).dtype)
    if "running_after_forward" in case:
        layer(first)
    else:
        layer(*[nd.array(v, ctx=ctx, dtype=v.dtype) for v in raw.values()])
    assert layer.prefix == case["prefix"]
    params = {k[len(layer.prefix):]: p for k, p in layer.collect_params().items()}
    for name, ref in case["params"].items():
        params[name].set_data(nd.array(_arr(ref)))
    assert {k: p.grad_req for k, p in params.items()} == case["param_grad_req"]
    assert repr(layer) == case["repr"]
    if case["hybridized"]:
        layer.hybridize()
    # (the cases' inference_out_before/after arrays equal the training output, not MXNet's inference output
    # with the filled running statistics, which the fixture nets and the oracle confirm: not replayed)
    inputs = {k: nd.array(v, ctx=ctx, dtype=v.dtype) for k, v in raw.items()}
    for k in case["grad_wrt"]:
        inputs[k].attach_grad()
    with autograd.record(train_mode=case["train_mode"]):
        if "running_after_forward" in case:  # BatchNorm: one forward per input
            outs = [layer(x) for x in inputs.values()]
        else:
            outs = [layer(*inputs.values())]
    for name, ref in case.get("running_after_forward", {}).items():
        _close(params[name].data(), ref, f"{name} after the recorded forward")
    _check_outputs_and_grads(case, outs, inputs, params)
    for name, ref in case.get("running_after_backward", {}).items():
        _close(params[name].data(), ref, f"{name} after backward")


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN[c["id"]]))
                                  if c["id"] in KNOWN else c for c in CASES], ids=[c["id"] for c in CASES])
def test_matches_mxnet(ctx, case):
    (_nd_case if case["kind"] == "nd_op" else _layer_case)(case, ctx)


def test_reference_data_present():
    assert CASES, f"no MXNet reference cases found in {DATA}"
