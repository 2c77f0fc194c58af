"""DataLoader in the main process: batching, shuffling, options, backends."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad.data import (
    BatchSampler,
    DataLoader,
    IterableDataset,
    SequentialSampler,
    SubsetRandomSampler,
    TensorDataset,
)
from _data_helpers import ArangeDataset, ShardedStream


def labels_of(loader) -> list[list[int]]:
    return [y.numpy().tolist() for _, y in loader]


def test_sequential_batches_and_len():
    loader = DataLoader(ArangeDataset(10), batch_size=4)
    assert len(loader) == 3
    assert labels_of(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    dropped = DataLoader(ArangeDataset(10), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and labels_of(dropped) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_batch_values_and_dtypes(data_backend):
    loader = DataLoader(ArangeDataset(5), batch_size=2, backend=data_backend)
    x, y = next(iter(loader))
    assert x.backend == y.backend == data_backend
    assert x.dtype == anygrad.float32 and y.dtype == anygrad.int64
    np.testing.assert_array_equal(x.numpy(), [[0, 0.5], [1, 1.5]])


def test_tensor_dataset_on_every_backend(data_backend):
    xs = np.random.default_rng(0).standard_normal((7, 3)).astype(np.float32)
    ys = np.arange(7)
    ds = TensorDataset(anygrad.asarray(xs, backend=data_backend), anygrad.asarray(ys, backend=data_backend))
    got_x, got_y = [], []
    for x, y in DataLoader(ds, batch_size=3):
        assert x.backend == data_backend
        got_x.append(x.numpy())
        got_y.append(y.numpy())
    np.testing.assert_array_equal(np.concatenate(got_x), xs)
    np.testing.assert_array_equal(np.concatenate(got_y), ys)


def test_shuffle_is_a_permutation_and_reproducible():
    loader = DataLoader(ArangeDataset(50), batch_size=8, shuffle=True, generator=anygrad.random.Generator(1))
    epoch1 = sum(labels_of(loader), [])
    epoch2 = sum(labels_of(loader), [])
    assert sorted(epoch1) == sorted(epoch2) == list(range(50))
    assert epoch1 != epoch2
    again = DataLoader(ArangeDataset(50), batch_size=8, shuffle=True, generator=anygrad.random.Generator(1))
    assert sum(labels_of(again), []) == epoch1


def test_shuffle_with_global_seed_same_on_every_backend(data_backend):
    anygrad.manual_seed(123)
    ref = sum(labels_of(DataLoader(ArangeDataset(20), batch_size=6, shuffle=True)), [])
    anygrad.manual_seed(123)
    got = sum(labels_of(DataLoader(ArangeDataset(20), batch_size=6, shuffle=True, backend=data_backend)), [])
    assert got == ref and sorted(ref) == list(range(20))


def test_sampler_and_batch_sampler_options():
    sub = DataLoader(ArangeDataset(10), batch_size=2,
                     sampler=SubsetRandomSampler([1, 3, 5], generator=anygrad.random.Generator(0)))
    assert sorted(sum(labels_of(sub), [])) == [1, 3, 5]
    bs = DataLoader(ArangeDataset(10), batch_sampler=[[9, 0], [4]])
    assert labels_of(bs) == [[9, 0], [4]]
    bs2 = DataLoader(ArangeDataset(5), batch_sampler=BatchSampler(SequentialSampler(range(5)), 3, True))
    assert labels_of(bs2) == [[0, 1, 2]]


def test_batch_size_none_converts_samples():
    out = list(DataLoader(ArangeDataset(3), batch_size=None))
    assert len(out) == 3
    x, y = out[1]
    np.testing.assert_array_equal(x.numpy(), [1, 1.5])
    assert y == 1  # Python ints stay as they are without batching, as in PyTorch


def test_custom_collate_fn():
    loader = DataLoader(ArangeDataset(5), batch_size=2, collate_fn=lambda b: [lbl for _, lbl in b])
    assert list(loader) == [[0, 1], [2, 3], [4]]


def test_iterable_dataset_batches():
    loader = DataLoader(ShardedStream(7), batch_size=3)
    assert [b.numpy().tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(loader) == 3
    dropped = DataLoader(ShardedStream(7), batch_size=3, drop_last=True)
    assert [b.numpy().tolist() for b in dropped] == [[0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        ({"shuffle": True, "sampler": [0, 1]}, ValueError, "sampler and shuffle"),
        ({"batch_sampler": [[0]], "batch_size": 2}, ValueError, "batch_sampler is mutually exclusive"),
        ({"batch_sampler": [[0]], "drop_last": True}, ValueError, "batch_sampler is mutually exclusive"),
        ({"batch_size": None, "drop_last": True}, ValueError, "incompatible with drop_last"),
        ({"batch_size": 0}, ValueError, "batch_size >= 1"),
        ({"num_workers": -1}, ValueError, "num_workers >= 0"),
        ({"timeout": -1}, ValueError, "timeout"),
        ({"prefetch_factor": 2}, ValueError, "prefetch_factor applies only with workers"),
        ({"persistent_workers": True}, ValueError, "persistent_workers=True requires"),
        ({"shuffle": 1}, TypeError, "shuffle to be a bool"),
        ({"generator": 42}, TypeError, "generator"),
        ({"multiprocessing_context": "nope", "num_workers": 1}, ValueError, "multiprocessing_context"),
    ],
)
def test_option_validation(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        loader = DataLoader(ArangeDataset(4), **kwargs)
        iter(loader)


def test_iterable_dataset_rejects_shuffle_and_samplers():
    class S(IterableDataset):
        def __iter__(self):
            return iter(range(3))

    with pytest.raises(ValueError, match="shuffle=True is not supported with an IterableDataset"):
        DataLoader(S(), shuffle=True)
    with pytest.raises(ValueError, match="sampler is not supported"):
        DataLoader(S(), sampler=[0])


@pytest.mark.parametrize("num_workers", [0, 2])
def test_tensor_dataset_fast_path_equals_per_sample_collation(num_workers, data_backend):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((13, 2, 3)).astype(np.float32)
    y = rng.integers(0, 10, 13)
    w = np.arange(13, dtype=np.float64)
    ds = TensorDataset(anygrad.asarray(x), anygrad.asarray(y), w)  # Tensors and a plain array

    class PerSample(TensorDataset):  # overriding __getitem__ turns the fast path off
        def __getitem__(self, i):
            return tuple(t[i] for t in self.tensors)

    kwargs = dict(batch_size=5, shuffle=True, num_workers=num_workers, backend=data_backend)
    fast = list(DataLoader(ds, generator=anygrad.random.Generator(0), **kwargs))
    slow = list(DataLoader(PerSample(*ds.tensors), generator=anygrad.random.Generator(0), **kwargs))
    assert len(fast) == len(slow) == 3
    for fb, sb in zip(fast, slow):
        assert isinstance(fb, list) and len(fb) == 3
        for f, s in zip(fb, sb):
            assert f.backend == s.backend == data_backend
            assert f.dtype == s.dtype and tuple(f.shape) == tuple(s.shape)
            np.testing.assert_array_equal(f.numpy(), s.numpy())
    order = sum((b[1].numpy().tolist() for b in fast), [])
    assert sorted(order) == sorted(y.tolist())
