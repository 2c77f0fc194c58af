"""The loop a DataLoader worker process runs, and what it tells the main process.

A worker reads tasks ``(task_id, indices)`` from its own index queue, builds the batch on
the host (NumPy, never a backend array, so every backend works and nothing backend-specific
crosses a process boundary) and puts ``(task_id, batch)`` on the shared result queue. An
exception travels back as an :class:`ExceptionWrapper` holding the formatted traceback.
"""

from __future__ import annotations

import multiprocessing.queues
import os
import pickle
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = ["WorkerInfo", "get_worker_info", "ExceptionWrapper", "ResultQueue"]

# How often a waiting worker checks that it should stop or that its parent died (seconds).
STATUS_CHECK_INTERVAL = 0.1

_worker_info: "WorkerInfo | None" = None


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker process knows about itself (see :func:`get_worker_info`).

    Attributes
    ----------
    id : int
        The worker's index, ``0 <= id < num_workers``.
    num_workers : int
    seed : int
        ``base_seed + id``; the worker's anygrad, NumPy and ``random`` generators are
        seeded from it.
    dataset : Dataset
        The worker's own copy of the dataset.
    """

    id: int
    num_workers: int
    seed: int
    dataset: Any


def get_worker_info() -> WorkerInfo | None:
    """The current :class:`WorkerInfo` inside a DataLoader worker, ``None`` in the main process.

    Examples
    --------
    >>> from anygrad.data import get_worker_info
    >>> get_worker_info() is None
    True
    """
    return _worker_info


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process as text."""

    def __init__(self, exc_info: tuple, where: str) -> None:
        self.exc_type = exc_info[0]
        self.exc_name = exc_info[0].__name__
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where
        try:
            # A class defined in a function (or otherwise not importable by name) cannot
            # cross the process boundary; its traceback text still does.
            pickle.dumps(self.exc_type)
        except Exception:
            self.exc_type = RuntimeError

    def reraise(self) -> None:
        msg = f"Caught {self.exc_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            # KeyError repr()s its message, which would print the traceback on one line.
            msg = KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            # Exception types whose constructor takes other arguments.
            raise RuntimeError(msg) from None
        raise exc


class ResultQueue(multiprocessing.queues.Queue):
    """The workers' result queue. A result that cannot be pickled (a lambda in a batch, an
    exception whose ``__reduce__`` fails...) used to be dropped by the queue's feeder
    thread, with the main process waiting for it forever; it is replaced here by an
    :class:`ExceptionWrapper` for the same task, so the loader raises at once."""

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx=ctx)

    def _on_queue_feeder_error(self, e: BaseException, obj: Any) -> None:
        if type(obj) is tuple and len(obj) == 2 and type(obj[0]) is int:
            task_id, data = obj
            try:
                raise RuntimeError(
                    f"the batch of task {task_id} ({type(data).__name__}) cannot be sent to "
                    f"the main process: pickling it failed with {type(e).__name__}: {e}"
                ) from e
            except RuntimeError:
                wrapper = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {os.getpid()}")
            # Text only from here on: the replacement must pickle whatever failed above.
            wrapper.exc_type = RuntimeError
            self.put((task_id, wrapper))
            return
        super()._on_queue_feeder_error(e, obj)


class KeyErrorMessage(str):
    def __repr__(self) -> str:
        return str(self)


# Task id telling a persistent worker to restart its IterableDataset iterator.
RESUME = -1


class IterableStop:
    """Sent by a worker whose IterableDataset iterator is exhausted."""

    def __init__(self, worker_id: int) -> None:
        self.worker_id = worker_id


def seed_worker(seed: int) -> None:
    """Seed every generator a dataset or transform might draw from in this process."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        import anygrad.random

        anygrad.random.default_generator.manual_seed(seed)
    except ImportError:  # pragma: no cover - the core is always there in a release
        pass


def worker_loop(
    dataset: Any,
    iterable: bool,
    index_queue: Any,
    result_queue: Any,
    done_event: Any,
    fetch: Callable[[Any, Any], Any],
    worker_id: int,
    num_workers: int,
    seed: int,
    worker_init_fn: Callable[[int], Any] | None,
    parent_pid: int,
) -> None:
    """Body of one worker process (module-level so that 'spawn' can pickle it)."""
    global _worker_info
    # Ctrl-C goes to the main process, which shuts the workers down in order.
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, AttributeError):  # pragma: no cover
        pass
    seed_worker(seed)
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
    where = f"in DataLoader worker process {worker_id}"
    init_error = None
    try:
        if worker_init_fn is not None:
            worker_init_fn(worker_id)
        iterator = iter(dataset) if iterable else None
    except Exception:
        init_error = ExceptionWrapper(sys.exc_info(), where)
    exhausted = False
    while True:
        try:
            task = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
        except queue.Empty:
            if done_event.is_set() or os.getppid() != parent_pid:
                break  # told to stop, or orphaned: the main process died without telling us
            continue
        if task is None or done_event.is_set():
            break
        task_id, indices = task
        if task_id == RESUME:
            try:
                iterator = iter(dataset) if iterable else None
                exhausted = False
            except Exception:
                init_error = ExceptionWrapper(sys.exc_info(), where)
            continue
        if init_error is not None:
            result_queue.put((task_id, init_error))
            init_error = None  # report once; later tasks fail as "worker stopped"
            continue
        try:
            if iterable:
                if exhausted:
                    data: Any = IterableStop(worker_id)
                else:
                    try:
                        data = fetch(iterator, indices)
                    except StopIteration:
                        exhausted = True
                        data = IterableStop(worker_id)
            else:
                data = fetch(dataset, indices)
        except Exception:
            data = ExceptionWrapper(sys.exc_info(), where)
        result_queue.put((task_id, data))
        del data
    # Results left in the pipe are not wanted any more; do not block exit on them.
    result_queue.cancel_join_thread()
    result_queue.close()
