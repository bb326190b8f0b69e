"""`guardrail.load_dataset`: a drop-in for `datasets.load_dataset` that refuses X data.

    python examples/load_dataset_hook.py

Loads the clean example folder (returned, with provenance the callback reads later), then
the X-derived one (refused with a report before any row is returned), then streams the
clean one (checked batch by batch as it is iterated). Exit status 0 when all three behave.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

from pathlib import Path

import guardrail
from guardrail.integrations.datasets import provenance_channel as provenance

DATA = Path(__file__).parent / "data"


def main() -> int:
    notes = guardrail.load_dataset(str(DATA / "garden_notes"), split="train")
    (entry,) = provenance.read(notes)
    print(
        f"loaded {len(notes)} rows of garden_notes: verdict {entry.verdict}, records {entry.scan.describe() if entry.scan else '-'}"
    )

    try:
        guardrail.load_dataset(str(DATA / "x_posts"), split="train")
    except guardrail.GuardrailViolation as refused:
        print(refused)
        print(f"x_posts refused: {len(refused.report.blocked)} blocked target(s), nothing returned")
    else:
        print("x_posts was returned: the guard did not work")
        return 1

    stream = guardrail.load_dataset(str(DATA / "garden_notes"), split="train", streaming=True)
    print(f"streamed {sum(1 for _ in stream)} rows of garden_notes, each batch checked as it was read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
