"""gluon.data and gluon.utils: datasets, samplers, DataLoader batching, splitting, global-norm clipping."""
import numpy as np
import pytest

import ndx as mx
from ndx import gluon, nd
from ndx.gluon.data import ArrayDataset, DataLoader, SimpleDataset


def _batches(loader):
    return [b.asnumpy().tolist() for b in loader]


def test_array_dataset_items_and_length_error():
    ds = ArrayDataset(nd.arange(6).reshape((3, 2)), nd.array([0, 1, 2]))
    x, y = ds[1]
    assert isinstance(x, nd.NDArray) and x.asnumpy().tolist() == [2.0, 3.0]
    assert isinstance(y, np.float32) and y == 1.0  # 1-D NDArrays become numpy at construction
    assert len(ds) == 3
    single = ArrayDataset(np.arange(4))
    assert single[2] == 2
    with pytest.raises(AssertionError, match=r"All arrays must have the same length; array\[0\] has length 10 "
                                             r"while array\[2\] has 5."):
        ArrayDataset(np.zeros(10), np.zeros(5))


def test_transforms_filter_shard_take():
    ds = SimpleDataset(list(range(10)))
    assert list(ds.transform(lambda x: x * 2)) == [2 * i for i in range(10)]
    assert list(ds.filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    assert [list(ds.shard(3, i)) for i in range(3)] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert list(ds.take(3)) == [0, 1, 2] and len(ds.take(None)) == 10
    pairs = ArrayDataset(np.arange(3), np.arange(3) * 10).transform_first(lambda x: x + 100)
    assert [tuple(p) for p in pairs] == [(100, 0), (101, 10), (102, 20)]
    eager = ds.transform(lambda x: -x, lazy=False)
    assert isinstance(eager, SimpleDataset) and eager[4] == -4


def test_last_batch_modes():
    ds = SimpleDataset(list(range(10)))
    keep = DataLoader(ds, batch_size=4)
    assert len(keep) == 3 and _batches(keep)[-1] == [8, 9]
    discard = DataLoader(ds, batch_size=4, last_batch="discard")
    assert len(discard) == 2 and _batches(discard) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    roll = DataLoader(ds, batch_size=4, last_batch="rollover")
    assert _batches(roll) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert _batches(roll) == [[8, 9, 0, 1], [2, 3, 4, 5], [6, 7, 8, 9]]
    bad = DataLoader(ds, batch_size=4, last_batch="foo")
    with pytest.raises(ValueError, match="last_batch must be one of 'keep', 'discard', or 'rollover', but got foo"):
        list(bad)
    with pytest.raises(ValueError, match="batch_size must be specified unless batch_sampler is specified"):
        DataLoader(ds)


def test_shuffle_uses_numpy_global_rng():
    ds = SimpleDataset(list(range(8)))
    np.random.seed(3)
    got = sum(_batches(DataLoader(ds, batch_size=8, shuffle=True)), [])
    np.random.seed(3)
    expected = np.arange(8)
    np.random.shuffle(expected)
    assert got == expected.tolist()


def test_default_batchify_dtypes_and_tuples():
    ds = ArrayDataset(np.random.rand(5, 2), np.arange(5))
    x, y = next(iter(DataLoader(ds, batch_size=5)))
    assert x.dtype == np.float64 and y.dtype == np.int64 and x.shape == (5, 2)
    nds = ArrayDataset(nd.ones((4, 3)), nd.arange(4))
    x, y = next(iter(DataLoader(nds, batch_size=4)))
    assert x.dtype == np.float32 and y.dtype == np.float32


def test_worker_threads_keep_order_and_batch_sampler():
    ds = SimpleDataset(list(range(23)))
    serial = _batches(DataLoader(ds, batch_size=5))
    assert _batches(DataLoader(ds, batch_size=5, num_workers=3, pin_memory=True)) == serial
    sampler = gluon.data.BatchSampler(gluon.data.SequentialSampler(6, start=2), 3)
    assert _batches(DataLoader(SimpleDataset(list(range(10))), batch_sampler=sampler)) == [[2, 3, 4], [5, 6, 7]]
    with pytest.raises(ValueError, match="must not be specified if batch_sampler is specified"):
        DataLoader(ds, batch_size=2, batch_sampler=sampler)


def test_split_data_and_split_and_load(ctx):
    data = nd.arange(10, ctx=ctx)
    parts = gluon.utils.split_data(data, 3, even_split=False)
    assert [p.shape[0] for p in parts] == [4, 3, 3]
    assert np.concatenate([p.asnumpy() for p in parts]).tolist() == list(range(10))
    with pytest.raises(ValueError, match=r"data with shape \(3, 3\) cannot be evenly split into 2 slices along "
                                         r"axis 0. Use a batch size that's multiple of 2 or set even_split=False"):
        gluon.utils.split_data(nd.ones((3, 3)), 2)
    cols = gluon.utils.split_data(nd.ones((2, 4)), 2, batch_axis=1)
    assert [c.shape for c in cols] == [(2, 2), (2, 2)]
    loaded = gluon.utils.split_and_load([[1, 2], [3, 4]], [mx.cpu(0), mx.cpu(1)])
    assert [a.context for a in loaded] == [mx.cpu(0), mx.cpu(1)] and loaded[1].asnumpy().tolist() == [[3, 4]]
    one = gluon.utils.split_and_load(data, [ctx])
    assert len(one) == 1 and one[0] is data


def test_clip_global_norm(ctx):
    a, b = np.array([3.0, 0.0], np.float32), np.array([4.0], np.float32)
    arrays = [nd.array(a, ctx=ctx), nd.array(b, ctx=ctx)]
    norm = gluon.utils.clip_global_norm(arrays, 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(arrays[0].asnumpy(), a / (5.0 + 1e-8), rtol=1e-6)
    small = [nd.array(a, ctx=ctx)]
    gluon.utils.clip_global_norm(small, 10.0)
    np.testing.assert_allclose(small[0].asnumpy(), a)
    out = gluon.utils.clip_global_norm([nd.array(a, ctx=ctx)], 1.0, check_isfinite=False)
    assert isinstance(out, nd.NDArray) and out.asnumpy() == pytest.approx([3.0])
    with pytest.warns(UserWarning, match="nan or inf is detected"), np.errstate(invalid="ignore"):
        gluon.utils.clip_global_norm([nd.array([np.inf], ctx=ctx)], 1.0)
