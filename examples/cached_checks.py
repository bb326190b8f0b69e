"""Remember: a second check of the same data under the same rules reuses the first scan.

    python examples/cached_checks.py

Results live under `$HF_HOME/guardrail/checks/` (this example uses a fresh temporary HF_HOME
so its first run always scans). `guardrail check` on an unchanged local file and a second
`trainer.train()` on the same dataset skip the scan, and the report notes say so
(`guardrail.load_dataset` of the same data does too). Any change to the data (content hash or `datasets`
fingerprint), the guardrail version, its knowledge base or the configuration scans again;
`--no-cache` or `cache = false` turn it off. Exit status 0 when all of this behaves.
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="guardrail-cache-example-")  # before HF imports
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import time
from pathlib import Path

import _tiny
import datasets
from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

import guardrail
from guardrail.cached_check import check_cached
from guardrail.config import GuardrailConfig

NOTES = _tiny.DATA / "garden_notes" / "train.jsonl"


def reused(report: guardrail.Report) -> bool:
    return any("reused the scan cached" in n for t in report.targets for n in t.notes)


def main() -> int:
    config = GuardrailConfig()
    results = []
    for attempt in ("first", "second"):
        start = time.perf_counter()
        report = check_cached([str(NOTES)], config)
        took = time.perf_counter() - start
        results.append(reused(report))
        print(f"guardrail check, {attempt} run: {took * 1000:.0f} ms, scan reused: {results[-1]}")

    tok = _tiny.tokenizer()
    raw = datasets.load_dataset("json", data_files=str(NOTES), split="train")
    train = raw.map(
        lambda b: tok(b["text"], truncation=True, max_length=64),
        batched=True,
        remove_columns=raw.column_names,
    )
    callback = guardrail.GuardrailCallback(config)
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(), max_steps=2, per_device_train_batch_size=8, report_to=[], use_cpu=True
    )
    trainer = Trainer(
        model=_tiny.model(tok),
        args=args,
        train_dataset=train,
        processing_class=tok,
        data_collator=DataCollatorForLanguageModeling(tok, mlm=False),
        callbacks=[callback],
    )
    for attempt in ("first", "second"):
        trainer.train()
        assert callback.report is not None
        results.append(reused(callback.report))
        print(f"trainer.train(), {attempt} run: scan reused: {results[-1]}")

    print(
        f"cache entries in {Path(os.environ['HF_HOME']) / 'guardrail' / 'checks'}: "
        f"{len(list((Path(os.environ['HF_HOME']) / 'guardrail' / 'checks').rglob('*.json')))}"
    )
    return 0 if results == [False, True, False, True] else 1


if __name__ == "__main__":
    sys.exit(main())
