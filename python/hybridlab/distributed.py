"""The process group torchrun sets up (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT in the
environment): NCCL when there are GPUs, gloo on CPU. Without torchrun the program runs as one process
and no group is made."""

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Placement:
    rank: int
    world: int
    local_rank: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return dist.is_available() and dist.is_initialized()


def setup(device: str = "auto") -> Placement:
    """Joins torchrun's process group when launched by torchrun; one process otherwise."""
    use_cuda = torch.cuda.is_available() if device == "auto" else device == "cuda"
    if "RANK" not in os.environ:
        return Placement(0, 1, 0, torch.device("cuda" if use_cuda else "cpu"))
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    if use_cuda:
        torch.cuda.set_device(local_rank)
    dist.init_process_group("nccl" if use_cuda else "gloo")
    where = torch.device("cuda", local_rank) if use_cuda else torch.device("cpu")
    return Placement(dist.get_rank(), dist.get_world_size(), local_rank, where)


def finish() -> None:
    """The normal end: a barrier, so that no process closes the group (rank 0 hosts its store) while
    another still talks to it; closing without one hangs now and then with gloo."""
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def teardown() -> None:
    """Closes the group if it is still open (after an error: no barrier, the others may be gone)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


class _GatherWithGradient(torch.autograd.Function):
    """all_gather whose backward hands each rank the summed gradient of its own rows: every rank
    computes the same loss of the gathered tensor, and DDP then averages the ranks' gradients."""

    @staticmethod
    def forward(ctx, x):
        parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, x.contiguous())
        return tuple(parts)

    @staticmethod
    def backward(ctx, *grads):
        total = torch.stack(grads)
        dist.all_reduce(total)
        return total[dist.get_rank()]


def gather_rows(x: torch.Tensor) -> list:
    """Every rank's x (same shape on every rank), in rank order; gradients flow back to their owners."""
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return [x]
    return list(_GatherWithGradient.apply(x))


def mean_over_ranks(value: torch.Tensor) -> torch.Tensor:
    if dist.is_available() and dist.is_initialized():
        value = value.detach().clone()
        dist.all_reduce(value)
        return value / dist.get_world_size()
    return value.detach()


def agree(value: int, device: torch.device) -> bool:
    """Whether every process holds the same integer (e.g. the step each resumed from)."""
    if not (dist.is_available() and dist.is_initialized()):
        return True
    values = torch.tensor([value, -value], dtype=torch.int64, device=device)  # NCCL reduces GPU tensors only
    dist.all_reduce(values, op=dist.ReduceOp.MAX)
    return int(values[0]) == value and int(-values[1]) == value
