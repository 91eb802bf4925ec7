"""MXNet 1.9.1 reference for ``nd.CTCLoss``: losses and d(loss)/d(data) for both blank conventions,
data/label lengths, repeated and empty labels, a random head gradient and a larger batch, plus the
errors MXNet raises for bad shapes. Writes tests/data/ops_extra/ctc.{json,npz}.

    .venv-mxnet/bin/python tools/mxnet_reference/gen_ctc.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

mx = C.import_mxnet()
np = C.np
nd = mx.nd
F32 = np.float32
OUT = C.out_dir("ops_extra")
store = C.CaseStore()


def case(cid, data, label, kwargs=None, data_lengths=None, label_lengths=None, head=None, note=None,
         gradient=True):
    """loss = nd.CTCLoss(data, label, data_lengths, label_lengths, **kwargs) under autograd.record();
    loss.backward(head) (ones when head is None); grads: d/d data."""
    kwargs = dict(kwargs or {})
    inputs = {"data": data.astype(F32), "label": label.astype(F32)}
    if data_lengths is not None:
        inputs["data_lengths"] = np.asarray(data_lengths, F32)
    if label_lengths is not None:
        inputs["label_lengths"] = np.asarray(label_lengths, F32)
    entry = {"id": cid, "kwargs": C.jsonable(kwargs), "inputs": store.put_many(cid, "in", inputs)}
    if note:
        entry["note"] = note
    try:
        x = nd.array(inputs["data"])
        x.attach_grad()
        extra = [nd.array(inputs[k]) if k in inputs else None for k in ("data_lengths", "label_lengths")]
        with mx.autograd.record():
            loss = nd.CTCLoss(x, nd.array(inputs["label"]), *extra, **kwargs)
        head = np.ones(loss.shape, F32) if head is None else np.asarray(head, F32)
        loss.backward(nd.array(head))
        entry["head_grad"] = store.put(cid, "head", "0", head)
        entry["output"] = store.put(cid, "out", "0", loss.asnumpy())
        if gradient:
            entry["grad"] = store.put(cid, "grad", "data", x.grad.asnumpy())
    except Exception as e:  # noqa: BLE001
        entry["error"] = C.err_text(e)
        print("ERR", cid, entry["error"], file=sys.stderr)
    store.add(entry)


def main():
    rng = C.rng(41000)

    def randn(*shape):
        return rng.standard_normal(shape).astype(F32)

    x = randn(5, 2, 4)
    case("first_basic", x, np.array([[1, 2, 0], [3, 0, 0]]), note="blank 0, padding 0")
    case("first_padding_stops_label", x, np.array([[1, 0, 2], [3, 3, 0]]),
         note="the label ends at the first padding value: [1, 0, 2] is the label [1]")
    case("first_empty_label", x, np.array([[0, 0, 0], [2, 1, 0]]))
    case("last_basic", x, np.array([[0, 1, -1], [2, -1, -1]]), {"blank_label": "last"},
         note="blank C-1, padding -1")
    case("last_zero_is_a_label", x, np.array([[0, 1, 0], [2, 0, 0]]), {"blank_label": "last"})
    case("last_padding_stops_label", x, np.array([[0, -1, 1], [2, 2, -1]]), {"blank_label": "last"})
    case("data_lengths", x, np.array([[1, 2, 0], [3, 0, 0]]), {"use_data_lengths": True}, data_lengths=[3, 5],
         note="frames past data_lengths get zero gradient")
    case("data_lengths_zero", x, np.array([[1, 2, 0], [0, 0, 0]]), {"use_data_lengths": True},
         data_lengths=[0, 5], note="no frames: loss 0 and no gradient")
    case("label_lengths", x, np.array([[1, 2, 3], [3, 1, 1]]), {"use_label_lengths": True}, label_lengths=[2, 3])
    case("label_lengths_zero", x, np.array([[1, 2, 3], [3, 1, 1]]), {"use_label_lengths": True},
         label_lengths=[0, 3])
    case("both_lengths_last", x, np.array([[0, 2, 1], [1, 1, 2]]),
         {"use_data_lengths": True, "use_label_lengths": True, "blank_label": "last"},
         data_lengths=[4, 5], label_lengths=[3, 2])
    case("head_grad", x, np.array([[1, 2, 0], [3, 0, 0]]), head=[2.0, -0.5])
    case("infeasible_repeats", randn(4, 2, 4), np.array([[1, 1, 1], [3, 0, 0]]), gradient=False,
         note="[1, 1, 1] needs 5 frames (blanks between repeats) but T=4: loss 0; MXNet's gradient for that "
              "sequence is uninitialized memory, so no gradient is stored")
    big_label = np.array([[1, 4, 4, 2, 5], [3, 3, 0, 0, 0], [5, 1, 2, 3, 4], [2, 0, 0, 0, 0]])
    case("larger_batch", randn(20, 4, 6) * 2, big_label)
    case("larger_batch_lengths_last", randn(20, 4, 6) * 2, big_label - 1,
         {"blank_label": "last", "use_data_lengths": True}, data_lengths=[20, 12, 17, 3])
    case("peaked_activations", randn(6, 1, 3) * 8, np.array([[1, 2]]),
         note="large activations: near-deterministic alignments")
    case("err_label_longer_than_T", randn(2, 1, 3), np.array([[1, 2, 1]]))
    case("err_batch_mismatch", x, np.array([[1, 2, 0]]))
    case("err_data_ndim", x[0], np.array([[1, 2, 0], [3, 0, 0]]))
    case("err_missing_data_lengths", x, np.array([[1, 2, 0], [3, 0, 0]]), {"use_data_lengths": True})
    case("err_data_lengths_batch", x, np.array([[1, 2, 0], [3, 0, 0]]), {"use_data_lengths": True},
         data_lengths=[1, 2, 3])
    case("err_label_lengths_batch", x, np.array([[1, 2, 0], [3, 0, 0]]), {"use_label_lengths": True},
         label_lengths=[1, 2, 3])
    case("err_blank_label", x, np.array([[1, 2, 0], [3, 0, 0]]), {"blank_label": "mid"})

    store.write(OUT, "ctc", __file__, extra={"notes": [
        "loss = nd.CTCLoss(data, label, data_lengths, label_lengths, **kwargs) (absent lengths: not passed) "
        "under autograd.record(); loss.backward(head_grad). output: the loss; grad: d/d data.",
        "error: MXNet's message (C++ traceback lines removed) where it raised.",
    ]})


if __name__ == "__main__":
    main()
