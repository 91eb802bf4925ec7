"""MXNet 1.9.1 reference for optimizers (first 3 updates on a fixed weight/gradients),
Trainer steps, and lr_scheduler values. Writes tests/data/layers/optimizers.{json,npz}.

    .venv-mxnet/bin/python tools/mxnet_reference/gen_optimizers.py
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

mx = C.import_mxnet()
np = C.np
OUT = C.out_dir("layers")
store = C.CaseStore()
OD = collections.OrderedDict
F32 = np.float32

r = C.rng(4242)
W0 = r.standard_normal(6).astype(F32)
GRADS = [r.standard_normal(6).astype(F32) * s for s in (1.0, 3.0, 0.5)]
GRADS[1][0] = 8.0  # something for clip_gradient to bite on
GRADS[2][3] = 0.0  # exactly-zero gradient entry (signum, adagrad)


def flatten_state(st):
    """optimizer state (None / NDArray / nested tuple) -> list of numpy arrays (DFS order)."""
    if st is None:
        return []
    if isinstance(st, (list, tuple)):
        out = []
        for s in st:
            out += flatten_state(s)
        return out
    return [st.asnumpy()]


def state_layout(st):
    if st is None:
        return None
    if isinstance(st, (list, tuple)):
        return [state_layout(s) for s in st]
    return "array"


def opt_case(cid, name, kwargs, steps=3, note=None, sched=None):
    kw = dict(kwargs)
    if sched is not None:
        kw["lr_scheduler"] = sched[1]()
    opt = mx.optimizer.create(name, **kw)
    w = mx.nd.array(W0)
    st = opt.create_state(0, w)
    entry = {"id": cid, "optimizer": name, "class": type(opt).__name__, "kwargs": C.jsonable(kwargs),
             "state_layout": state_layout(st), "steps": []}
    if sched is not None:
        entry["lr_scheduler"] = sched[0]
    entry["inputs"] = store.put_many(cid, "in", OD(weight=W0, **{"grad%d" % i: g for i, g in enumerate(GRADS[:steps])}))
    for i in range(steps):
        g = mx.nd.array(GRADS[i])
        opt.update(0, w, g, st)
        step = {"weight": store.put(cid, "step%d" % i, "weight", w.asnumpy()),
                "grad_after": store.put(cid, "step%d" % i, "grad_after", g.asnumpy()),
                "states": [store.put(cid, "step%d" % i, "state%d" % j, a) for j, a in enumerate(flatten_state(st))],
                "num_update": opt.num_update, "learning_rate": float(opt.learning_rate)}
        entry["steps"].append(step)
    if note:
        entry["note"] = note
    store.add(entry)


def optimizer_cases():
    opt_case("sgd_default", "sgd", {})
    opt_case("sgd_lr0.1", "sgd", {"learning_rate": 0.1})
    opt_case("sgd_wd", "sgd", {"learning_rate": 0.1, "wd": 0.1})
    opt_case("sgd_momentum", "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    opt_case("sgd_momentum_wd", "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01})
    opt_case("sgd_clip", "sgd", {"learning_rate": 0.1, "clip_gradient": 1.0})
    opt_case("sgd_momentum_wd_clip_rescale", "sgd", {"learning_rate": 0.1, "momentum": 0.5, "wd": 0.05,
                                                     "clip_gradient": 0.8, "rescale_grad": 0.25})
    opt_case("nag_no_momentum", "nag", {"learning_rate": 0.1})
    opt_case("nag_momentum", "nag", {"learning_rate": 0.1, "momentum": 0.9})
    opt_case("nag_momentum_wd_clip", "nag", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.1, "clip_gradient": 2.0})
    opt_case("adam_default", "adam", {})
    opt_case("adam_lr_wd", "adam", {"learning_rate": 0.01, "wd": 0.1})
    opt_case("adam_clip_rescale", "adam", {"learning_rate": 0.01, "clip_gradient": 1.0, "rescale_grad": 0.5,
                                           "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6})
    opt_case("adagrad_default", "adagrad", {})
    opt_case("adagrad_wd_clip", "adagrad", {"learning_rate": 0.1, "wd": 0.1, "clip_gradient": 2.0, "eps": 1e-5})
    opt_case("rmsprop_default", "rmsprop", {})
    opt_case("rmsprop_wd_clip", "rmsprop", {"learning_rate": 0.01, "wd": 0.1, "clip_gradient": 2.0, "gamma1": 0.8})
    opt_case("rmsprop_centered", "rmsprop", {"learning_rate": 0.01, "centered": True})
    opt_case("rmsprop_centered_clip_weights", "rmsprop", {"learning_rate": 0.1, "centered": True, "gamma1": 0.95,
                                                          "gamma2": 0.8, "clip_weights": 0.5, "wd": 0.01})
    opt_case("adadelta_default", "adadelta", {})
    opt_case("adadelta_wd_rescale_clip", "adadelta", {"rho": 0.8, "epsilon": 1e-4, "wd": 0.1, "rescale_grad": 0.5,
                                                      "clip_gradient": 1.0},
             note="rescale_grad is applied IN PLACE to the passed grad array (see grad_after)")
    opt_case("signum_default", "signum", {})
    opt_case("signum_no_momentum", "signum", {"learning_rate": 0.1, "momentum": 0.0})
    opt_case("signum_wd_wdlh", "signum", {"learning_rate": 0.1, "wd": 0.1, "wd_lh": 0.05})
    opt_case("signum_clip_rescale", "signum", {"learning_rate": 0.1, "clip_gradient": 0.5, "rescale_grad": 2.0})
    opt_case("sgd_factor_scheduler", "sgd", {"learning_rate": 0.1}, sched=(
        "FactorScheduler(step=1, factor=0.5, base_lr=0.1)",
        lambda: mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.1)),
             note="the k-th update (1-based) uses lr_scheduler(num_update=k)")
    opt_case("adam_multifactor_scheduler", "adam", {"learning_rate": 0.01}, sched=(
        "MultiFactorScheduler(step=[1, 2], factor=0.1, base_lr=0.01)",
        lambda: mx.lr_scheduler.MultiFactorScheduler(step=[1, 2], factor=0.1, base_lr=0.01)))

    # AdamW: not a registered optimizer in 1.9.1; the contrib op is what exists
    registered = sorted(mx.optimizer.Optimizer.opt_registry.keys())
    cid = "contrib_adamw_update"
    w = mx.nd.array(W0)
    mean, var = mx.nd.zeros(6), mx.nd.zeros(6)
    kw = dict(lr=0.01, eta=0.5, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.1, clip_gradient=1.0)
    entry = {"id": cid, "optimizer": "nd.contrib.adamw_update", "class": None, "kwargs": kw,
             "state_layout": ["array", "array"], "steps": [],
             "inputs": store.put_many(cid, "in", OD(weight=W0, **{"grad%d" % i: g for i, g in enumerate(GRADS)})),
             "note": ("mx.nd.contrib.adamw_update(weight, grad, mean, var, rescale_grad=nd.array([1.0]), "
                      "out=weight, **kwargs) called 3 times; no bias correction inside the op; states = "
                      "[mean, var]")}
    for i, g in enumerate(GRADS):
        mx.nd.contrib.adamw_update(w, mx.nd.array(g), mean, var, mx.nd.array([1.0]), out=w, **kw)
        entry["steps"].append({"weight": store.put(cid, "step%d" % i, "weight", w.asnumpy()),
                               "states": [store.put(cid, "step%d" % i, "state0", mean.asnumpy()),
                                          store.put(cid, "step%d" % i, "state1", var.asnumpy())]})
    store.add(entry)
    return registered


def trainer_cases():
    """gluon.Trainer on a tiny Dense: params sorted by name, rescale_grad = 1/batch_size."""
    X = C.rng(7).standard_normal((4, 3)).astype(F32)
    Y = C.rng(8).standard_normal((4, 2)).astype(F32)
    for cid, name, kw in [("trainer_sgd_momentum", "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
                          ("trainer_adam", "adam", {"learning_rate": 0.05}),
                          ("trainer_rmsprop_centered", "rmsprop", {"learning_rate": 0.01, "centered": True})]:
        with mx.name.NameManager():
            net = mx.gluon.nn.Dense(2, in_units=3)
        net.initialize()
        net.weight.set_data(mx.nd.array(C.rng(9).standard_normal((2, 3)).astype(F32)))
        net.bias.set_data(mx.nd.array(np.array([0.1, -0.2], F32)))
        init = OD(weight=net.weight.data().asnumpy(), bias=net.bias.data().asnumpy())
        tr = mx.gluon.Trainer(net.collect_params(), name, kw)
        l2 = mx.gluon.loss.L2Loss()
        steps = []
        for i in range(3):
            with mx.autograd.record():
                loss = l2(net(mx.nd.array(X)), mx.nd.array(Y))
            loss.backward()
            tr.step(4)
            steps.append({"loss": store.put(cid, "step%d" % i, "loss", loss.asnumpy()),
                          "weight": store.put(cid, "step%d" % i, "weight", net.weight.data().asnumpy()),
                          "bias": store.put(cid, "step%d" % i, "bias", net.bias.data().asnumpy()),
                          "rescale_grad": tr._optimizer.rescale_grad})
        store.add({"id": cid, "optimizer": name, "kwargs": kw, "kind": "trainer",
                   "code": ("net = nn.Dense(2, in_units=3); params set to 'params'; trainer = gluon.Trainer("
                            "net.collect_params(), optimizer, kwargs); 3 x [record: loss = L2Loss()(net(X), Y); "
                            "loss.backward(); trainer.step(4)]"),
                   "inputs": store.put_many(cid, "in", OD(X=X, Y=Y)),
                   "params": store.put_many(cid, "param", init),
                   "steps": steps})


def scheduler_cases():
    S = mx.lr_scheduler
    specs = [
        ("factor_step3", "FactorScheduler(step=3, factor=0.5, base_lr=0.1)",
         lambda: S.FactorScheduler(step=3, factor=0.5, base_lr=0.1)),
        ("factor_stop", "FactorScheduler(step=2, factor=0.3, stop_factor_lr=0.002, base_lr=0.1)",
         lambda: S.FactorScheduler(step=2, factor=0.3, stop_factor_lr=0.002, base_lr=0.1)),
        ("factor_warmup", "FactorScheduler(step=4, factor=0.5, base_lr=0.1, warmup_steps=5, warmup_begin_lr=0.01)",
         lambda: S.FactorScheduler(step=4, factor=0.5, base_lr=0.1, warmup_steps=5, warmup_begin_lr=0.01)),
        ("factor_warmup_constant", "FactorScheduler(step=4, factor=0.5, base_lr=0.1, warmup_steps=3, "
                                   "warmup_begin_lr=0.02, warmup_mode='constant')",
         lambda: S.FactorScheduler(step=4, factor=0.5, base_lr=0.1, warmup_steps=3, warmup_begin_lr=0.02,
                                   warmup_mode="constant")),
        ("multifactor", "MultiFactorScheduler(step=[4, 8, 12], factor=0.5, base_lr=0.1)",
         lambda: S.MultiFactorScheduler(step=[4, 8, 12], factor=0.5, base_lr=0.1)),
        ("multifactor_warmup", "MultiFactorScheduler(step=[5, 10], factor=0.1, base_lr=1.0, warmup_steps=3)",
         lambda: S.MultiFactorScheduler(step=[5, 10], factor=0.1, base_lr=1.0, warmup_steps=3)),
        ("poly", "PolyScheduler(max_update=15, base_lr=0.1, pwr=2, final_lr=0.001)",
         lambda: S.PolyScheduler(max_update=15, base_lr=0.1, pwr=2, final_lr=0.001)),
        ("poly_warmup", "PolyScheduler(max_update=15, base_lr=0.1, pwr=1, warmup_steps=4, warmup_begin_lr=0.0)",
         lambda: S.PolyScheduler(max_update=15, base_lr=0.1, pwr=1, warmup_steps=4, warmup_begin_lr=0.0)),
        ("cosine", "CosineScheduler(max_update=15, base_lr=0.1, final_lr=0.01)",
         lambda: S.CosineScheduler(max_update=15, base_lr=0.1, final_lr=0.01)),
        ("cosine_warmup", "CosineScheduler(max_update=15, base_lr=0.1, final_lr=0.01, warmup_steps=3, "
                          "warmup_begin_lr=0.001)",
         lambda: S.CosineScheduler(max_update=15, base_lr=0.1, final_lr=0.01, warmup_steps=3, warmup_begin_lr=0.001)),
    ]
    out = []
    for sid, desc, build in specs:
        s = build()
        vals = [float(s(n)) for n in range(0, 21)]
        out.append({"id": sid, "ctor": "mx.lr_scheduler." + desc, "num_update": list(range(0, 21)), "lr": vals,
                    "note": "called in increasing num_update order 0..20 on one instance (schedulers are stateful)"})
    # out-of-order calls on a FactorScheduler: state is not rewound
    s = S.FactorScheduler(step=2, factor=0.5, base_lr=0.1)
    seq = [10, 3, 0, 12]
    out.append({"id": "factor_non_monotonic", "ctor": "mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1)",
                "num_update": seq, "lr": [float(s(n)) for n in seq],
                "note": "calls in this order; a FactorScheduler never increases lr again"})
    return out


def main():
    registered = optimizer_cases()
    trainer_cases()
    scheds = scheduler_cases()
    store.write(OUT, "optimizers", __file__, extra={
        "registered_optimizers": registered,
        "adamw_registered": "adamw" in registered,
        "notes": [
            "Optimizer cases: opt = mx.optimizer.create(optimizer, **kwargs) (+ lr_scheduler when given); "
            "w = nd.array(inputs.weight); state = opt.create_state(0, w); for step i: g = nd.array(inputs.grad<i>); "
            "opt.update(0, w, g, state). After each step: weight, grad_after (the g array after update), states "
            "(the state flattened depth-first; state_layout gives its nesting), opt.num_update, opt.learning_rate.",
            "Trainer cases: see 'code'; rescale_grad is the optimizer's value after each step.",
            "schedulers: lr = scheduler(num_update) for each listed num_update, in that order, on one instance.",
        ],
        "schedulers": scheds,
    })


if __name__ == "__main__":
    main()
