"""Dataset, TensorDataset, Subset, ConcatDataset, ChainDataset and random_split."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad.data import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)


def test_dataset_base_raises_not_implemented():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]


def test_dataset_add_concatenates():
    class Two(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return ["a", "b"][i]

    both = Two() + Two()
    assert isinstance(both, ConcatDataset)
    assert [both[i] for i in range(len(both))] == ["a", "b", "a", "b"]


def test_tensor_dataset_numpy_rows():
    x = np.arange(12).reshape(4, 3)
    y = np.array([3, 2, 1, 0])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    xi, yi = ds[2]
    np.testing.assert_array_equal(xi, [6, 7, 8])
    assert int(yi) == 1


def test_tensor_dataset_on_backend(data_backend):
    x = anygrad.asarray(np.arange(12, dtype=np.float32).reshape(4, 3), backend=data_backend)
    ds = TensorDataset(x)
    (row,) = ds[1]
    assert row.backend == data_backend
    np.testing.assert_array_equal(row.numpy(), [3, 4, 5])


def test_tensor_dataset_size_mismatch():
    with pytest.raises(ValueError, match=r"TensorDataset: size mismatch.*\(4, 3\)"):
        TensorDataset(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()
    with pytest.raises(ValueError, match="at least one dimension"):
        TensorDataset(np.float32(1.0))


def test_subset_maps_indices_and_getitems():
    s = Subset(list(range(10, 20)), [9, 0, 5])
    assert len(s) == 3
    assert [s[i] for i in range(3)] == [19, 10, 15]
    assert s.__getitems__([2, 0]) == [15, 19]


def test_concat_dataset_indexing_and_errors():
    c = ConcatDataset([[0, 1, 2], [], [3, 4]])
    assert len(c) == 5
    assert [c[i] for i in range(5)] == [0, 1, 2, 3, 4]
    assert [c[-i] for i in range(1, 6)] == [4, 3, 2, 1, 0]
    with pytest.raises(IndexError):
        c[5]
    with pytest.raises(IndexError):
        c[-6]
    with pytest.raises(ValueError, match="at least one dataset"):
        ConcatDataset([])

    class Stream(IterableDataset):
        def __iter__(self):
            return iter([1])

    with pytest.raises(TypeError, match="IterableDataset"):
        ConcatDataset([Stream()])
    assert list(ChainDataset([Stream(), Stream()])) == [1, 1]
    assert list(Stream() + Stream()) == [1, 1]


def test_random_split_lengths_partition_and_seed():
    parts = random_split(range(30), [10, 15, 5], generator=anygrad.random.Generator(3))
    assert [len(p) for p in parts] == [10, 15, 5]
    seen = sorted(x for p in parts for x in p)
    assert seen == list(range(30))
    again = random_split(range(30), [10, 15, 5], generator=anygrad.random.Generator(3))
    assert [list(p) for p in parts] == [list(p) for p in again]
    other = random_split(range(30), [10, 15, 5], generator=anygrad.random.Generator(4))
    assert [list(p) for p in parts] != [list(p) for p in other]
    # The order is NumPy's permutation for that seed: an independent computation.
    expected = np.random.Generator(np.random.PCG64(3)).permutation(30).tolist()
    assert list(parts[0]) + list(parts[1]) + list(parts[2]) == expected


def test_random_split_fractions_distribute_remainder():
    parts = random_split(range(11), [0.5, 0.3, 0.2], generator=anygrad.random.Generator(0))
    # floors 5, 3, 2 = 10; the one left over goes to the first split.
    assert [len(p) for p in parts] == [6, 3, 2]


def test_random_split_global_seed():
    anygrad.manual_seed(7)
    a = [list(p) for p in random_split(range(8), [4, 4])]
    anygrad.manual_seed(7)
    b = [list(p) for p in random_split(range(8), [4, 4])]
    assert a == b


def test_random_split_errors():
    with pytest.raises(ValueError, match=r"random_split: sum of input lengths \(9\).*\(10\)"):
        random_split(range(10), [4, 5])
    with pytest.raises(ValueError, match="non-negative int lengths"):
        random_split(range(10), [11, -1])
    with pytest.raises(TypeError, match="generator"):
        random_split(range(10), [5, 5], generator="seed")
