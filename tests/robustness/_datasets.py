"""Module-level datasets and samplers of tests/robustness/test_data.py (module level so
that worker processes, forked or spawned, can find them by name)."""

from __future__ import annotations

import numpy as np

from anygrad.data import Dataset


class Arange(Dataset):
    """Sample i is (float32 vector [i, i + 0.5], int label i)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        if not isinstance(i, (int, np.integer)) or not 0 <= i < self.n:
            raise IndexError(i)
        return np.array([i, i + 0.5], dtype=np.float32), int(i)


class UnpicklableError(Exception):
    """An exception whose instances refuse to be pickled."""

    def __reduce__(self):
        raise TypeError("UnpicklableError instances cannot be pickled")


class RaisesUnpicklable(Arange):
    def __getitem__(self, i):
        if i == 3:
            raise UnpicklableError(f"sample {i} failed in an unpicklable way")
        return super().__getitem__(i)


class RaisesLocalClass(Arange):
    def __getitem__(self, i):
        class LocalError(Exception):  # not importable by name: the class cannot be pickled
            pass

        if i == 2:
            raise LocalError(f"sample {i} raised a local exception class")
        return super().__getitem__(i)


class RaisesNeedsArgs(Arange):
    def __getitem__(self, i):
        if i == 1:
            raise NeedsArgsError("sample 1", 42)
        return super().__getitem__(i)


class NeedsArgsError(Exception):
    """Its constructor needs two arguments: re-raising it from text alone must not crash."""

    def __init__(self, what, code):
        super().__init__(f"{what} failed with code {code}")


class UnpicklableBatch(Arange):
    """Sample 5 carries a lambda: with collate_fn=list the batch cannot be pickled."""

    def __getitem__(self, i):
        return (i, (lambda: i) if i == 5 else i)


def keep_list(batch):
    return list(batch)


class FloatSampler:
    """A sampler that yields a float index (a bug in user code)."""

    def __init__(self, values) -> None:
        self.values = values

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)
