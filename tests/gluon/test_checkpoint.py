"""save_parameters / load_parameters and ParameterDict.save / load: fixtures, formats, MXNet's messages."""
import hashlib
import json
import re
import sys

import numpy as np
import pytest

import ndx as mx
from ndx import gluon, nd
from ndx.gluon import nn


def _fixture_nets(fixtures_dir):
    manifest = json.loads((fixtures_dir / "manifest.json").read_text())
    return manifest


def _build(net_entry):
    """Run a fixture's builder_source with ``mxnet`` = ndx, in fresh name counters."""
    saved = {k: sys.modules.get(k) for k in ("mxnet", "mxnet.gluon", "mxnet.gluon.nn")}
    sys.modules.update({"mxnet": mx, "mxnet.gluon": gluon, "mxnet.gluon.nn": nn})
    try:
        ns = {"mx": mx, "np": np, "nd": nd}
        exec(net_entry["builder_source"], ns)
        builder = next(v for k, v in ns.items() if k.startswith("build_") and callable(v))
        with mx.name.NameManager():
            return builder()
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


NET_FILES = [
    ("mlp", "save_parameters.params"), ("mlp", "collect_params.params"),
    ("model_namescope", "save_parameters.params"), ("model_namescope", "collect_params.params"),
    ("model_namescope", "collect_params_stripped.params"),
    ("rgnet_d2l", "save_parameters.params"), ("rgnet_d2l", "collect_params.params"),
    ("rgnet_scoped", "save_parameters.params"), ("rgnet_scoped", "collect_params.params"),
    ("rgnet_scoped", "collect_params_stripped.params"),
    ("convnet", "save_parameters.params"), ("convnet", "collect_params.params"),
    ("shared_params", "save_parameters.params"), ("shared_params", "collect_params.params"),
    ("shared_params", "save_parameters_dedup.params"),
    ("mlp_npx", "save_parameters.params"),
    ("convnet_hybrid", "save_parameters.params"), ("convnet_hybrid", "collect_params.params"),
]


@pytest.mark.parametrize("name,fname", NET_FILES)
def test_fixture_net_reproduces_output(fixtures_dir, name, fname):
    manifest = _fixture_nets(fixtures_dir)
    net = _build(manifest["nets"][name])
    path = fixtures_dir / "nets" / name / fname
    if fname == "collect_params.params":
        net.collect_params().load(str(path))
    else:
        net.load_parameters(str(path))
    X = np.load(fixtures_dir / "nets" / name / "X.npy")
    Y = np.load(fixtures_dir / "nets" / name / "Y.npy")
    np.testing.assert_allclose(net(nd.array(X)).asnumpy(), Y, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,fname", [nf for nf in NET_FILES if nf[0] != "mlp_npx" and nf[1] in
                                        ("save_parameters.params", "collect_params.params",
                                         "save_parameters_dedup.params")])
def test_resave_is_byte_identical_to_mxnet(fixtures_dir, tmp_path, name, fname):
    """Loaded and saved again by the same call, the file is MXNet's, byte for byte (legacy-shape
    files; ``mlp_npx`` was written under numpy-shape semantics, which ndx reads but does not write)."""
    manifest = _fixture_nets(fixtures_dir)
    entry = manifest["files"][f"nets/{name}/{fname}"]
    net = _build(manifest["nets"][name])
    src = str(fixtures_dir / "nets" / name / fname)
    out = str(tmp_path / fname)
    if fname == "collect_params.params":
        net.collect_params().load(src)
        net.collect_params().save(out)
    else:
        net.load_parameters(src)
        net.save_parameters(out, deduplicate=fname.endswith("dedup.params"))
    assert hashlib.sha256(open(out, "rb").read()).hexdigest() == entry["sha256_file"]


def _mlp():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(4, activation="relu"), nn.Dense(2))
    return net


@pytest.mark.parametrize("ext", [".params", ".safetensors", ".npz"])
def test_round_trip_every_format(ctx, tmp_path, ext):
    net = _mlp()
    net.initialize(ctx=ctx)
    x = nd.array(np.random.default_rng(0).standard_normal((3, 5)), ctx=ctx)
    y = net(x).asnumpy()
    path = str(tmp_path / ("net" + ext))
    net.save_parameters(path)
    net2 = _mlp()
    net2.load_parameters(path, ctx=ctx)
    np.testing.assert_array_equal(net2(x).asnumpy(), y)
    # and by prefixed name
    net.collect_params().save(path, strip_prefix=net.prefix)
    net3 = _mlp()
    net3.collect_params().load(path, ctx=ctx, restore_prefix=net3.prefix)
    np.testing.assert_array_equal(net3(x).asnumpy(), y)


def test_structural_keys_and_dedup(tmp_path):
    net = nn.Sequential()
    shared = nn.Dense(3, in_units=2)
    net.add(nn.Dense(2, in_units=2), shared, nn.Dense(3, in_units=2, params=shared.params))
    net.initialize()
    net.save_parameters(str(tmp_path / "a.params"))
    assert list(nd.load(str(tmp_path / "a.params"))) == ["0.weight", "0.bias", "1.weight", "1.bias",
                                                         "2.weight", "2.bias"]
    net.save_parameters(str(tmp_path / "b.params"), deduplicate=True)
    assert list(nd.load(str(tmp_path / "b.params"))) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_load_into_deferred_net_fills_shapes_and_skips_init(tmp_path):
    src = nn.Dense(3, in_units=2)
    src.initialize()
    src.save_parameters(str(tmp_path / "d.params"))
    dst = nn.Dense(3)
    dst.load_parameters(str(tmp_path / "d.params"))
    assert dst.weight.shape == (3, 2)
    assert repr(dst) == "Dense(2 -> 3, linear)"
    np.testing.assert_array_equal(dst.weight.data().asnumpy(), src.weight.data().asnumpy())


def test_structural_missing_and_extra_messages(tmp_path):
    small = nn.Sequential()
    small.add(nn.Dense(2, in_units=3))
    small.initialize()
    f = str(tmp_path / "s.params")
    small.save_parameters(f)
    big = nn.Sequential()
    big.add(nn.Dense(2, in_units=3), nn.Dense(1, in_units=2))
    big.initialize()
    with pytest.raises(AssertionError, match=re.escape(
            f"Parameter '1.weight' is missing in file '{f}', which contains parameters: '0.weight', "
            "'0.bias'. Set allow_missing=True to ignore missing parameters.")):
        big.load_parameters(f)
    big.load_parameters(f, allow_missing=True)
    np.testing.assert_array_equal(big[0].weight.data().asnumpy(), small[0].weight.data().asnumpy())
    g = str(tmp_path / "b.params")
    big.save_parameters(g)
    with pytest.raises(ValueError, match=re.escape(
            f"Parameter '1.weight' loaded from file '{g}' is not present in ParameterDict, which contains "
            "parameters . Set ignore_extra=True to ignore. ")):
        small.load_parameters(g)
    small.load_parameters(g, ignore_extra=True)


def test_shape_dtype_messages(tmp_path):
    a = nn.Dense(5, in_units=3, prefix="small50_dense0_")
    a.initialize()
    f = str(tmp_path / "x.params")
    nd.save(f, {"weight": nd.zeros((4, 3)), "bias": nd.zeros(5)})
    with pytest.raises(AssertionError, match=re.escape(
            "Failed loading Parameter 'small50_dense0_weight' from saved params: shape incompatible "
            "expected (5, 3) vs saved (4, 3)")):
        a.load_parameters(f)
    b = nn.Dense(5, in_units=3, dtype="float64", prefix="small640_dense0_")
    b.initialize()
    nd.save(f, {"weight": nd.zeros((5, 3)), "bias": nd.zeros(5)})
    with pytest.raises(AssertionError, match=re.escape(
            "Failed loading Parameter 'small640_dense0_weight' from saved params: dtype incompatible expected "
            "float64 vs saved <class 'numpy.float32'>. Set cast_dtype=True to cast the dtype of saved params.")):
        b.load_parameters(f)
    b.load_parameters(f, cast_dtype=True)
    assert b.weight.data().dtype == np.float64


def test_prefix_path_messages(tmp_path):
    net = nn.Sequential(prefix="mlp3_")
    with net.name_scope():
        net.add(nn.Dense(2, in_units=2))
    net.initialize()
    f = str(tmp_path / "scp.params")
    net.collect_params().save(f)
    other = nn.Sequential(prefix="zz_")
    with other.name_scope():
        other.add(nn.Dense(2, in_units=2))
    with pytest.raises(AssertionError, match=re.escape(
            f"Parameter 'zz_dense0_weight' is missing in file: {f}, which contains parameters: "
            "'mlp3_dense0_weight', 'mlp3_dense0_bias'. Please make sure source and target networks have the "
            "same prefix.For more info on naming")):
        other.collect_params().load(f)
    with pytest.raises(AssertionError, match=re.escape(
            "restore_prefix is 'qq_' but Parameters name 'zz_dense0_weight' does not start with 'qq_'.")):
        other.collect_params().load(f, restore_prefix="qq_")
    with pytest.raises(ValueError, match=re.escape(
            "Prefix 'zzz_' is to be striped before saving, but Parameter's name 'mlp3_dense0_weight' does not "
            "start with 'zzz_'.")):
        net.collect_params().save(f, strip_prefix="zzz_")
    other.collect_params().load(f, ignore_extra=True, allow_missing=True)


def test_arg_aux_keys_load_like_mxnet(tmp_path):
    net = nn.HybridSequential(prefix="m_")
    with net.name_scope():
        net.add(nn.Dense(2, in_units=2), nn.BatchNorm(in_channels=2))
    f = str(tmp_path / "e.params")
    w = nd.array([[1, 2], [3, 4]])
    nd.save(f, {"arg:m_dense0_weight": w, "arg:m_dense0_bias": nd.zeros(2),
                "arg:m_batchnorm0_gamma": nd.ones(2), "arg:m_batchnorm0_beta": nd.zeros(2),
                "aux:m_batchnorm0_running_mean": nd.zeros(2), "aux:m_batchnorm0_running_var": nd.ones(2)})
    net.collect_params().load(f)
    np.testing.assert_array_equal(net[0].weight.data().asnumpy(), w.asnumpy())


def test_multi_context_average_is_saved(tmp_path):
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(init=mx.init.Zero(), ctx=[mx.cpu(0), mx.cpu(1)])
    p.data(mx.cpu(1))[:] = 4
    d = gluon.ParameterDict()
    d._params["w"] = p
    d.save(str(tmp_path / "avg.params"))
    np.testing.assert_array_equal(nd.load(str(tmp_path / "avg.params"))["w"].asnumpy(), [2, 2])


def test_load_list_file_fails_like_mxnet(tmp_path):
    f = str(tmp_path / "l.params")
    nd.save(f, [nd.ones(2)])
    net = nn.Dense(2, in_units=2)
    with pytest.raises(AttributeError, match="'list' object has no attribute 'keys'"):
        net.load_parameters(f)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes need Python 3.11")
def test_missing_error_notes_closest_names(tmp_path):
    f = str(tmp_path / "n.params")
    nd.save(f, {"0.weigth": nd.zeros((2, 2)), "0.bias": nd.zeros(2)})
    net = nn.Sequential()
    net.add(nn.Dense(2, in_units=2))
    with pytest.raises(AssertionError) as info:
        net.load_parameters(f)
    assert str(info.value).startswith("Parameter '0.weight' is missing in file")
    assert "closest names: '0.weigth'" in info.value.__notes__[0]


def test_missing_file_or_folder_errors_name_the_path(tmp_path):
    # Observed on MXNet 1.9.1: save_parameters/load_parameters/nd.save into a missing path fail in
    # MXNet's file system layer, naming the path the caller gave.
    net = nn.Dense(2, in_units=3)
    net.initialize()
    cases = [
        (lambda p: net.load_parameters(p), tmp_path / "nope.params"),
        (lambda p: net.save_parameters(p), tmp_path / "nodir" / "x.params"),
        (lambda p: net.collect_params().save(p), tmp_path / "nodir" / "y.params"),
        (lambda p: nd.save(p, [nd.ones(1)]), tmp_path / "nodir" / "a.nd"),
    ]
    for call, path in cases:
        with pytest.raises(mx.MXNetError) as e:
            call(str(path))
        assert str(e.value) == f'LocalFileSystem: Check failed: allow_null: :Open "{path}": No such file or directory'
    assert not (tmp_path / "nodir").exists()


def test_cast_dtype_from_saved_converts_initialized_data(tmp_path):
    # Observed on MXNet 1.9.1: dtype_source='saved' gives the Parameter and its existing data the saved dtype.
    a = nn.Dense(2, in_units=3)
    a.initialize()
    a.cast("float16")
    f = str(tmp_path / "h.params")
    a.save_parameters(f)
    b = nn.Dense(2, in_units=3)
    b.initialize()
    b.load_parameters(f, cast_dtype=True, dtype_source="saved")
    assert b.weight.dtype == np.float16 and b.weight.data().dtype == np.float16
    np.testing.assert_array_equal(b.weight.data().asnumpy(), a.weight.data().asnumpy())


def test_load_dict_takes_the_empty_list_of_an_empty_file(tmp_path):
    # nd.load of a saved {} gives [], which MXNet's load_dict accepts as an empty dict
    fname = str(tmp_path / "empty.params")
    nd.save(fname, {})
    d = nn.Dense(2, in_units=2)
    d.collect_params().load_dict(nd.load(fname), allow_missing=True)
    with pytest.raises(AssertionError, match=rf"^Parameter '{d.weight.name}' is missing in param_dict, which "
                                             r"contains parameters: \. Please make sure"):
        d.collect_params().load_dict(nd.load(fname))
