"""Convolution / Deconvolution against direct numpy references, plus finite-difference gradients."""
import itertools

import numpy as np
import pytest

import ndx as mx
from ndx import nd
from ndx.ops import nn_conv
from ndx.test_utils import check_numeric_gradient


def ref_conv(x, w, b, stride, pad, dilate, groups):
    """Direct convolution: one strided slice per kernel offset and group."""
    nd_ = x.ndim - 2
    xpad = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pad))
    k = w.shape[2:]
    osz = [(x.shape[2 + i] + 2 * pad[i] - dilate[i] * (k[i] - 1) - 1) // stride[i] + 1 for i in range(nd_)]
    f, cg = w.shape[:2]
    fg = f // groups
    out = np.zeros((x.shape[0], f) + tuple(osz))
    for offs in itertools.product(*[range(n) for n in k]):
        idx = tuple(slice(o * d, o * d + s * (m - 1) + 1, s) for o, d, s, m in zip(offs, dilate, stride, osz))
        for g in range(groups):
            xs = xpad[(slice(None), slice(g * cg, (g + 1) * cg)) + idx]
            ws = w[(slice(g * fg, (g + 1) * fg), slice(None)) + offs]
            out[:, g * fg:(g + 1) * fg] += np.tensordot(xs, ws, axes=([1], [1])).transpose(
                (0, nd_ + 1) + tuple(range(1, nd_ + 1)))
    if b is not None:
        out += b.reshape((1, -1) + (1,) * nd_)
    return out


def ref_deconv(x, w, b, stride, pad, dilate, adj, groups):
    """Direct transposed convolution: every input cell scatters a weighted kernel into the output."""
    nd_ = x.ndim - 2
    k = w.shape[2:]
    cin, fg = w.shape[:2]
    cg = cin // groups
    full = [(x.shape[2 + i] - 1) * stride[i] + dilate[i] * (k[i] - 1) + 1 + adj[i] for i in range(nd_)]
    buf = np.zeros((x.shape[0], fg * groups) + tuple(full))
    for offs in itertools.product(*[range(n) for n in k]):
        idx = tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                    for o, d, s, m in zip(offs, dilate, stride, x.shape[2:]))
        for g in range(groups):
            xs = x[:, g * cg:(g + 1) * cg]
            ws = w[(slice(g * cg, (g + 1) * cg), slice(None)) + offs]
            buf[(slice(None), slice(g * fg, (g + 1) * fg)) + idx] += np.tensordot(xs, ws, axes=([1], [0])).transpose(
                (0, nd_ + 1) + tuple(range(1, nd_ + 1)))
    out = buf[(slice(None), slice(None)) + tuple(slice(p, f - p) for p, f in zip(pad, full))]
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * nd_)
    return out


CONV_CASES = [
    # x shape, num_filter, kernel, stride, pad, dilate, groups
    ((2, 3, 7), 4, (3,), (1,), (0,), (1,), 1),
    ((2, 4, 9), 6, (3,), (2,), (1,), (2,), 2),
    ((2, 3, 6, 5), 4, (3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((1, 4, 8, 7), 4, (3, 2), (2, 1), (1, 0), (1, 2), 2),
    ((2, 4, 16, 16), 8, (3, 5), (2, 2), (1, 2), (2, 2), 2),
    ((1, 2, 5, 4, 4), 3, (3, 2, 2), (1, 2, 1), (1, 0, 1), (1, 1, 1), 1),
    # each strategy of nn_conv: depthwise (multiplier 1 and 2), single input channel, pointwise 1x1
    ((2, 4, 7, 6), 4, (3, 3), (1, 1), (1, 1), (1, 1), 4),
    ((2, 3, 9, 8), 6, (3, 2), (2, 1), (1, 1), (2, 1), 3),
    ((2, 1, 6, 6), 5, (3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((2, 6, 5, 4), 4, (1, 1), (1, 1), (0, 0), (1, 1), 2),
    ((2, 4, 7, 5), 3, (1, 1), (2, 3), (0, 0), (1, 1), 1),
    ((1, 3, 6, 5), 2, (3, 3), (1, 1), (3, 2), (1, 1), 1),  # pad beyond the kernel: no transposed-conv dx
    ((2, 3, 8, 7), 3, (3, 3), (1, 1), (2, 0), (2, 1), 3),
    ((2, 3, 9), 3, (3,), (1,), (1,), (1,), 3),  # 1-D depthwise: the work buffer is the whole output
    ((2, 4, 3, 3), 32, (3, 3), (1, 1), (1, 1), (1, 1), 1),  # many filters, small map: window columns
]


@pytest.mark.parametrize("shape,f,k,s,p,d,g", CONV_CASES)
def test_convolution_forward_matches_direct_reference(ctx, rng, shape, f, k, s, p, d, g):
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal((f, shape[1] // g) + k).astype(np.float32)
    b = rng.standard_normal(f).astype(np.float32)
    y = nd.Convolution(nd.array(x, ctx=ctx), nd.array(w, ctx=ctx), nd.array(b, ctx=ctx), kernel=k, stride=s,
                       pad=p, dilate=d, num_filter=f, num_group=g)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.asnumpy(), ref_conv(x, w, b, s, p, d, g), rtol=1e-4, atol=1e-4)


def test_convolution_outputs_do_not_share_work_buffers(ctx, rng):
    """Kernels keep work buffers between calls; no result may alias one."""
    for shape, f, k, g in (((2, 3, 9), 3, (3,), 3), ((2, 3, 5, 5), 4, (3, 3), 1), ((1, 4, 6, 6), 4, (3, 3), 4)):
        x = nd.array(rng.standard_normal(shape).astype(np.float32), ctx=ctx)
        w = nd.array(rng.standard_normal((f, shape[1] // g) + k).astype(np.float32), ctx=ctx)
        kw = dict(kernel=k, pad=(1,) * len(k), num_filter=f, num_group=g, no_bias=True)
        first = nd.Convolution(x, w, **kw)
        kept = first.asnumpy()
        nd.Convolution(x * 2, w, **kw)
        np.testing.assert_array_equal(first.asnumpy(), kept)


def test_convolution_chunks_over_batch(monkeypatch, rng):
    """A tiny column budget forces one chunk per sample; results and gradients must not change."""
    x = rng.standard_normal((5, 3, 6, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    kw = dict(kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=True)
    xa, wa = nd.array(x), nd.array(w)
    xa.attach_grad()
    with mx.autograd.record():
        y = nd.Convolution(xa, wa, **kw)
    y.backward()
    full, gfull = y.asnumpy(), xa.grad.asnumpy()
    monkeypatch.setattr(nn_conv, "COL_BYTES", 1)
    with mx.autograd.record():
        y2 = nd.Convolution(xa, wa, **kw)
    y2.backward()
    np.testing.assert_allclose(y2.asnumpy(), full, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(xa.grad.asnumpy(), gfull, rtol=1e-5, atol=1e-5)


GRAD_CASES = [
    ((2, 2, 5), 3, (3,), (2,), (1,), (1,), 1),
    ((1, 4, 5, 4), 2, (2, 3), (1, 2), (1, 1), (2, 1), 2),
    ((1, 1, 3, 4, 3), 2, (2, 2, 2), (1, 1, 1), (0, 1, 0), (1, 1, 1), 1),
    ((2, 3, 5, 4), 2, (3, 3), (1, 1), (1, 1), (2, 1), 1),
    ((1, 3, 5, 4), 3, (3, 2), (1, 1), (1, 1), (1, 1), 3),
    ((2, 2, 5, 5), 4, (3, 3), (2, 1), (1, 0), (1, 2), 2),
    ((2, 1, 4, 4), 3, (2, 2), (1, 1), (1, 0), (1, 1), 1),
    ((2, 4, 3, 4), 2, (1, 1), (2, 1), (0, 0), (1, 1), 2),
    ((1, 2, 4, 3), 2, (3, 2), (1, 1), (3, 2), (1, 1), 1),
    ((2, 2, 6, 5), 2, (3, 2), (1, 1), (0, 2), (2, 1), 2),
    ((1, 1, 5, 5), 4, (3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((1, 4, 3, 3), 32, (3, 3), (1, 1), (1, 1), (1, 1), 1),
]


@pytest.mark.parametrize("shape,f,k,s,p,d,g", GRAD_CASES)
def test_convolution_gradient_when_only_one_input_needs_it(ctx, rng, shape, f, k, s, p, d, g):
    """Gradients skipped for inputs outside the graph leave the others unchanged."""
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal((f, shape[1] // g) + k).astype(np.float32)
    kw = dict(kernel=k, stride=s, pad=p, dilate=d, num_filter=f, num_group=g, no_bias=True)
    grads = []
    for which in ("both", "x", "w"):
        xa, wa = nd.array(x, ctx=ctx), nd.array(w, ctx=ctx)
        if which != "w":
            xa.attach_grad()
        if which != "x":
            wa.attach_grad()
        with mx.autograd.record():
            y = nd.Convolution(xa, wa, **kw)
        y.backward()
        grads.append((xa.grad.asnumpy() if which != "w" else None, wa.grad.asnumpy() if which != "x" else None))
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(grads[2][1], grads[0][1], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("shape,f,k,s,p,d,g", GRAD_CASES)
def test_convolution_gradient(ctx, rng, shape, f, k, s, p, d, g):
    x = rng.standard_normal(shape)
    w = rng.standard_normal((f, shape[1] // g) + k)
    b = rng.standard_normal(f)
    check_numeric_gradient(lambda a, ww, bb: nd.Convolution(a, ww, bb, kernel=k, stride=s, pad=p, dilate=d,
                                                            num_filter=f, num_group=g), [x, w, b], ctx=ctx)


def test_convolution_nhwc_matches_nchw(ctx, rng):
    x = rng.standard_normal((2, 3, 6, 5)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    y = nd.Convolution(nd.array(x.transpose(0, 2, 3, 1), ctx=ctx), nd.array(w.transpose(0, 2, 3, 1), ctx=ctx),
                       kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=True, layout="NHWC")
    np.testing.assert_allclose(y.asnumpy(), ref_conv(x, w, None, (1, 1), (1, 1), (1, 1), 1).transpose(0, 2, 3, 1),
                               rtol=1e-4, atol=1e-4)
    check_numeric_gradient(lambda a, ww: nd.Convolution(a, ww, kernel=(2, 2), num_filter=2, no_bias=True,
                                                        layout="NHWC"),
                           [rng.standard_normal((1, 3, 3, 2)), rng.standard_normal((2, 2, 2, 2))], ctx=ctx)


DECONV_CASES = [
    ((2, 3, 5), 2, (3,), (2,), (1,), (1,), (1,), 1),
    ((1, 2, 5, 5), 4, (3, 3), (1, 1), (0, 0), (1, 1), (0, 0), 1),
    ((1, 2, 5, 5), 4, (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), 1),
    ((1, 4, 4, 3), 6, (2, 3), (2, 1), (0, 1), (2, 1), (1, 0), 2),
    ((1, 2, 2, 3, 2), 2, (2, 2, 2), (2, 1, 1), (0, 0, 0), (1, 1, 1), (0, 0, 0), 1),
    ((2, 4, 4, 3), 4, (3, 3), (1, 2), (1, 1), (1, 1), (0, 1), 4),
    ((2, 4, 3, 3), 6, (1, 1), (1, 1), (0, 0), (1, 1), (0, 0), 2),
    ((1, 2, 3, 3), 2, (1, 1), (2, 2), (0, 0), (1, 1), (1, 1), 1),
    ((1, 3, 4, 4), 3, (3, 3), (1, 1), (1, 0), (1, 1), (0, 0), 3),
]


@pytest.mark.parametrize("shape,f,k,s,p,d,a,g", DECONV_CASES)
def test_deconvolution_forward_matches_direct_reference(ctx, rng, shape, f, k, s, p, d, a, g):
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal((shape[1], f // g) + k).astype(np.float32)
    b = rng.standard_normal(f).astype(np.float32)
    y = nd.Deconvolution(nd.array(x, ctx=ctx), nd.array(w, ctx=ctx), nd.array(b, ctx=ctx), kernel=k, stride=s,
                         pad=p, dilate=d, adj=a, num_filter=f, num_group=g, no_bias=False)
    np.testing.assert_allclose(y.asnumpy(), ref_deconv(x, w, b, s, p, d, a, g), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape,f,k,s,p,d,a,g", [DECONV_CASES[i] for i in (0, 3, 5, 6, 8)])
def test_deconvolution_gradient(ctx, rng, shape, f, k, s, p, d, a, g):
    x = rng.standard_normal(shape)
    w = rng.standard_normal((shape[1], f // g) + k)
    b = rng.standard_normal(f)
    check_numeric_gradient(lambda xx, ww, bb: nd.Deconvolution(xx, ww, bb, kernel=k, stride=s, pad=p, dilate=d,
                                                               adj=a, num_filter=f, num_group=g, no_bias=False),
                           [x, w, b], ctx=ctx)


def test_deconvolution_target_shape(rng):
    x = nd.array(rng.standard_normal((1, 2, 5, 5)))
    w = nd.array(rng.standard_normal((2, 3, 3, 3)))
    y = nd.Deconvolution(x, w, kernel=(3, 3), stride=(2, 2), target_shape=(10, 10), num_filter=3)
    assert y.shape == (1, 3, 10, 10)


def test_convolution_rejects_channel_mismatch():
    # Message observed on MXNet 1.9.1.
    with pytest.raises(mx.base.MXNetError) as e:
        nd.Convolution(nd.ones((1, 3, 4, 4)), nd.ones((2, 2, 3, 3)), kernel=(3, 3), num_filter=2, no_bias=True)
    assert str(e.value) == "MXNetError: Shape inconsistent, Provided = [2,2,3,3], inferred shape=(2,3,3,3)"


def test_empty_cache_drops_reused_work_buffers():
    import ndx
    from ndx.ops import nn_conv
    x = ndx.nd.random.uniform(shape=(2, 3, 8, 8))
    w = ndx.nd.random.uniform(shape=(4, 3, 3, 3))
    before = ndx.nd.Convolution(x, w, kernel=(3, 3), num_filter=4, no_bias=True).asnumpy()
    assert nn_conv._scratch_cache.bufs
    ndx.cpu().empty_cache()
    assert nn_conv._scratch_cache.bufs == {}
    after = ndx.nd.Convolution(x, w, kernel=(3, 3), num_filter=4, no_bias=True).asnumpy()
    np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("data, kernel, dilate, pad, message", [
    ((1, 2, 5), (7,), (1,), (0,), "dilated_ksize_x <= AddPad(dshape[2], param_.pad[0]) (7 vs. 5)"),
    ((1, 2, 5, 9), (3, 7), (1, 2), (0, 0), "dilated_ksize_x <= AddPad(dshape[3], param_.pad[1]) (13 vs. 9)"),
    ((1, 2, 5, 5), (6, 6), (1, 1), (0, 0), "dilated_ksize_y <= AddPad(dshape[2], param_.pad[0]) (6 vs. 5)"),
    ((1, 2, 5, 5, 5), (6, 1, 1), (1, 1, 1), (0, 0, 0), "dilated_ksize_d <= AddPad(dshape[2], param_.pad[0]) (6 vs. 5)"),
    ((1, 2, 5, 5, 5), (1, 6, 1), (1, 1, 1), (0, 0, 0), "dilated_ksize_y <= AddPad(dshape[3], param_.pad[1]) (6 vs. 5)"),
])
def test_convolution_rejects_kernel_larger_than_input(ctx, data, kernel, dilate, pad, message):
    # Messages observed on MXNet 1.9.1.
    weight = nd.ones((3, 2) + kernel, ctx=ctx)
    with pytest.raises(mx.base.MXNetError) as e:
        nd.Convolution(nd.ones(data, ctx=ctx), weight, kernel=kernel, dilate=dilate, pad=pad, num_filter=3,
                       no_bias=True)
    assert str(e.value) == f"MXNetError: Check failed: {message} : kernel size exceed input"
    assert nd.Convolution(nd.ones((1, 2, 5, 5), ctx=ctx), nd.ones((3, 2, 6, 6), ctx=ctx), kernel=(6, 6),
                          pad=(1, 1), num_filter=3, no_bias=True).shape == (1, 3, 2, 2)
