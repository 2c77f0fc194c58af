"""Samplers: coverage, determinism and validation."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import anygrad
from anygrad.data import (
    BatchSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)


def G(seed: int) -> anygrad.random.Generator:
    return anygrad.random.Generator(seed)


def test_sequential():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert len(SequentialSampler(range(4))) == 4


@given(n=st.integers(0, 50), seed=st.integers(0, 2**32))
@settings(max_examples=30, deadline=None)
def test_random_sampler_is_a_permutation(n, seed):
    order = list(RandomSampler(range(n), generator=G(seed)))
    assert sorted(order) == list(range(n))
    assert all(type(i) is int for i in order)


def test_random_sampler_matches_numpy_permutation():
    order = list(RandomSampler(range(10), generator=G(5)))
    assert order == np.random.Generator(np.random.PCG64(5)).permutation(10).tolist()


def test_random_sampler_generator_advances_between_epochs():
    s = RandomSampler(range(20), generator=G(0))
    first, second = list(s), list(s)
    assert first != second
    s2 = RandomSampler(range(20), generator=G(0))
    assert [list(s2), list(s2)] == [first, second]


def test_random_sampler_global_seed_reproduces():
    s = RandomSampler(range(20))
    anygrad.manual_seed(11)
    a = [list(s), list(s)]
    anygrad.manual_seed(11)
    b = [list(s), list(s)]
    assert a == b and a[0] != a[1]


def test_random_sampler_num_samples_without_replacement_repeats_permutations():
    order = list(RandomSampler(range(4), num_samples=10, generator=G(1)))
    assert len(order) == 10
    assert sorted(order[:4]) == sorted(order[4:8]) == [0, 1, 2, 3]
    assert len(set(order[8:])) == 2


def test_random_sampler_replacement():
    s = RandomSampler(range(3), replacement=True, num_samples=300, generator=G(2))
    order = list(s)
    assert len(order) == len(s) == 300
    counts = collections.Counter(order)
    assert set(counts) == {0, 1, 2} and min(counts.values()) > 60


def test_random_sampler_validation():
    with pytest.raises(ValueError, match="num_samples >= 1"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="num_samples to be an int"):
        RandomSampler(range(3), num_samples=2.5)
    with pytest.raises(TypeError, match="replacement to be a bool"):
        RandomSampler(range(3), replacement=1)


def test_subset_random_sampler():
    idx = [10, 20, 30, 40]
    order = list(SubsetRandomSampler(idx, generator=G(0)))
    assert sorted(order) == idx
    perm = np.random.Generator(np.random.PCG64(0)).permutation(4)
    assert order == [idx[i] for i in perm]


def test_weighted_sampler_frequencies_follow_weights():
    w = [1.0, 0.0, 3.0]
    draws = list(WeightedRandomSampler(w, 4000, generator=G(0)))
    counts = collections.Counter(draws)
    assert counts[1] == 0
    assert abs(counts[2] / 4000 - 0.75) < 0.03


def test_weighted_sampler_without_replacement_and_tensor_weights():
    w = anygrad.asarray(np.array([1.0, 1.0, 1.0, 0.0]))
    draws = list(WeightedRandomSampler(w, 3, replacement=False, generator=G(0)))
    assert sorted(draws) == [0, 1, 2]


def test_weighted_sampler_validation():
    with pytest.raises(ValueError, match="non-negative"):
        WeightedRandomSampler([1.0, -1.0], 2)
    with pytest.raises(ValueError, match="all are zero"):
        WeightedRandomSampler([0.0, 0.0], 2)
    with pytest.raises(ValueError, match="1-D"):
        WeightedRandomSampler([[1.0]], 1)
    with pytest.raises(ValueError, match="without replacement"):
        WeightedRandomSampler([1.0, 0.0, 1.0], 3, replacement=False)
    with pytest.raises(ValueError, match="num_samples >= 1"):
        WeightedRandomSampler([1.0], 0)


@given(n=st.integers(0, 40), bs=st.integers(1, 9), drop=st.booleans())
@settings(max_examples=40, deadline=None)
def test_batch_sampler_chunks(n, bs, drop):
    s = BatchSampler(SequentialSampler(range(n)), bs, drop)
    batches = list(s)
    assert len(batches) == len(s)
    flat = [i for b in batches for i in b]
    expected = list(range(n // bs * bs)) if drop else list(range(n))
    assert flat == expected
    assert all(len(b) == bs for b in batches[:-1])


def test_batch_sampler_validation():
    with pytest.raises(ValueError, match="batch_size >= 1"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(TypeError, match="batch_size to be an int"):
        BatchSampler(range(3), True, False)
    with pytest.raises(TypeError, match="drop_last to be a bool"):
        BatchSampler(range(3), 2, None)
