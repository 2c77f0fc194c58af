"""DataLoader: batches from a dataset, in the main process or in worker processes.

The sampler runs in the main process and only the indices travel to workers, so the order
of the batches depends only on the seed, never on the number of workers. Workers build each
batch on the host with NumPy; the main process converts it to the loader's backend and
device once per batch. Batches are delivered in order.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import signal
import sys
import time
import warnings
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from . import _worker
from ._collate import _TensorBatch, collate_to_host, convert_to_tensors, default_collate, default_convert
from ._utils import check_int, host_rng, is_tensor
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader"]

# How long the main process waits on the result queue before checking that workers live.
_POLL_INTERVAL = 0.1


def _host_tensor_batch(dataset: Any, indices: Sequence[int]) -> list | None:
    """A TensorDataset batch gathered with one NumPy take per tensor, when every tensor lives
    on the host; ``None`` otherwise. Equal to stacking the rows one by one (what
    default_collate does), at a fraction of the cost: no per-sample Tensor is built."""
    arrays = []
    for t in dataset.tensors:
        if isinstance(t, np.ndarray):
            arrays.append((t, None))
        elif is_tensor(t) and t.backend == "numpy":
            arrays.append((t.detach().numpy(), t.device))
        else:
            return None
    idx = np.asarray(indices, dtype=np.intp)
    return [a[idx] if dev is None else _TensorBatch(a[idx], "numpy", dev) for a, dev in arrays]


class _Fetcher:
    """Reads one batch (or one sample) and collates it; picklable, so it runs in workers.

    ``post`` turns the fast TensorDataset path's host batch into the final batch: Tensors in
    the main process, nothing (NumPy is sent as is) in a worker.
    """

    def __init__(self, auto_collation: bool, collate_fn: Callable, batch_size: int | None,
                 drop_last: bool, post: Callable | None = None) -> None:
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.post = post

    def map_style(self, dataset: Any, index: Any) -> Any:
        if (self.post is not None and isinstance(dataset, TensorDataset)
                and type(dataset).__getitem__ is TensorDataset.__getitem__):
            batch = _host_tensor_batch(dataset, index)
            if batch is not None:
                return self.post(batch)
        if self.auto_collation:
            getitems = getattr(dataset, "__getitems__", None)
            samples = getitems(index) if callable(getitems) else [dataset[i] for i in index]
            return self.collate_fn(samples)
        return self.collate_fn(dataset[index])

    def iterable(self, iterator: Iterator, _: Any) -> Any:
        if self.auto_collation:
            samples = list(itertools.islice(iterator, self.batch_size))
            if not samples or (self.drop_last and len(samples) < self.batch_size):
                raise StopIteration
            return self.collate_fn(samples)
        return self.collate_fn(next(iterator))


def _identity(x: Any) -> Any:
    return x


class DataLoader:
    """Iterate over a dataset in batches of Tensors.

    Parameters
    ----------
    dataset : Dataset or IterableDataset
    batch_size : int or None, default 1
        ``None`` turns batching off: each sample is converted, not stacked.
    shuffle : bool, default False
        Reshuffle every epoch (a :class:`RandomSampler` using ``generator``).
    sampler : Sampler or iterable of int, optional
        Which indices to read; excludes ``shuffle``.
    batch_sampler : Sampler or iterable of lists of int, optional
        Whole batches of indices; excludes ``batch_size``, ``shuffle``, ``sampler`` and
        ``drop_last``.
    num_workers : int, default 0
        Worker processes (0: load in the main process). Workers use the 'fork' start method
        where the platform has it, else 'spawn'; see ``multiprocessing_context``.
    collate_fn : callable, optional
        Builds a batch from a list of samples; :func:`default_collate` by default. With
        workers it runs in the worker and must return picklable data.
    pin_memory : bool, default False
        Accepted for PyTorch compatibility; has no effect.
    drop_last : bool, default False
        Drop the last incomplete batch.
    timeout : float, default 0
        Seconds to wait for one batch from the workers before raising ``RuntimeError``
        (0: wait forever; a dead worker is detected either way).
    worker_init_fn : callable, optional
        Called as ``worker_init_fn(worker_id)`` in each worker after seeding.
    multiprocessing_context : str or context, optional
        ``'fork'``, ``'spawn'``, ``'forkserver'`` or a ``multiprocessing`` context. Workers
        only run the dataset and NumPy collation; a dataset that itself holds JAX or GPU
        arrays should use ``'spawn'`` (forking a process that runs JAX or CUDA is unsafe).
    generator : anygrad.random.Generator or numpy.random.Generator, optional
        Source of the shuffle order and of the workers' base seed; the global generator
        (``anygrad.manual_seed``) when omitted.
    prefetch_factor : int, optional
        Batches requested ahead per worker (default 2 with workers; only with workers).
    persistent_workers : bool, default False
        Keep the workers alive between epochs.
    backend, device : optional (anygrad extension)
        Where batches land. By default NumPy data goes to the default backend and Tensor
        samples stay on their own backend.

    Raises
    ------
    ValueError
        For incompatible or out-of-range options.
    RuntimeError
        While iterating, when a worker raises (with its traceback), dies (naming its id
        and exit code) or times out.

    Notes
    -----
    Each worker seeds Python's ``random``, NumPy's global generator and
    ``anygrad.random.default_generator`` with ``base_seed + worker_id``, where
    ``base_seed`` is drawn from ``generator`` at the start of every epoch (also without
    workers, so the shuffle order is the same with and without them).

    Examples
    --------
    >>> import numpy as np
    >>> import anygrad
    >>> from anygrad.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(np.arange(10, dtype=np.float32).reshape(5, 2), np.arange(5))
    >>> [y.tolist() for x, y in DataLoader(ds, batch_size=2)]
    [[0, 1], [2, 3], [4]]
    >>> x, y = next(iter(DataLoader(ds, batch_size=4, drop_last=True)))
    >>> tuple(x.shape), x.dtype
    ((4, 2), anygrad.float32)
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Sequence[int] | None = None,
        batch_sampler: Sampler | Sequence[Sequence[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], Any] | None = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        backend: Any = None,
        device: Any = None,
    ) -> None:
        where = "DataLoader"
        check_int(num_workers, "num_workers", where, minimum=0)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
            raise ValueError(f"{where}: expected timeout to be a non-negative number, got {timeout!r}")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                f"{where}: prefetch_factor applies only with workers; got prefetch_factor="
                f"{prefetch_factor} with num_workers=0"
            )
        if prefetch_factor is None:
            prefetch_factor = 2
        check_int(prefetch_factor, "prefetch_factor", where, minimum=1)
        if persistent_workers and num_workers == 0:
            raise ValueError(f"{where}: persistent_workers=True requires num_workers > 0")
        if shuffle is not None and not isinstance(shuffle, bool):
            raise TypeError(f"{where}: expected shuffle to be a bool, got {shuffle!r}")
        if not isinstance(drop_last, bool):
            raise TypeError(f"{where}: expected drop_last to be a bool, got {drop_last!r}")
        if batch_size is not None:
            check_int(batch_size, "batch_size", where, minimum=1)
        host_rng(generator, where) if generator is not None else None  # validate the type early

        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            if shuffle:
                raise ValueError(f"{where}: shuffle=True is not supported with an IterableDataset")
            if sampler is not None:
                raise ValueError(f"{where}: sampler is not supported with an IterableDataset, got {sampler!r}")
            if batch_sampler is not None:
                raise ValueError(f"{where}: batch_sampler is not supported with an IterableDataset")
        if sampler is not None and shuffle:
            raise ValueError(f"{where}: sampler and shuffle=True are mutually exclusive")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    f"{where}: batch_sampler is mutually exclusive with batch_size, shuffle, sampler "
                    "and drop_last"
                )
            batch_size = None
        elif batch_size is None and drop_last:
            raise ValueError(f"{where}: batch_size=None (no batching) is incompatible with drop_last=True")

        if sampler is None and not iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = int(num_workers)
        self.prefetch_factor = int(prefetch_factor)
        self.pin_memory = pin_memory
        self.timeout = float(timeout)
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.persistent_workers = persistent_workers
        self.backend = backend
        self.device = device
        self._iterable = iterable
        self._auto_collation = batch_sampler is not None or (iterable and batch_size is not None)
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._persistent_iterator: _MultiProcessIter | None = None

    # -- iteration ---------------------------------------------------------------------
    def __iter__(self) -> Iterator[Any]:
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.persistent_workers:
            if self._persistent_iterator is None:
                self._persistent_iterator = _MultiProcessIter(self)
            else:
                self._persistent_iterator._reset()
            return self._persistent_iterator
        return _MultiProcessIter(self)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def _index_iter(self) -> Iterator[Any]:
        if self._iterable:
            return itertools.repeat(None)
        if self._auto_collation:
            return _checked_indices(self.batch_sampler, True)
        return _checked_indices(self.sampler, False)

    def _draw_base_seed(self) -> int:
        # Drawn before the sampler's own draws, with or without workers, so that the order
        # of batches for a given seed does not depend on num_workers.
        return int(host_rng(self.generator, "DataLoader").integers(0, 2**62))

    def _uses_default_collate(self) -> bool:
        return self.collate_fn is default_collate or self.collate_fn is default_convert

    def __del__(self) -> None:
        it = getattr(self, "_persistent_iterator", None)
        if it is not None:
            try:
                it._shutdown()
            except Exception:  # pragma: no cover - interpreter shutdown
                pass


def _checked_indices(sampler: Any, batched: bool) -> Iterator[Any]:
    """The sampler's indices, refusing floating-point ones: ``dataset[1.5]`` would read row
    1 (and a float from a bad sampler is a bug, not a key). Other keys (strings for a
    dict-like dataset) are the dataset's business, as in PyTorch. One type check per index."""
    source = getattr(sampler, "sampler", None) if batched else None
    name = type(sampler if source is None else source).__name__
    for index in sampler:
        for i in (index if batched else (index,)):
            kind = getattr(getattr(i, "dtype", None), "kind", None)  # NumPy scalars, Tensors
            if isinstance(i, float) or kind == "f" or kind == "c":
                raise TypeError(
                    f"DataLoader: sampler {name} yielded the index {i!r} of type "
                    f"{type(i).__name__}; expected integer indices"
                )
        yield index


class _SingleProcessIter:
    def __init__(self, loader: DataLoader) -> None:
        self._loader = loader
        loader._draw_base_seed()
        self._index = loader._index_iter()
        collate = loader.collate_fn
        post = None
        if loader._uses_default_collate():
            backend, device = loader.backend, loader.device

            def collate(batch: Any, _f: Callable = loader.collate_fn) -> Any:
                return _f(batch, backend=backend, device=device)

            def post(batch: list) -> Any:
                return convert_to_tensors(batch, backend=backend, device=device)

            if not loader._auto_collation:
                post = None
        self._fetcher = _Fetcher(loader._auto_collation, collate, loader.batch_size, loader.drop_last, post)
        self._source = iter(loader.dataset) if loader._iterable else loader.dataset
        self._fetch = self._fetcher.iterable if loader._iterable else self._fetcher.map_style

    def __iter__(self) -> "_SingleProcessIter":
        return self

    def __next__(self) -> Any:
        index = next(self._index)
        return self._fetch(self._source, index)

    def __len__(self) -> int:
        return len(self._loader)


def _get_context(ctx: Any) -> Any:
    if ctx is None:
        methods = multiprocessing.get_all_start_methods()
        return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if isinstance(ctx, str):
        try:
            return multiprocessing.get_context(ctx)
        except ValueError:
            raise ValueError(
                f"DataLoader: unknown multiprocessing_context {ctx!r}; expected one of "
                f"{multiprocessing.get_all_start_methods()}"
            ) from None
    return ctx


class _MultiProcessIter:
    """Workers with one index queue each and one shared result queue; in-order delivery."""

    def __init__(self, loader: DataLoader) -> None:
        self._loader = loader
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor * loader.num_workers
        self._timeout = loader.timeout
        self._convert = loader._uses_default_collate()
        if self._convert:
            host_collate = collate_to_host if loader._auto_collation else _identity
        else:
            host_collate = loader.collate_fn
        fast = _identity if self._convert and loader._auto_collation else None
        fetcher = _Fetcher(loader._auto_collation, host_collate, loader.batch_size, loader.drop_last, fast)
        fetch = fetcher.iterable if loader._iterable else fetcher.map_style
        ctx = _get_context(loader.multiprocessing_context)
        base_seed = loader._draw_base_seed()
        self._result_queue = _worker.ResultQueue(ctx)
        # Set to stop the workers. A queue message alone is not enough: when the loader dies in
        # a garbage-collected cycle, the queues' feeder threads are finalised before __del__
        # runs, and a `None` put then would never arrive.
        self._done_event = ctx.Event()
        self._index_queues: list[Any] = []
        self._workers: list[Any] = []
        self._shut = False
        # A forked worker inherits a copy of this object (and of every other live loader); only
        # the process that started the workers may stop them.
        self._owner_pid = os.getpid()
        self._send_idx = 0
        for wid in range(self._num_workers):
            iq = ctx.Queue()
            iq.cancel_join_thread()
            w = ctx.Process(
                target=_worker.worker_loop,
                args=(loader.dataset, loader._iterable, iq, self._result_queue, self._done_event, fetch,
                      wid, self._num_workers, base_seed + wid, loader.worker_init_fn, os.getpid()),
                daemon=True,
            )
            with warnings.catch_warnings():
                # JAX warns on every fork because it is multithreaded; workers only run the
                # dataset and NumPy collation, never a backend (see the class docstring).
                warnings.filterwarnings("ignore", message=r"os\.fork\(\) was called", category=RuntimeWarning)
                w.start()
            self._index_queues.append(iq)
            self._workers.append(w)
        self._start_epoch(first=True)

    def _start_epoch(self, first: bool) -> None:
        if not first:
            # Persistent workers keep their seeds; the draw still happens so that the
            # generator advances exactly as it does without persistent workers.
            self._loader._draw_base_seed()
            if self._loader._iterable:
                for iq in self._index_queues:
                    iq.put((_worker.RESUME, None))
        self._index = self._loader._index_iter()
        # Task ids keep growing across epochs, so a late result of an earlier epoch (a
        # persistent worker answering a task nobody waits for) is recognised and dropped.
        self._rcvd_idx = self._send_idx
        self._task_info: dict[int, list] = {}  # task id -> [worker id] or [worker id, data]
        self._active = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        self._sampler_done = False
        for _ in range(self._prefetch):
            self._put_task()

    def _reset(self) -> None:
        self._start_epoch(first=False)

    def _put_task(self) -> None:
        if self._sampler_done or not any(self._active):
            return
        try:
            index = next(self._index)
        except StopIteration:
            self._sampler_done = True
            return
        for _ in range(self._num_workers):
            wid = next(self._worker_cycle)
            if self._active[wid]:
                break
        self._index_queues[wid].put((self._send_idx, index))
        self._task_info[self._send_idx] = [wid]
        self._send_idx += 1

    def _get_result(self) -> tuple[int, Any]:
        start = time.monotonic()
        while True:
            try:
                return self._result_queue.get(timeout=_POLL_INTERVAL)
            except queue.Empty:
                pass
            for wid, w in enumerate(self._workers):
                if not w.is_alive():
                    code = w.exitcode
                    self._shutdown(force=True)
                    how = (f"was killed by signal {signal.Signals(-code).name}" if code is not None and code < 0
                           else f"exited unexpectedly with exit code {code}")
                    raise RuntimeError(
                        f"DataLoader worker {wid} (pid {w.pid}) {how}. If it ran out of memory, "
                        "try fewer workers or a smaller batch_size."
                    )
            if self._timeout > 0 and time.monotonic() - start > self._timeout:
                self._shutdown(force=True)
                raise RuntimeError(f"DataLoader timed out after {self._timeout:g} seconds waiting for a batch")

    def __iter__(self) -> "_MultiProcessIter":
        return self

    def __len__(self) -> int:
        return len(self._loader)

    def __next__(self) -> Any:
        if self._shut:
            raise StopIteration
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._active[info[0]]):
                    break
                # The task's worker ran out of data (IterableDataset): skip it.
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._loader.persistent_workers:
                    self._shutdown()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                data = self._task_info.pop(self._rcvd_idx)[1]
                self._rcvd_idx += 1
                return self._process(data)
            task_id, data = self._get_result()
            if task_id not in self._task_info:
                continue  # left over from an earlier epoch
            if isinstance(data, _worker.IterableStop):
                self._active[data.worker_id] = False
                self._task_info.pop(task_id, None)
                continue
            if task_id != self._rcvd_idx:
                self._task_info[task_id].append(data)  # out of order: keep it for later
                continue
            self._task_info.pop(task_id)
            self._rcvd_idx += 1
            return self._process(data)

    def _process(self, data: Any) -> Any:
        self._put_task()
        if isinstance(data, _worker.ExceptionWrapper):
            self._shutdown(force=True)
            data.reraise()
        if self._convert:
            return convert_to_tensors(data, backend=self._loader.backend, device=self._loader.device)
        return data

    def _shutdown(self, force: bool = False) -> None:
        """Stop the workers: politely (they finish their task and exit) or, after an error,
        at once, so that a stuck or slow worker cannot delay the error."""
        if self._shut or os.getpid() != self._owner_pid:
            return
        self._shut = True
        self._done_event.set()
        if force:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
        for iq in self._index_queues:
            try:
                iq.put(None)
            except (OSError, ValueError):  # pragma: no cover - queue already closed
                pass
        deadline = time.monotonic() + 5.0
        for w in self._workers:
            w.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.is_alive():
                w.terminate()
                w.join(timeout=1.0)
        for q in [*self._index_queues, self._result_queue]:
            q.cancel_join_thread()
            q.close()
        if self._loader._persistent_iterator is self:
            self._loader._persistent_iterator = None

    def __del__(self) -> None:
        try:
            self._shutdown()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
