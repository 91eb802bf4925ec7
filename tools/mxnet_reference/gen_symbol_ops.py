"""MXNet 1.9.1 reference for the operators of exported symbol graphs (spec/symbol.md):
each case is run imperatively (mx.nd.<op>) and as a one-op symbol graph (sym.bind +
forward(is_train=False)); plus hand-written legacy spellings of a small graph.
Writes tests/data/symbol_ops/.

    .venv-mxnet/bin/python tools/mxnet_reference/gen_symbol_ops.py
"""
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C  # noqa: E402

mx = C.import_mxnet()
np = C.np
OUT = C.out_dir("symbol_ops")
LEGACY_DIR = C.out_dir("symbol_ops", "legacy_graphs")
store = C.CaseStore()
F32 = np.float32
draws = C.Draws(10000)
R, randn, randu = draws.R, draws.randn, draws.randu


err_text = C.err_text


def resolve(mod, op):
    if "." in op:
        a, b = op.split(".")
        return getattr(getattr(mod, a), b)
    if hasattr(mod, op):
        return getattr(mod, op)
    return getattr(mod._internal, op)


def max_diff(a, b):
    """max |a-b| over finite entries; None if shapes or the non-finite patterns differ."""
    if a.shape != b.shape:
        return None
    a, b = a.astype(np.float64), b.astype(np.float64)
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb) or not np.array_equal(a[~fa], b[~fb]):
        return None
    return float(np.max(np.abs(a[fa] - b[fb]))) if fa.any() else 0.0


def case(cid, op, inputs, kwargs=None, note=None, is_train=False, nd_op=True, native=False, keep_outputs=None):
    """inputs: ordered dict name -> numpy array (positional order of the op's inputs).
    Variables are named exactly like the keys; aux states are detected by MXNet.
    native=True: also computed in a child process with MXNET_MKLDNN_ENABLED=0 (id + '_native_cpu')."""
    if C.NATIVE and not native:
        return
    if C.NATIVE:
        cid += "_native_cpu"
        note = ((note + "; ") if note else "") + "computed with MXNET_MKLDNN_ENABLED=0 (native CPU kernels)"
    kwargs = kwargs or {}
    inputs = collections.OrderedDict(inputs)
    variables = [mx.sym.var(n) for n in inputs]
    entry = {"id": cid, "op": op, "py_kwargs": C.jsonable(kwargs), "is_train": is_train}
    try:
        s = resolve(mx.sym, op)(*variables, name="op0", **kwargs)
    except Exception as e:  # noqa: BLE001
        entry["symbol_error"] = err_text(e)
        s = None
    if s is not None:
        g = json.loads(s.tojson())
        node = [n for n in g["nodes"] if n["op"] != "null"][-1]
        entry["op_name_in_json"] = node["op"]
        entry["attrs"] = node.get("attrs", {})
        entry["arg_names"] = s.list_arguments()
        entry["aux_names"] = s.list_auxiliary_states()
        entry["output_names"] = s.list_outputs()
        entry["graph"] = s.tojson()
    entry["inputs"] = store.put_many(cid, "in", inputs)
    if s is not None:
        try:
            args = {n: mx.nd.array(inputs[n], dtype=inputs[n].dtype) for n in s.list_arguments()}
            aux = {n: mx.nd.array(inputs[n], dtype=inputs[n].dtype) for n in s.list_auxiliary_states()}
            ex = s.bind(mx.cpu(), args=args, aux_states=aux, grad_req="null")
            outs = [o.asnumpy() for o in ex.forward(is_train=is_train)][:keep_outputs]
            entry["outputs"] = store.put_many(cid, "out", outs)
            if is_train and aux:
                entry["aux_after_forward"] = store.put_many(
                    cid, "aux_after_forward", {n: a.asnumpy() for n, a in ex.aux_dict.items()})
        except Exception as e:  # noqa: BLE001
            entry["symbol_error"] = err_text(e)
    if nd_op:
        try:
            nd_in = [mx.nd.array(a, dtype=a.dtype) for a in inputs.values()]
            with mx.autograd.train_mode() if is_train else mx.autograd.predict_mode():
                res = resolve(mx.nd, op)(*nd_in, **kwargs)
            res = res if isinstance(res, (list, tuple)) else [res]
            nd_outs = [r.asnumpy() for r in res][:keep_outputs]
            entry["nd_outputs"] = store.put_many(cid, "ndout", nd_outs)
            if "outputs" in entry:
                outs_sym = [store.arrays[v["key"]] for v in entry["outputs"].values()]
                diffs = [max_diff(a, b) for a, b in zip(outs_sym, nd_outs)]
                entry["nd_sym_max_abs_diff"] = diffs
        except Exception as e:  # noqa: BLE001
            entry["nd_error"] = err_text(e)
    if note:
        entry["note"] = note
    store.add(entry)
    status = "ERR" if ("symbol_error" in entry or "nd_error" in entry) else "ok"
    print(status, cid, entry.get("symbol_error", ""), entry.get("nd_error", ""), file=sys.stderr)


OD = collections.OrderedDict


# ---------------------------------------------------------------- Convolution / Deconvolution
def conv_cases():
    def conv(cid, dshape, nf, kernel, groups=1, no_bias=False, **kw):
        cin = dshape[1]
        ins = OD(data=randn(*dshape), weight=randn(nf, cin // groups, *kernel, scale=0.5))
        if not no_bias:
            ins["bias"] = randn(nf)
        kwargs = dict(kernel=kernel, num_filter=nf, **kw)
        if groups != 1:
            kwargs["num_group"] = groups
        if no_bias:
            kwargs["no_bias"] = True
        case(cid, "Convolution", ins, kwargs)

    conv("conv2d_basic", (2, 3, 7, 7), 4, (3, 3))
    conv("conv2d_stride2_pad1", (2, 3, 7, 7), 4, (3, 3), stride=(2, 2), pad=(1, 1))
    conv("conv2d_dilate2", (1, 2, 9, 9), 3, (3, 3), dilate=(2, 2), pad=(1, 1))
    conv("conv2d_group2", (2, 4, 6, 6), 6, (3, 3), groups=2)
    conv("conv2d_depthwise", (1, 4, 6, 6), 4, (3, 3), groups=4, pad=(1, 1), no_bias=True)
    conv("conv2d_no_bias", (1, 3, 5, 5), 2, (3, 3), no_bias=True)
    conv("conv2d_asym_kernel", (1, 2, 6, 7), 3, (1, 3), pad=(0, 1))
    conv("conv2d_asym_stride_pad", (1, 2, 7, 6), 3, (3, 2), stride=(2, 1), pad=(1, 0))
    conv("conv2d_1x1_layout", (1, 3, 4, 4), 2, (1, 1), layout="NCHW")
    conv("conv2d_stride3_kernel2_uneven", (1, 1, 8, 8), 2, (2, 2), stride=(3, 3))
    conv("conv1d", (2, 3, 10), 4, (3,), stride=(2,), pad=(1,))
    conv("conv1d_dilate", (1, 2, 11), 2, (3,), dilate=(3,))
    conv("conv3d", (1, 2, 5, 5, 5), 3, (2, 2, 2))
    conv("conv3d_stride_pad", (1, 2, 5, 6, 4), 2, (3, 3, 3), stride=(2, 2, 1), pad=(1, 1, 1))

    def deconv(cid, dshape, nf, kernel, groups=1, with_bias=False, native=False, **kw):
        cin = dshape[1]
        ins = OD(data=randn(*dshape), weight=randn(cin, nf // groups, *kernel, scale=0.5))
        kwargs = dict(kernel=kernel, num_filter=nf, **kw)
        if groups != 1:
            kwargs["num_group"] = groups
        if with_bias:
            ins["bias"] = randn(nf)
            kwargs["no_bias"] = False
        case(cid, "Deconvolution", ins, kwargs, native=native,
             note="Deconvolution's registry default is no_bias=True (unlike Convolution)")

    deconv("deconv2d_basic", (1, 2, 4, 4), 3, (3, 3))
    deconv("deconv2d_stride2_pad1_adj1", (1, 2, 4, 4), 3, (3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1))
    deconv("deconv2d_target_shape", (1, 2, 4, 4), 3, (3, 3), stride=(2, 2), target_shape=(8, 8), native=True)
    deconv("deconv2d_target_shape_odd", (1, 2, 4, 4), 2, (4, 4), stride=(2, 2), target_shape=(9, 9), native=True)
    deconv("deconv2d_target_shape_full", (1, 2, 4, 4), 3, (3, 3), stride=(2, 2), target_shape=(9, 9))
    deconv("deconv2d_target_shape_7", (1, 2, 4, 4), 3, (3, 3), stride=(2, 2), target_shape=(7, 7), native=True)
    deconv("deconv2d_bias", (2, 2, 3, 3), 2, (2, 2), stride=(2, 2), with_bias=True)
    deconv("deconv2d_group2", (1, 4, 3, 3), 4, (3, 3), groups=2, stride=(2, 2))
    deconv("deconv2d_dilate", (1, 1, 3, 3), 2, (3, 3), dilate=(2, 2))
    deconv("deconv1d", (1, 2, 5), 3, (3,), stride=(2,), pad=(1,), adj=(1,))
    deconv("deconv3d", (1, 1, 2, 3, 2), 2, (2, 2, 2), stride=(2, 2, 2))


# ---------------------------------------------------------------- Pooling
def pool_cases():
    def pool(cid, dshape, note=None, data=None, **kw):
        d = randn(*dshape) if data is None else data
        case(cid, "Pooling", OD(data=d), kw, note=note)

    ar = np.arange(1, 26, dtype=F32).reshape(1, 1, 5, 5)
    pool("max_k2s2_valid_5x5", (1, 1, 5, 5), data=ar, kernel=(2, 2), stride=(2, 2), pool_type="max")
    pool("max_k2s2_full_5x5", (1, 1, 5, 5), data=ar, kernel=(2, 2), stride=(2, 2), pool_type="max",
         pooling_convention="full")
    pool("avg_k2s2_full_5x5", (1, 1, 5, 5), data=ar, kernel=(2, 2), stride=(2, 2), pool_type="avg",
         pooling_convention="full", note="last window sticks out past the input: divided by in-extent count")
    pool("avg_k2s2_full_5x5_nopadcount", (1, 1, 5, 5), data=ar, kernel=(2, 2), stride=(2, 2),
         pool_type="avg", pooling_convention="full", count_include_pad=False)
    pool("max_k2s2p1_full_5x5", (1, 1, 5, 5), data=ar, kernel=(2, 2), stride=(2, 2), pad=(1, 1),
         pool_type="max", pooling_convention="full", note="last window lies only in padding")
    pool("avg_k2s2p1_full_5x5", (1, 1, 5, 5), data=ar, kernel=(2, 2), stride=(2, 2), pad=(1, 1),
         pool_type="avg", pooling_convention="full")
    pool("avg_k2s2p1_full_5x5_nopadcount", (1, 1, 5, 5), data=ar, kernel=(2, 2), stride=(2, 2),
         pad=(1, 1), pool_type="avg", pooling_convention="full", count_include_pad=False)
    pool("sum_k2s2p1_full_5x5", (1, 1, 5, 5), data=ar, kernel=(2, 2), stride=(2, 2), pad=(1, 1),
         pool_type="sum", pooling_convention="full")
    pool("max_k3s2_full_squeezenet", (2, 3, 8, 8), kernel=(3, 3), stride=(2, 2), pool_type="max",
         pooling_convention="full")
    pool("max_k3s2p1_valid", (2, 3, 8, 8), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max")
    pool("max_neg_pad", (1, 2, 4, 4), data=-np.abs(randn(1, 2, 4, 4)) - 1, kernel=(3, 3), stride=(2, 2),
         pad=(1, 1), pool_type="max", note="all-negative input: padding never wins")
    pool("avg_k3s1p1_countpad", (1, 2, 4, 4), data=np.arange(1, 33, dtype=F32).reshape(1, 2, 4, 4),
         kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="avg", count_include_pad=True)
    pool("avg_k3s1p1_nocountpad", (1, 2, 4, 4), data=np.arange(1, 33, dtype=F32).reshape(1, 2, 4, 4),
         kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="avg", count_include_pad=False)
    pool("avg_k3s2p1_valid_default_countpad", (1, 2, 6, 6), kernel=(3, 3), stride=(2, 2), pad=(1, 1),
         pool_type="avg", note="count_include_pad absent (None) behaves as True")
    pool("avg_k3s2p1_full", (1, 2, 6, 6), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
         pooling_convention="full")
    pool("sum_k2s1", (1, 2, 4, 5), kernel=(2, 2), stride=(1, 1), pool_type="sum")
    pool("lp2_k2s2", (1, 2, 4, 4), kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=2)
    pool("lp1_k2s2", (1, 2, 4, 4), kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=1)
    pool("stride_absent_defaults_to_1", (1, 1, 4, 4), kernel=(2, 2), pool_type="max",
         note="Pooling stride default is 1, not the kernel")
    pool("pool_type_absent_defaults_to_max", (1, 1, 4, 4), kernel=(2, 2), stride=(2, 2))
    pool("global_max", (2, 3, 5, 4), kernel=(1, 1), global_pool=True, pool_type="max")
    pool("global_avg", (2, 3, 5, 4), kernel=(1, 1), global_pool=True, pool_type="avg",
         pooling_convention="full")
    pool("global_avg_ignores_kernel_stride_pad", (1, 2, 5, 5), kernel=(3, 3), stride=(2, 2), pad=(1, 1),
         global_pool=True, pool_type="avg")
    pool("global_sum", (1, 2, 3, 3), kernel=(1, 1), global_pool=True, pool_type="sum")
    pool("max_1d_valid", (2, 2, 7), kernel=(3,), stride=(2,), pool_type="max")
    pool("avg_1d_full_pad", (1, 2, 7), kernel=(3,), stride=(2,), pad=(1,), pool_type="avg",
         pooling_convention="full")
    pool("max_3d", (1, 2, 4, 4, 4), kernel=(2, 2, 2), stride=(2, 2, 2), pool_type="max")
    pool("avg_3d_full", (1, 1, 5, 5, 5), kernel=(2, 2, 2), stride=(2, 2, 2), pool_type="avg",
         pooling_convention="full")
    pool("global_avg_1d", (2, 3, 6), kernel=(1,), global_pool=True, pool_type="avg")
    pool("global_max_3d", (1, 2, 3, 3, 3), kernel=(1, 1, 1), global_pool=True, pool_type="max")
    pool("same_2d_max", (1, 1, 5, 5), kernel=(2, 2), stride=(2, 2), pool_type="max",
         pooling_convention="same")
    pool("same_1d_max", (1, 1, 5), kernel=(2,), stride=(2,), pool_type="max", pooling_convention="same")
    pool("same_1d_avg_s1", (1, 1, 5), kernel=(3,), stride=(1,), pool_type="avg", pooling_convention="same")


# ---------------------------------------------------------------- normalization
def norm_cases():
    def bn(cid, dshape, axis=1, note=None, is_train=False, **kw):
        c = dshape[axis]
        ins = OD(data=randn(*dshape, scale=2.0) + 0.5, gamma=randu(0.5, 2.0, c), beta=randn(c, scale=0.3),
                 moving_mean=randn(c, scale=0.5), moving_var=randu(0.5, 2.0, c))
        if axis != 1:
            kw["axis"] = axis
        case(cid, "BatchNorm", ins, kw, note=note, is_train=is_train)

    bn("bn_no_attrs", (2, 3, 4, 4), note="no attrs: fix_gamma=True and eps=1e-3 => gamma ignored")
    bn("bn_gluon_style", (2, 3, 4, 4), eps=1e-5, momentum=0.9, fix_gamma=False, use_global_stats=False)
    bn("bn_fix_gamma_true_eps1e-5", (2, 3, 4, 4), eps=1e-5, fix_gamma=True)
    bn("bn_eps_1e-3_inception", (2, 3, 3, 3), eps=0.001, fix_gamma=False)
    bn("bn_2d_input", (4, 5), fix_gamma=False, eps=1e-5)
    bn("bn_axis_last", (2, 3, 4), axis=-1, fix_gamma=False, eps=1e-5)
    bn("bn_axis_2", (2, 3, 4, 2), axis=2, fix_gamma=False, eps=1e-5)
    bn("bn_output_mean_var", (2, 3, 4, 4), fix_gamma=False, eps=1e-5, output_mean_var=True,
       note="output 1 = mean used, output 2 = 1/sqrt(var + eps) of the var used (NOT the variance); "
            "inference: the moving stats")
    bn("bn_use_global_stats", (2, 3, 4, 4), fix_gamma=False, eps=1e-5, use_global_stats=True)
    bn("bn_train_mode", (2, 3, 4, 4), fix_gamma=False, eps=1e-5, momentum=0.9, is_train=True,
       note="forward(is_train=True): batch statistics; aux_after_forward shows moving stats after "
            "forward only (no backward)")
    bn("bn_train_mode_output_mean_var", (2, 3, 3), fix_gamma=False, eps=1e-5, output_mean_var=True,
       is_train=True, note="output 1 = batch mean, output 2 = 1/sqrt(batch_var + eps) (biased var)")
    bn("bn_train_use_global_stats", (2, 3, 3), fix_gamma=False, eps=1e-5, use_global_stats=True,
       is_train=True)

    def ln(cid, dshape, axis=-1, **kw):
        c = dshape[axis]
        kw = dict(kw)
        if axis != -1:
            kw["axis"] = axis
        case(cid, "LayerNorm", OD(data=randn(*dshape, scale=2.0) + 1, gamma=randu(0.5, 2, c),
                                  beta=randn(c, scale=0.3)), kw)

    ln("layernorm_default", (2, 3, 5))
    ln("layernorm_axis1", (2, 4, 3), axis=1, eps=1e-5)
    ln("layernorm_eps", (3, 4), eps=0.1)
    ln("layernorm_output_mean_var", (2, 5), output_mean_var=True)

    case("instancenorm", "InstanceNorm", OD(data=randn(2, 3, 4, 4) + 1, gamma=randu(0.5, 2, 3),
                                            beta=randn(3, scale=0.3)), {"eps": 1e-5})
    case("instancenorm_default_eps", "InstanceNorm", OD(data=randn(2, 2, 5) * 3, gamma=randu(0.5, 2, 2),
                                                        beta=randn(2, scale=0.3)))
    case("groupnorm_2groups", "GroupNorm", OD(data=randn(2, 4, 3, 3) + 1, gamma=randu(0.5, 2, 2),
                                              beta=randn(2, scale=0.3)), {"num_groups": 2})
    case("groupnorm_default", "GroupNorm", OD(data=randn(2, 3, 4), gamma=randu(0.5, 2, 1),
                                              beta=randn(1, scale=0.3)))
    for mode in ("instance", "channel", "spatial"):
        case("l2norm_" + mode, "L2Normalization", OD(data=randn(2, 3, 2, 2)), {"mode": mode})
    case("l2norm_default_2d", "L2Normalization", OD(data=randn(3, 4)))
    case("l2norm_eps", "L2Normalization", OD(data=randn(2, 3) * 1e-3), {"eps": 1e-4})
    case("lrn", "LRN", OD(data=randn(1, 5, 3, 3)), {"nsize": 3})


# ---------------------------------------------------------------- activations
def act_cases():
    x = np.array([[-3, -2, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 2, 3, 10]], dtype=F32)
    for t in ("relu", "sigmoid", "tanh", "softrelu", "softsign"):
        case("activation_" + t, "Activation", OD(data=x), {"act_type": t})
    case("leakyrelu_no_attrs", "LeakyReLU", OD(data=x), note="act_type leaky, slope 0.25 by default")
    case("leakyrelu_leaky_0.1", "LeakyReLU", OD(data=x), {"act_type": "leaky", "slope": 0.1})
    d = randn(2, 3, 2, 2)
    case("leakyrelu_prelu_per_channel", "LeakyReLU", OD(data=d, gamma=np.array([0.1, 0.25, 0.5], F32)),
         {"act_type": "prelu"})
    case("leakyrelu_prelu_shared", "LeakyReLU", OD(data=d, gamma=np.array([0.3], F32)), {"act_type": "prelu"})
    case("leakyrelu_prelu_2d", "LeakyReLU", OD(data=randn(3, 4), gamma=np.array([0.1, 0.2, 0.3, 0.4], F32)),
         {"act_type": "prelu"})
    case("leakyrelu_elu", "LeakyReLU", OD(data=x), {"act_type": "elu", "slope": 1.0})
    case("leakyrelu_elu_0.5", "LeakyReLU", OD(data=x), {"act_type": "elu", "slope": 0.5})
    case("leakyrelu_elu_default_slope", "LeakyReLU", OD(data=x), {"act_type": "elu"},
         note="elu without slope attr uses slope 0.25")
    case("leakyrelu_selu", "LeakyReLU", OD(data=x), {"act_type": "selu"})
    case("leakyrelu_gelu", "LeakyReLU", OD(data=x), {"act_type": "gelu"})
    rnote = ("inference: slope (lower_bound+upper_bound)/2. The op has a second visible output (mask) that "
             "is left UNINITIALIZED in inference (garbage), so only output 0 is stored")
    case("leakyrelu_rrelu_inference", "LeakyReLU", OD(data=x), {"act_type": "rrelu"}, note=rnote,
         keep_outputs=1)
    case("leakyrelu_rrelu_bounds", "LeakyReLU", OD(data=x),
         {"act_type": "rrelu", "lower_bound": 0.1, "upper_bound": 0.3}, note=rnote, keep_outputs=1)
    for op in ("relu", "sigmoid", "tanh", "exp", "abs", "square", "negative", "sign", "floor", "ceil",
               "round", "rint", "fix", "trunc", "erf", "softsign", "log_sigmoid", "mish"):
        try:
            getattr(mx.sym, op)
        except AttributeError:
            continue
        case("unary_" + op, op, OD(data=x))
    pos = np.array([[1e-3, 0.1, 0.5, 1, 2, 10, 100]], dtype=F32)
    for op in ("log", "sqrt", "rsqrt", "reciprocal", "log1p", "expm1", "cbrt", "log2", "log10"):
        case("unary_" + op, op, OD(data=pos))
    case("unary_round_halves", "round", OD(data=np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], F32)))
    case("unary_rint_halves", "rint", OD(data=np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], F32)))


# ---------------------------------------------------------------- softmax family
def softmax_cases():
    d = randn(2, 3, 4, scale=2)
    case("softmax_default", "softmax", OD(data=d))
    case("softmax_axis1", "softmax", OD(data=d), {"axis": 1})
    case("softmax_axis0", "softmax", OD(data=d), {"axis": 0})
    case("softmax_temperature2", "softmax", OD(data=d), {"axis": -1, "temperature": 2.0})
    case("softmax_use_length", "softmax", OD(data=d, length=np.array([[1, 4, 2], [3, 0, 4]], np.int32)),
         {"axis": -1, "use_length": True})
    case("softmax_large_values", "softmax", OD(data=np.array([[1000, 1001, 999], [-1000, 0, 1000]], F32)))
    case("log_softmax_default", "log_softmax", OD(data=d))
    case("log_softmax_axis1", "log_softmax", OD(data=d), {"axis": 1})
    case("log_softmax_temperature", "log_softmax", OD(data=d), {"temperature": 0.5})
    case("softmin_default", "softmin", OD(data=d))
    lab2 = np.array([1, 0, 2, 1], F32)
    case("softmaxoutput_2d", "SoftmaxOutput", OD(data=randn(4, 3), label=lab2))
    case("softmaxoutput_3d_default", "SoftmaxOutput", OD(data=d, label=np.zeros((2, 3), F32)),
         note="default: softmax over all non-batch values (data viewed as (N, prod(rest))); yet MXNet's "
              "shape inference demands label shape data.shape[:-1] = (2, 3) (label (2,) is an error)")
    case("softmaxoutput_3d_multi_output", "SoftmaxOutput", OD(data=d, label=np.zeros((2, 4), F32)),
         {"multi_output": True})
    case("softmaxoutput_3d_preserve_shape", "SoftmaxOutput", OD(data=d, label=np.zeros((2, 3), F32)),
         {"preserve_shape": True})
    case("softmaxoutput_loss_attrs", "SoftmaxOutput", OD(data=randn(4, 3), label=lab2),
         {"grad_scale": 2.0, "ignore_label": 1, "use_ignore": True, "normalization": "valid"})
    case("softmax_activation_instance", "SoftmaxActivation", OD(data=randn(2, 4)))
    case("softmax_activation_channel", "SoftmaxActivation", OD(data=randn(2, 3, 2)), {"mode": "channel"})
    case("softmax_cross_entropy", "softmax_cross_entropy",
         OD(data=randn(4, 3), label=np.array([0, 2, 1, 2], F32)))
    case("logistic_regression_output", "LogisticRegressionOutput", OD(data=randn(3, 2), label=np.zeros((3, 2), F32)))
    case("linear_regression_output", "LinearRegressionOutput", OD(data=randn(3, 2), label=np.zeros((3, 2), F32)))


# ---------------------------------------------------------------- dense / shape / misc
def dense_cases():
    case("fc_flatten_true_3d", "FullyConnected", OD(data=randn(2, 3, 4), weight=randn(5, 12), bias=randn(5)),
         {"num_hidden": 5})
    case("fc_flatten_false_3d", "FullyConnected", OD(data=randn(2, 3, 4), weight=randn(5, 4), bias=randn(5)),
         {"num_hidden": 5, "flatten": False})
    case("fc_no_bias", "FullyConnected", OD(data=randn(3, 4), weight=randn(2, 4)), {"num_hidden": 2, "no_bias": True})
    case("fc_2d", "FullyConnected", OD(data=randn(3, 4), weight=randn(2, 4), bias=randn(2)),
         {"num_hidden": 2, "no_bias": False, "flatten": True})
    case("fc_4d_flatten", "FullyConnected", OD(data=randn(2, 2, 2, 3), weight=randn(3, 12), bias=randn(3)),
         {"num_hidden": 3})
    case("fc_flatten_false_4d", "FullyConnected", OD(data=randn(2, 2, 2, 3), weight=randn(3, 3), bias=randn(3)),
         {"num_hidden": 3, "flatten": False})
    case("flatten_4d", "Flatten", OD(data=randn(2, 3, 2, 2)))
    case("flatten_1d", "Flatten", OD(data=randn(3)))
    case("flatten_2d", "Flatten", OD(data=randn(3, 4)))
    case("dropout_inference", "Dropout", OD(data=randn(3, 4)), {"p": 0.3})
    case("dropout_inference_axes", "Dropout", OD(data=randn(3, 4)), {"p": 0.5, "axes": (1,), "cudnn_off": False})
    idx = np.array([[0, 2.7, 1.5], [4.2, 7, -1], [-0.5, 3, 4.999]], F32)
    case("embedding_clip_truncate", "Embedding", OD(data=idx, weight=randn(5, 3)),
         {"input_dim": 5, "output_dim": 3},
         note="indices truncated toward zero then clipped to [0, input_dim-1]")
    case("embedding_gluon_attrs", "Embedding", OD(data=np.array([1, 0, 3], F32), weight=randn(4, 2)),
         {"input_dim": 4, "output_dim": 2, "dtype": "float32", "sparse_grad": False})
    case("embedding_int_indices", "Embedding", OD(data=np.array([[1, 3], [0, 9]], np.int32), weight=randn(4, 2)),
         {"input_dim": 4, "output_dim": 2})
    case("upsampling_nearest2", "UpSampling", OD(data=randn(1, 2, 2, 3)), {"scale": 2, "sample_type": "nearest"})
    case("upsampling_nearest3", "UpSampling", OD(data=randn(2, 1, 2, 2)), {"scale": 3, "sample_type": "nearest",
                                                                           "num_args": 1})
    case("upsampling_bilinear", "UpSampling", OD(data=randn(1, 2, 3, 3), weight=randn(2, 1, 4, 4)),
         {"scale": 2, "sample_type": "bilinear", "num_filter": 2})
    case("bilinear_resize2d", "contrib.BilinearResize2D", OD(data=randn(1, 2, 3, 4)), {"height": 5, "width": 7})
    p4 = randn(1, 2, 3, 3)
    case("pad_constant", "Pad", OD(data=p4), {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 2, 2, 1),
                                              "constant_value": 1.5})
    case("pad_constant_default", "Pad", OD(data=p4), {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 1, 1, 1)})
    case("pad_edge", "Pad", OD(data=p4), {"mode": "edge", "pad_width": (0, 0, 0, 0, 2, 1, 1, 2)})
    case("pad_reflect", "Pad", OD(data=p4), {"mode": "reflect", "pad_width": (0, 0, 0, 0, 2, 1, 1, 2)})
    case("pad_5d_constant", "Pad", OD(data=randn(1, 1, 2, 2, 2)),
         {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 0, 0, 1, 1, 1)})
    case("cast_float16", "Cast", OD(data=randn(2, 3) * 100), {"dtype": "float16"})
    case("cast_int32", "Cast", OD(data=np.array([-2.7, -0.5, 0.5, 1.9, 3.5], F32)), {"dtype": "int32"})
    case("cast_uint8", "Cast", OD(data=np.array([-1, 0, 1.7, 255, 256, 300], F32)), {"dtype": "uint8"})


def shape_cases():
    d = randn(2, 3, 4, 5)
    for i, (shape, rev) in enumerate([((0, -1), False), ((-3, -2), False), ((-3, -3), False),
                                      ((-4, 1, 2, -2), False), ((-4, -1, 1, 0, -3), False), ((-1, 0), False),
                                      ((-1, 0), True), ((0, 0, -1), True), ((6, 20), False), ((-1,), False),
                                      ((2, -4, -1, 3, -2), False), ((0, -4, 3, -1, 0, 0), False),
                                      ((-2, 1, 1), False), ((5, 4, -1), True)]):
        kw = {"shape": shape}
        if rev:
            kw["reverse"] = True
        case("reshape_%02d" % i, "Reshape", OD(data=d), kw)
    case("transpose_default", "transpose", OD(data=randn(2, 3, 4)))
    case("transpose_axes", "transpose", OD(data=d), {"axes": (0, 2, 1, 3)})
    case("transpose_axes_neg", "transpose", OD(data=randn(2, 3, 4)), {"axes": (1, -1, 0)})
    case("swapaxis", "SwapAxis", OD(data=randn(2, 3, 4)), {"dim1": 0, "dim2": 2})
    case("expand_dims_1", "expand_dims", OD(data=randn(2, 3)), {"axis": 1})
    case("expand_dims_neg", "expand_dims", OD(data=randn(2, 3)), {"axis": -1})
    case("squeeze_all", "squeeze", OD(data=randn(1, 3, 1, 2)))
    case("squeeze_axis", "squeeze", OD(data=randn(1, 3, 1, 2)), {"axis": 2})
    case("split_2_axis1", "SliceChannel", OD(data=randn(2, 4, 3)), {"num_outputs": 2})
    case("split_3_axis_last", "SliceChannel", OD(data=randn(2, 4, 3)), {"num_outputs": 3, "axis": -1})
    case("split_squeeze", "SliceChannel", OD(data=randn(2, 3, 2)), {"num_outputs": 2, "axis": 2,
                                                                     "squeeze_axis": True})
    case("split_alias", "split", OD(data=randn(4, 2)), {"num_outputs": 2, "axis": 0})
    case("slice_axis_basic", "slice_axis", OD(data=randn(3, 5)), {"axis": 1, "begin": 1, "end": 4})
    case("slice_axis_end_none", "slice_axis", OD(data=randn(3, 5)), {"axis": 1, "begin": 2, "end": None})
    case("slice_axis_negative", "slice_axis", OD(data=randn(3, 5)), {"axis": -1, "begin": -3, "end": -1})
    case("slice_axis0", "slice_axis", OD(data=randn(4, 2)), {"axis": 0, "begin": 0, "end": 2})
    case("slice_basic", "slice", OD(data=d), {"begin": (0, 1, 1), "end": (2, 3, 4)})
    case("slice_step_none", "slice", OD(data=d), {"begin": (None, 2), "end": (None, None), "step": (1, -1)})
    case("slice_step", "slice", OD(data=randn(6, 5)), {"begin": (0, 4), "end": (6, 0), "step": (2, -2)})
    case("slice_like", "slice_like", OD(data=randn(3, 4), shape_like=randn(2, 3)))
    case("concat_dim1", "Concat", OD(a=randn(2, 2, 3), b=randn(2, 3, 3)), {"num_args": 2, "dim": 1})
    case("concat_default_dim", "Concat", OD(a=randn(2, 1), b=randn(2, 2), c=randn(2, 3)), {"num_args": 3})
    case("concat_dim0", "Concat", OD(a=randn(1, 3), b=randn(2, 3)), {"num_args": 2, "dim": 0})
    case("concat_dim_neg", "Concat", OD(a=randn(2, 2), b=randn(2, 1)), {"num_args": 2, "dim": -1})
    case("stack_axis1", "stack", OD(a=randn(2, 3), b=randn(2, 3)), {"num_args": 2, "axis": 1})
    case("tile", "tile", OD(data=randn(2, 3)), {"reps": (2, 1, 2)})
    case("repeat", "repeat", OD(data=randn(2, 3)), {"repeats": 2, "axis": 1})
    case("repeat_flat", "repeat", OD(data=randn(2, 2)), {"repeats": 3})
    case("reverse", "reverse", OD(data=randn(3, 4)), {"axis": 1})
    case("broadcast_to", "broadcast_to", OD(data=randn(1, 3)), {"shape": (4, 0)})
    case("broadcast_axis", "broadcast_axis", OD(data=randn(1, 3, 1)), {"axis": (0, 2), "size": (2, 4)})
    case("zeros_like", "zeros_like", OD(data=randn(2, 3)))
    case("ones_like", "ones_like", OD(data=randn(2, 3)))
    case("shape_array", "shape_array", OD(data=randn(2, 3, 4)))
    case("size_array", "size_array", OD(data=randn(2, 3, 4)))


def arith_cases():
    a, b = randn(2, 3), randn(2, 3)
    bpos = np.abs(randn(2, 3)) + 0.5
    for op in ("elemwise_add", "elemwise_sub", "elemwise_mul"):
        case(op, op, OD(lhs=a, rhs=b))
    case("elemwise_div", "elemwise_div", OD(lhs=a, rhs=bpos))
    l3, r3 = randn(2, 1, 3), randn(4, 1)
    for op in ("broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_maximum", "broadcast_minimum",
               "broadcast_equal", "broadcast_greater", "broadcast_lesser", "broadcast_hypot"):
        case(op, op, OD(lhs=l3, rhs=r3))
    case("broadcast_div", "broadcast_div", OD(lhs=l3, rhs=np.abs(r3) + 0.5))
    case("broadcast_power", "broadcast_power", OD(lhs=np.abs(l3) + 0.1, rhs=r3))
    case("broadcast_mod", "broadcast_mod", OD(lhs=np.array([[-5, -3.5, 3.5, 5]], F32),
                                              rhs=np.array([[3], [-3]], F32)))
    case("broadcast_add_same_rank", "broadcast_add", OD(lhs=randn(3, 1), rhs=randn(1, 4)))
    case("broadcast_like", "broadcast_like", OD(lhs=randn(1, 3), rhs=randn(4, 3)))
    case("broadcast_like_axes", "broadcast_like", OD(lhs=randn(1, 3), rhs=randn(2, 5)),
         {"lhs_axes": (0,), "rhs_axes": (1,)})
    case("elemwise_maximum", "_maximum", OD(lhs=a, rhs=b))
    case("add_n", "add_n", OD(a=a, b=b, c=bpos), {"num_args": 3})
    case("clip_relu6", "clip", OD(data=randn(3, 4) * 5), {"a_min": 0, "a_max": 6})
    case("clip_float", "clip", OD(data=randn(3, 4)), {"a_min": -0.5, "a_max": 0.25})
    x = randn(2, 3)
    xp = np.abs(randn(2, 3)) + 0.2
    scal = [("_plus_scalar", x, 1), ("_plus_scalar", x, 2.5), ("_minus_scalar", x, 0.5), ("_rminus_scalar", x, 2),
            ("_mul_scalar", x, -1.0), ("_mul_scalar", x, 3), ("_div_scalar", x, 4.0), ("_rdiv_scalar", xp, 2.0),
            ("_power_scalar", xp, 2.0), ("_power_scalar", xp, 0.5), ("_rpower_scalar", x, 2.0),
            ("_maximum_scalar", x, 0.1), ("_minimum_scalar", x, 0.1), ("_mod_scalar", x * 3, 2.0),
            ("_equal_scalar", np.round(x), 0.0), ("_greater_scalar", x, 0.0), ("_lesser_equal_scalar", x, 0.0)]
    for i, (op, data, s) in enumerate(scal):
        case("%s_%d" % (op.strip("_"), i), op, OD(data=data), {"scalar": s})
    case("plus_scalar_is_int_false", "_plus_scalar", OD(data=x), {"scalar": 1.5, "is_int": False})
    case("plus_scalar_no_attrs", "_plus_scalar", OD(data=x), note="scalar default 1")


def reduce_cases():
    d = randn(2, 3, 4)
    for op in ("sum", "mean", "max", "min", "prod", "nansum", "norm"):
        case(op + "_all", op, OD(data=d), note="all axes -> shape (1,)")
        case(op + "_axis1", op, OD(data=d), {"axis": 1})
    case("sum_axis_tuple_keepdims", "sum", OD(data=d), {"axis": (0, 2), "keepdims": True})
    case("sum_exclude", "sum", OD(data=d), {"axis": 1, "exclude": True})
    case("mean_axis_neg", "mean", OD(data=d), {"axis": -1, "keepdims": True})
    case("max_axis_tuple", "max", OD(data=d), {"axis": (1, 2)})
    case("norm_ord1_axis", "norm", OD(data=d), {"ord": 1, "axis": 2})
    case("argmax_axis1", "argmax", OD(data=d), {"axis": 1})
    case("argmax_keepdims", "argmax", OD(data=d), {"axis": -1, "keepdims": True})
    case("argmax_no_axis", "argmax", OD(data=d), note="axis None: flattened index, shape (1,)")
    case("argmin_axis0", "argmin", OD(data=d), {"axis": 0})
    case("argmax_ties", "argmax", OD(data=np.array([[1, 3, 3], [2, 2, 1]], F32)), {"axis": 1})
    case("topk_value", "topk", OD(data=d), {"k": 2, "axis": -1, "ret_typ": "value"})
    case("topk_indices", "topk", OD(data=d), {"k": 2, "axis": 1})
    case("sort", "sort", OD(data=d), {"axis": -1, "is_ascend": False})
    case("argsort", "argsort", OD(data=d), {"axis": 1})
    case("batch_dot", "batch_dot", OD(lhs=randn(2, 3, 4), rhs=randn(2, 4, 5)))
    case("batch_dot_ta", "batch_dot", OD(lhs=randn(2, 4, 3), rhs=randn(2, 4, 5)), {"transpose_a": True})
    case("batch_dot_tb", "batch_dot", OD(lhs=randn(2, 3, 4), rhs=randn(2, 5, 4)), {"transpose_b": True})
    case("dot_2d", "dot", OD(lhs=randn(3, 4), rhs=randn(4, 2)))
    case("dot_3d_2d", "dot", OD(lhs=randn(2, 3, 4), rhs=randn(4, 2)))
    case("dot_tb", "dot", OD(lhs=randn(3, 4), rhs=randn(2, 4)), {"transpose_b": True})
    case("linalg_gemm2", "linalg_gemm2", OD(A=randn(2, 3), B=randn(3, 2)), {"alpha": 2.0})
    case("one_hot", "one_hot", OD(indices=np.array([0, 2, -1, 5, 1.7], F32)), {"depth": 4})
    case("one_hot_values", "one_hot", OD(indices=np.array([[1, 0], [3, 2]], F32)),
         {"depth": 3, "on_value": 5.0, "off_value": -1.0})
    case("take_clip", "take", OD(a=randn(4, 3), indices=np.array([[0, 5], [-1, 2.6]], F32)))
    case("take_wrap", "take", OD(a=randn(4, 3), indices=np.array([0, 5, -1, 2], F32)), {"mode": "wrap", "axis": 0})
    case("take_axis1", "take", OD(a=randn(2, 4), indices=np.array([3, 1], F32)), {"axis": 1})
    case("pick", "pick", OD(data=randn(3, 4), index=np.array([0, 3, 5], F32)), {"axis": 1})
    case("pick_keepdims", "pick", OD(data=randn(3, 4), index=np.array([2, 1, 0, 1], F32)),
         {"axis": 0, "keepdims": True})
    case("where", "where", OD(condition=np.array([[1, 0, 2], [0, 0, 1]], F32), x=randn(2, 3), y=randn(2, 3)))
    case("where_1d_cond", "where", OD(condition=np.array([1, 0], F32), x=randn(2, 3), y=randn(2, 3)))
    case("sequence_mask", "SequenceMask", OD(data=randn(4, 2, 3), sequence_length=np.array([2, 3], F32)),
         {"use_sequence_length": True, "value": -1.0})
    case("sequence_last", "SequenceLast", OD(data=randn(4, 2, 3), sequence_length=np.array([2, 4], F32)),
         {"use_sequence_length": True})
    case("sequence_reverse", "SequenceReverse", OD(data=randn(4, 2, 3), sequence_length=np.array([2, 4], F32)),
         {"use_sequence_length": True})


# ---------------------------------------------------------------- hand-written legacy graphs
def build_base_graph():
    data = mx.sym.var("data")
    c = mx.sym.Convolution(data, name="conv1", kernel=(3, 3), num_filter=4, pad=(1, 1))
    b = mx.sym.BatchNorm(c, name="bn1")
    a = mx.sym.Activation(b, name="relu1", act_type="relu")
    p = mx.sym.Pooling(a, name="pool1", kernel=(2, 2), stride=(2, 2), pool_type="max")
    f = mx.sym.Flatten(p, name="flatten1")
    fc = mx.sym.FullyConnected(f, name="fc1", num_hidden=3)
    return mx.sym.SoftmaxOutput(fc, name="softmax")


def legacy_variants(modern_text):
    """Yield (name, description, json text) for hand-edited spellings of the base graph."""
    base = json.loads(modern_text)

    def dump(g):
        return json.dumps(g, indent=2)

    def edited(**edits):
        """The modern graph with ``edits[name](node)`` applied to each node so named."""
        g = json.loads(modern_text)
        for n in g["nodes"]:
            if n["name"] in edits:
                edits[n["name"]](n)
        return g

    yield "modern", "as written by sym.tojson() in 1.9.1", modern_text

    g = json.loads(modern_text)
    for n in g["nodes"]:
        if "attrs" in n:
            n["attr"] = n.pop("attrs")
    yield "attr_key", "every 'attrs' spelled 'attr' (early NNVM)", dump(g)

    g = json.loads(modern_text)
    g["arg_nodes"] = []
    g["node_row_ptr"] = [0] * len(g["node_row_ptr"])
    yield "arg_nodes_empty_row_ptr_zeros", "arg_nodes [] and node_row_ptr all zeros (both ignored)", dump(g)

    g = json.loads(modern_text)
    del g["node_row_ptr"]
    del g["attrs"]
    for n in g["nodes"]:
        n["inputs"] = [e[:2] for e in n["inputs"]]
    g["heads"] = [h[:2] for h in g["heads"]]
    yield "no_row_ptr_no_version_2elem", ("no node_row_ptr, no graph attrs (=> version 0.8.0, upgrade runs), "
                                          "2-element [node, index] entries"), dump(g)

    # pre-NNVM: 'param' + 'backward_source_id', aux-state nodes absent, defaults spelled out, no spaces in tuples
    defaults = {
        "Convolution": {"cudnn_off": "False", "cudnn_tune": "off", "dilate": "(1,1)", "no_bias": "False",
                        "num_group": "1", "stride": "(1,1)", "workspace": "512"},
        "BatchNorm": {"eps": "0.001", "fix_gamma": "True", "momentum": "0.9", "use_global_stats": "False"},
        "Pooling": {"global_pool": "False", "pad": "(0,0)", "pooling_convention": "valid"},
        "FullyConnected": {"no_bias": "False"},
        "SoftmaxOutput": {"grad_scale": "1", "ignore_label": "-1", "multi_output": "False",
                          "normalization": "null", "use_ignore": "False"},
    }
    nodes = base["nodes"]
    drop = {i for i, n in enumerate(nodes) if n["name"] in ("bn1_moving_mean", "bn1_moving_var")}
    remap, new_nodes = {}, []
    for i, n in enumerate(nodes):
        if i in drop:
            continue
        remap[i] = len(new_nodes)
        attrs = dict(n.get("attrs", {}))
        attrs = {k: v.replace(", ", ",") for k, v in attrs.items() if not k.startswith("__")}
        if n["op"] != "null":
            for k, v in defaults.get(n["op"], {}).items():
                attrs.setdefault(k, v)
        new_nodes.append(collections.OrderedDict([
            ("op", n["op"]), ("param", attrs if n["op"] != "null" else {}), ("name", n["name"]),
            ("inputs", [[remap[e[0]], e[1]] for e in n["inputs"] if e[0] not in drop]),
            ("backward_source_id", -1)]))
    g = collections.OrderedDict([("nodes", new_nodes),
                                 ("arg_nodes", [i for i, n in enumerate(new_nodes) if n["op"] == "null"]),
                                 ("heads", [[remap[h[0]], h[1]] for h in base["heads"]])])
    yield "pre_nnvm_param", ("MXNet<=0.8 style: 'param' maps, 'backward_source_id': -1, BatchNorm aux nodes "
                             "absent (upgrader creates bn1_moving_mean/var), no version, tuples without spaces, "
                             "defaults spelled out"), dump(g)

    g = edited(fc1=lambda n: n["attrs"].update(weight_lr_mult="2.0", bias_wd_mult="0.0"),
               conv1_weight=lambda n: n.update(attrs={"lr_mult": "0.5", "ctx_group": "dev1"}))
    g["attrs"] = {"mxnet_version": ["int", 905]}
    yield "hidden_keys_no_underscores", ("version 0.9.5 with 'lr_mult'/'ctx_group' on a variable and "
                                         "'weight_lr_mult'/'bias_wd_mult' on fc1 (moved to fc1_weight/fc1_bias)"), dump(g)

    # attr / attrs / param clashes on the Activation node: observable through the output
    def act_variant(fields):
        g = json.loads(modern_text)
        for i, n in enumerate(g["nodes"]):
            if n["name"] == "relu1":
                od = collections.OrderedDict([("op", n["op"]), ("name", n["name"])])
                for k, v in fields:
                    od[k] = {"act_type": v}
                od["inputs"] = n["inputs"]
                g["nodes"][i] = od
        return dump(g)

    yield ("clash_attr_then_attrs", "relu1 has 'attr' {sigmoid} then 'attrs' {tanh}: later field wins",
           act_variant([("attr", "sigmoid"), ("attrs", "tanh")]))
    yield ("clash_attrs_then_attr", "relu1 has 'attrs' {tanh} then 'attr' {sigmoid}: later field wins",
           act_variant([("attrs", "tanh"), ("attr", "sigmoid")]))
    yield ("clash_param_after_attrs", "relu1 has 'attrs' {tanh} then 'param' {sigmoid}: param never overrides",
           act_variant([("attrs", "tanh"), ("param", "sigmoid")]))
    yield ("param_only_activation", "relu1 has only 'param' {sigmoid}",
           act_variant([("param", "sigmoid")]))

    g = edited(relu1=lambda n: n["attrs"].update(__foo__="bar"))
    yield "unknown_dunder_attr", "unknown __dunder__ attribute on an op node (accepted)", dump(g)

    g = edited(conv1=lambda n: n["attrs"].update(kernel="[3,3]", pad="(1,1)"),
               bn1=lambda n: n.update(attrs={"fix_gamma": "1", "use_global_stats": "false"}))
    yield "alt_spellings", "kernel '[3,3]', pad '(1,1)', bools '1' / 'false'", dump(g)

    # error cases
    g = json.loads(modern_text)
    g["foo"] = 1
    yield "err_unknown_top_key", "unknown top-level key", dump(g)
    g = json.loads(modern_text)
    g["nodes"][0]["foo"] = 1
    yield "err_unknown_node_key", "unknown key inside a node", dump(g)
    g = edited(fc1=lambda n: n["attrs"].update(foo="1"))
    yield "err_unknown_op_attr", "unknown non-dunder attribute on an op node", dump(g)
    g = edited(fc1=lambda n: n["attrs"].update(no_bias="yes"))
    yield "err_bool_yes", "bool attribute spelled 'yes'", dump(g)
    g = edited(conv1=lambda n: n["attrs"].pop("num_filter"))
    yield "err_missing_required_attr", "Convolution without num_filter", dump(g)
    g = json.loads(modern_text)
    del g["arg_nodes"]
    yield "err_missing_arg_nodes", "no arg_nodes key", dump(g)


def legacy_graph_cases():
    sym = build_base_graph()
    modern = sym.tojson()
    r = C.rng(777)
    params = OD()
    params["conv1_weight"] = (r.standard_normal((4, 2, 3, 3)) * 0.5).astype(F32)
    params["conv1_bias"] = (r.standard_normal(4) * 0.1).astype(F32)
    params["bn1_gamma"] = r.uniform(0.5, 2.5, 4).astype(F32)
    params["bn1_beta"] = (r.standard_normal(4) * 0.2).astype(F32)
    params["fc1_weight"] = (r.standard_normal((3, 16)) * 0.5).astype(F32)
    params["fc1_bias"] = (r.standard_normal(3) * 0.1).astype(F32)
    aux = OD()
    aux["bn1_moving_mean"] = (r.standard_normal(4) * 0.3).astype(F32)
    aux["bn1_moving_var"] = r.uniform(0.5, 1.5, 4).astype(F32)
    data = r.standard_normal((2, 2, 4, 4)).astype(F32)
    label = np.zeros((2,), F32)
    arrays = OD(data=data, softmax_label=label)
    arrays.update(params)
    arrays.update(aux)
    # a Module-API style checkpoint params file (arg:/aux: prefixes), as save_checkpoint writes it
    ckpt = OD(("arg:" + k, mx.nd.array(v)) for k, v in params.items())
    ckpt.update(("aux:" + k, mx.nd.array(v)) for k, v in aux.items())
    mx.nd.save(os.path.join(LEGACY_DIR, "base-0000.params"), ckpt)

    entries = []
    for name, desc, text in legacy_variants(modern):
        fname = name + "-symbol.json"
        with open(os.path.join(LEGACY_DIR, fname), "w") as f:
            f.write(text)
        e = {"id": name, "file": "legacy_graphs/" + fname, "description": desc}
        try:
            s = mx.sym.load_json(text)
        except Exception as ex:  # noqa: BLE001
            e["load_ok"] = False
            e["load_error"] = err_text(ex)
            entries.append(e)
            print("legacy", name, "load error", e["load_error"], file=sys.stderr)
            continue
        e["load_ok"] = True
        e["arg_names"] = s.list_arguments()
        e["aux_names"] = s.list_auxiliary_states()
        e["output_names"] = s.list_outputs()
        e["attr_dict"] = s.attr_dict()
        e["reserialized"] = s.tojson()
        try:
            args = {n: mx.nd.array(arrays[n]) for n in s.list_arguments()}
            auxs = {n: mx.nd.array(arrays[n]) for n in s.list_auxiliary_states()}
            ex = s.bind(mx.cpu(), args=args, aux_states=auxs, grad_req="null")
            out = ex.forward(is_train=False)[0].asnumpy()
            e["output"] = store.put("legacy_" + name, "out", "0", out)
        except Exception as ex:  # noqa: BLE001
            e["bind_error"] = err_text(ex)
        entries.append(e)
        print("legacy", name, "ok", file=sys.stderr)

    # The same graph through gluon.SymbolBlock.imports on the modern file + checkpoint
    blk = mx.gluon.SymbolBlock.imports(os.path.join(LEGACY_DIR, "modern-symbol.json"), ["data", "softmax_label"],
                                       os.path.join(LEGACY_DIR, "base-0000.params"))
    y = blk(mx.nd.array(data), mx.nd.array(label)).asnumpy()
    inputs = {k: store.put("legacy", "in", k, v) for k, v in arrays.items()}
    return {
        "description": ("Hand-edited spellings of one Module-era graph (mx.sym: conv1 -> bn1 (no attrs: "
                        "fix_gamma=True, eps=1e-3; stored bn1_gamma != 1 is ignored) -> relu1 -> pool1 -> "
                        "flatten1 -> fc1 -> softmax). Each variant was fed to mx.sym.load_json, bound with "
                        "the arrays in 'inputs' (by variable name) and run with forward(is_train=False)."),
        "params_file": "legacy_graphs/base-0000.params",
        "params_file_note": "mx.nd.save of {'arg:<name>': ..., 'aux:<name>': ...} like save_checkpoint",
        "inputs": inputs,
        "symbolblock_imports_output": store.put("legacy_symbolblock", "out", "0", y),
        "symbolblock_imports_note": ("SymbolBlock.imports('legacy_graphs/modern-symbol.json', "
                                     "['data', 'softmax_label'], 'legacy_graphs/base-0000.params')(data, label)"),
        "variants": entries,
    }


def group_head_variable_case():
    x, w = mx.sym.var("x"), mx.sym.var("w")
    g = mx.sym.Group([x * 2, w])
    xv, wv = randn(2, 2), randn(3)
    ex = g.bind(mx.cpu(), args={"x": mx.nd.array(xv), "w": mx.nd.array(wv)})
    outs = [o.asnumpy() for o in ex.forward(is_train=False)]
    store.add({"id": "group_head_is_variable", "op": "Group", "py_kwargs": {}, "is_train": False,
               "graph": g.tojson(), "arg_names": g.list_arguments(), "aux_names": [],
               "output_names": g.list_outputs(),
               "inputs": store.put_many("group_head_is_variable", "in", OD(x=xv, w=wv)),
               "outputs": store.put_many("group_head_is_variable", "out", outs),
               "note": "heads reference a null node: the second output is the variable itself"})


def main():
    conv_cases()
    pool_cases()
    norm_cases()
    act_cases()
    softmax_cases()
    dense_cases()
    shape_cases()
    arith_cases()
    reduce_cases()
    if C.NATIVE:  # child process: only the native-tagged cases
        store.write_native()
        return
    group_head_variable_case()
    legacy = legacy_graph_cases()
    store.add_native(__file__)
    store.write(OUT, "symbol_ops", __file__, extra={
        "notes": [
            "Each case: one op applied to named variables (node name 'op0'). 'attrs' are the op node's "
            "attrs exactly as in the graph JSON ('graph' = sym.tojson()); absent attrs mean registry defaults.",
            "'outputs': symbol graph, sym.bind(cpu, args, aux_states).forward(is_train) (all visible outputs). "
            "'nd_outputs': imperative mx.nd.<op>(*inputs, **py_kwargs) under predict_mode (train_mode when "
            "is_train). nd_sym_max_abs_diff compares them.",
            "'symbol_error' / 'nd_error': MXNet raised (message without C++ traceback lines).",
            "Input order in 'inputs' is the op's positional input order; names are variable names.",
            "MXNet ran single-threaded (OMP_NUM_THREADS=1, NaiveEngine), MKLDNN CPU build. Cases whose id "
            "ends in '_native_cpu' were recomputed with MXNET_MKLDNN_ENABLED=0 because the MKLDNN kernel "
            "fails on them (see the case without the suffix for the error).",
        ],
        "legacy_graphs": legacy,
    })


if __name__ == "__main__":
    main()
