"""Run under mpiexec: the last rank raises while the others wait in a collective; the job
must end (MPI_Abort from init_process_group's excepthook) instead of hanging."""

import anygrad
import anygrad.distributed as dist

dist.init_process_group()
rank, world = dist.get_rank(), dist.get_world_size()
if rank == world - 1:
    raise ValueError(f"boom on rank {rank}")
t = anygrad.tensor([1.0])
dist.all_reduce(t)  # never completes: the last rank is gone
dist.barrier()
print("UNREACHABLE")
