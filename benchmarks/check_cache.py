"""Time the check cache saves: the same data checked again under the same rules.

    .venv/bin/python benchmarks/check_cache.py [--rows 200000] [--repeat 3]

Three arms, each timed with the cache off (`cache = false`: a full scan every time) and with a
cache hit (the entry written by an earlier run), best of `--repeat`:

1. `guardrail.load_dataset(folder, split="train")`, the `datasets` Arrow cache already warm
   in both arms, so the difference is guardrail's record scan alone;
2. the callback's look at the training data (`training_data.summarize`, what
   `on_train_begin` runs): a tokenised dataset whose text is gone, decoded and scanned
   (the default 10,000-row sample);
3. `guardrail check FILE` on the JSON Lines file (a hit still hashes the file: that is the key).

A fresh HF_HOME in a temp dir holds both caches, so nothing of the user's is read or written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="guardrail-bench-cache-")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

WORDS = ("tomato", "basil", "compost", "mulch", "water", "sun", "frost", "seed", "row", "bed")


def write_corpus(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True)
    path = folder / "train.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(rows):
            words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(24))
            f.write(json.dumps({"text": f"Note {i}: {words}. See https://example.org/garden/{i}"}) + "\n")
    return path


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import _tiny
    import datasets

    import guardrail
    from guardrail.cached_check import check_cached
    from guardrail.config import GuardrailConfig
    from guardrail.integrations.transformers.training_data import summarize

    root = Path(tempfile.mkdtemp(prefix="guardrail-bench-data-"))
    data_file = write_corpus(root / "corpus", args.rows)
    size_mb = data_file.stat().st_size / 1e6
    on, off = GuardrailConfig(), GuardrailConfig(cache=False)
    folder = str(root / "corpus")
    datasets.load_dataset(folder, split="train")  # warm datasets' own Arrow cache for both arms

    tok = _tiny.tokenizer()
    raw = datasets.load_dataset(folder, split="train")
    tokenised = raw.map(lambda b: tok(b["text"]), batched=True, remove_columns=raw.column_names)

    arms: list[tuple[str, Callable[[GuardrailConfig], object]]] = [
        (
            "guardrail.load_dataset",
            lambda c: guardrail.load_dataset(folder, split="train", guardrail_config=c),
        ),
        ("callback data check (decode + scan)", lambda c: summarize("train", tokenised, tok, c)),
        ("guardrail check FILE", lambda c: check_cached([str(data_file)], c)),
    ]
    print(f"{args.rows:,} rows, {size_mb:.1f} MB of JSON Lines; best of {args.repeat}")
    print(f"{'arm':<38} {'no cache':>10} {'cache hit':>10} {'saved':>10}")
    for name, run in arms:
        run(on)  # writes the entry
        cold = best(lambda run=run: run(off), args.repeat)
        hit = best(lambda run=run: run(on), args.repeat)
        print(f"{name:<38} {cold:>9.3f}s {hit:>9.3f}s {cold - hit:>9.3f}s")


if __name__ == "__main__":
    main()
