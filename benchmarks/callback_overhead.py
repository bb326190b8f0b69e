"""Overhead of guardrail on a training run's start and on streaming iteration.

    .venv/bin/python benchmarks/callback_overhead.py [--rows 100000]

1. `trainer.train()` start: a 100k-row text dataset, tokenised with the text removed (what the
   Trainer's dataloader holds), trained for one step with and without `GuardrailCallback`.
   Target: under 1 s added. Also reported: the callback's own `on_train_begin` time, and the
   same with every row decoded (`decode_rows=rows`) instead of the default sample.
2. Streaming: iterating a 100k-row JSON Lines file with `datasets.load_dataset(streaming=True)`
   and with `guardrail.load_dataset(streaming=True)`. Target: under 5% slower iteration. The
   up-front check (first batches, read before `load_dataset` returns) is reported separately.
   Also reported: the guard's pipeline with the scan left out (`streaming.guard` with a
   pass-through), because the guard changes how `datasets` converts rows; the difference
   between that and the guarded run is what the scan and the policy cost by themselves.

Every figure is the median of `--repeat` runs (default 11) with its range (min–max), so a
reader can tell a real difference from noise on a shared machine. The arms run interleaved, so
load from other processes hits all arms alike, and each overhead is computed per interleaved
round before its median and range are taken.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
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


def spread(values: list[float], unit: str = "s", scale: float = 1.0, sign: bool = False) -> str:
    """`median (range min–max)` of `values`."""
    digits = 1 if unit == "%" else 3
    fmt = f"{'+' if sign else ''}.{digits}f"
    med, lo, hi = (scale * v for v in (statistics.median(values), min(values), max(values)))
    return f"{med:{fmt}} {unit} (range {lo:{fmt}} to {hi:{fmt}}, {len(values)} runs)"


def interleaved(repeat: int, arms: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in arms}
    for _ in range(repeat):
        for name, fn in arms.items():
            times[name].append(fn())
    return times


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

    from guardrail import GuardrailCallback, GuardrailConfig

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

    # cache=False: every run checks the data (a second run on the same data would be a cache hit,
    # which benchmarks/check_cache.py measures).
    uncached = GuardrailConfig(cache=False)
    timed = Timed(GuardrailCallback(config=uncached))
    times = interleaved(
        repeat,
        {
            "plain": lambda: run([]),
            "guarded": lambda: run([GuardrailCallback(config=uncached)]),
            "begin": lambda: (run([timed.callback]), timed.seconds)[1],
        },
    )
    added = [g - p for g, p in zip(times["guarded"], times["plain"], strict=True)]
    timed_full = Timed(GuardrailCallback(config=uncached, decode_rows=rows))
    run([timed_full.callback])
    print(f"1. trainer.train() start, {rows:,}-row tokenised text dataset (1 step), median (range)")
    print(f"   without guardrail            {spread(times['plain'])}")
    print(f"   with GuardrailCallback       {spread(times['guarded'])}")
    print(f"   added by the callback        {spread(added, sign=True)}   (target < 1 s)")
    print(
        f"   on_train_begin itself        {spread(times['begin'])}   (default: decodes a 10,000-row sample)"
    )
    print(f"   on_train_begin, every row    {timed_full.seconds:.3f} s   (decode_rows={rows:,}, 1 run)")


def streaming(rows: int, repeat: int) -> None:
    import datasets
    import pyarrow as pa

    import guardrail
    from guardrail import GuardrailConfig
    from guardrail.integrations.datasets import streaming as guarded_stream

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notes.jsonl"
        path.write_text(
            "".join(json.dumps({"text": t, "n": i}) + "\n" for i, t in enumerate(texts(rows))),
            encoding="utf-8",
        )

        def iterate(stream: Any) -> float:
            gc.collect()  # start every arm from the same heap, not with an earlier arm's garbage
            start = time.perf_counter()
            count = sum(1 for _ in stream)
            assert count == rows, count
            return time.perf_counter() - start

        def open_guarded() -> Any:
            return guardrail.load_dataset(
                "json",
                data_files=str(path),
                split="train",
                streaming=True,
                guardrail_config=GuardrailConfig(cache=False),
            )

        def open_plain() -> Any:
            return datasets.load_dataset("json", data_files=str(path), split="train", streaming=True)

        def pass_through(table: pa.Table) -> pa.Table:
            return table

        def open_unscanned() -> Any:
            return guarded_stream.guard(open_plain(), pass_through)

        # Interleaved, so load from other processes on the machine hits all arms alike; each arm
        # is opened outside the timed part (the up-front check is timed on its own below).
        arms: dict[str, Callable[[], Any]] = {
            "plain": open_plain,
            "guarded": open_guarded,
            "unscanned": open_unscanned,
        }
        times = interleaved(
            repeat, {name: (lambda load=load: iterate(load())) for name, load in arms.items()}
        )

        def upfront() -> float:
            start = time.perf_counter()
            open_guarded()
            return time.perf_counter() - start

        opened = [upfront() for _ in range(repeat)]

    def overhead(name: str, base: str) -> list[float]:
        return [a / b - 1 for a, b in zip(times[name], times[base], strict=True)]

    def line(label: str, name: str, note: str = "") -> None:
        rate = rows / statistics.median(times[name])
        print(f"   {label:28s} {spread(times[name])}  {rate:9,.0f} rows/s{note}")

    print(
        f"2. streaming iteration over {rows:,} rows (JSON Lines), {repeat} interleaved runs per arm, median (range)"
    )
    line("datasets.load_dataset", "plain")
    line("guardrail.load_dataset", "guarded")
    line("guard pipeline, no scan", "unscanned")
    print(
        f"   guarded vs datasets          {spread(overhead('guarded', 'plain'), '%', 100, True)}   (target < 5%)"
    )
    print(f"   pipeline alone vs datasets   {spread(overhead('unscanned', 'plain'), '%', 100, True)}")
    print(f"   scan + policy on the guard   {spread(overhead('guarded', 'unscanned'), '%', 100, True)}")
    print(f"   up-front check at load time  {spread(opened)}   (first batches, before load_dataset returns)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=11, help="runs per arm (median and range)")
    parser.add_argument("--only", choices=["start", "streaming"], help="run one of the two measurements")
    opts = parser.parse_args()
    warnings.filterwarnings("ignore")
    if opts.only != "streaming":
        import transformers

        transformers.logging.set_verbosity_error()
        train_start(opts.rows, opts.repeat)
    if opts.only != "start":
        streaming(opts.rows, opts.repeat)


if __name__ == "__main__":
    main()
