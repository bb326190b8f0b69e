"""TRL's SFTTrainer (tokenises in __init__, forwards callbacks), process agreement, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import datasets
import pytest
from tinylm import CLEAN, X_POSTS, same_weights

from guardrail import GuardrailCallback
from guardrail.errors import GuardrailViolation


def sft(model: Any, tok: Any, texts: list[str], out: Path) -> Any:
    from trl import SFTConfig, SFTTrainer

    args = SFTConfig(
        output_dir=str(out),
        max_length=64,
        per_device_train_batch_size=4,
        max_steps=2,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        dataset_num_proc=None,
    )
    return SFTTrainer(
        model=model,
        args=args,
        train_dataset=datasets.Dataset.from_dict({"text": texts}),
        processing_class=tok,
        callbacks=[GuardrailCallback()],
    )


@pytest.mark.slow
def test_sft_trainer_blocks_at_step_zero(tokenizer: Any, model: Any, snapshot: Any, tmp_path: Path) -> None:
    t = sft(model, tokenizer, CLEAN + X_POSTS, tmp_path)
    before = snapshot(model)
    with pytest.raises(GuardrailViolation):
        t.train()
    assert t.state.global_step == 0
    assert same_weights(before, snapshot(model))


@pytest.mark.slow
def test_sft_trainer_clean_run_passes(tokenizer: Any, model: Any, tmp_path: Path) -> None:
    t = sft(model, tokenizer, CLEAN, tmp_path)
    t.train()
    assert t.state.global_step == 2
    assert (tmp_path / "guardrail-audit.json").is_file()


_WORKER = """
import json, sys
import torch.distributed as dist
from guardrail.findings import Report
from guardrail.integrations.transformers.distributed import any_process, gather_reports

rank, world, init, blocked_rank = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
dist.init_process_group("gloo", init_method="file://" + init, rank=rank, world_size=world)
flag = any_process(rank == blocked_rank)
seen = [r.guardrail_version for r in gather_reports(Report(targets=(), guardrail_version=f"rank{rank}"))] if flag else []
dist.destroy_process_group()
print(json.dumps({"rank": rank, "stop": flag, "seen": seen}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("blocked_rank", [1, -1])
def test_processes_agree_to_stop_when_any_is_blocked(blocked_rank: int, tmp_path: Path) -> None:
    # Two real processes in a gloo group: if one is blocked, both must stop (a process that
    # went on would hang in the next gradient all-reduce), and both see every report.
    init = tmp_path / "rendezvous"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(rank), "2", str(init), str(blocked_rank)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for rank in range(2)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert [r["stop"] for r in results] == ([True, True] if blocked_rank >= 0 else [False, False])
    if blocked_rank >= 0:
        assert all(r["seen"] == ["rank0", "rank1"] for r in results)


def test_import_guardrail_does_not_import_the_training_stack() -> None:
    code = (
        "import sys, guardrail; guardrail.load_dataset; "
        "heavy = [m for m in ('torch', 'transformers', 'trl', 'datasets') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
