"""Agree on a decision across the processes of a distributed run.

Every process checks the data it can see. If any one of them is blocked, all must stop:
a process that kept going would wait forever in the next collective (the gradient
all-reduce) for peers that raised. Only the main process prints the report.
"""

from __future__ import annotations

from typing import Any


def world_size() -> int:
    """Processes in the default `torch.distributed` group (1 when not distributed)."""
    try:
        import torch.distributed as dist
    except ImportError:  # pragma: no cover - torch is present wherever the callback runs
        return 1
    if not (dist.is_available() and dist.is_initialized()):
        return 1
    return int(dist.get_world_size())


def any_process(flag: bool, device: Any = None) -> bool:
    """True on every process if `flag` is True on at least one (a MAX all-reduce).

    Args:
        flag: This process's answer.
        device: Where the reduction tensor lives; must match the backend (a CUDA device for
            NCCL). The Trainer's `args.device` is right.
    """
    if world_size() == 1:
        return flag
    import torch
    import torch.distributed as dist

    tensor = torch.tensor([1 if flag else 0], dtype=torch.int32, device=device)
    dist.all_reduce(tensor, op=dist.ReduceOp.MAX)
    return bool(tensor.item())


def gather_reports(report: Any) -> list[Any]:
    """Every process's report, on every process (only called once a block is agreed on)."""
    if world_size() == 1:
        return [report]
    import torch.distributed as dist

    out: list[Any] = [None] * world_size()
    dist.all_gather_object(out, report)
    return out
