"""`make demo`: guardrail blocking X data and passing clean data, end to end, offline.

Four steps on the two example datasets in examples/data (both invented for this repo):

1. `guardrail check` (the CI entry point) on both folders;
2. `guardrail.load_dataset` refusing the X-derived folder and returning the clean one;
3. a `Trainer` with `GuardrailCallback` on the X data, loaded with plain `datasets`: stopped
   at step 0 with the weights untouched;
4. the same `Trainer` on the clean data: trains, and leaves an audit record.

Exit status 0 when guardrail behaved as expected at every step, 1 otherwise.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import json
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
from pathlib import Path
from typing import Any

import _tiny

CLEAN = str(_tiny.DATA / "garden_notes")
X_DATA = str(_tiny.DATA / "x_posts")
failures: list[str] = []


def step(title: str) -> None:
    print(f"\n{'=' * 78}\n{title}\n{'=' * 78}")


def expect(ok: bool, what: str) -> None:
    print(f"  [{'ok' if ok else 'FAILED'}] {what}")
    if not ok:
        failures.append(what)


def indent(text: str, lines: int = 14) -> str:
    body = text.strip().splitlines()
    cut = body[:lines] + ([f"... ({len(body) - lines} more lines)"] if len(body) > lines else [])
    return textwrap.indent("\n".join(cut), "    | ")


def ci_check() -> None:
    step("1. guardrail check (CI): one clean folder, one X-derived folder")
    for target, want in ((CLEAN, 0), (X_DATA, 1)):
        done = subprocess.run(
            [sys.executable, "-m", "guardrail", "check", "--format", "json", target],
            capture_output=True,
            text=True,
            check=False,
        )
        verdict = json.loads(done.stdout)["targets"][0]["verdict"] if done.stdout else "?"
        print(f"  guardrail check {Path(target).name}: exit {done.returncode}, verdict {verdict}")
        expect(done.returncode == want, f"`guardrail check {Path(target).name}` exits {want}")


def hook() -> Any:
    import guardrail

    step("2. guardrail.load_dataset: the drop-in for datasets.load_dataset")
    try:
        guardrail.load_dataset(X_DATA, split="train")
        expect(False, "load_dataset refuses x_posts")
    except guardrail.GuardrailViolation as refused:
        print("  load_dataset('examples/data/x_posts') raised GuardrailViolation:")
        print(indent(str(refused)))
        expect(True, "load_dataset refuses x_posts before returning any row")
    clean = guardrail.load_dataset(CLEAN, split="train")
    expect(len(clean) == 96, f"load_dataset returns garden_notes ({len(clean)} rows)")
    return clean


def train(raw: Any, output_dir: str) -> tuple[Any, bool, Exception | None]:
    from trainer_callback import build_trainer

    from guardrail import GuardrailViolation

    trainer = build_trainer(raw, output_dir)
    model = trainer.model
    before = _tiny.parameters(model)
    try:
        trainer.train()
        error = None
    except GuardrailViolation as blocked:
        error = blocked
    return trainer, _tiny.unchanged(before, model), error


def blocked_run(workdir: str) -> None:
    import datasets

    step("3. Trainer + GuardrailCallback on the X data (loaded with plain `datasets`, text columns removed)")
    raw = datasets.load_dataset(X_DATA, split="train")
    trainer, unchanged, error = train(raw, os.path.join(workdir, "blocked"))
    if error is not None:
        print("  trainer.train() raised GuardrailViolation:")
        print(indent(str(error)))
    expect(error is not None, "trainer.train() raises GuardrailViolation")
    expect(trainer.state.global_step == 0, f"stopped at global step {trainer.state.global_step}")
    expect(unchanged, "model weights unchanged")


def clean_run(clean: Any, workdir: str) -> None:
    step("4. Trainer + GuardrailCallback on the clean data (loaded with guardrail.load_dataset)")
    out = os.path.join(workdir, "clean")
    trainer, unchanged, error = train(clean, out)
    expect(error is None, "trainer.train() runs")
    expect(trainer.state.global_step == 5 and not unchanged, f"trained {trainer.state.global_step} steps")
    audit = Path(out) / "guardrail-audit.json"
    if audit.is_file():
        record = json.loads(audit.read_text(encoding="utf-8"))
        (data,) = record["datasets"]
        sources = ", ".join(Path(s["target"]).name for s in data["loaded_with_guardrail"])
        print(
            f"  audit record {audit.name}: verdict {record['verdict']}; {data['checked']}; sources: {sources}"
        )
    expect(audit.is_file(), "audit record written to output_dir")


def main() -> int:
    started = time.monotonic()
    warnings.filterwarnings("ignore")
    import transformers

    transformers.logging.set_verbosity_error()
    ci_check()
    clean = hook()
    with tempfile.TemporaryDirectory(prefix="guardrail-demo-") as workdir:
        blocked_run(workdir)
        clean_run(clean, workdir)
    step("Result")
    if failures:
        print(f"  guardrail did NOT behave as expected: {'; '.join(failures)}")
        return 1
    print(f"  X data blocked at every entry point; clean data trained. ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
