"""Conv*/Conv*Transpose and pooling layers: reprs (spec/layers.md §7-8), deferred shapes, numerics."""
import numpy as np
import pytest

import ndx as mx
from tests.gluon._fusion import assert_fusion_is_exact
from ndx import autograd, nd
from ndx.gluon import nn
from tests.ops.test_nn_conv import ref_conv, ref_deconv
from tests.ops.test_nn_pool import ref_pool


def _run(layer, shape, ctx):
    layer.initialize(ctx=ctx)
    return layer(nd.ones(shape, ctx=ctx))


@pytest.mark.parametrize("make,before,shape,after,out_shape", [
    (lambda: nn.Conv2D(8, 3, padding=1), "Conv2D(None -> 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
     (2, 3, 8, 8), "Conv2D(3 -> 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", (2, 8, 8, 8)),
    (lambda: nn.Conv1D(4, 3), "Conv1D(None -> 4, kernel_size=(3,), stride=(1,))", (2, 3, 10),
     "Conv1D(3 -> 4, kernel_size=(3,), stride=(1,))", (2, 4, 8)),
    (lambda: nn.Conv2D(8, (3, 5), strides=2, padding=(1, 2), dilation=2, groups=2, in_channels=4, use_bias=False,
                       activation="relu"),
     "Conv2D(2 -> 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2), dilation=(2, 2), groups=2, bias=False, "
     "Activation(relu))", (2, 4, 16, 16), None, (2, 8, 7, 6)),
    (lambda: nn.Conv2D(8, 3, layout="NHWC"), "Conv2D(3 -> 8, kernel_size=(3, 3), stride=(1, 1))", (2, 8, 8, 3),
     None, (2, 6, 6, 8)),
    (lambda: nn.Conv3D(2, 3), "Conv3D(None -> 2, kernel_size=(3, 3, 3), stride=(1, 1, 1))", (1, 1, 5, 5, 5),
     "Conv3D(1 -> 2, kernel_size=(3, 3, 3), stride=(1, 1, 1))", (1, 2, 3, 3, 3)),
    (lambda: nn.Conv2DTranspose(4, 3), "Conv2DTranspose(4 -> 0, kernel_size=(3, 3), stride=(1, 1))", (1, 2, 5, 5),
     "Conv2DTranspose(4 -> 2, kernel_size=(3, 3), stride=(1, 1))", (1, 4, 7, 7)),
    (lambda: nn.Conv2DTranspose(4, 3, strides=2, padding=1, output_padding=1, in_channels=2),
     "Conv2DTranspose(4 -> 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))", (1, 2, 5, 5), None,
     (1, 4, 10, 10)),
])
def test_conv_repr_and_shapes(ctx, make, before, shape, after, out_shape):
    layer = make()
    assert repr(layer) == before
    assert _run(layer, shape, ctx).shape == out_shape
    assert repr(layer) == (after or before)


def test_conv_param_names_and_shapes():
    with mx.name.NameManager():
        c = nn.Conv2D(8, 3, groups=2, in_channels=4)
        t = nn.Conv1DTranspose(6, 2, groups=3, in_channels=3)
    assert c.weight.name == "conv0_weight" and c.weight.shape == (8, 2, 3, 3) and c.bias.shape == (8,)
    assert t.weight.name == "conv1_weight" and t.weight.shape == (3, 2, 2)
    assert nn.Conv2D(8, 3, layout="NHWC", in_channels=4).weight.shape == (8, 3, 3, 4)
    with pytest.raises(AssertionError, match="Only supports 'NCW' layout for now"):
        nn.Conv1D(2, 3, layout="NWC")


def test_conv_layers_compute_reference(ctx, rng):
    x = rng.standard_normal((2, 4, 7, 6)).astype(np.float32)
    conv = nn.Conv2D(6, (3, 2), strides=(2, 1), padding=1, groups=2, activation="relu")
    conv.initialize(ctx=ctx)
    conv(nd.array(x, ctx=ctx))
    w = rng.standard_normal((6, 2, 3, 2)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    conv.weight.set_data(nd.array(w))
    conv.bias.set_data(nd.array(b))
    y = conv(nd.array(x, ctx=ctx))
    np.testing.assert_allclose(y.asnumpy(), np.maximum(ref_conv(x, w, b, (2, 1), (1, 1), (1, 1), 2), 0),
                               rtol=1e-4, atol=1e-4)
    tconv = nn.Conv2DTranspose(3, 3, strides=2, padding=1, output_padding=1, in_channels=4)
    tconv.initialize(ctx=ctx)
    wt = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    tconv.weight.set_data(nd.array(wt))
    y = tconv(nd.array(x, ctx=ctx))
    np.testing.assert_allclose(y.asnumpy(), ref_deconv(x, wt, np.zeros(3), (2, 2), (1, 1), (1, 1), (1, 1), 1),
                               rtol=1e-4, atol=1e-4)


def test_conv_layer_gradients(ctx, rng):
    conv = nn.Conv1D(2, 3, padding=1, in_channels=3)
    conv.initialize(ctx=ctx)
    x = nd.array(rng.standard_normal((2, 3, 5)), ctx=ctx)
    with autograd.record():
        y = conv(x)
    head = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(nd.array(head, ctx=ctx))
    xs = x.asnumpy()
    xpad = np.pad(xs, ((0, 0), (0, 0), (1, 1)))
    win = np.stack([xpad[:, :, k:k + 5] for k in range(3)], axis=-1)  # (N, C, W, K)
    np.testing.assert_allclose(conv.weight.grad().asnumpy(), np.einsum("nfw,ncwk->fck", head, win), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(conv.bias.grad().asnumpy(), head.sum(axis=(0, 2)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("make,text", [
    (lambda: nn.MaxPool2D(), "MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, "
                             "global_pool=False, pool_type=max, layout=NCHW)"),
    (lambda: nn.MaxPool2D(pool_size=3, strides=2, padding=1, ceil_mode=True),
     "MaxPool2D(size=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True, global_pool=False, pool_type=max, "
     "layout=NCHW)"),
    (lambda: nn.AvgPool1D(), "AvgPool1D(size=(2,), stride=(2,), padding=(0,), ceil_mode=False, global_pool=False, "
                             "pool_type=avg, layout=NCW)"),
    (lambda: nn.GlobalAvgPool2D(), "GlobalAvgPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), ceil_mode=True, "
                                   "global_pool=True, pool_type=avg, layout=NCHW)"),
])
def test_pool_reprs(make, text):
    assert repr(make()) == text


def test_pool_layers_compute_reference(ctx, rng):
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    xa = nd.array(x, ctx=ctx)
    cases = [
        (nn.MaxPool2D(3, 2, 1), ref_pool(x, (3, 3), (2, 2), (1, 1), "max", False, True)),
        (nn.MaxPool2D(3, 2, 1, ceil_mode=True), ref_pool(x, (3, 3), (2, 2), (1, 1), "max", True, True)),
        (nn.AvgPool2D(3, 1, 1, count_include_pad=False), ref_pool(x, (3, 3), (1, 1), (1, 1), "avg", False, False)),
        (nn.AvgPool2D(3, 1, 1), ref_pool(x, (3, 3), (1, 1), (1, 1), "avg", False, True)),
        (nn.GlobalMaxPool2D(), x.max(axis=(2, 3), keepdims=True)),
        (nn.GlobalAvgPool2D(), x.mean(axis=(2, 3), keepdims=True)),
    ]
    for layer, ref in cases:
        np.testing.assert_allclose(layer(xa).asnumpy(), ref, rtol=1e-5, atol=1e-6, err_msg=repr(layer))
    assert nn.MaxPool2D(3, 2, 1)(xa).shape == (2, 3, 3, 3)
    assert nn.MaxPool2D(3, 2, 1, ceil_mode=True)(xa).shape == (2, 3, 4, 4)
    x1 = nd.array(rng.standard_normal((2, 3, 8)), ctx=ctx)
    x3 = nd.array(rng.standard_normal((1, 2, 4, 4, 4)), ctx=ctx)
    assert nn.MaxPool1D()(x1).shape == (2, 3, 4) and nn.AvgPool1D(layout="NWC")(x1).shape == (2, 1, 8)
    assert nn.GlobalAvgPool1D()(x1).shape == (2, 3, 1) and nn.GlobalMaxPool3D()(x3).shape == (1, 2, 1, 1, 1)
    assert nn.AvgPool3D()(x3).shape == (1, 2, 2, 2, 2) and nn.MaxPool3D(ceil_mode=True)(x3).shape == (1, 2, 2, 2, 2)
    with pytest.raises(AssertionError, match="Only NCHW and NHWC layouts are valid for 2D Pooling"):
        nn.MaxPool2D(layout="NCW")


def test_deferred_conv_with_kernel_larger_than_input(capsys):
    # Observed on MXNet 1.9.1 (less its log timestamp/source location): shape inference fails, so
    # the weight keeps its unknown input-channel dim.
    with mx.name.NameManager():
        conv = nn.Conv2D(4, 7)
    conv.initialize()
    with pytest.raises(ValueError) as e:
        conv(nd.ones((2, 3, 6, 6)))
    assert str(e.value) == ("Deferred initialization failed because shape cannot be inferred. MXNetError: Error in "
                            "operator conv0_fwd: Check failed: dilated_ksize_y <= AddPad(dshape[2], param_.pad[0]) "
                            "(7 vs. 6) : kernel size exceed input")
    assert conv.weight.shape == (4, 0, 7, 7)
    assert capsys.readouterr().out == "infer_shape error. Arguments:\n  data: (2, 3, 6, 6)\n"


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.Conv2D(4, 3, padding=1, activation="relu", in_channels=3), (2, 3, 6, 5)),
    (lambda: nn.Conv1D(3, 2, strides=2, activation="relu", in_channels=2), (3, 2, 9)),
    (lambda: nn.Conv3D(2, 2, activation="relu", in_channels=2), (2, 2, 3, 4, 3)),
    (lambda: nn.Conv2D(4, 3, activation="relu", layout="NHWC", in_channels=3), (2, 6, 5, 3)),
])
def test_conv_relu_fused_matches_separate_ops(ctx, monkeypatch, make, shape):
    """A conv layer with activation='relu' runs one fused op imperatively; outputs and every gradient
    equal the Convolution + Activation pair (what MXNet and a hybridized net run) bit for bit."""
    import ndx.gluon.nn.conv_layers as CL
    mx.random.seed(3)
    layer = make()
    layer.initialize(ctx=ctx)
    x = mx.nd.array(np.random.default_rng(4).standard_normal(shape), ctx=ctx)
    assert layer._fusable_relu(mx.nd)
    assert_fusion_is_exact(layer, x, ctx, lambda: monkeypatch.setattr(CL._Conv, "_fusable_relu", lambda self, F: False))


def test_conv_relu_not_fused_when_activation_has_hooks():
    layer = nn.Conv2D(2, 3, activation="relu", in_channels=1)
    layer.initialize()
    seen = []
    layer.act.register_forward_hook(lambda block, inputs, output: seen.append(output.shape))
    y = layer(mx.nd.ones((1, 1, 4, 4)))
    assert seen == [y.shape]


@pytest.mark.parametrize("make, shape, deferred, message", [
    (lambda: nn.Conv2D(4, 3), (1, 2, 5), True,
     "Check failed: dshp.ndim() == 4U (3 vs. 4) : Input data should be 4D in batch-num_filter-y-x"),
    (lambda: nn.Conv3D(4, 3), (1, 2, 5, 5), True,
     "Check failed: dshp.ndim() == 5U (4 vs. 5) : Input data should be 5D in batch-num_filter-depth-y-x"),
    (lambda: nn.Conv1D(4, 3, groups=2), (1, 3, 5), True,
     "Check failed: dshape[1] % param_.num_group == 0U (1 vs. 0) : input num_filter must divide group size"),
    (lambda: nn.Conv2D(4, 3, in_channels=2), (1, 2, 5), False,
     "MXNetError: Check failed: dshp.ndim() == 4U (3 vs. 4) : Input data should be 4D in batch-num_filter-y-x"),
    (lambda: nn.Conv2DTranspose(4, 3, in_channels=2), (1, 2, 5), False,
     "MXNetError: Check failed: dshape.ndim() == 4U (3 vs. 4) : Input data should be 4D in batch-num_filter-y-x"),
    (lambda: nn.MaxPool2D(2), (1, 2, 5), False,
     "Pooling: Check failed: dshape.ndim() == 4U (3 vs. 4) : Input data should be 4D in (batch, channel, y, x)"),
])
def test_input_rank_errors_are_mxnets(make, shape, deferred, message):
    """Observed on MXNet 1.9.1: a wrong input rank (or channels the groups do not divide) fails shape
    inference; while initialization is deferred that is a ValueError saying so."""
    from ndx.base import MXNetError
    block = make()
    block.initialize()
    with pytest.raises(ValueError if deferred else MXNetError) as e:
        block(nd.ones(shape))
    text = str(e.value)
    assert text.endswith(message)
    if deferred:
        assert text.startswith("Deferred initialization failed because shape cannot be inferred. MXNetError: "
                               "Error in operator ")


def test_pooling_rank_limits():
    from ndx.base import MXNetError
    both = ("Input data should be  3D in (batch, channel, x) Or 4D in (batch, channel, y, x)  "
            "Or 5D in (batch, channel, d, y, x)")
    with pytest.raises(MXNetError) as e:
        nd.Pooling(nd.ones((1, 2)), kernel=(2,))
    assert str(e.value) == "Pooling: Check failed: dshape.ndim() >= 3 (2 vs. 3) : " + both
    with pytest.raises(MXNetError) as e:
        nd.Pooling(nd.ones((1, 2, 5, 5, 5, 5)), kernel=(2, 2))
    assert str(e.value) == "Pooling: Check failed: dshape.ndim() <= 5 (6 vs. 5) : " + both
    assert nd.Pooling(nd.ones((1, 2, 5)), kernel=(2, 2), global_pool=True).shape == (1, 2, 1)


@pytest.mark.parametrize("make,message", [
    (lambda: nn.Conv2D(3, 3, groups=2, prefix="c_"),
     "MXNetError: Error in operator c_convolution0: Check failed: param_.num_filter % param_.num_group == 0U "
     "(1 vs. 0) : output num_filter must divide group size"),
    (lambda: nn.Conv3D(4, 3, groups=2, in_channels=3, prefix="c_"),
     "MXNetError: Error in operator c_convolution0: Check failed: dshape[1] % param_.num_group == 0U (1 vs. 0) : "
     "input num_filter must divide group size"),
    (lambda: nn.Conv1DTranspose(4, 3, groups=2, in_channels=3, prefix="c_"),
     "MXNetError: Error in operator c_deconvolution0: Check failed: dshape_ncw[1] % param_.num_group == 0U "
     "(1 vs. 0) : input num_filter must divide group size"),
    (lambda: nn.Conv2D(4, (0, 3), prefix="c_"),
     "MXNetError: Error in operator c_convolution0: Check failed: param_.kernel.Size() > 0U (0 vs. 0) : "
     "incorrect kernel size: [0,3]"),
    (lambda: nn.Conv2DTranspose(4, 3, strides=0, prefix="c_"),
     "MXNetError: Error in operator c_deconvolution0: Check failed: param_.stride.Size() > 0U (0 vs. 0) : "
     "incorrect stride size: [0,0]"),
    (lambda: nn.Conv2D(4, 3, in_channels=3, strides=(2, 1), dilation=(1, 0), prefix="c_"),
     "MXNetError: Error in operator c_convolution0: Check failed: param_.dilate.Size() > 0U (0 vs. 0) : "
     "incorrect dilate size: [1,0]"),
    (lambda: nn.Conv2DTranspose(4, 3, strides=2, output_padding=(1, 2), prefix="c_"),
     "MXNetError: Error in operator c_deconvolution0: Check failed: param_.stride[1]-1 >= o_adj[1] (1 vs. 2) : "
     "adj(x) must be samller than stride[1]"),
    (lambda: nn.Conv3DTranspose(4, 3, output_padding=(1, 0, 0), prefix="c_"),
     "MXNetError: Error in operator c_deconvolution0: Check failed: param_.stride[0]-1 >= o_adj[0] (0 vs. 1) : "
     "adj(d) must be samller than stride[0]"),
    (lambda: nn.Conv2D(4, 3, strides=(1, 2, 3)),
     "MXNetError: Check failed: param_.kernel.ndim() == param_.stride.ndim() (2 vs. 3) : Stride must have the same "
     "number of dimensions with kernel_size,but kernel_size is set to [3,3] while stride is [1,2,3]"),
    (lambda: nn.Conv3DTranspose(4, 3, padding=(1, 1)),
     "MXNetError: Check failed: param_.kernel.ndim() == param_.pad.ndim() (3 vs. 2) : Padding must have the same "
     "number of dimensions with kernel_size,but kernel_size is set to [3,3,3] while padding is [1,1]"),
    (lambda: nn.Conv1D(0, 3),
     'MXNetError: value 0 for Parameter num_filter should be greater equal to 1\nnum_filter: Convolution '
     'filter(channel) number, in operator Convolution(name="", layout="NCW", pad="(0,)", num_filter="0", '
     'dilate="(1,)", num_group="1", stride="(1,)", no_bias="False", kernel="(3,)")'),
    (lambda: nn.Conv2DTranspose(0, 3),
     "MXNetError: value 0 for Parameter num_filter should be greater equal to 1\nnum_filter: Number of output "
     "filters."),
])
def test_invalid_conv_arguments_fail_at_construction(make, message):
    """Observed on MXNet 1.9.1: the layer's weight-shape inference rejects these in the constructor."""
    from ndx.base import MXNetError
    with pytest.raises(MXNetError) as e:
        make()
    assert str(e.value) == message


@pytest.mark.parametrize("make,message", [
    (lambda: nn.Conv2DTranspose(4, 3, output_padding=(1, 2, 3)), "output_padding must be a number or a list of 2 ints"),
    (lambda: nn.AvgPool1D((2, 2)), "pool_size must be a number or a list of 1 ints"),
    (lambda: nn.MaxPool3D((2, 2)), "pool_size must be a number or a list of 3 ints"),
])
def test_argument_lengths_are_asserted(make, message):
    with pytest.raises(AssertionError, match=r"^" + message.replace("(", r"\(") + "$"):
        make()


def test_valid_grouped_conv_still_constructs():
    assert repr(nn.Conv2DTranspose(4, 3, groups=2, in_channels=4)) == \
        "Conv2DTranspose(2 -> 4, kernel_size=(3, 3), stride=(1, 1), groups=2)"
    assert repr(nn.Conv2DTranspose(4, 3, strides=2, output_padding=1)) == \
        "Conv2DTranspose(4 -> 0, kernel_size=(3, 3), stride=(2, 2))"
