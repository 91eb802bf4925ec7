"""MXNet 1.9.1 reference outputs for one-op graphs of every operator in spec/symbol.md.

Each case builds ``mx.sym.<op>`` on variables, runs ``bind(...).forward(is_train=False)`` and stores
the graph JSON, the inputs and the outputs. tests/symbol/test_symbol_ops_extra.py loads each graph
with ``ndx.sym.load_json`` and compares. Run with the MXNet interpreter:

    .venv-mxnet/bin/python tools/mxnet_reference/gen_symbol_ops_extra.py

Writes tests/data/symbol_ops_extra/cases.json and cases.npz.
"""
import io
import json
import os
import zipfile

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MXNET_ENGINE_TYPE", "NaiveEngine")

import numpy as np  # noqa: E402
import mxnet as mx  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data", "symbol_ops_extra")
_rng = np.random.RandomState(1234)


def randn(*shape):
    return _rng.standard_normal(shape).astype(np.float32)


def pos(*shape):
    return _rng.uniform(0.5, 2.0, shape).astype(np.float32)


V = mx.sym.var
CASES = []


def case(cid, build, inputs):
    """``build(*vars)`` -> Symbol; ``inputs``: ordered (name, array) pairs."""
    CASES.append((cid, build, inputs))


x4 = lambda: randn(2, 3, 5, 5)  # noqa: E731
case("conv_gluon_attrs", lambda d, w, b: mx.sym.Convolution(d, w, b, kernel=(3, 3), stride=(1, 1), dilate=(1, 1),
                                                            pad=(1, 1), num_filter=4, num_group=1, no_bias=False,
                                                            layout="NCHW", name="op0"),
     [("data", x4()), ("w", randn(4, 3, 3, 3)), ("b", randn(4))])
case("conv_defaults_stride2_nobias", lambda d, w: mx.sym.Convolution(d, w, kernel=(3, 3), stride=(2, 2),
                                                                     num_filter=2, no_bias=True, name="op0"),
     [("data", x4()), ("w", randn(2, 3, 3, 3))])
case("conv_depthwise", lambda d, w, b: mx.sym.Convolution(d, w, b, kernel=(3, 3), pad=(1, 1), num_filter=4,
                                                          num_group=2, name="op0"),
     [("data", randn(2, 4, 5, 5)), ("w", randn(4, 2, 3, 3)), ("b", randn(4))])
case("bn_no_attrs_fix_gamma", lambda d, g, b, m, v: mx.sym.BatchNorm(d, g, b, m, v, name="op0"),
     [("data", x4()), ("g", pos(3)), ("b", randn(3)), ("m", randn(3)), ("v", pos(3))])
case("bn_gluon", lambda d, g, b, m, v: mx.sym.BatchNorm(d, g, b, m, v, eps=1e-5, momentum=0.9, fix_gamma=False,
                                                        use_global_stats=False, axis=1, name="op0"),
     [("data", x4()), ("g", pos(3)), ("b", randn(3)), ("m", randn(3)), ("v", pos(3))])
case("pool_max_full", lambda d: mx.sym.Pooling(d, kernel=(3, 3), stride=(2, 2), pool_type="max",
                                               pooling_convention="full", name="op0"), [("data", randn(2, 3, 6, 6))])
case("pool_avg_pad", lambda d: mx.sym.Pooling(d, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="avg",
                                              count_include_pad=True, name="op0"), [("data", x4())])
case("pool_global_avg", lambda d: mx.sym.Pooling(d, kernel=(1, 1), global_pool=True, pool_type="avg",
                                                 pooling_convention="full", name="op0"), [("data", x4())])
case("pool_stride_default_1", lambda d: mx.sym.Pooling(d, kernel=(2, 2), name="op0"), [("data", x4())])
case("fc_flatten", lambda d, w, b: mx.sym.FullyConnected(d, w, b, num_hidden=4, name="op0"),
     [("data", randn(2, 3, 2)), ("w", randn(4, 6)), ("b", randn(4))])
case("fc_no_flatten", lambda d, w, b: mx.sym.FullyConnected(d, w, b, num_hidden=4, flatten=False, name="op0"),
     [("data", randn(2, 3, 6)), ("w", randn(4, 6)), ("b", randn(4))])
for act in ("relu", "sigmoid", "tanh", "softrelu", "softsign"):
    case(f"activation_{act}", lambda d, act=act: mx.sym.Activation(d, act_type=act, name="op0"),
         [("data", randn(3, 4))])
case("leaky_default", lambda d: mx.sym.LeakyReLU(d, name="op0"), [("data", randn(3, 4))])
case("leaky_elu", lambda d: mx.sym.LeakyReLU(d, act_type="elu", slope=0.7, name="op0"), [("data", randn(3, 4))])
case("leaky_selu", lambda d: mx.sym.LeakyReLU(d, act_type="selu", name="op0"), [("data", randn(3, 4))])
case("leaky_gelu", lambda d: mx.sym.LeakyReLU(d, act_type="gelu", name="op0"), [("data", randn(3, 4))])
case("leaky_prelu", lambda d, g: mx.sym.LeakyReLU(d, g, act_type="prelu", name="op0"),
     [("data", randn(2, 3, 4)), ("gamma", pos(3))])
case("flatten", lambda d: mx.sym.Flatten(d, name="op0"), [("data", randn(2, 3, 4))])
case("dropout_inference", lambda d: mx.sym.Dropout(d, p=0.3, name="op0"), [("data", randn(3, 4))])
case("concat3", lambda a, b, c: mx.sym.Concat(a, b, c, dim=1, name="op0"),
     [("a", randn(2, 1, 3)), ("b", randn(2, 2, 3)), ("c", randn(2, 3, 3))])
case("clip", lambda d: mx.sym.clip(d, a_min=0, a_max=6, name="op0"), [("data", randn(3, 4) * 5)])
for op in ("elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div"):
    case(op, lambda a, b, op=op: getattr(mx.sym, op)(a, b, name="op0"), [("lhs", randn(3, 4)), ("rhs", pos(3, 4))])
for op in ("broadcast_add", "broadcast_mul"):
    case(op, lambda a, b, op=op: getattr(mx.sym, op)(a, b, name="op0"), [("lhs", randn(2, 1, 3)), ("rhs", randn(4, 1))])
case("broadcast_like", lambda a, b: mx.sym.broadcast_like(a, b, name="op0"), [("lhs", randn(1, 3)), ("rhs", randn(4, 3))])
for op, s in (("_plus_scalar", 1), ("_minus_scalar", 2.0), ("_rminus_scalar", 2.0), ("_mul_scalar", -1.0),
              ("_div_scalar", 4.0), ("_rdiv_scalar", 1.5), ("_power_scalar", 2.0), ("_rpower_scalar", 2.0)):
    case(op, lambda d, op=op, s=s: getattr(mx.sym._internal, op)(d, scalar=s, name="op0"), [("data", pos(3, 4))])
for op in ("relu", "sigmoid", "tanh", "exp", "log", "sqrt", "square", "abs"):
    case(f"unary_{op}", lambda d, op=op: getattr(mx.sym, op)(d, name="op0"), [("data", pos(3, 4) - 0.6)])
case("softmax_temperature", lambda d: mx.sym.softmax(d, axis=1, temperature=2.0, name="op0"), [("data", randn(2, 3, 4))])
case("log_softmax", lambda d: mx.sym.log_softmax(d, axis=-1, name="op0"), [("data", randn(2, 5))])
case("softmaxoutput_3d", lambda d, l: mx.sym.SoftmaxOutput(d, l, name="op0"),
     [("data", randn(2, 3, 4)), ("label", np.zeros((2, 3), np.float32))])
case("embedding_clip", lambda d, w: mx.sym.Embedding(d, w, input_dim=5, output_dim=3, name="op0"),
     [("data", np.array([[2.7, 1.5], [7.0, -1.0]], np.float32)), ("w", randn(5, 3))])
case("layernorm", lambda d, g, b: mx.sym.LayerNorm(d, g, b, axis=-1, eps=1e-5, name="op0"),
     [("data", randn(2, 3, 4)), ("g", pos(4)), ("b", randn(4))])
case("reshape_codes", lambda d: mx.sym.Reshape(d, shape=(-4, -1, 1, 0, -3), name="op0"), [("data", randn(2, 3, 4, 5))])
case("reshape_reverse", lambda d: mx.sym.Reshape(d, shape=(-1, 0), reverse=True, name="op0"), [("data", randn(2, 3, 4, 5))])
case("transpose_default", lambda d: mx.sym.transpose(d, name="op0"), [("data", randn(2, 3, 4))])
case("transpose_axes", lambda d: mx.sym.transpose(d, axes=(1, 0, 2), name="op0"), [("data", randn(2, 3, 4))])
case("expand_dims", lambda d: mx.sym.expand_dims(d, axis=1, name="op0"), [("data", randn(2, 3))])
case("slicechannel_squeeze", lambda d: mx.sym.SliceChannel(d, num_outputs=3, axis=1, squeeze_axis=True, name="op0"),
     [("data", randn(2, 3, 4))])
case("slice_axis_end_none", lambda d: mx.sym.slice_axis(d, axis=1, begin=-2, end=None, name="op0"), [("data", randn(2, 5))])
for op in ("sum", "mean", "max"):
    case(f"{op}_axis", lambda d, op=op: getattr(mx.sym, op)(d, axis=(0, 2), keepdims=True, name="op0"),
         [("data", randn(2, 3, 4))])
    case(f"{op}_all", lambda d, op=op: getattr(mx.sym, op)(d, name="op0"), [("data", randn(2, 3))])
case("sum_exclude", lambda d: mx.sym.sum(d, axis=1, exclude=True, name="op0"), [("data", randn(2, 3, 4))])
case("batch_dot_tb", lambda a, b: mx.sym.batch_dot(a, b, transpose_b=True, name="op0"),
     [("lhs", randn(2, 3, 4)), ("rhs", randn(2, 5, 4))])


def main():
    os.makedirs(OUT, exist_ok=True)
    arrays, meta = {}, []
    for cid, build, inputs in CASES:
        syms = [V(n) for n, _ in inputs]
        s = build(*syms)
        feed = {n: mx.nd.array(a) for n, a in inputs}
        args = {n: feed[n] for n in s.list_arguments()}
        aux = {n: feed[n] for n in s.list_auxiliary_states()}
        ex = s.bind(mx.cpu(), args=args, aux_states=aux, grad_req="null")
        outs = ex.forward(is_train=False)
        for n, a in inputs:
            arrays[f"{cid}__in__{n}"] = a
        for i, o in enumerate(outs):
            arrays[f"{cid}__out__{i}"] = o.asnumpy()
        meta.append({"id": cid, "graph": s.tojson(), "inputs": [n for n, _ in inputs], "num_outputs": len(outs),
                     "arg_names": s.list_arguments(), "aux_names": s.list_auxiliary_states(),
                     "output_names": s.list_outputs()})
    with zipfile.ZipFile(os.path.join(OUT, "cases.npz"), "w", zipfile.ZIP_DEFLATED) as zf:
        for key, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"mxnet_version": mx.__version__, "generator": "tools/mxnet_reference/gen_symbol_ops_extra.py",
                   "cases": meta}, f, indent=1)
    print(f"{len(meta)} cases -> {OUT}")


if __name__ == "__main__":
    main()
