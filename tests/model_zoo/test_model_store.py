"""pretrained=True: MXNet's model-store file names, the folders searched, the SHA-1 check, loading."""
import hashlib
import shutil

import numpy as np
import pytest

import ndx
from ndx.gluon.model_zoo import model_store, vision

from ._reference import DATA, WEIGHTS


@pytest.fixture
def homes(tmp_path, monkeypatch):
    """A fresh MXNET_HOME and HOME, so the default search path points into tmp_path."""
    monkeypatch.setenv("MXNET_HOME", str(tmp_path / "mxnet_home"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_short_hash_is_mxnet_table():
    # the first 8 digits of MXNet 1.9.1's _model_sha1 entries
    assert model_store.short_hash("resnet18_v1") == "a0666292"
    assert model_store.short_hash("mobilenetv2_0.25") == "ae8f9392"
    assert len(model_store._model_sha1) == 34
    with pytest.raises(ValueError, match=r"^Pretrained model for foo is not available\.$"):
        model_store.short_hash("foo")


def test_missing_file_names_the_file_and_default_folders(homes):
    with pytest.raises(FileNotFoundError) as e:
        vision.resnet18_v1(pretrained=True)
    msg = str(e.value)
    assert "'resnet18_v1-a0666292.params'" in msg
    assert str(homes / "mxnet_home" / "models") in msg
    assert str(homes / "home" / ".ndx" / "models") in msg
    assert "does not download" in msg


@pytest.mark.parametrize("ctor, file_name", [
    (vision.mobilenet1_0, "mobilenet1.0-6b8c5106.params"), (vision.mobilenet0_5, "mobilenet0.5-8e9d539c.params"),
    (vision.mobilenet0_75, "mobilenet0.75-529b2c7f.params"),
    (vision.mobilenet_v2_0_25, "mobilenetv2_0.25-ae8f9392.params"),
    (vision.squeezenet1_1, "squeezenet1.1-33ba0f93.params"), (vision.inception_v3, "inceptionv3-ed47ec45.params"),
    (vision.vgg16_bn, "vgg16_bn-7f01cf05.params"), (vision.densenet121, "densenet121-f27dbf2d.params"),
    (vision.resnet50_v2, "resnet50_v2-ecdde353.params"), (vision.alexnet, "alexnet-44335d1f.params"),
])
def test_each_family_asks_for_mxnet_file_name(ctor, file_name, tmp_path):
    with pytest.raises(FileNotFoundError, match=f"'{file_name}' in {tmp_path}[.] "):
        ctor(pretrained=True, root=str(tmp_path))


def test_sha1_mismatch_is_refused(tmp_path):
    (tmp_path / "squeezenet1.0-264ba497.params").write_bytes(b"not the weights")
    with pytest.raises(ValueError, match="does not match the SHA-1"):
        vision.squeezenet1_0(pretrained=True, root=tmp_path)


def _install(monkeypatch, folder, name, weights_id):
    """Put an MXNet-saved file under ``folder`` as the model-store file of ``name`` (its hash entered in
    the table, since the real model-store weights are too large for the repository)."""
    src = DATA / WEIGHTS[weights_id]["params_file"]
    monkeypatch.setitem(model_store._model_sha1, name, hashlib.sha1(src.read_bytes()).hexdigest())
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, folder / f"{name}-{model_store.short_hash(name)}.params")


def test_pretrained_loads_from_ndx_folder_by_default(homes, monkeypatch, ctx):
    _install(monkeypatch, homes / "home" / ".ndx" / "models", "mobilenet0.25", "mobilenet0_25_classes10")
    net = vision.mobilenet0_25(pretrained=True, classes=10, ctx=ctx)
    io = np.load(DATA / WEIGHTS["mobilenet0_25_classes10"]["io_file"])
    out = net(ndx.nd.array(io["X"], ctx=ctx))
    np.testing.assert_allclose(out.asnumpy(), io["Y"], rtol=1e-4, atol=1e-6)


def test_pretrained_prefers_mxnet_home_and_get_model(homes, monkeypatch):
    _install(monkeypatch, homes / "mxnet_home" / "models", "mobilenetv2_0.25", "mobilenet_v2_0_25_classes10")
    (homes / "home" / ".ndx" / "models").mkdir(parents=True)
    (homes / "home" / ".ndx" / "models" / "mobilenetv2_0.25-{}.params".format(
        model_store.short_hash("mobilenetv2_0.25"))).write_bytes(b"shadowed")
    net = vision.get_model("mobilenetv2_0.25", pretrained=True, classes=10)
    io = np.load(DATA / WEIGHTS["mobilenet_v2_0_25_classes10"]["io_file"])
    np.testing.assert_allclose(net(ndx.nd.array(io["X"])).asnumpy(), io["Y"], rtol=1e-4, atol=1e-5)
