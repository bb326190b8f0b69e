"""Overhead of guardrail on a training run's start and on streaming iteration.

    .venv/bin/python benchmarks/callback_overhead.py [--rows 100000]

1. `trainer.train()` start: a 100k-row text dataset, tokenised with the text removed (what the
   Trainer's dataloader holds), trained for one step with and without `GuardrailCallback`.
   Target: under 1 s added. Also reported: the callback's own `on_train_begin` time, and the
   same with every row decoded (`decode_rows=rows`) instead of the default sample.
2. Streaming: iterating a 100k-row JSON Lines file with `datasets.load_dataset(streaming=True)`
   and with `guardrail.load_dataset(streaming=True)`. Target: under 5% slower iteration. The
   up-front check (first batches, read before `load_dataset` returns) is reported separately.

Each figure is the best of `--repeat` runs, to keep the other processes on the machine out of it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

WORDS = [
    "tomato",
    "basil",
    "bean",
    "lettuce",
    "pepper",
    "squash",
    "carrot",
    "garlic",
    "kale",
    "onion",
    "pea",
    "radish",
    "soil",
    "sun",
    "rain",
    "compost",
]


def texts(n: int) -> list[str]:
    return [
        " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(12)) + f" note {i}." for i in range(n)
    ]


def best(repeat: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(repeat))


class Timed:
    """Wraps a callback and records how long its on_train_begin took."""

    def __init__(self, inner: Any) -> None:
        from transformers import TrainerCallback

        outer = self

        class _Wrapper(TrainerCallback):
            def on_train_begin(self, *args: Any, **kwargs: Any) -> None:
                start = time.perf_counter()
                inner.on_train_begin(*args, **kwargs)
                outer.seconds = time.perf_counter() - start

        self.seconds = 0.0
        self.callback = _Wrapper()


def train_start(rows: int, repeat: int) -> None:
    import _tiny
    import datasets
    from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

    from guardrail import GuardrailCallback

    tok = _tiny.tokenizer()
    raw = datasets.Dataset.from_dict({"text": texts(rows)})
    data = raw.map(
        lambda b: tok(b["text"], truncation=True, max_length=64), batched=True, remove_columns=["text"]
    )

    def run(callbacks: list[Any]) -> float:
        with tempfile.TemporaryDirectory() as out:
            args = TrainingArguments(
                output_dir=out,
                max_steps=1,
                per_device_train_batch_size=8,
                report_to=[],
                use_cpu=True,
                save_strategy="no",
                logging_strategy="no",
                disable_tqdm=True,
            )
            trainer = Trainer(
                model=_tiny.model(tok),
                args=args,
                train_dataset=data,
                processing_class=tok,
                data_collator=DataCollatorForLanguageModeling(tok, mlm=False),
                callbacks=callbacks,
            )
            start = time.perf_counter()
            trainer.train()
            return time.perf_counter() - start

    plain = best(repeat, lambda: run([]))
    guarded = best(repeat, lambda: run([GuardrailCallback()]))
    timed = Timed(GuardrailCallback())
    begin = best(repeat, lambda: (run([timed.callback]), timed.seconds)[1])
    timed_full = Timed(GuardrailCallback(decode_rows=rows))
    begin_full = best(1, lambda: (run([timed_full.callback]), timed_full.seconds)[1])
    print(f"1. trainer.train() start, {rows:,}-row tokenised text dataset (1 step)")
    print(f"   without guardrail            {plain:7.3f} s")
    print(f"   with GuardrailCallback       {guarded:7.3f} s   added {guarded - plain:+.3f} s (target < 1 s)")
    print(f"   on_train_begin itself        {begin:7.3f} s   (default: decodes a 10,000-row sample)")
    print(f"   on_train_begin, every row    {begin_full:7.3f} s   (decode_rows={rows:,})")


def streaming(rows: int, repeat: int) -> None:
    import datasets

    import guardrail

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notes.jsonl"
        path.write_text(
            "".join(json.dumps({"text": t, "n": i}) + "\n" for i, t in enumerate(texts(rows))),
            encoding="utf-8",
        )

        def iterate(load: Callable[[], Any]) -> float:
            stream = load()
            start = time.perf_counter()
            count = sum(1 for _ in stream)
            assert count == rows, count
            return time.perf_counter() - start

        def open_guarded() -> Any:
            return guardrail.load_dataset("json", data_files=str(path), split="train", streaming=True)

        def open_plain() -> Any:
            return datasets.load_dataset("json", data_files=str(path), split="train", streaming=True)

        # Interleaved, so load from other processes on the machine hits both alike.
        runs = [(iterate(open_plain), iterate(open_guarded)) for _ in range(repeat)]
        plain = min(p for p, _ in runs)
        guarded = min(g for _, g in runs)

        def upfront() -> float:
            start = time.perf_counter()
            open_guarded()
            return time.perf_counter() - start

        opened = best(repeat, upfront)
    print(f"2. streaming iteration over {rows:,} rows (JSON Lines)")
    print(f"   datasets.load_dataset        {plain:7.3f} s   {rows / plain:10,.0f} rows/s")
    print(
        f"   guardrail.load_dataset       {guarded:7.3f} s   {rows / guarded:10,.0f} rows/s   {100 * (guarded / plain - 1):+.1f}% (target < 5%)"
    )
    print(f"   up-front check at load time  {opened:7.3f} s   (first batches, before load_dataset returns)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()
    warnings.filterwarnings("ignore")
    import transformers

    transformers.logging.set_verbosity_error()
    train_start(opts.rows, opts.repeat)
    streaming(opts.rows, opts.repeat)


if __name__ == "__main__":
    main()
