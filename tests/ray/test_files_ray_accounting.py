"""Issue 10 (part B) on `--engine ray`: a folder is accounted for exactly as the local engine does.

A CSV of tweets beside JSON lines is scanned, an image `datasets` would load is could-not-check,
a FIFO is refused unread, and the JSON report is the same on both engines.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from guardrail.cli import main

pytestmark = pytest.mark.xdist_group("ray")
X = "RT @plotholder: https://x.com/plotholder/status/1789012345678901234"


def test_folder_accounting_is_the_same_on_ray(
    ray_local: Any,  # the session's local Ray (tests/ray/conftest.py)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "a.jsonl").write_text("".join(json.dumps({"text": f"soil {i}"}) + "\n" for i in range(20)))
    (folder / "retweets.csv").write_text("text\n" + "".join(f'"{X} {i}"\n' for i in range(20)))
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    os.mkfifo(folder / "pipe.jsonl")
    monkeypatch.chdir(tmp_path)
    outputs = []
    for engine in ("local", "ray"):
        code = main(["check", "--format", "json", "--engine", engine, "ds"])
        outputs.append((code, json.loads(capsys.readouterr().out)))
    (local_code, local), (ray_code, on_ray) = outputs
    assert ray_code == local_code == 1
    assert on_ray == local
    target = on_ray["targets"][0]
    assert target["verdict"] == "block"
    assert {p["code"] for p in target["problems"]} == {"unread-data-files", "special-file"}
    # The X rows are only in the CSV, so "block" says it was scanned on Ray too.
    assert {f["location"]["path"] for f in target["findings"] if f["family"] == "records"} == {
        "ds/retweets.csv"
    }


def test_a_target_that_outlasts_target_timeout_on_ray_is_not_checked(
    ray_local: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from guardrail.config import GuardrailConfig
    from guardrail.integrations.ray import distributed_scan
    from guardrail.integrations.ray.ray_engine import check as check_on_ray

    release = threading.Event()

    def stalled(*args: object, **kwargs: object) -> None:  # a cluster that never answers
        release.wait(60)
        raise RuntimeError("abandoned")

    monkeypatch.setattr(distributed_scan, "scan_files", stalled)
    data = tmp_path / "a.jsonl"
    data.write_text('{"text": "soil"}\n')
    try:
        report = check_on_ray([str(data)], GuardrailConfig(target_timeout=0.5))
    finally:
        release.set()
    [target] = report.targets
    assert [p.code for p in target.problems] == ["target-timeout"]
    assert target.verdict.value == "error"  # not checked, which fails closed, as on the local engine
