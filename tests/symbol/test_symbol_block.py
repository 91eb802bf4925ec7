"""gluon.SymbolBlock: importing exports, import-time errors, export round trips, fine-tuning."""
import json
import warnings

import numpy as np
import pytest

import ndx as mx
from ndx import autograd
from ndx.base import MXNetError
from ndx.gluon import nn


@pytest.fixture
def convnet_files(fixtures_dir):
    d = fixtures_dir / "nets" / "convnet_hybrid"
    return d / "export-symbol.json", d / "export-0000.params", np.load(d / "X.npy"), np.load(d / "Y.npy")


def test_imports_reproduces_mxnet_output(convnet_files, ctx):
    sym_file, params_file, X, Y = convnet_files
    blk = mx.gluon.SymbolBlock.imports(str(sym_file), ["data"], str(params_file), ctx=ctx)
    y = blk(mx.nd.array(X, ctx=ctx))
    assert y.context == ctx
    np.testing.assert_allclose(y.asnumpy(), Y, rtol=1e-5, atol=1e-6)
    params = blk.collect_params()
    assert params["hybridsequential0_batchnorm0_running_mean"].grad_req == "null"
    assert params["hybridsequential0_conv0_weight"].grad_req == "write"


def test_missing_and_extra_params_are_errors(convnet_files, tmp_path):
    sym_file, params_file, X, _ = convnet_files
    arrays = mx.formats.load_arrays(str(params_file))
    partial = dict(list(arrays.items())[1:])
    mx.formats.save_arrays(str(tmp_path / "p.params"), partial)
    with pytest.raises(AssertionError, match="hybridsequential0_conv0_weight' is missing"):
        mx.gluon.SymbolBlock.imports(str(sym_file), ["data"], str(tmp_path / "p.params"))
    blk = mx.gluon.SymbolBlock.imports(str(sym_file), ["data"], str(tmp_path / "p.params"), allow_missing=True)
    assert blk.collect_params()["hybridsequential0_conv0_weight"]._data is None
    extra = dict(arrays, **{"arg:unused": np.zeros(2, np.float32)})
    mx.formats.save_arrays(str(tmp_path / "e.params"), extra)
    with pytest.raises(AssertionError, match="'unused' loaded from file"):
        mx.gluon.SymbolBlock.imports(str(sym_file), ["data"], str(tmp_path / "e.params"))
    mx.gluon.SymbolBlock.imports(str(sym_file), ["data"], str(tmp_path / "e.params"), ignore_extra=True)


def test_unsupported_ops_and_attributes_fail_at_import_naming_each_node(convnet_files, tmp_path):
    g = json.loads(convnet_files[0].read_text())
    g["nodes"][4]["op"] = "FancyOp"
    g["nodes"][10]["op"] = "OtherOp"
    g["nodes"][3]["attrs"]["foo"] = "1"
    f = tmp_path / "bad-symbol.json"
    f.write_text(json.dumps(g))
    with pytest.raises(MXNetError) as err:
        mx.gluon.SymbolBlock.imports(str(f), ["data"])
    text = str(err.value)
    assert "3 problems" in text
    assert "'hybridsequential0_conv0_relu_fwd': operator 'FancyOp' is not supported" in text
    assert "'hybridsequential0_pool0_fwd': operator 'OtherOp'" in text
    assert "'hybridsequential0_conv0_fwd' (Convolution): Cannot find argument 'foo'" in text


@pytest.mark.parametrize("attrs, message", [
    ({"num_hidden": "3", "no_bias": "yes"}, "Invalid Parameter format for no_bias expect boolean but value='yes'"),
    ({}, "Required parameter num_hidden of int is not presented"),
])
def test_bad_attribute_values_fail_at_import(attrs, message):
    data, w, b = mx.sym.var("data"), mx.sym.var("w"), mx.sym.var("b")
    g = json.loads(mx.sym.FullyConnected(data, w, b, num_hidden=3, name="fc1").tojson())
    g["nodes"][3]["attrs"] = attrs
    with pytest.raises(MXNetError, match=message):
        mx.gluon.SymbolBlock(mx.sym.load_json(json.dumps(g)), [mx.sym.var("data")])


def test_module_era_batchnorm_means_fix_gamma_and_eps_1e_3(ctx):
    """mx.sym.BatchNorm without attrs: gamma is treated as 1 whatever is stored, eps is 1e-3."""
    x = mx.sym.var("data")
    sym = mx.sym.load_json(mx.sym.BatchNorm(x, name="bn1").tojson())
    assert "attrs" not in json.loads(sym.tojson())["nodes"][-1]
    blk = mx.gluon.SymbolBlock(sym, [x])
    rng = np.random.default_rng(0)
    values = {"bn1_gamma": rng.uniform(0.5, 3, 3), "bn1_beta": rng.normal(size=3),
              "bn1_moving_mean": rng.normal(size=3), "bn1_moving_var": rng.uniform(0.5, 2, 3)}
    for name, v in values.items():
        blk.collect_params()[name]._load_init(v.astype(np.float32), ctx)
    X = rng.normal(size=(2, 3, 4)).astype(np.float32)
    want = ((X - values["bn1_moving_mean"][:, None]) / np.sqrt(values["bn1_moving_var"][:, None] + 1e-3)
            + values["bn1_beta"][:, None])
    np.testing.assert_allclose(blk(mx.nd.array(X, ctx=ctx)).asnumpy(), want, rtol=1e-5, atol=1e-5)


class TwoInTwoOut(mx.gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dense = nn.Dense(4, flatten=False)
            self.bn = nn.BatchNorm()

    def hybrid_forward(self, F, x, y):
        h = self.bn(self.dense(x))
        a, b = F.split(h, num_outputs=2, axis=-1)
        return F.softmax(a * 2 - 1, axis=-1), F.broadcast_add(F.relu(b), F.expand_dims(y, axis=-1)) / 3


def _built(ctx):
    net = TwoInTwoOut()
    net.initialize(mx.init.Xavier(), ctx=ctx)
    rng = np.random.default_rng(1)
    xs = [mx.nd.array(rng.normal(size=s).astype(np.float32), ctx=ctx) for s in ((2, 3, 5), (2, 3))]
    net.hybridize()  # export needs hybridize() and a forward, as in MXNet
    net(*xs)
    return net, xs


def test_export_then_imports_gives_identical_outputs(tmp_path, ctx):
    net, xs = _built(ctx)
    with autograd.record():  # move the BatchNorm running stats away from their init
        loss = [o.sum() for o in net(*xs)]
    autograd.backward(loss)
    want = [o.asnumpy() for o in net(*xs)]
    net.export(str(tmp_path / "two"), epoch=3)
    keys = list(mx.formats.load_arrays(str(tmp_path / "two-0003.params")))
    assert [k for k in keys if k.startswith("aux:")] == [
        "aux:" + n for n in net.collect_params().keys() if n.endswith(("running_mean", "running_var"))]
    blk = mx.gluon.SymbolBlock.imports(str(tmp_path / "two-symbol.json"), ["data0", "data1"],
                                       str(tmp_path / "two-0003.params"), ctx=ctx)
    got = blk(*xs)
    assert len(got) == 2
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.asnumpy(), w)


def test_imported_block_name_repr_and_summary_like_mxnet(tmp_path, capsys):
    net = nn.HybridSequential(prefix="exp_")
    with net.name_scope():
        net.add(nn.Dense(3, in_units=4, activation="relu"), nn.Dense(2, in_units=3))
    net.initialize(mx.init.One())
    net.hybridize()
    net(mx.nd.ones((2, 4)))
    net.export(str(tmp_path / "m"))
    with pytest.warns(UserWarning) as record:
        blk = mx.gluon.SymbolBlock.imports(str(tmp_path / "m-symbol.json"), ["data"],
                                           str(tmp_path / "m-0000.params"))
    assert [str(w.message) for w in record] == [
        "Cannot decide type for the following arguments. Consider providing them as input:\n\tdata: None"]
    # texts observed in MXNet 1.9.1
    assert repr(blk) == "SymbolBlock(\n<Symbol exp_dense1_fwd> : 1 -> 1\n)"
    assert blk.prefix == "" and blk.name.startswith("symbolblock")
    assert repr(blk.collect_params()).splitlines()[1] == (
        "  Parameter exp_dense0_weight (shape=None, dtype=<class 'numpy.float32'>)")
    np.testing.assert_array_equal(blk(mx.nd.ones((2, 4))).asnumpy(), np.full((2, 2), 12, np.float32))
    capsys.readouterr()
    blk.summary(mx.nd.ones((2, 4)))
    lines = capsys.readouterr().out.splitlines()
    assert lines[4] == "       SymbolBlock-1                                      (2, 2)              23"
    outer = nn.HybridSequential()
    outer.add(blk)
    assert repr(outer) == "HybridSequential(\n  (0): SymbolBlock(\n  <Symbol exp_dense1_fwd> : 1 -> 1\n  )\n)"


def test_symbolblock_names_and_typed_inputs():
    data, d2 = mx.sym.var("data"), mx.sym.var("d2")
    fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
    out = mx.sym.Group([fc, mx.sym.relu(fc, name="r"), mx.sym.elemwise_add(d2, d2, name="s")])
    with pytest.warns(UserWarning, match="\tdata: None$"):
        blk = mx.gluon.SymbolBlock(out, [data, d2])
    assert repr(blk) == "SymbolBlock(\n<Symbol group [fc, r, s]> : 2 -> 3\n)"
    with pytest.warns(UserWarning):
        a = mx.gluon.SymbolBlock(fc, data)
        b = mx.gluon.SymbolBlock(fc, data)
    assert int(b.name[len("symbolblock"):]) == int(a.name[len("symbolblock"):]) + 1
    # every input typed: no warning, parameters take the inferred dtype
    x, y = mx.sym.var("x", dtype="float64"), mx.sym.var("y", dtype="float64")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        typed = mx.gluon.SymbolBlock(mx.sym.FullyConnected(x, num_hidden=2, name="f") + y, [x, y])
    assert repr(typed.collect_params()["f_weight"]) == \
        "Parameter f_weight (shape=None, dtype=<class 'numpy.float64'>)"


def test_infer_type_without_any_type_warns_and_gives_nones():
    x = mx.sym.var("x")
    fc = mx.sym.FullyConnected(x, num_hidden=2, name="fc")
    with pytest.warns(UserWarning) as record:
        assert fc.infer_type() == (None, None, None)
    assert str(record[0].message) == ("Cannot decide type for the following arguments. Consider providing them "
                                      "as input:\n\tx: None\n\tfc_weight: None\n\tfc_bias: None")
    assert mx.sym.var("h", dtype="float16").infer_type() == ([np.float16], [np.float16], [])
    assert fc.infer_type(x="float64")[0] == [np.float64] * 3


def test_exported_graph_uses_mxnet_op_names(tmp_path, ctx):
    net, _ = _built(ctx)
    net.export(str(tmp_path / "two"))
    g = json.loads((tmp_path / "two-symbol.json").read_text())
    ops = [n["op"] for n in g["nodes"] if n["op"] != "null"]
    assert ops == ["FullyConnected", "BatchNorm", "SliceChannel", "_mul_scalar", "_minus_scalar", "softmax",
                   "relu", "expand_dims", "broadcast_add", "_div_scalar"]
    names = [n["name"] for n in g["nodes"]]
    assert names[:3] == ["data0", f"{net.prefix}dense0_weight", f"{net.prefix}dense0_bias"]
    assert f"{net.prefix}dense0_fwd" in names and f"{net.prefix}batchnorm0_fwd" in names
    assert g["nodes"][names.index(f"{net.prefix}batchnorm0_fwd")]["inputs"][3][2] == 1  # aux entry version


def test_imported_graph_is_differentiable_like_the_original(tmp_path, ctx):
    net, xs = _built(ctx)
    net.export(str(tmp_path / "two"))
    blk = mx.gluon.SymbolBlock.imports(str(tmp_path / "two-symbol.json"), ["data0", "data1"],
                                       str(tmp_path / "two-0000.params"), ctx=ctx)
    grads = []
    for model in (net, blk):
        with autograd.record():
            a, b = model(*xs)
            loss = (a * b).sum()
        loss.backward()
        w = [p for n, p in model.collect_params().items() if n.endswith("dense0_weight")][0]
        grads.append(w.grad(ctx).asnumpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-5, atol=1e-7)
    assert np.abs(grads[0]).sum() > 0


def test_fine_tune_and_reexport_runs(convnet_files, tmp_path, ctx):
    sym_file, params_file, X, Y = convnet_files
    base = mx.gluon.SymbolBlock.imports(str(sym_file), ["data"], str(params_file), ctx=ctx)
    net = nn.HybridSequential()
    net.add(base, nn.Dense(2))
    net[1].initialize(ctx=ctx)
    x = mx.nd.array(X, ctx=ctx)
    net.hybridize()
    want = net(x).asnumpy()
    net.export(str(tmp_path / "ft"))
    again = mx.gluon.SymbolBlock.imports(str(tmp_path / "ft-symbol.json"), ["data"], str(tmp_path / "ft-0000.params"),
                                         ctx=ctx)
    np.testing.assert_array_equal(again(x).asnumpy(), want)
    np.testing.assert_allclose(base(x).asnumpy(), Y, rtol=1e-5, atol=1e-6)


def test_deferred_init_from_graph_shapes(ctx):
    data = mx.sym.var("data")
    out = mx.sym.FullyConnected(mx.sym.Activation(data, act_type="relu"), num_hidden=4, name="fc")
    blk = mx.gluon.SymbolBlock(out, [data])
    blk.initialize(mx.init.One(), ctx=ctx)
    X = np.arange(6, dtype=np.float32).reshape(2, 3) - 2
    y = blk(mx.nd.array(X, ctx=ctx)).asnumpy()
    assert blk.collect_params()["fc_weight"].shape == (4, 3)
    # the global One() also fills fc_bias (its Parameter has no own init), as in MXNet 1.9.1
    np.testing.assert_allclose(y, np.maximum(X, 0).sum(1, keepdims=True).repeat(4, 1) + 1)


def test_describe_graph(convnet_files):
    sym_file, params_file, _, _ = convnet_files
    info = mx.sym.describe_graph(str(sym_file), str(params_file))
    stored = mx.formats.load_arrays(str(params_file))
    assert info["inputs"] == ["data"]
    assert {p["name"]: p["shape"] for p in info["params"]} == {k[4:]: v.shape for k, v in stored.items()}
    assert {p["name"] for p in info["params"] if p["kind"] == "aux"} == {k[4:] for k in stored if k.startswith("aux:")}
    assert info["ops"] == {"Activation": 1, "BatchNorm": 1, "Convolution": 1, "Flatten": 1, "FullyConnected": 1,
                           "Pooling": 1}
    assert info["outputs"] == ["hybridsequential0_dense0_fwd_output"]
    assert mx.sym.describe_graph(str(sym_file))["inputs"] == ["data"]


def test_export_needs_hybridize_and_a_forward_like_mxnet(tmp_path):
    net = nn.HybridSequential()
    net.add(nn.Dense(2, in_units=3))
    net.initialize()
    message = ("Please first call block.hybridize() and then run forward with this block at least once before "
               "calling export.")
    with pytest.raises(RuntimeError) as info:
        net.export(str(tmp_path / "m"))
    assert str(info.value) == message
    net.hybridize()
    with pytest.raises(RuntimeError):
        net.export(str(tmp_path / "m"))          # hybridized, but no forward since
    net(mx.nd.ones((1, 3)))
    net.export(str(tmp_path / "m"))
    assert (tmp_path / "m-symbol.json").exists() and (tmp_path / "m-0000.params").exists()
