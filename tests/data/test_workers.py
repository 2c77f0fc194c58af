"""DataLoader with worker processes: order, determinism, coverage, seeds, failures.

Small datasets and at most 2 workers keep this file fast on a 2-core machine.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import anygrad
from anygrad.data import DataLoader
from _data_helpers import (
    SIGKILL,
    ArangeDataset,
    DyingDataset,
    EnvDataset,
    RaisingDataset,
    ShardedStream,
    SlowDataset,
    WorkerIdDataset,
    set_env_marker,
)


def flat_labels(loader) -> list[int]:
    return [int(v) for _, y in loader for v in y.numpy().tolist()]


@pytest.mark.parametrize("num_workers", [1, 2])
def test_in_order_delivery_matches_single_process(num_workers):
    ref = [(x.numpy(), y.numpy()) for x, y in DataLoader(ArangeDataset(23), batch_size=4)]
    got = [(x.numpy(), y.numpy()) for x, y in
           DataLoader(ArangeDataset(23), batch_size=4, num_workers=num_workers, prefetch_factor=3)]
    assert len(got) == len(ref) == 6
    for (rx, ry), (gx, gy) in zip(ref, got):
        np.testing.assert_array_equal(rx, gx)
        np.testing.assert_array_equal(ry, gy)


def test_same_seed_same_order_with_and_without_workers():
    def run(workers: int) -> list[list[int]]:
        loader = DataLoader(ArangeDataset(40), batch_size=7, shuffle=True, num_workers=workers,
                            generator=anygrad.random.Generator(2024))
        return [flat_labels(loader), flat_labels(loader)]  # two epochs

    no_workers, with_workers = run(0), run(2)
    assert no_workers == with_workers
    assert no_workers[0] != no_workers[1]
    for epoch in no_workers:
        assert sorted(epoch) == list(range(40))


def test_global_seed_same_order_with_and_without_workers():
    anygrad.manual_seed(5)
    a = flat_labels(DataLoader(ArangeDataset(30), batch_size=4, shuffle=True))
    anygrad.manual_seed(5)
    b = flat_labels(DataLoader(ArangeDataset(30), batch_size=4, shuffle=True, num_workers=2))
    assert a == b


@pytest.mark.parametrize("batch_size, drop_last", [(1, False), (5, False), (5, True), (64, False)])
def test_every_sample_exactly_once_per_epoch(batch_size, drop_last):
    n = 37
    loader = DataLoader(ArangeDataset(n), batch_size=batch_size, shuffle=True, drop_last=drop_last,
                        num_workers=2, generator=anygrad.random.Generator(0))
    seen = flat_labels(loader)
    assert len(seen) == len(set(seen))
    expected = n // batch_size * batch_size if drop_last else n
    assert len(seen) == expected
    assert set(seen) <= set(range(n))


def test_batches_land_on_the_backend(data_backend):
    loader = DataLoader(ArangeDataset(6), batch_size=4, num_workers=2, backend=data_backend)
    batches = list(loader)
    assert [tuple(x.shape) for x, _ in batches] == [(4, 2), (2, 2)]
    for x, y in batches:
        assert x.backend == y.backend == data_backend
        assert x.dtype == anygrad.float32 and y.dtype == anygrad.int64
    np.testing.assert_array_equal(batches[1][0].numpy(), [[4, 4.5], [5, 5.5]])


def test_worker_info_and_seeds():
    loader = DataLoader(WorkerIdDataset(8), batch_size=2, num_workers=2,
                        generator=anygrad.random.Generator(9))
    rows = []
    for idx, wid, seed, np_draw, ag_draw in loader:
        rows += list(zip(idx.numpy().tolist(), wid.numpy().tolist(), seed.numpy().tolist(),
                         np_draw.numpy().tolist(), ag_draw.numpy().tolist()))
    assert [r[0] for r in rows] == list(range(8))
    # Batches go round-robin: batch k to worker k % 2.
    assert [r[1] for r in rows] == [0, 0, 1, 1, 0, 0, 1, 1]
    seeds = {r[1]: r[2] for r in rows}
    assert seeds[1] == seeds[0] + 1
    # The base seed is the first draw from the loader's generator.
    base = int(np.random.Generator(np.random.PCG64(9)).integers(0, 2**62))
    assert seeds[0] == base
    # Each worker's generators are seeded from its own seed, so the first draws differ by worker
    # and equal an independent computation.
    first = {r[1]: r for r in reversed(rows)}
    for wid in (0, 1):
        s = seeds[wid]
        assert first[wid][3] == pytest.approx(np.random.RandomState(s % 2**32).random_sample())
        assert first[wid][4] == pytest.approx(np.random.Generator(np.random.PCG64(s)).random())
    # Same generator seed -> same worker seeds and draws.
    again = DataLoader(WorkerIdDataset(8), batch_size=2, num_workers=2, generator=anygrad.random.Generator(9))
    rows2 = [v for batch in again for v in batch[3].numpy().tolist()]
    assert rows2 == [r[3] for r in rows]


def test_worker_init_fn_runs_in_each_worker():
    loader = DataLoader(EnvDataset(4), batch_size=2, num_workers=2, worker_init_fn=set_env_marker)
    assert list(loader) == [["init-0", "init-0"], ["init-1", "init-1"]]


def test_iterable_dataset_sharded_by_worker_info():
    loader = DataLoader(ShardedStream(11), batch_size=2, num_workers=2)
    values = sorted(v for b in loader for v in b.numpy().tolist())
    assert values == list(range(11))


def test_iterable_dataset_without_sharding_repeats_per_worker():
    loader = DataLoader(ShardedStream(5, shard=False), batch_size=2, num_workers=2)
    values = sorted(v for b in loader for v in b.numpy().tolist())
    assert values == sorted(list(range(5)) * 2)


def test_persistent_workers_two_epochs():
    loader = DataLoader(ArangeDataset(9), batch_size=4, num_workers=2, persistent_workers=True,
                        shuffle=True, generator=anygrad.random.Generator(3))
    e1, e2 = flat_labels(loader), flat_labels(loader)
    ref = DataLoader(ArangeDataset(9), batch_size=4, shuffle=True, generator=anygrad.random.Generator(3))
    assert [e1, e2] == [flat_labels(ref), flat_labels(ref)]
    workers = loader._persistent_iterator._workers
    assert all(w.is_alive() for w in workers)
    stream = DataLoader(ShardedStream(5), batch_size=2, num_workers=2, persistent_workers=True)
    for _ in range(2):
        assert sorted(v for b in stream for v in b.numpy().tolist()) == list(range(5))
    del loader, stream


def test_partial_epoch_then_new_epoch():
    loader = DataLoader(ArangeDataset(20), batch_size=2, num_workers=2)
    it = iter(loader)
    next(it)
    del it
    assert flat_labels(loader) == list(range(20))


def test_worker_exception_is_reraised_with_traceback():
    loader = DataLoader(RaisingDataset(10, bad=5), batch_size=2, num_workers=2)
    start = time.monotonic()
    with pytest.raises(ValueError) as info:
        list(loader)
    message = str(info.value)
    assert "Caught ValueError in DataLoader worker process 0" in message
    assert "sample 5 is broken on purpose" in message
    assert "Traceback" in message and "__getitem__" in message
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("code, expected", [(7, "exited unexpectedly with exit code 7"),
                                            (-SIGKILL, "was killed by signal SIGKILL")])
def test_dead_worker_is_a_clear_error_not_a_hang(code, expected):
    loader = DataLoader(DyingDataset(10, bad=4, code=code), batch_size=2, num_workers=2)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=rf"DataLoader worker 0 \(pid \d+\) {expected}"):
        list(loader)
    assert time.monotonic() - start < 10


def test_timeout_raises():
    loader = DataLoader(SlowDataset(4, delay=3.0), batch_size=2, num_workers=1, timeout=0.3)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.3 seconds"):
        next(iter(loader))
    assert time.monotonic() - start < 2.5


def test_spawn_context_works():
    loader = DataLoader(ArangeDataset(6), batch_size=3, num_workers=1, multiprocessing_context="spawn")
    assert flat_labels(loader) == list(range(6))


def test_workers_stop_when_a_loader_dies_in_a_reference_cycle():
    import gc

    loader = DataLoader(ArangeDataset(8), batch_size=4, num_workers=2, persistent_workers=True)
    assert flat_labels(loader) == list(range(8))
    workers = list(loader._persistent_iterator._workers)
    holder = {"loader": loader}
    holder["self"] = holder  # a cycle only the garbage collector can free
    del loader, holder
    start = time.monotonic()
    gc.collect()
    for w in workers:
        w.join(timeout=10)
    assert not any(w.is_alive() for w in workers)
    # A shutdown that relied on the queues alone would wait out its 5 s grace period.
    assert time.monotonic() - start < 4.5
