"""MXNet 1.9.1 reference for every gluon.loss class: loss values and d(loss)/d(pred)
(backward with ones) on fixed inputs. Writes tests/data/layers/losses.{json,npz}.

    .venv-mxnet/bin/python tools/mxnet_reference/gen_losses.py
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

mx = C.import_mxnet()
np = C.np
gloss = mx.gluon.loss
OUT = C.out_dir("layers")
store = C.CaseStore()
OD = collections.OrderedDict
F32 = np.float32
draws = C.Draws(30000)
R, randn = draws.R, draws.randn


def loss_case(cid, cls, kwargs, inputs, grad_wrt=("pred",), positional=None, hybridize=False, note=None,
              record=True):
    """loss = cls(**kwargs); out = loss(*[inputs[k] or None for k in positional]); backward with ones.
    Gluon 1.x blocks take positional arguments only, so optional ones are passed as None."""
    inputs = OD(inputs)
    with mx.name.NameManager():
        loss = getattr(gloss, cls)(**kwargs)
    if hybridize:
        loss.hybridize()
    pos = list(positional) if positional is not None else list(inputs)

    def fn(**nd):
        return loss(*[nd[k] if k is not None else None for k in pos])

    entry = {"id": cid, "cls": cls, "kwargs": C.jsonable(kwargs), "positional": pos,
             "hybridized": hybridize, "grad_wrt": list(grad_wrt) if record else [],
             "repr": repr(loss), "inputs": store.put_many(cid, "in", inputs)}
    try:
        if record:
            outs, _, grads, _ = C.run_autograd(mx, fn, inputs, grad_wrt, "ones", True)
        else:
            outs, grads = [fn(**{k: mx.nd.array(v) for k, v in inputs.items()}).asnumpy()], {}
    except Exception as e:  # noqa: BLE001
        entry["error"] = C.err_text(e)
        print("ERR", cid, entry["error"], file=sys.stderr)
        store.add(entry)
        return
    entry["outputs"] = store.put_many(cid, "out", outs)
    if grads:
        entry["grads"] = store.put_many(cid, "grad", grads)
    if note:
        entry["note"] = note
    store.add(entry)


def main():
    pred = randn(3, 4)
    label = randn(3, 4)
    sw = np.array([[1.0], [0.5], [2.0]], F32)
    for cls in ("L1Loss", "L2Loss"):
        loss_case(cls.lower(), cls, {}, OD(pred=pred, label=label))
        loss_case(cls.lower() + "_weight", cls, {"weight": 0.7}, OD(pred=pred, label=label))
        loss_case(cls.lower() + "_sample_weight", cls, {}, OD(pred=pred, label=label, sample_weight=sw))
        loss_case(cls.lower() + "_batch_axis1", cls, {"batch_axis": 1}, OD(pred=pred, label=label))
    loss_case("l2loss_1d", "L2Loss", {}, OD(pred=np.array([1, 2], F32), label=np.zeros(2, F32)))
    loss_case("l2loss_3d_label_reshaped", "L2Loss", {}, OD(pred=randn(2, 3, 2), label=randn(2, 6)),
              note="label is reshaped to pred's shape")
    loss_case("l1loss_hybridized_sw", "L1Loss", {"weight": 2.0}, OD(pred=pred, label=label, sample_weight=sw),
              hybridize=True)

    logits = randn(4, 5, scale=2.0)
    sl = np.array([0, 4, 2, 2], F32)
    dense_lab = np.abs(randn(4, 5))
    dense_lab /= dense_lab.sum(axis=1, keepdims=True)
    sw4 = np.array([1.0, 0.0, 0.5, 2.0], F32).reshape(4, 1)
    loss_case("softmax_ce_sparse", "SoftmaxCrossEntropyLoss", {}, OD(pred=logits, label=sl))
    loss_case("softmax_ce_sparse_label_2d", "SoftmaxCrossEntropyLoss", {}, OD(pred=logits, label=sl.reshape(4, 1)))
    loss_case("softmax_ce_dense", "SoftmaxCrossEntropyLoss", {"sparse_label": False}, OD(pred=logits, label=dense_lab))
    loss_case("softmax_ce_from_logits", "SoftmaxCrossEntropyLoss", {"from_logits": True},
              OD(pred=np.log(dense_lab + 0.05).astype(F32), label=sl),
              note="from_logits=True: pred is taken as log-probabilities (no log_softmax)")
    loss_case("softmax_ce_dense_from_logits", "SoftmaxCrossEntropyLoss", {"sparse_label": False, "from_logits": True},
              OD(pred=logits, label=dense_lab))
    loss_case("softmax_ce_weight_sw", "SoftmaxCrossEntropyLoss", {"weight": 0.5},
              OD(pred=logits, label=sl, sample_weight=sw4))
    loss_case("softmax_ce_axis1_3d", "SoftmaxCrossEntropyLoss", {"axis": 1},
              OD(pred=randn(2, 3, 4), label=np.array([[0, 1, 2, 1], [2, 2, 0, 1]], F32)))
    loss_case("softmax_ce_out_of_range_label", "SoftmaxCrossEntropyLoss", {},
              OD(pred=randn(3, 4), label=np.array([5, -1, 1.6], F32)), note="pick clips the index")

    z = (R().uniform(size=(3, 4)) > 0.5).astype(F32)
    x = randn(3, 4, scale=2.0)
    p = (1.0 / (1.0 + np.exp(-x))).astype(F32)
    pw = np.array([2.0, 1.0, 0.5, 3.0], F32)
    loss_case("sigmoid_bce", "SigmoidBinaryCrossEntropyLoss", {}, OD(pred=x, label=z))
    loss_case("sigmoid_bce_from_sigmoid", "SigmoidBinaryCrossEntropyLoss", {"from_sigmoid": True}, OD(pred=p, label=z))
    loss_case("sigmoid_bce_pos_weight", "SigmoidBinaryCrossEntropyLoss", {},
              OD(pred=x, label=z, pos_weight=pw), positional=("pred", "label", None, "pos_weight"))
    loss_case("sigmoid_bce_from_sigmoid_pos_weight_sw", "SigmoidBinaryCrossEntropyLoss", {"from_sigmoid": True},
              OD(pred=p, label=z, sample_weight=sw, pos_weight=pw))
    loss_case("sigmoid_bce_soft_labels", "SigmoidBCELoss", {"weight": 2.0},
              OD(pred=x, label=R().uniform(size=(3, 4)).astype(F32)))
    loss_case("sigmoid_bce_extreme", "SigmoidBinaryCrossEntropyLoss", {},
              OD(pred=np.array([[-100, -20, 0, 20, 100]], F32), label=np.array([[1, 0, 1, 1, 0]], F32)))

    lp = np.log(dense_lab).astype(F32)
    loss_case("kldiv_from_logits", "KLDivLoss", {}, OD(pred=lp, label=dense_lab[::-1].copy()),
              note="KLDivLoss reduces with SUM over non-batch axes (not mean) in 1.9.1")
    loss_case("kldiv_not_from_logits", "KLDivLoss", {"from_logits": False}, OD(pred=logits, label=dense_lab))
    loss_case("kldiv_axis_sw", "KLDivLoss", {"from_logits": False, "axis": 0, "weight": 3.0},
              OD(pred=logits, label=dense_lab, sample_weight=sw4))

    d = np.array([[-3, -1, -0.5, 0], [0.2, 0.9, 1.1, 4]], F32)
    loss_case("huber", "HuberLoss", {}, OD(pred=d, label=np.zeros_like(d)))
    loss_case("huber_rho2_sw", "HuberLoss", {"rho": 2.0}, OD(pred=d, label=np.full_like(d, 0.5),
                                                             sample_weight=np.array([[1.0], [3.0]], F32)))
    sgn = np.array([[1, -1, 1, -1], [-1, -1, 1, 1]], F32)
    loss_case("hinge", "HingeLoss", {}, OD(pred=d, label=sgn))
    loss_case("hinge_margin2_weight", "HingeLoss", {"margin": 2.0, "weight": 0.5}, OD(pred=d, label=sgn))
    loss_case("squared_hinge", "SquaredHingeLoss", {}, OD(pred=d, label=sgn))
    loss_case("squared_hinge_margin_sw", "SquaredHingeLoss", {"margin": 0.5},
              OD(pred=d, label=sgn, sample_weight=np.array([[2.0], [0.1]], F32)))
    loss_case("logistic_signed", "LogisticLoss", {}, OD(pred=d, label=sgn))
    loss_case("logistic_binary", "LogisticLoss", {"label_format": "binary"}, OD(pred=d, label=(sgn > 0).astype(F32)))

    a, pos_, neg = randn(3, 4), randn(3, 4), randn(3, 4)
    loss_case("triplet", "TripletLoss", {}, OD(pred=a, positive=pos_, negative=neg),
              grad_wrt=("pred", "positive", "negative"))
    loss_case("triplet_margin", "TripletLoss", {"margin": 3.0}, OD(pred=a, positive=pos_, negative=neg),
              grad_wrt=("pred", "positive", "negative"))
    counts = np.array([[0, 1, 3, 2], [5, 0, 1, 1], [2, 2, 0, 7]], F32)
    loss_case("poisson_nll_from_logits", "PoissonNLLLoss", {}, OD(pred=randn(3, 4), target=counts))
    loss_case("poisson_nll_rate", "PoissonNLLLoss", {"from_logits": False},
              OD(pred=np.abs(randn(3, 4)) + 0.1, target=counts))
    pn = randn(3, 4)
    loss_case("poisson_nll_compute_full", "PoissonNLLLoss", {"compute_full": True},
              OD(pred=pn, target=counts), note="raises under autograd.record() in 1.9.1 (in-place write)")
    loss_case("poisson_nll_compute_full_inference", "PoissonNLLLoss", {"compute_full": True},
              OD(pred=pn, target=counts), record=False,
              note="outside record. Stirling term target*log(target)-target+0.5*log(2*pi*target) is computed "
                   "everywhere and masked by multiplying with (target > 1), so target == 0 gives 0*nan = NaN")
    c1, c2 = randn(3, 5), randn(3, 5)
    lab = np.array([1, -1, 1], F32)
    loss_case("cosine_embedding", "CosineEmbeddingLoss", {}, OD(input1=c1, input2=c2, label=lab),
              grad_wrt=("input1", "input2"))
    loss_case("cosine_embedding_margin", "CosineEmbeddingLoss", {"margin": 0.2},
              OD(input1=c1, input2=c2, label=np.array([-1, -1, 1], F32)), grad_wrt=("input1", "input2"))
    loss_case("sdml", "SDMLLoss", {}, OD(x1=randn(4, 3), x2=randn(4, 3)), grad_wrt=("x1", "x2"))

    # CTC: pred (N, T, C) logits, blank = last class (C-1); labels padded with -1
    T, N, Cc = 6, 2, 4
    ctc_pred = randn(N, T, Cc)
    ctc_lab = np.array([[0, 1, 1], [2, -1, -1]], F32)
    loss_case("ctc_ntc", "CTCLoss", {}, OD(pred=ctc_pred, label=ctc_lab),
              note="blank label = C-1 (last); label padding -1")
    loss_case("ctc_tnc_layout", "CTCLoss", {"layout": "TNC"}, OD(pred=ctc_pred.transpose(1, 0, 2).copy(), label=ctc_lab))
    loss_case("ctc_lengths", "CTCLoss", {}, OD(pred=ctc_pred, label=np.array([[0, 1, 2], [2, 0, 0]], F32),
                                               pred_lengths=np.array([6, 4], F32),
                                               label_lengths=np.array([3, 1], F32)))
    loss_case("ctc_label_layout_tn_sw", "CTCLoss", {"label_layout": "TN", "weight": 0.5},
              OD(pred=ctc_pred, label=ctc_lab.T.copy(), sample_weight=np.array([1.0, 2.0], F32)),
              positional=("pred", "label", None, None, "sample_weight"))
    loss_case("ctc_infeasible", "CTCLoss", {}, OD(pred=randn(1, 3, 3), label=np.array([[0, 0, 1]], F32)),
              record=False, note="label needs 4 frames (blank between repeats) but T=3: MXNet returns loss 0 "
                                 "(and its gradient is uninitialized memory, so it is not stored)")
    loss_case("ctc_label_longer_than_T", "CTCLoss", {}, OD(pred=randn(1, 2, 3), label=np.array([[0, 1, 1]], F32)),
              note="MXNet raises: label length > T")

    store.write(OUT, "losses", __file__, extra={"notes": [
        "loss = mx.gluon.loss.<cls>(**kwargs) (fresh NameManager); out = loss(*[inputs[k] if k else None for k "
        "in positional]) under autograd.record(); out.backward() with a head gradient of ones.",
        "grads: gradients of the inputs named in grad_wrt.",
    ]})


if __name__ == "__main__":
    main()
