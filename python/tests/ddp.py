"""Runs hybridlab.train in N local processes as torchrun would (RANK, WORLD_SIZE, MASTER_ADDR/PORT in
each process's environment), with a time limit, and collects each rank's final parameters."""

import os
import socket
import sys
import time
from pathlib import Path

import torch
import torch.multiprocessing as mp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hybridlab import train  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rank(rank: int, world: int, port: int, argv: list, out: str, quiet: bool) -> None:
    os.environ.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    trainer = train.run(train.parse_args(argv), log=print if rank == 0 and not quiet else (lambda *_: None))
    torch.save({n: p.detach().clone() for n, p in trainer.model.named_parameters()}, os.path.join(out, f"rank{rank}.pt"))


def train_in_processes(argv: list, out: Path, world: int = 2, timeout: float = 240, quiet: bool = True) -> list:
    """Each rank's parameters after `python -m hybridlab.train argv` over `world` gloo processes."""
    context = mp.start_processes(_rank, args=(world, _free_port(), argv, str(out), quiet), nprocs=world, start_method="spawn", join=False)
    deadline = time.monotonic() + timeout
    while not context.join(timeout=1):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            raise TimeoutError(f"{world} training processes did not finish within {timeout:.0f} s")
    return [torch.load(out / f"rank{r}.pt") for r in range(world)]
