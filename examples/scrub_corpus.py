"""Scrub: keep a corpus that has a few X rows in it, without those rows.

    python examples/scrub_corpus.py [OUT_DIR]

`forum_threads` is a forum corpus where 3 replies in 120 quote X posts: guardrail warns about
it. `guardrail.scrub` returns it without those rows (and a log of why each went); the result
carries provenance that says it was scrubbed, which the Trainer callback and its audit record
read. `guardrail scrub SOURCE OUT` does the same for files, folders and Hub IDs, writing Parquet
shards. A dataset whose *card* says it came from X cannot be scrubbed: dropping rows does not
change where the data came from. Exit status 0 when all of this behaves as described.
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the example needs no network
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import json
from pathlib import Path

import guardrail
from guardrail.cli import main as guardrail_cli
from guardrail.integrations.datasets import provenance_channel as provenance

DATA = Path(__file__).parent / "data"


def main(out: Path) -> int:
    corpus = guardrail.load_dataset(str(DATA / "forum_threads"), split="train")  # warns, returns
    kept, summary = guardrail.scrub(corpus, exclusion_log=out / "excluded.jsonl")
    print(f"scrub: {summary.rows_dropped} of {summary.rows_scanned} rows dropped {dict(summary.by_rule)}")
    for line in (out / "excluded.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        print(f"  row {entry['row']}: {', '.join(entry['rules'])}: {entry['evidence'][0]['evidence']}")
    scrubbed = [e for e in provenance.read(kept) if e.scrubbed]
    print(f"provenance: scrubbed={bool(scrubbed)}, {len(kept)} rows kept, verdict {scrubbed[0].verdict}")

    print("\n$ guardrail scrub examples/data/forum_threads OUT/clean")
    status = guardrail_cli(["scrub", str(DATA / "forum_threads"), str(out / "clean")])
    print(f"$ guardrail check OUT/clean -> exit {guardrail_cli(['check', str(out / 'clean')])}")

    print("\n$ guardrail scrub examples/data/x_posts OUT/refused")
    refused = guardrail_cli(["scrub", str(DATA / "x_posts"), str(out / "refused")])
    print(f"x_posts: scrub refused (exit {refused}); nothing written: {not (out / 'refused').exists()}")
    ok = summary.rows_dropped == 3 and status == 0 and refused == 1 and bool(scrubbed)
    return 0 if ok else 1


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="guardrail-scrub-"))
    sys.exit(main(target))
