"""``DataLoader``: batches of a Dataset, optionally shuffled, optionally loaded by worker threads."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ... import ndarray as nd
from ...ndarray.ndarray import NDArray
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "default_batchify_fn"]


def default_batchify_fn(data):
    """Stack samples into a batch: NDArrays with ``nd.stack``; tuples field by field (a list of batches);
    anything else through ``np.asarray`` keeping its dtype (float64 numpy data gives float64 batches)."""
    first = data[0]
    if isinstance(first, NDArray):
        return nd.stack(*data)
    if isinstance(first, tuple):
        return [default_batchify_fn(field) for field in zip(*data)]
    arr = np.asarray(data)
    return nd.array(arr, dtype=arr.dtype)


class DataLoader:
    """Loads batches from ``dataset``.

    Give ``batch_size`` (with optional ``shuffle``/``sampler``/``last_batch``) or a ``batch_sampler``.
    ``num_workers > 0`` assembles batches in that many threads, ``prefetch`` batches ahead (default
    ``2 * num_workers``), in order. ``pin_memory``, ``pin_device_id``, ``thread_pool``, ``timeout`` and
    ``try_nopython`` are accepted for compatibility; worker processes are not used.
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None,
                 batch_sampler=None, batchify_fn=None, num_workers=0, pin_memory=False, pin_device_id=0,
                 prefetch=None, thread_pool=False, timeout=120, try_nopython=None):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._timeout = timeout
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is specified")
            if sampler is None:
                sampler = RandomSampler(len(dataset)) if shuffle else SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = BatchSampler(sampler, batch_size, last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be specified if "
                             "batch_sampler is specified.")
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * self._num_workers)
        self._batchify_fn = default_batchify_fn if batchify_fn is None else batchify_fn

    def _load(self, batch):
        return self._batchify_fn([self._dataset[idx] for idx in batch])

    def __iter__(self):
        if self._num_workers == 0:
            for batch in self._batch_sampler:
                yield self._load(batch)
            return
        with ThreadPoolExecutor(self._num_workers) as pool:
            pending = []
            for batch in self._batch_sampler:
                pending.append(pool.submit(self._load, batch))
                if len(pending) > self._prefetch:
                    yield pending.pop(0).result(timeout=self._timeout)
            while pending:
                yield pending.pop(0).result(timeout=self._timeout)

    def __len__(self):
        return len(self._batch_sampler)
