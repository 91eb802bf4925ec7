"""MXNet 1.9.1 reference values for the training tests: optimizer steps, lr schedules, losses.

Run with the MXNet interpreter: ``.venv-mxnet/bin/python tools/mxnet_reference/gen_training_oracle.py``.
Writes ``tests/data/training/{optimizers.npz, optimizers.json, lr_schedulers.json, losses.npz}``.
"""
import json
import os

import _common as C

import numpy as np

mx = C.import_mxnet()
OUT = C.out_dir("training")

# (key, optimizer name, kwargs) -- every optimizer with and without wd / momentum / clipping
OPTIMIZERS = [
    ("sgd", "sgd", dict(learning_rate=0.1)),
    ("sgd_wd_clip", "sgd", dict(learning_rate=0.1, wd=0.1, clip_gradient=0.3, rescale_grad=0.5)),
    ("sgd_mom", "sgd", dict(learning_rate=0.1, momentum=0.9, wd=0.05, clip_gradient=0.4)),
    ("nag", "nag", dict(learning_rate=0.1, wd=0.1)),
    ("nag_mom", "nag", dict(learning_rate=0.1, momentum=0.9, wd=0.05, clip_gradient=0.4, rescale_grad=0.5)),
    ("signum", "signum", dict(learning_rate=0.1, wd=0.05, wd_lh=0.01)),
    ("signsgd", "signum", dict(learning_rate=0.1, momentum=0.0, wd=0.05, rescale_grad=0.5)),
    ("adam", "adam", dict(learning_rate=0.1)),
    ("adam_wd_clip", "adam", dict(learning_rate=0.1, wd=0.1, clip_gradient=0.3, rescale_grad=0.5, beta1=0.8)),
    ("adagrad", "adagrad", dict(learning_rate=0.1, wd=0.1, clip_gradient=0.5, rescale_grad=0.5)),
    ("rmsprop", "rmsprop", dict(learning_rate=0.1, wd=0.1, rescale_grad=0.5)),
    ("rmsprop_centered", "rmsprop", dict(learning_rate=0.1, centered=True, wd=0.05, clip_gradient=0.4,
                                         clip_weights=1.2)),
    ("adadelta", "adadelta", dict(wd=0.1, rescale_grad=0.5, clip_gradient=0.4)),
    ("sgd_fp16_mp", "sgd", dict(learning_rate=0.1, momentum=0.9, multi_precision=True)),
]


def optimizers():
    r = C.rng(0)
    w0 = r.uniform(-1, 1, (2, 3)).astype(np.float32)
    grads = [r.uniform(-1, 1, (2, 3)).astype(np.float32) for _ in range(3)]
    arrays = {"w0": w0, "g0": grads[0], "g1": grads[1], "g2": grads[2]}
    for key, name, kw in OPTIMIZERS:
        dtype = np.float16 if "fp16" in key else np.float32
        opt = mx.optimizer.create(name, **kw)
        upd = mx.optimizer.get_updater(opt)
        w = mx.nd.array(w0, dtype=dtype)
        for step, g in enumerate(grads):
            upd(0, mx.nd.array(g, dtype=dtype), w)
            arrays[f"{key}/step{step}"] = w.asnumpy()
    # AdamW (ndx's optimizer) is checked against the contrib op it follows, with eta = lr
    m = mx.nd.zeros((2, 3)); v = mx.nd.zeros((2, 3)); w = mx.nd.array(w0)
    lr, wd, b1, b2 = 0.1, 0.1, 0.9, 0.999
    for step, g in enumerate(grads):
        t = step + 1
        coef = np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        mx.nd.contrib.adamw_update(w, mx.nd.array(g), m, v, rescale_grad=0.5, lr=coef, eta=lr, wd=wd,
                                   clip_gradient=0.3, out=w)
        arrays[f"adamw/step{step}"] = w.asnumpy()
    C.save_npz(os.path.join(OUT, "optimizers.npz"), arrays)
    spec = [[k, n, kw] for k, n, kw in OPTIMIZERS] + [["adamw", "adamw", dict(learning_rate=0.1, wd=0.1,
                                                                                 rescale_grad=0.5, clip_gradient=0.3)]]
    with open(os.path.join(OUT, "optimizers.json"), "w") as f:
        json.dump(spec, f, indent=1)


SCHEDULERS = [
    ("FactorScheduler", dict(step=3, factor=0.5, base_lr=1.0)),
    ("FactorScheduler", dict(step=2, factor=0.1, stop_factor_lr=1e-3, base_lr=1.0, warmup_steps=3,
                             warmup_begin_lr=0.1)),
    ("MultiFactorScheduler", dict(step=[2, 5, 7], factor=0.5, base_lr=1.0, warmup_steps=2,
                                  warmup_mode="constant", warmup_begin_lr=0.3)),
    ("PolyScheduler", dict(max_update=10, base_lr=1.0, pwr=2, final_lr=0.1, warmup_steps=3)),
    ("CosineScheduler", dict(max_update=10, base_lr=1.0, final_lr=0.1, warmup_steps=2, warmup_begin_lr=0.5)),
]
QUERIES = list(range(14)) + [3, 20, 2]


def schedulers():
    out = []
    for name, kw in SCHEDULERS:
        s = getattr(mx.lr_scheduler, name)(**kw)
        out.append({"class": name, "kwargs": kw, "queries": QUERIES, "lrs": [s(i) for i in QUERIES]})
    with open(os.path.join(OUT, "lr_schedulers.json"), "w") as f:
        json.dump(out, f, indent=1)




# (key, loss class, constructor kwargs, forward inputs: names of arrays below)
LOSSES = [
    ("l2", "L2Loss", {}, ["x", "y"]),
    ("l2_w_sw", "L2Loss", {"weight": 3.0}, ["x", "y", "sw"]),
    ("l2_batch1", "L2Loss", {"batch_axis": 1}, ["x", "y"]),
    ("l1_sw", "L1Loss", {"weight": 0.5}, ["x", "y", "sw"]),
    ("sbce", "SigmoidBinaryCrossEntropyLoss", {}, ["x", "z"]),
    ("sbce_pos", "SigmoidBinaryCrossEntropyLoss", {"weight": 2.0}, ["x", "z", "sw", "pw"]),
    ("sbce_sig", "SigmoidBinaryCrossEntropyLoss", {"from_sigmoid": True}, ["p", "z"]),
    ("sbce_sig_pos", "SigmoidBinaryCrossEntropyLoss", {"from_sigmoid": True}, ["p", "z", None, "pw"]),
    ("sce", "SoftmaxCrossEntropyLoss", {}, ["x", "cls"]),
    ("sce_sw", "SoftmaxCrossEntropyLoss", {"weight": 0.7}, ["x", "cls", "sw"]),
    ("sce_dense", "SoftmaxCrossEntropyLoss", {"sparse_label": False}, ["x", "prob"]),
    ("sce_axis1", "SoftmaxCrossEntropyLoss", {"axis": 1}, ["x3", "cls3"]),
    ("sce_logits", "SoftmaxCrossEntropyLoss", {"from_logits": True}, ["logp", "cls"]),
    ("kl", "KLDivLoss", {}, ["x", "prob"]),
    ("kl_logits", "KLDivLoss", {"from_logits": False, "weight": 2.0}, ["x", "prob", "sw"]),
    ("huber", "HuberLoss", {"rho": 0.5}, ["x", "y"]),
    ("huber_sw", "HuberLoss", {"weight": 2.0}, ["x", "y", "sw"]),
    ("hinge", "HingeLoss", {}, ["x", "s"]),
    ("hinge_m", "HingeLoss", {"margin": 2, "weight": 0.5}, ["x", "s", "sw"]),
    ("sqhinge", "SquaredHingeLoss", {}, ["x", "s"]),
    ("logistic", "LogisticLoss", {}, ["x", "s"]),
    ("logistic_bin", "LogisticLoss", {"label_format": "binary"}, ["x", "z"]),
    ("triplet", "TripletLoss", {"margin": 0.5}, ["x", "y", "x2"]),
    ("poisson", "PoissonNLLLoss", {}, ["x", "cnt"]),
    ("poisson_full", "PoissonNLLLoss", {"from_logits": False, "compute_full": True}, ["p", "cnt1"]),
    ("cosine", "CosineEmbeddingLoss", {"margin": 0.1}, ["x", "x2", "s1"]),
]


def loss_inputs():
    r = C.rng(1)
    x = r.normal(0, 2, (4, 3)).astype(np.float32)
    e = np.exp(x - x.max(1, keepdims=True))
    prob = (e / e.sum(1, keepdims=True)).astype(np.float32)
    x3 = r.normal(0, 1, (2, 3, 4)).astype(np.float32)
    return {
        "x": x, "y": r.normal(0, 2, (4, 3)).astype(np.float32), "x2": r.normal(0, 2, (4, 3)).astype(np.float32),
        "z": (r.uniform(0, 1, (4, 3)) > 0.5).astype(np.float32), "s": np.sign(r.uniform(-1, 1, (4, 3))).astype(np.float32),
        "s1": np.array([1, -1, -1, 1], np.float32), "p": r.uniform(0.05, 0.95, (4, 3)).astype(np.float32),
        "sw": r.uniform(0, 1, (4, 1)).astype(np.float32), "pw": r.uniform(0.5, 2, (3,)).astype(np.float32),
        "cls": np.array([2, 0, 1, 1], np.float32), "prob": prob, "logp": np.log(prob).astype(np.float32),
        "x3": x3, "cls3": r.randint(0, 3, (2, 4)).astype(np.float32),
        "cnt": r.randint(0, 5, (4, 3)).astype(np.float32),
        # compute_full with a zero count gives nan in MXNet (0*log 0 times a 0 mask); ndx gives the finite value
        "cnt1": r.randint(1, 5, (4, 3)).astype(np.float32),
    }


def losses():
    inputs = loss_inputs()
    arrays = {f"in/{k}": v for k, v in inputs.items()}
    for key, cls, kw, names in LOSSES:
        loss = getattr(mx.gluon.loss, cls)(**kw)
        args = [None if n is None else mx.nd.array(inputs[n]) for n in names]
        if key == "poisson_full":  # MXNet 1.9.1 cannot record this one (in-place *= inside its forward)
            arrays[f"{key}/out"] = loss(*args).asnumpy()
        else:
            args[0].attach_grad()
            with mx.autograd.record():
                out = loss(*args)
            out.backward()
            arrays[f"{key}/out"] = out.asnumpy()
            arrays[f"{key}/grad"] = args[0].grad.asnumpy()
        arrays[f"{key}/repr"] = np.frombuffer(repr(loss).encode(), dtype=np.uint8)
    C.save_npz(os.path.join(OUT, "losses.npz"), arrays)
    with open(os.path.join(OUT, "losses.json"), "w") as f:
        json.dump([[k, c, kw, n] for k, c, kw, n in LOSSES], f, indent=1)


# (metric name for mx.metric.create, kwargs, label input names, pred input names), updated twice
METRICS = [
    ("acc", {}, ["cls"], ["x"]),
    ("acc", {}, ["cls", "cls"], ["cls", "x"]),
    ("top_k_acc", {"top_k": 2}, ["cls"], ["x"]),
    ("f1", {}, ["bin"], ["x2col"]),
    ("f1", {"average": "micro"}, ["bin"], ["x2col"]),
    ("mae", {}, ["y", "cls"], ["x", "cls2"]),
    ("mse", {}, ["y"], ["x"]),
    ("rmse", {}, ["y"], ["x"]),
    ("ce", {}, ["cls"], ["prob"]),
    ("perplexity", {"ignore_label": None}, ["cls"], ["prob"]),
    ("perplexity", {"ignore_label": 1}, ["cls"], ["prob"]),
    ("loss", {}, ["y"], ["x"]),
]


def metrics():
    inputs = loss_inputs()
    inputs["bin"] = np.array([1, 0, 1, 1], np.float32)
    inputs["x2col"] = inputs["x"][:, :2].copy()
    inputs["cls2"] = np.array([2, 1, 1, 0], np.float32)
    out = []
    for name, kw, labels, preds in METRICS:
        m = mx.metric.create(name, **kw)
        values = []
        for _ in range(2):
            m.update([mx.nd.array(inputs[n]) for n in labels], [mx.nd.array(inputs[n]) for n in preds])
            values.append(list(m.get()))
        out.append({"name": name, "kwargs": kw, "labels": labels, "preds": preds, "values": values,
                    "inputs": {k: inputs[k].tolist() for k in set(labels + preds)}})
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    metrics()
    optimizers()
    schedulers()
    losses()
