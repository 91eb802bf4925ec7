"""``gluon.data.vision.transforms`` and ``nd.image`` against numpy and MXNet 1.9.1's observed outputs."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd
from ndx.base import MXNetError
from ndx.gluon.data import ArrayDataset, DataLoader
from ndx.gluon.data.vision import transforms as T


def _image(shape=(2, 3, 3)):
    return (np.arange(np.prod(shape)).reshape(shape) * 37 % 256).astype(np.uint8)


def test_to_tensor_and_normalize_match_numpy(ctx):
    img = _image()
    t = T.ToTensor()(nd.array(img, ctx=ctx, dtype="uint8"))
    want = img.transpose(2, 0, 1).astype(np.float32) / 255
    assert t.dtype == np.float32 and t.shape == (3, 2, 3)
    np.testing.assert_allclose(t.asnumpy(), want, rtol=1e-6)
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.5, 0.25)
    n = T.Normalize(mean, std)(t)
    np.testing.assert_allclose(n.asnumpy(), (want - np.reshape(mean, (3, 1, 1))) / np.reshape(std, (3, 1, 1)),
                               rtol=1e-6, atol=1e-6)
    batch = T.ToTensor()(nd.array(np.stack([img, img]), ctx=ctx, dtype="uint8"))
    assert batch.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(T.Normalize(0.5, 2.0)(batch).asnumpy()[1], (want - 0.5) / 2, rtol=1e-6, atol=1e-6)


def test_observed_mxnet_values_reprs_and_messages():
    """Observed on MXNet 1.9.1 for the image arange(18).reshape(2, 3, 3) as uint8."""
    x = nd.array(np.arange(18).reshape(2, 3, 3), dtype="uint8")
    np.testing.assert_allclose(T.ToTensor()(x)[0].asnumpy(), [[0, 0.01176471, 0.02352941],
                                                             [0.03529412, 0.04705882, 0.05882353]], rtol=1e-6)
    normed = T.Normalize(mean=(0.1, 0.2, 0.3), std=(0.5, 0.5, 0.25))(T.ToTensor()(x))
    np.testing.assert_allclose(normed[2].asnumpy(), [[-1.1686275, -1.1215687, -1.0745099],
                                                    [-1.027451, -0.9803922, -0.9333334]], rtol=1e-6)
    assert repr(T.ToTensor()) == "ToTensor(\n\n)"
    assert repr(T.Compose([T.ToTensor(), T.Normalize(0.5, 0.5)])) == (
        "Compose(\n  (0): HybridSequential(\n    (0): ToTensor(\n    \n    )\n    (1): Normalize(\n    \n    )\n"
        "  )\n)")
    with pytest.raises(MXNetError) as e:
        T.ToTensor()(nd.ones((2, 3)))
    assert str(e.value).endswith("Input image must have shape (height, width, channels), or "
                                 "(N, height, width, channels) but got [2,3]")
    with pytest.raises(MXNetError) as e:
        T.Normalize((0.1, 0.2), (1, 2))(nd.ones((3, 2, 2)))
    assert str(e.value).endswith("Invalid mean for input with shape [3,2,2]. mean must have either 1 or 3 "
                                 "elements, but got [0.1,0.2]")


def test_flips_cast_and_compose_in_a_data_loader(ctx):
    img = _image((4, 5, 3))
    x = nd.array(img, ctx=ctx, dtype="uint8")
    np.testing.assert_array_equal(nd.image.flip_left_right(x).asnumpy(), img[:, ::-1])
    np.testing.assert_array_equal(nd.image.flip_top_bottom(x).asnumpy(), img[::-1])
    seen = {T.RandomFlipLeftRight()(x).asnumpy().tobytes() for _ in range(40)}
    assert seen == {img.tobytes(), img[:, ::-1].copy().tobytes()}     # both outcomes, nothing else
    assert T.Cast("float16")(x).dtype == np.float16
    images = np.stack([_image((4, 5, 3)) for _ in range(6)])
    data = ArrayDataset(nd.array(images, dtype="uint8"), nd.arange(6))
    loader = DataLoader(data.transform_first(T.Compose([T.ToTensor(), T.Normalize(0.5, 0.25)])), batch_size=4)
    batches = [(d.shape, lbl.shape) for d, lbl in loader]
    assert batches == [((4, 3, 4, 5), (4,)), ((2, 3, 4, 5), (2,))]
    first = next(iter(loader))[0].asnumpy()[0]
    np.testing.assert_allclose(first, (images[0].transpose(2, 0, 1) / 255 - 0.5) / 0.25, rtol=1e-5)
