"""gluon.loss.CTCLoss: values, input gradients, reprs and errors against MXNet 1.9.1
(the CTC cases of tests/data/layers/losses.*), layouts and weighting against nd.CTCLoss, hybridized
and symbolic use, and a few training steps that lower the loss, on every context."""
import json
from pathlib import Path

import numpy as np
import pytest

import ndx as mx
from ndx import autograd, gluon, nd, sym
from ndx.base import MXNetError

DATA = Path(__file__).resolve().parents[1] / "data" / "layers"
CASES = [c for c in json.loads((DATA / "losses.json").read_text())["cases"] if c["cls"] == "CTCLoss"]
ARRAYS = dict(np.load(DATA / "losses.npz"))


def test_reference_has_the_ctc_cases():
    assert {c["id"] for c in CASES} >= {"ctc_ntc", "ctc_tnc_layout", "ctc_lengths", "ctc_label_layout_tn_sw",
                                        "ctc_infeasible", "ctc_label_longer_than_T"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_mxnet(ctx, case):
    loss = gluon.loss.CTCLoss(**case["kwargs"])
    assert repr(loss) == case["repr"]
    inputs = {k: nd.array(ARRAYS[v["key"]], ctx=ctx) for k, v in case["inputs"].items()}
    args = [None if k is None else inputs[k] for k in case["positional"]]
    for k in case["grad_wrt"]:
        inputs[k].attach_grad()
    if "error" in case:
        with pytest.raises(MXNetError) as err:
            loss(*args)
        assert case["error"] in str(err.value)
        return
    with autograd.record():
        out = loss(*args)
    if case["grad_wrt"]:
        out.backward()
    np.testing.assert_allclose(out.asnumpy(), ARRAYS[case["outputs"]["0"]["key"]], rtol=1e-5, atol=1e-5)
    for k, ref in case.get("grads", {}).items():
        np.testing.assert_allclose(inputs[k].grad.asnumpy(), ARRAYS[ref["key"]], rtol=1e-5, atol=1e-5,
                                   err_msg=f"gradient of {k}")


def _data(seed=0, n=3, t=6, c=5):
    rng = np.random.default_rng(seed)
    pred = rng.standard_normal((n, t, c)).astype(np.float32)
    label = np.array([[0, 1, 1], [3, -1, -1], [2, 0, -1]], np.float32)[:n]
    return pred, label


def test_layouts_and_weighting_follow_nd_ctc_loss(ctx):
    pred, label = _data()
    expected = nd.CTCLoss(nd.array(pred.transpose(1, 0, 2), ctx=ctx), nd.array(label, ctx=ctx),
                          blank_label="last").asnumpy()
    ntc = gluon.loss.CTCLoss()(nd.array(pred, ctx=ctx), nd.array(label, ctx=ctx))
    tnc = gluon.loss.CTCLoss(layout="TNC", label_layout="TN")(nd.array(pred.transpose(1, 0, 2), ctx=ctx),
                                                              nd.array(label.T, ctx=ctx))
    np.testing.assert_allclose(ntc.asnumpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(tnc.asnumpy(), expected, rtol=1e-6)
    sw = np.array([1.0, 0.5, 2.0], np.float32)
    weighted = gluon.loss.CTCLoss(weight=3.0)(nd.array(pred, ctx=ctx), nd.array(label, ctx=ctx), None, None,
                                              nd.array(sw, ctx=ctx))
    np.testing.assert_allclose(weighted.asnumpy(), 3.0 * sw * expected, rtol=1e-6)


def test_lengths_are_passed_through(ctx):
    pred, label = _data(1)
    pred_lengths, label_lengths = np.array([6, 4, 5], np.float32), np.array([2, 1, 1], np.float32)
    out = gluon.loss.CTCLoss()(nd.array(pred, ctx=ctx), nd.array(label, ctx=ctx),
                               nd.array(pred_lengths, ctx=ctx), nd.array(label_lengths, ctx=ctx))
    for b in range(3):
        t, size = int(pred_lengths[b]), int(label_lengths[b])
        alone = nd.CTCLoss(nd.array(pred[b:b + 1, :t].transpose(1, 0, 2), ctx=ctx),
                           nd.array(label[b:b + 1, :size], ctx=ctx), blank_label="last")
        np.testing.assert_allclose(out.asnumpy()[b], alone.asnumpy()[0], rtol=1e-6)


def test_hybridized_and_symbolic(ctx):
    pred, label = _data(2)
    loss = gluon.loss.CTCLoss()
    eager = loss(nd.array(pred, ctx=ctx), nd.array(label, ctx=ctx)).asnumpy()
    loss.hybridize()
    np.testing.assert_allclose(loss(nd.array(pred, ctx=ctx), nd.array(label, ctx=ctx)).asnumpy(), eager)
    graph = json.loads(loss(sym.var("pred"), sym.var("label")).tojson())
    ctc = [node for node in graph["nodes"] if node["op"] == "CTCLoss"]
    assert len(ctc) == 1 and ctc[0]["attrs"]["blank_label"] == "last"
    assert sym.ctc_loss(sym.var("data"), sym.var("label"), name="ctc").list_outputs() == ["ctc_output0"]


def test_bad_layouts():
    with pytest.raises(AssertionError, match="Only 'NTC' and 'TNC' layouts for pred are supported. Got: NCT"):
        gluon.loss.CTCLoss(layout="NCT")
    with pytest.raises(AssertionError, match="Only 'NT' and 'TN' layouts for label are supported. Got: NN"):
        gluon.loss.CTCLoss(label_layout="NN")
    assert repr(gluon.loss.CTCLoss(label_layout="TN", weight=2)) == "CTCLoss(batch_axis=1, w=2)"


def test_training_lowers_the_loss(ctx):
    """A Dense layer over per-frame features learns to emit the label sequence."""
    rng = np.random.default_rng(3)
    feats = nd.array(rng.standard_normal((4, 8, 6)).astype(np.float32), ctx=ctx)
    label = nd.array([[0, 1, 2], [2, 2, -1], [1, -1, -1], [3, 0, 1]], ctx=ctx)
    net = gluon.nn.Dense(5, flatten=False)
    net.initialize(mx.init.Xavier(), ctx=ctx)
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05})
    loss_fn = gluon.loss.CTCLoss()
    losses = []
    for _ in range(30):
        with autograd.record():
            loss = loss_fn(net(feats), label)
        loss.backward()
        trainer.step(4)
        losses.append(float(loss.mean().asscalar()))
    assert np.isfinite(losses).all() and losses[-1] < 0.5 * losses[0]
