"""Record sampling from the Hub: bounded in time, skipped by --no-records, and the loader hook."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig
from guardrail.readers.hub import record_sample as records
from guardrail.readers.hub.ref import HubRef


def test_a_sample_that_misses_its_deadline_is_a_timeout_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck(*args: object) -> None:
        time.sleep(5)

    monkeypatch.setattr(records, "_scan", stuck)
    config = GuardrailConfig(hub_timeout=0.1)
    start = time.monotonic()
    evidence = records.scan_hub_records(HubRef("org/stuck"), None, (None,), config, "org/stuck")
    assert time.monotonic() - start < 2
    assert [p.code for p in evidence.problems] == ["hub-timeout"]
    assert evidence.scan is not None and evidence.scan.mode == "none"


@pytest.mark.slow
def test_records_are_sampled_and_pinned_per_config(check_hub) -> None:  # type: ignore[no-untyped-def]
    # Streaming a sample takes several requests per config; on a loaded machine 6 x 1 s is too short.
    run = check_hub("org/clean-rows-x", "org/clean", "org/gated-data", hub_timeout=10)
    rows_x = run.target("org/clean-rows-x")
    assert rows_x["verdict"] == "block"
    assert rows_x["scan"]["mode"] == "sample" and rows_x["scan"]["rows_scanned"] == 40
    assert {f["family"] for f in rows_x["findings"]} == {"records"}
    assert run.target("org/clean")["verdict"] == "pass"
    gated = run.target("org/gated-data")
    assert gated["verdict"] == "error" and gated["problems"][0]["code"] == "hub-gated"


@pytest.mark.slow
def test_no_records_reads_card_and_metadata_only(check_hub, hub) -> None:  # type: ignore[no-untyped-def]
    before = len(hub.state.log)
    run = check_hub("org/clean-rows-x", args=("--no-records",))
    t = run.target("org/clean-rows-x")
    assert t["verdict"] == "pass" and "scan" not in t
    assert not any("data/train.jsonl" in line for line in hub.state.log[before:])


LOADER = """
import sys
import guardrail
from guardrail.errors import GuardrailViolation
from guardrail.config import GuardrailConfig

config = GuardrailConfig(hub_timeout=1)
ds = guardrail.load_dataset("org/clean", split="train", guardrail_config=config)
print("clean rows", len(ds))
try:
    guardrail.load_dataset("org/x-holding", split="train", guardrail_config=config)
except GuardrailViolation as exc:
    print("blocked x-holding")
try:
    guardrail.load_dataset("org/gated", split="train", guardrail_config=config)
except GuardrailViolation as exc:
    print("blocked gated", "hub-gated" in str(exc))
"""


@pytest.mark.slow
def test_load_dataset_against_the_fake_hub(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("guardrail.integrations.datasets")
    from hub_runner import hub_env

    proc = subprocess.run(
        [sys.executable, "-c", LOADER],
        env=hub_env(hub, tmp_path / "hf"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["clean rows 40", "blocked x-holding", "blocked gated True"]
