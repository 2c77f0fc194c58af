"""Module-level datasets for the data tests (module level so that worker processes, forked or
spawned, can find them)."""

from __future__ import annotations

import os
import signal
import time

import numpy as np

from anygrad.data import Dataset, IterableDataset, get_worker_info


class ArangeDataset(Dataset):
    """Sample i is (float32 vector [i, i+0.5], int label i)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return np.array([i, i + 0.5], dtype=np.float32), int(i)


class RaisingDataset(ArangeDataset):
    def __init__(self, n: int, bad: int) -> None:
        super().__init__(n)
        self.bad = bad

    def __getitem__(self, i: int):
        if i == self.bad:
            raise ValueError(f"sample {i} is broken on purpose")
        return super().__getitem__(i)


class DyingDataset(ArangeDataset):
    """Kills its worker at index `bad`: by os._exit(code), or by a signal when code < 0."""

    def __init__(self, n: int, bad: int, code: int) -> None:
        super().__init__(n)
        self.bad = bad
        self.code = code

    def __getitem__(self, i: int):
        if i == self.bad and get_worker_info() is not None:
            if self.code < 0:
                os.kill(os.getpid(), -self.code)
                time.sleep(10)
            os._exit(self.code)
        return super().__getitem__(i)


class SlowDataset(ArangeDataset):
    def __init__(self, n: int, delay: float) -> None:
        super().__init__(n)
        self.delay = delay

    def __getitem__(self, i: int):
        time.sleep(self.delay)
        return super().__getitem__(i)


class WorkerIdDataset(ArangeDataset):
    """Returns (index, worker id, worker seed, a NumPy global draw, an anygrad draw)."""

    def __getitem__(self, i: int):
        import anygrad.random

        info = get_worker_info()
        wid = -1 if info is None else info.id
        seed = -1 if info is None else info.seed
        return (int(i), wid, seed, float(np.random.random()),
                float(anygrad.random.default_generator.numpy.random()))


class ShardedStream(IterableDataset):
    """0..n-1, split between workers by get_worker_info()."""

    def __init__(self, n: int, shard: bool = True) -> None:
        self.n = n
        self.shard = shard

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        info = get_worker_info()
        if info is None or not self.shard:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def set_env_marker(worker_id: int) -> None:
    os.environ["ANYGRAD_TEST_WORKER_MARK"] = f"init-{worker_id}"


class EnvDataset(ArangeDataset):
    def __getitem__(self, i: int):
        return os.environ.get("ANYGRAD_TEST_WORKER_MARK", "none")


SIGKILL = int(signal.SIGKILL)
