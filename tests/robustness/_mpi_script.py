"""Run under ``mpiexec -n 2`` by test_robust_distributed.py: ``python _mpi_script.py CASE
BACKEND [DEVICE]``. Prints ``OK`` on each rank that saw what it should; the leave cases
instead end the job (the test checks the exit status and the output)."""

import sys
import time
import zlib

import numpy as np

import anygrad
import anygrad.distributed as dist

case, backend = sys.argv[1], sys.argv[2]
device = sys.argv[3] if len(sys.argv) > 3 else None
anygrad.set_default_backend(backend)
dist.init_process_group()
rank, world = dist.get_rank(), dist.get_world_size()


def T(values, dtype):
    return anygrad.tensor(np.asarray(values, dtype=dtype), device=device)


def expect_mismatch(fn, *words):
    try:
        fn()
    except ValueError as e:
        msg = str(e)
        for w in words:
            assert w in msg, (w, msg)
        # The same message on every rank: compare them.
        got = []
        dist.all_gather(got, T([zlib.crc32(msg.encode())], "int64"))
        assert len({int(g.item()) for g in got}) == 1, msg
        return msg
    raise AssertionError(f"rank {rank}: no error for a mismatch ({words})")


if case == "mismatch":
    # dtype: float32 on rank 0, int32 elsewhere (summed as raw bits before).
    x = T([1.0, 2.0, 3.0], "float32") if rank == 0 else T([1, 2, 3], "int32")
    expect_mismatch(lambda: dist.all_reduce(x), "all_reduce", "rank 0 has float32[3]",
                    "rank 1 has int32[3]")
    # shape, for each collective, sync and async.
    y = T(np.ones(3 + rank), "float32")
    expect_mismatch(lambda: dist.all_reduce(y), "all_reduce", "float32[3]", "float32[4]")
    expect_mismatch(lambda: dist.broadcast(y, 0), "broadcast", "float32[3]", "float32[4]")
    expect_mismatch(lambda: dist.all_gather([], y), "all_gather", "float32[3]", "float32[4]")
    expect_mismatch(lambda: dist.all_reduce(y, async_op=True).wait(), "all_reduce")
    z = T(np.ones((2, 3)) if rank == 0 else np.ones((3, 2)), "float64")
    expect_mismatch(lambda: dist.all_reduce(z), "rank 0 has float64[2, 3]", "rank 1 has float64[3, 2]")
    # More than 8 dimensions: folded into a checksum, still caught.
    w = T(np.ones((1,) * 9 + ((2,) if rank == 0 else (1, 2))), "float32")
    expect_mismatch(lambda: dist.all_reduce(w), "all_reduce")
    # After the errors the ranks are still in step: a correct collective works.
    ok = T([float(rank + 1)] * 2, "float32")
    dist.all_reduce(ok)
    np.testing.assert_allclose(ok.numpy(), [world * (world + 1) / 2] * 2)
    b = T([7.0 if rank == 0 else 0.0], "float64")
    dist.broadcast(b, 0)
    assert b.item() == 7.0
    dist.barrier()
    dist.destroy_process_group()
    print(f"OK rank {rank}", flush=True)
elif case == "exit-early":
    if rank == 1:
        sys.exit(0)  # leaves without a word: the others must not wait forever
    dist.all_reduce(T([1.0], "float32"))
    print("UNREACHABLE", flush=True)
elif case == "end-early":
    if rank == 0:
        t = T([1.0], "float32")
        dist.all_reduce(t)  # rank 1's script simply ends
        print("UNREACHABLE", flush=True)
elif case == "destroy-early":
    if rank == 1:
        dist.destroy_process_group()
    else:
        dist.barrier()
        print("UNREACHABLE", flush=True)
elif case == "raise":
    if rank == 1:
        raise KeyError("rank 1 broke")
    dist.all_gather([], T([1.0], "float32"))
    print("UNREACHABLE", flush=True)
elif case == "all-leave":
    # Every rank ends normally, at different times: nobody aborts, nobody hangs.
    t = T([1.0], "float32")
    dist.all_reduce(t)
    time.sleep(0.5 * rank)
    print(f"OK rank {rank}", flush=True)
elif case == "slow-peer":
    # Rank 1 computes for a while (longer than a poll, shorter than the grace) before
    # joining the collective: a slow peer is not a gone peer.
    if rank == 1:
        time.sleep(1.5)
    t = T([1.0], "float32")
    dist.all_reduce(t)
    assert t.item() == world
    print(f"OK rank {rank}", flush=True)
else:
    raise SystemExit(f"unknown case {case}")
