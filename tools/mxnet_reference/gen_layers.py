"""MXNet 1.9.1 reference for nd ops and gluon.nn layers: outputs AND gradients (autograd)
on fixed small inputs. Writes tests/data/layers/layers.{json,npz}.

    .venv-mxnet/bin/python tools/mxnet_reference/gen_layers.py
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

mx = C.import_mxnet()
np = C.np
nn = mx.gluon.nn
OUT = C.out_dir("layers")
store = C.CaseStore()
OD = collections.OrderedDict
F32 = np.float32
draws = C.Draws(20000)
R, randn = draws.R, draws.randn


def distinct(*shape, scale=1.0):
    """Random values without ties (a permutation of a grid), so max-pooling argmax is unique."""
    n = int(np.prod(shape))
    v = (R().permutation(n) - n / 2.0) / n * 4 * scale
    return v.reshape(shape).astype(F32)


def skip_case(native):
    return C.NATIVE and not native


def finish(entry, cid, outs, hg, grads, pgrads, note):
    entry["outputs"] = store.put_many(cid, "out", outs)
    if hg is not None:
        entry["head_grads"] = store.put_many(cid, "head_grad", hg)
    if grads:
        entry["grads"] = store.put_many(cid, "grad", grads)
    if pgrads:
        entry["param_grads"] = store.put_many(cid, "param_grad", pgrads)
    if note:
        entry["note"] = note


def op_case(cid, family, op, inputs, kwargs=None, grad_wrt=None, train_mode=True, note=None, native=False,
            head="random", keep_outputs=None):
    """mx.nd.<op>(*inputs.values(), **kwargs) recorded with autograd, then backward(head grads)."""
    if skip_case(native):
        return
    if C.NATIVE:
        cid += "_native_cpu"
        note = ((note + "; ") if note else "") + "computed with MXNET_MKLDNN_ENABLED=0"
    kwargs = kwargs or {}
    inputs = OD(inputs)
    if grad_wrt is None:
        grad_wrt = [k for k, v in inputs.items() if v.dtype.kind == "f"]
    names = list(inputs)
    fn_op = getattr(mx.nd, op) if hasattr(mx.nd, op) else getattr(mx.nd.contrib, op)

    def fn(**nd):
        return fn_op(*[nd[k] for k in names], **kwargs)

    entry = {"id": cid, "family": family, "kind": "nd_op", "op": op, "kwargs": C.jsonable(kwargs),
             "train_mode": train_mode, "grad_wrt": list(grad_wrt),
             "inputs": store.put_many(cid, "in", inputs)}
    try:
        outs, hg, grads, _ = C.run_autograd(mx, fn, inputs, grad_wrt, head, train_mode, seed=hash_seed(cid))
    except Exception as e:  # noqa: BLE001
        entry["error"] = C.err_text(e)
        store.add(entry)
        print("ERR", cid, entry["error"], file=sys.stderr)
        return
    if keep_outputs is not None:
        outs, hg = outs[:keep_outputs], hg[:keep_outputs]
    finish(entry, cid, outs, hg, grads, {}, note)
    store.add(entry)


def hash_seed(cid):
    import zlib

    return zlib.crc32(cid.encode()) % (2 ** 31)


def fill_layer(layer, seed):
    """Deterministic values for every parameter, by local name."""
    r = C.rng(seed)
    vals = OD()
    for full, p in layer.collect_params().items():
        local = full[len(layer.prefix):] if full.startswith(layer.prefix) else full
        shp = p.shape
        if local.endswith("running_var"):
            v = r.uniform(0.5, 1.5, shp)
        elif local.endswith("running_mean"):
            v = r.standard_normal(shp) * 0.3
        elif local.endswith("gamma"):
            v = r.uniform(0.5, 1.5, shp)
        elif local.endswith("alpha"):
            v = r.uniform(0.1, 0.4, shp)
        else:
            v = r.standard_normal(shp) * 0.5
        v = v.astype(p.dtype if p.dtype is not None else F32)
        p.set_data(mx.nd.array(v, dtype=v.dtype))
        vals[local] = v
    return vals


def layer_params(layer):
    return OD((full[len(layer.prefix):], p) for full, p in layer.collect_params().items())


def layer_case(cid, family, ctor, build, inputs, grad_wrt=None, train_mode=True, note=None, hybridize=False,
               head="random", call=None):
    """A gluon layer built by build() (fresh NameManager), params filled with seeded values,
    forward under record(train_mode) and backward."""
    if skip_case(False):
        return
    with mx.name.NameManager():
        layer = build()
    layer.initialize()
    inputs = OD(inputs)
    names = list(inputs)
    nd0 = [mx.nd.array(v, dtype=v.dtype) for v in inputs.values()]
    layer(*nd0)  # shape inference (inference mode: BatchNorm stats untouched)
    pvals = fill_layer(layer, hash_seed(cid))
    if hybridize:
        layer.hybridize()
    if grad_wrt is None:
        grad_wrt = [k for k, v in inputs.items() if v.dtype.kind == "f"]

    def fn(**nd):
        return call(layer, *[nd[k] for k in names]) if call else layer(*[nd[k] for k in names])

    params = layer_params(layer)
    outs, hg, grads, pgrads = C.run_autograd(mx, fn, inputs, grad_wrt, head, train_mode, seed=hash_seed(cid),
                                             params=params)
    entry = {"id": cid, "family": family, "kind": "gluon_layer", "ctor": ctor, "prefix": layer.prefix,
             "hybridized": hybridize, "train_mode": train_mode, "grad_wrt": list(grad_wrt),
             "inputs": store.put_many(cid, "in", inputs),
             "params": store.put_many(cid, "param", pvals),
             "param_grad_req": OD((k, p.grad_req) for k, p in params.items()),
             "repr": repr(layer)}
    finish(entry, cid, outs, hg, grads, pgrads, note)
    store.add(entry)
    return layer, entry


# ---------------------------------------------------------------- conv / deconv
def conv_cases():
    def conv(cid, dshape, nf, kernel, groups=1, no_bias=False, **kw):
        ins = OD(data=randn(*dshape), weight=randn(nf, dshape[1] // groups, *kernel, scale=0.5))
        if not no_bias:
            ins["bias"] = randn(nf)
        kwargs = dict(kernel=kernel, num_filter=nf, num_group=groups, no_bias=no_bias, **kw)
        op_case(cid, "convolution", "Convolution", ins, kwargs)

    conv("conv1d", (2, 3, 9), 4, (3,))
    conv("conv1d_stride_pad_dilate", (2, 2, 11), 3, (3,), stride=(2,), pad=(2,), dilate=(2,))
    conv("conv2d", (2, 3, 6, 6), 4, (3, 3))
    conv("conv2d_stride2_pad1", (2, 3, 7, 7), 4, (3, 3), stride=(2, 2), pad=(1, 1))
    conv("conv2d_dilate2_pad2", (1, 2, 8, 8), 3, (3, 3), dilate=(2, 2), pad=(2, 2))
    conv("conv2d_groups2", (2, 4, 5, 5), 6, (3, 3), groups=2, pad=(1, 1))
    conv("conv2d_depthwise_no_bias", (1, 3, 5, 5), 3, (3, 3), groups=3, no_bias=True, stride=(2, 2))
    conv("conv2d_asym", (1, 2, 6, 5), 2, (2, 3), stride=(2, 1), pad=(0, 1))
    conv("conv2d_stride_gt_kernel", (1, 1, 7, 7), 2, (2, 2), stride=(3, 3))
    conv("conv3d", (1, 2, 4, 4, 4), 3, (2, 2, 2))
    conv("conv3d_stride_pad", (1, 2, 5, 4, 5), 2, (3, 3, 3), stride=(2, 1, 2), pad=(1, 1, 1))

    def deconv(cid, dshape, nf, kernel, groups=1, no_bias=True, native=False, **kw):
        ins = OD(data=randn(*dshape), weight=randn(dshape[1], nf // groups, *kernel, scale=0.5))
        if not no_bias:
            ins["bias"] = randn(nf)
        kwargs = dict(kernel=kernel, num_filter=nf, num_group=groups, no_bias=no_bias, **kw)
        op_case(cid, "deconvolution", "Deconvolution", ins, kwargs, native=native)

    deconv("deconv1d", (1, 2, 5), 3, (3,), stride=(2,))
    deconv("deconv1d_pad_adj", (1, 2, 5), 3, (3,), stride=(2,), pad=(1,), adj=(1,), no_bias=False)
    deconv("deconv2d", (1, 2, 4, 4), 3, (3, 3), no_bias=False)
    deconv("deconv2d_stride2_pad1_adj1", (2, 2, 3, 3), 2, (3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1))
    deconv("deconv2d_stride2_k4_pad1", (1, 2, 3, 3), 2, (4, 4), stride=(2, 2), pad=(1, 1))
    deconv("deconv2d_dilate", (1, 1, 3, 3), 2, (3, 3), dilate=(2, 2))
    deconv("deconv2d_groups2", (1, 4, 3, 3), 4, (3, 3), groups=2, stride=(2, 2), no_bias=False)
    deconv("deconv2d_target_shape_8", (1, 2, 4, 4), 3, (3, 3), stride=(2, 2), target_shape=(8, 8), native=True)
    deconv("deconv2d_target_shape_9", (1, 2, 4, 4), 3, (3, 3), stride=(2, 2), target_shape=(9, 9))
    deconv("deconv2d_target_shape_7_odd", (1, 2, 4, 4), 2, (4, 4), stride=(2, 2), target_shape=(9, 9), native=True)
    deconv("deconv3d", (1, 1, 2, 3, 2), 2, (2, 2, 2), stride=(2, 2, 2), pad=(0, 1, 0))

    layer_case("gluon_conv2d", "convolution", "nn.Conv2D(4, 3, strides=2, padding=1, in_channels=3)",
               lambda: nn.Conv2D(4, 3, strides=2, padding=1, in_channels=3), OD(x=randn(2, 3, 6, 6)))
    layer_case("gluon_conv2d_transpose", "deconvolution",
               "nn.Conv2DTranspose(3, 3, strides=2, padding=1, output_padding=1, in_channels=2)",
               lambda: nn.Conv2DTranspose(3, 3, strides=2, padding=1, output_padding=1, in_channels=2),
               OD(x=randn(1, 2, 4, 4)))
    layer_case("gluon_conv1d_relu", "convolution", "nn.Conv1D(2, 3, activation='relu', use_bias=False)",
               lambda: nn.Conv1D(2, 3, activation="relu", use_bias=False), OD(x=randn(2, 3, 7)))


# ---------------------------------------------------------------- pooling
def pool_cases():
    def pool(cid, dshape, data=None, note=None, native=False, **kw):
        d = distinct(*dshape) if data is None else data
        op_case(cid, "pooling", "Pooling", OD(data=d), kw, note=note, native=native)

    for pt in ("max", "avg", "sum"):
        for conv in ("valid", "full"):
            pool("%s_2d_k3s2_%s" % (pt, conv), (1, 2, 6, 6), kernel=(3, 3), stride=(2, 2), pool_type=pt,
                 pooling_convention=conv)
            pool("%s_2d_k3s2p1_%s" % (pt, conv), (1, 2, 6, 6), kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                 pool_type=pt, pooling_convention=conv)
        pool("%s_1d_k2s2_full" % pt, (2, 2, 5), kernel=(2,), stride=(2,), pool_type=pt, pooling_convention="full")
        pool("%s_1d_k3s1p1" % pt, (1, 2, 5), kernel=(3,), stride=(1,), pad=(1,), pool_type=pt)
        pool("%s_3d_k2s2_full" % pt, (1, 1, 3, 4, 5), kernel=(2, 2, 2), stride=(2, 2, 2), pool_type=pt,
             pooling_convention="full")
        pool("%s_global_2d" % pt, (2, 3, 4, 3), kernel=(1, 1), global_pool=True, pool_type=pt)
    pool("max_global_1d", (2, 2, 5), kernel=(1,), global_pool=True, pool_type="max")
    pool("avg_global_3d", (1, 2, 2, 3, 2), kernel=(1, 1, 1), global_pool=True, pool_type="avg")
    for cip in (True, False):
        for conv in ("valid", "full"):
            pool("avg_k3s2p1_cip%s_%s" % (int(cip), conv), (1, 1, 5, 5), kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                 pool_type="avg", count_include_pad=cip, pooling_convention=conv)
            pool("avg_k2s2p1_cip%s_%s_5x5" % (int(cip), conv), (1, 1, 5, 5), kernel=(2, 2), stride=(2, 2),
                 pad=(1, 1), pool_type="avg", count_include_pad=cip, pooling_convention=conv,
                 note="full: the last window row/col lies entirely in the padding",
                 native=(not cip and conv == "full"))
            pool("avg_1d_k3s2p1_cip%s_%s" % (int(cip), conv), (1, 1, 6), kernel=(3,), stride=(2,), pad=(1,),
                 pool_type="avg", count_include_pad=cip, pooling_convention=conv)
    pool("max_k2s2p1_full_5x5", (1, 1, 5, 5), kernel=(2, 2), stride=(2, 2), pad=(1, 1), pool_type="max",
         pooling_convention="full", note="windows entirely in padding give float32 lowest (-3.4028235e38)")
    pool("max_ties_overlap", (1, 1, 4, 4), data=np.ones((1, 1, 4, 4), F32), kernel=(2, 2), stride=(1, 1),
         pool_type="max", note="all-equal input: which tied element receives the gradient")
    pool("max_k3s1_overlap", (1, 1, 5, 5), kernel=(3, 3), stride=(1, 1), pool_type="max",
         note="overlapping windows: gradients accumulate")
    pool("lp2_k2s2", (1, 2, 4, 4), kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=2)
    layer_case("gluon_avgpool2d_ceil_nopad", "pooling",
               "nn.AvgPool2D(3, 2, 1, ceil_mode=True, count_include_pad=False)",
               lambda: nn.AvgPool2D(3, 2, 1, ceil_mode=True, count_include_pad=False), OD(x=distinct(1, 2, 6, 6)))
    layer_case("gluon_maxpool2d_ceil", "pooling", "nn.MaxPool2D(3, 2, ceil_mode=True)",
               lambda: nn.MaxPool2D(3, 2, ceil_mode=True), OD(x=distinct(1, 2, 6, 6)))
    layer_case("gluon_globalavgpool1d", "pooling", "nn.GlobalAvgPool1D()", lambda: nn.GlobalAvgPool1D(),
               OD(x=distinct(2, 3, 5)))


# ---------------------------------------------------------------- normalization
def bn_cases():
    def bn_train(cid, ctor, build, x, hybridize=False, note=None, forwards=1, nd_api=False):
        if skip_case(False):
            return
        with mx.name.NameManager():
            layer = build()
        layer.initialize()
        layer(mx.nd.array(x[0]))
        pvals = fill_layer(layer, hash_seed(cid))
        if hybridize:
            layer.hybridize()
        params = layer_params(layer)
        rm, rv = params["running_mean"], params["running_var"]
        inf_before = layer(mx.nd.array(x[0])).asnumpy()
        xs = [mx.nd.array(v) for v in x]
        for v in xs:
            v.attach_grad()
        with mx.autograd.record():
            outs = [layer(v) for v in xs]
        after_fwd = OD(running_mean=rm.data().asnumpy(), running_var=rv.data().asnumpy())
        r = C.rng(hash_seed(cid))
        hg = [r.standard_normal(o.shape).astype(F32) for o in outs]
        mx.autograd.backward(outs, [mx.nd.array(h) for h in hg])
        after_bwd = OD(running_mean=rm.data().asnumpy(), running_var=rv.data().asnumpy())
        inf_after = layer(mx.nd.array(x[0])).asnumpy()
        entry = {"id": cid, "family": "batchnorm", "kind": "gluon_layer", "ctor": ctor, "prefix": layer.prefix,
                 "hybridized": hybridize, "train_mode": True, "grad_wrt": ["x%d" % i for i in range(len(x))],
                 "inputs": store.put_many(cid, "in", OD(("x%d" % i, v) for i, v in enumerate(x))),
                 "params": store.put_many(cid, "param", pvals),
                 "param_grad_req": OD((k, p.grad_req) for k, p in params.items()),
                 "repr": repr(layer),
                 "outputs": store.put_many(cid, "out", [o.asnumpy() for o in outs]),
                 "head_grads": store.put_many(cid, "head_grad", hg),
                 "grads": store.put_many(cid, "grad", OD(("x%d" % i, v.grad.asnumpy()) for i, v in enumerate(xs))),
                 "param_grads": store.put_many(cid, "param_grad", OD(
                     (k, p.grad().asnumpy()) for k, p in params.items() if p.grad_req != "null")),
                 "running_after_forward": store.put_many(cid, "running_after_forward", after_fwd),
                 "running_after_backward": store.put_many(cid, "running_after_backward", after_bwd),
                 "inference_out_before": store.put(cid, "inference_out", "before", inf_before),
                 "inference_out_after": store.put(cid, "inference_out", "after", inf_after)}
        if note:
            entry["note"] = note
        store.add(entry)

    x = randn(4, 3, 3, 3, scale=2.0) + 1.0
    bn_train("bn_train_momentum0.9", "nn.BatchNorm(momentum=0.9, in_channels=3)",
             lambda: nn.BatchNorm(momentum=0.9, in_channels=3), [x],
             note="running stats change only in backward(): compare running_after_forward vs _after_backward")
    bn_train("bn_train_hybridized", "nn.BatchNorm(momentum=0.9)", lambda: nn.BatchNorm(momentum=0.9), [x],
             hybridize=True)
    bn_train("bn_train_2d_input", "nn.BatchNorm(momentum=0.9, epsilon=1e-3)",
             lambda: nn.BatchNorm(momentum=0.9, epsilon=1e-3), [randn(5, 4, scale=3.0)])
    bn_train("bn_train_axis_last", "nn.BatchNorm(axis=-1, momentum=0.8)", lambda: nn.BatchNorm(axis=-1, momentum=0.8),
             [randn(2, 3, 4)])
    bn_train("bn_train_scale_false", "nn.BatchNorm(scale=False, center=False)",
             lambda: nn.BatchNorm(scale=False, center=False), [x],
             note="scale=False => fix_gamma: stored gamma (!= 1 here) is ignored; gamma/beta grad_req null")
    bn_train("bn_train_use_global_stats", "nn.BatchNorm(use_global_stats=True)",
             lambda: nn.BatchNorm(use_global_stats=True), [x],
             note="training forward uses running stats; they are not updated")
    bn_train("bn_train_two_forwards_one_backward", "nn.BatchNorm(momentum=0.9)", lambda: nn.BatchNorm(momentum=0.9),
             [x, randn(4, 3, 3, 3) - 1.0],
             note="two recorded forwards then one backward over both outputs: two updates happen in backward")
    bn_train("bn_train_batch1_spatial1", "nn.BatchNorm()", lambda: nn.BatchNorm(), [randn(1, 3, 1, 1)],
             note="batch variance 0")

    # imperative nd.BatchNorm with explicit aux arrays
    if not C.NATIVE:
        cid = "nd_batchnorm_train_aux"
        xs = randn(3, 2, 4)
        gamma, beta = np.array([1.5, 0.5], F32), np.array([0.1, -0.2], F32)
        mm, mv = np.array([0.2, -0.1], F32), np.array([1.2, 0.8], F32)
        nd = OD((k, mx.nd.array(v)) for k, v in OD(data=xs, gamma=gamma, beta=beta, moving_mean=mm,
                                                     moving_var=mv).items())
        for k in ("data", "gamma", "beta"):
            nd[k].attach_grad()
        kw = dict(eps=1e-5, momentum=0.9, fix_gamma=False)
        with mx.autograd.record():
            y = mx.nd.BatchNorm(nd["data"], nd["gamma"], nd["beta"], nd["moving_mean"], nd["moving_var"], **kw)
        aft_f = OD(moving_mean=nd["moving_mean"].asnumpy(), moving_var=nd["moving_var"].asnumpy())
        hg = C.rng(5).standard_normal(y.shape).astype(F32)
        y.backward(mx.nd.array(hg))
        aft_b = OD(moving_mean=nd["moving_mean"].asnumpy(), moving_var=nd["moving_var"].asnumpy())
        store.add({"id": cid, "family": "batchnorm", "kind": "nd_op", "op": "BatchNorm", "kwargs": kw,
                   "train_mode": True, "grad_wrt": ["data", "gamma", "beta"],
                   "inputs": store.put_many(cid, "in", OD(data=xs, gamma=gamma, beta=beta, moving_mean=mm,
                                                          moving_var=mv)),
                   "outputs": store.put_many(cid, "out", [y.asnumpy()]),
                   "head_grads": store.put_many(cid, "head_grad", [hg]),
                   "grads": store.put_many(cid, "grad", OD((k, nd[k].grad.asnumpy()) for k in ("data", "gamma", "beta"))),
                   "running_after_forward": store.put_many(cid, "running_after_forward", aft_f),
                   "running_after_backward": store.put_many(cid, "running_after_backward", aft_b),
                   "note": "moving_mean/moving_var NDArrays are updated in place during backward"})

    layer_case("bn_inference", "batchnorm", "nn.BatchNorm()", lambda: nn.BatchNorm(), OD(x=x), train_mode=False,
               note="record(train_mode=False): running stats used; gradients through the affine map")
    op_case("nd_batchnorm_fix_gamma_default_train", "batchnorm", "BatchNorm",
            OD(data=randn(2, 3, 2), gamma=np.array([2.0, 0.5, 1.5], F32), beta=randn(3, scale=0.2),
               moving_mean=np.zeros(3, F32), moving_var=np.ones(3, F32)),
            {}, grad_wrt=["data", "gamma", "beta"],
            note="registry defaults fix_gamma=True, eps=1e-3: gamma ignored, gamma grad is 0")


def norm_cases():
    layer_case("layernorm", "layernorm", "nn.LayerNorm()", lambda: nn.LayerNorm(), OD(x=randn(2, 3, 5) * 2 + 1))
    layer_case("layernorm_axis1", "layernorm", "nn.LayerNorm(axis=1, epsilon=1e-3)",
               lambda: nn.LayerNorm(axis=1, epsilon=1e-3), OD(x=randn(2, 4, 3)))
    layer_case("layernorm_no_scale_center", "layernorm", "nn.LayerNorm(center=False, scale=False)",
               lambda: nn.LayerNorm(center=False, scale=False), OD(x=randn(3, 4)),
               note="gamma/beta grad_req null but still applied (values != 1/0 here)")
    layer_case("instancenorm", "instancenorm", "nn.InstanceNorm()", lambda: nn.InstanceNorm(),
               OD(x=randn(2, 3, 4, 4) + 0.5), note="default scale=False: gamma grad_req null (still applied)")
    layer_case("instancenorm_scale", "instancenorm", "nn.InstanceNorm(scale=True, epsilon=1e-3)",
               lambda: nn.InstanceNorm(scale=True, epsilon=1e-3), OD(x=randn(2, 2, 5)))
    layer_case("groupnorm_2", "groupnorm", "nn.GroupNorm(num_groups=2)", lambda: nn.GroupNorm(num_groups=2),
               OD(x=randn(2, 4, 3, 3) + 0.3), note="gamma/beta have shape (num_groups,) in MXNet 1.9.1")
    layer_case("groupnorm_1", "groupnorm", "nn.GroupNorm()", lambda: nn.GroupNorm(), OD(x=randn(2, 3, 4)))
    op_case("nd_layernorm", "layernorm", "LayerNorm", OD(data=randn(2, 3, 4), gamma=randn(4) + 1, beta=randn(4)),
            {"axis": -1, "eps": 1e-5})
    op_case("nd_instancenorm", "instancenorm", "InstanceNorm",
            OD(data=randn(2, 3, 5), gamma=randn(3) + 1, beta=randn(3)), {"eps": 1e-3})
    op_case("nd_groupnorm", "groupnorm", "GroupNorm", OD(data=randn(2, 4, 3), gamma=randn(2) + 1, beta=randn(2)),
            {"num_groups": 2, "eps": 1e-5})
    op_case("nd_l2normalization_channel", "l2norm", "L2Normalization", OD(data=randn(2, 3, 4)), {"mode": "channel"})
    op_case("nd_l2normalization_instance", "l2norm", "L2Normalization", OD(data=randn(2, 3, 4)))


# ---------------------------------------------------------------- embedding / dense / activations
def misc_cases():
    idx = np.array([[0, 2.7, 1.5, 4.2], [7, -1, -0.5, 3]], F32)
    layer_case("embedding_out_of_range", "embedding", "nn.Embedding(5, 3)", lambda: nn.Embedding(5, 3),
               OD(x=idx), grad_wrt=[], note="indices truncated toward zero then clipped; weight grad rows summed "
                                            "at the clipped index")
    layer_case("embedding_int_indices", "embedding", "nn.Embedding(4, 2)", lambda: nn.Embedding(4, 2),
               OD(x=np.array([1, 1, 3, 0, 9, -2], np.int32)), grad_wrt=[])
    op_case("nd_embedding", "embedding", "Embedding", OD(data=np.array([0, 3, 5, -1, 2.9], F32), weight=randn(4, 3)),
            {"input_dim": 4, "output_dim": 3}, grad_wrt=["weight"])
    layer_case("dense_flatten", "dense", "nn.Dense(3)", lambda: nn.Dense(3), OD(x=randn(2, 2, 3)))
    layer_case("dense_no_flatten_relu", "dense", "nn.Dense(3, activation='relu', flatten=False, use_bias=False)",
               lambda: nn.Dense(3, activation="relu", flatten=False, use_bias=False), OD(x=randn(2, 2, 4)))

    x = np.array([[-3, -1.5, -0.5, -1e-3, 0, 1e-3, 0.5, 1.5, 3]], F32)
    x3 = randn(2, 3, 2)
    x3[0, 0, 0] = 0.0
    for a in ("relu", "sigmoid", "tanh", "softrelu", "softsign"):
        layer_case("activation_" + a, "activation", "nn.Activation(%r)" % a, lambda a=a: nn.Activation(a), OD(x=x))
    layer_case("leakyrelu_0.1", "activation", "nn.LeakyReLU(0.1)", lambda: nn.LeakyReLU(0.1), OD(x=x))
    layer_case("leakyrelu_0", "activation", "nn.LeakyReLU(0)", lambda: nn.LeakyReLU(0), OD(x=x))
    layer_case("prelu_shared", "activation", "nn.PReLU()", lambda: nn.PReLU(), OD(x=x3))
    layer_case("prelu_per_channel", "activation", "nn.PReLU(in_channels=3)", lambda: nn.PReLU(in_channels=3),
               OD(x=x3))
    layer_case("elu_1", "activation", "nn.ELU()", lambda: nn.ELU(), OD(x=x))
    layer_case("elu_0.5", "activation", "nn.ELU(alpha=0.5)", lambda: nn.ELU(alpha=0.5), OD(x=x))
    layer_case("selu", "activation", "nn.SELU()", lambda: nn.SELU(), OD(x=x))
    layer_case("gelu", "activation", "nn.GELU()", lambda: nn.GELU(), OD(x=x))
    layer_case("swish_1", "activation", "nn.Swish()", lambda: nn.Swish(), OD(x=x))
    layer_case("swish_2", "activation", "nn.Swish(beta=2.0)", lambda: nn.Swish(beta=2.0), OD(x=x))
    for t, kw in [("leaky", {"slope": 0.2}), ("elu", {"slope": 0.7}), ("selu", {}), ("gelu", {})]:
        op_case("nd_leakyrelu_" + t, "activation", "LeakyReLU", OD(data=x), dict(act_type=t, **kw))
    op_case("nd_leakyrelu_prelu", "activation", "LeakyReLU", OD(data=x3, gamma=np.array([0.1, 0.2, 0.3], F32)),
            {"act_type": "prelu"})
    op_case("nd_leakyrelu_rrelu_inference", "activation", "LeakyReLU", OD(data=x),
            {"act_type": "rrelu", "lower_bound": 0.1, "upper_bound": 0.3}, train_mode=False,
            keep_outputs=1, note="record(train_mode=False): fixed slope (lower+upper)/2; the second output "
                                 "(mask) is not stored (uninitialized memory in inference)")
    op_case("nd_relu", "activation", "relu", OD(data=x))
    op_case("nd_sigmoid", "activation", "sigmoid", OD(data=x))
    op_case("nd_softmax_axis1", "softmax", "softmax", OD(data=randn(2, 3, 4)), {"axis": 1})
    op_case("nd_softmax_temperature", "softmax", "softmax", OD(data=randn(2, 5)), {"temperature": 3.0})
    op_case("nd_log_softmax", "softmax", "log_softmax", OD(data=randn(3, 4)), {"axis": -1})
    op_case("nd_softmax_cross_entropy", "softmax", "softmax_cross_entropy",
            OD(data=randn(4, 5), label=np.array([0, 4, 2, 2], F32)), grad_wrt=["data"],
            note="output shape (1,): the SUM over the batch")
    op_case("nd_softmax_cross_entropy_bad_label", "softmax", "softmax_cross_entropy",
            OD(data=randn(3, 4), label=np.array([1.7, -1, 9], F32)), grad_wrt=["data"],
            note="non-integer / out-of-range labels")
    op_case("nd_softmaxoutput", "softmax", "SoftmaxOutput", OD(data=randn(4, 3), label=np.array([0, 2, 1, 1], F32)),
            {"grad_scale": 1.0}, grad_wrt=["data"], head="ones",
            note="backward ignores the head gradient: grad = (softmax - onehot(label)) * grad_scale")
    op_case("nd_softmaxoutput_normalization_batch", "softmax", "SoftmaxOutput",
            OD(data=randn(4, 3), label=np.array([0, 2, 1, 1], F32)), {"normalization": "batch"},
            grad_wrt=["data"], head="ones")
    op_case("nd_softmaxoutput_ignore", "softmax", "SoftmaxOutput",
            OD(data=randn(4, 3), label=np.array([0, 2, 1, 1], F32)),
            {"use_ignore": True, "ignore_label": 1, "normalization": "valid"}, grad_wrt=["data"], head="ones")


def main():
    conv_cases()
    pool_cases()
    if not C.NATIVE:
        bn_cases()
        norm_cases()
        misc_cases()
    if C.NATIVE:
        store.write_native()
        return
    store.add_native(__file__)
    store.write(OUT, "layers", __file__, extra={"notes": [
        "kind 'nd_op': mx.nd.<op>(*inputs.values(), **kwargs) (positional in 'inputs' order). kind 'gluon_layer': "
        "layer built from 'ctor' in a fresh NameManager, initialize(), one inference forward for shapes, then "
        "every parameter set to 'params' (local names, prefix stripped), then layer(*inputs).",
        "Forward under autograd.record(train_mode=train_mode); backward with head_grads (one per output); "
        "grads are the .grad of the inputs listed in grad_wrt; param_grads the Parameter.grad() values.",
        "BatchNorm training cases also hold running stats right after the recorded forward "
        "('running_after_forward') and after backward ('running_after_backward'), and inference outputs on "
        "x0 before and after.",
        "Cases whose id ends in '_native_cpu' were computed with MXNET_MKLDNN_ENABLED=0 because the MKLDNN "
        "kernel raises for them (the same id without the suffix holds the error).",
    ]})


if __name__ == "__main__":
    main()
