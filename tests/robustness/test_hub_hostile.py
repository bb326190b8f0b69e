"""Issue 10, part A: a Hub that misbehaves never yields a pass, a hang or a leaked token.

Every check runs `python -m guardrail` (or `guardrail.load_dataset`) in a fresh interpreter
whose HF_ENDPOINT is the hostile fake Hub on 127.0.0.1 (see hostile_hub.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))

from hostile_hub import HostileHub, HostileRepo
from hub_repos import _DATA, X_ROWS, card
from hub_runner import hub_env
from hubserver import FakeRepo

pytestmark = pytest.mark.slow

TOKEN = "hf_PlantedSecretToken0123456789"
OTHER_TOKEN = "not-an-hf-shaped-secret-42"  # only the "token in use" rule can catch this one
X_CARD = card("license: mit\n" + _DATA, "Each row is a post collected with the Twitter API in 2021.")


def repos() -> list[FakeRepo]:
    plain = card("license: mit")
    return [
        HostileRepo("org/echo", {"README.md": plain}, "echo-auth"),
        HostileRepo("org/redirected", {"README.md": plain}, "redirect-404"),
        HostileRepo("org/reset", {"README.md": plain}, "reset"),
        HostileRepo(
            "org/data-500",
            {"README.md": card("license: mit\n" + _DATA), "data/train.jsonl": X_ROWS},
            "data-500",
        ),
        HostileRepo(
            "org/data-429",
            {"README.md": card("license: mit\n" + _DATA), "data/train.jsonl": X_ROWS},
            "data-429",
        ),
        HostileRepo("org/trickle-card", {"README.md": plain}, "trickle-card", delay=1.0),
        HostileRepo("org/huge", {"README.md": plain}, "huge-metadata", size=768 * 2**20),
        HostileRepo("org/x-one", {"README.md": X_CARD, "data/train.jsonl": X_ROWS}),
        HostileRepo("org/x-two", {"README.md": X_CARD, "data/train.jsonl": X_ROWS}),
        HostileRepo("org/x-three", {"README.md": X_CARD, "data/train.jsonl": X_ROWS}),
    ]


@pytest.fixture(scope="module")
def hub() -> Iterator[HostileHub]:
    server = HostileHub(repos())
    with server:
        yield server


# `python -m guardrail`, printing its own peak RSS (KiB) on the last line of stderr. VmHWM, not
# ru_maxrss: the latter keeps the high-water mark of the (large) pytest process across fork+exec.
MEASURED = (
    "import re, sys\n"
    "from guardrail.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "status = open('/proc/self/status').read()\n"
    "print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run(
    hub: HostileHub, tmp_path: Path, *args: str, token: str = TOKEN, config: str = ""
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], float, int]:
    """`guardrail check --format json ...`; returns the process, the report, seconds and peak RSS (KiB)."""
    cfg = tmp_path / "guardrail.toml"
    cfg.write_text("hub-timeout = 1\n" + config)
    env = hub_env(hub, tmp_path / "hf", HF_TOKEN=token)
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", MEASURED, "check", "--format", "json", "-c", str(cfg), *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - start
    *rest, rss = (
        proc.stderr.rstrip("\n").rsplit("\n", 1) if "\n" in proc.stderr.strip() else ("", proc.stderr)
    )
    done = subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout, "".join(rest))
    return done, json.loads(proc.stdout) if proc.stdout.strip() else {}, elapsed, int(rss.strip() or 0)


def target(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in report["targets"] if t["target"] == name)


def codes(t: dict[str, Any]) -> list[str]:
    return [p["code"] for p in t["problems"]]


@pytest.mark.parametrize("token", [TOKEN, OTHER_TOKEN])
def test_an_echoed_token_reaches_no_output(hub: HostileHub, tmp_path: Path, token: str) -> None:
    files = {fmt: tmp_path / f"report.{fmt}" for fmt in ("text", "sarif", "markdown")}
    reports = [a for fmt, path in files.items() for a in ("--report", f"{fmt}={path}")]
    proc, report, _, _ = run(hub, tmp_path, *reports, "org/echo", token=token)
    assert proc.returncode == 1
    echo = target(report, "org/echo")
    assert echo["verdict"] == "error"
    assert "REDACTED" in json.dumps(echo)  # the server did echo it, so the mask was needed
    everything = proc.stdout + proc.stderr + "".join(p.read_text() for p in files.values())
    assert token not in everything
    assert "hf_" not in everything.replace("hf_hub", "")


def test_an_echoed_token_is_not_in_load_datasets_exception(hub: HostileHub, tmp_path: Path) -> None:
    code = (
        "import guardrail\n"
        "try:\n"
        "    guardrail.load_dataset('org/echo')\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__); print(exc)\n"
    )
    env = hub_env(hub, tmp_path / "hf", HF_TOKEN=TOKEN)
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    # Only the Hub could not be read: the violation is also the ConnectionError datasets raises.
    assert proc.stdout.split("\n")[0] == "HubUnreachableViolation", proc.stdout + proc.stderr[-2000:]
    assert "hub-bad-response" in proc.stdout
    assert TOKEN not in proc.stdout + proc.stderr


def test_a_card_redirected_to_a_404_is_not_no_card(hub: HostileHub, tmp_path: Path) -> None:
    for args in (("--no-records",), ()):
        _proc, report, _, _ = run(hub, tmp_path, *args, "org/redirected")
        t = target(report, "org/redirected")
        assert t["verdict"] == "error", t
        assert not any("no dataset card" in n for n in t["notes"])
        assert "hub-offline-no-cache" not in codes(t)


def test_one_connection_reset_affects_only_its_own_target(hub: HostileHub, tmp_path: Path) -> None:
    targets = ("org/reset", "org/x-one", "org/x-two", "org/x-three")
    _proc, report, _, _ = run(hub, tmp_path, "--no-records", *targets)
    assert codes(target(report, "org/reset")) == ["hub-network"]
    for name in targets[1:]:
        t = target(report, name)
        assert t["verdict"] == "block", t
        assert not any("not tried" in p["message"] for p in t["problems"])


@pytest.mark.parametrize(
    ("repo", "code"), [("org/data-500", "hub-server-error"), ("org/data-429", "hub-rate-limited")]
)
def test_data_file_errors_are_named_not_timeouts(
    hub: HostileHub, tmp_path: Path, repo: str, code: str
) -> None:
    _proc, report, _, _ = run(hub, tmp_path, repo)
    t = target(report, repo)
    assert t["verdict"] == "error"
    assert code in codes(t), t["problems"]


def test_a_trickling_server_is_bounded_by_target_timeout(hub: HostileHub, tmp_path: Path) -> None:
    _proc, report, elapsed, _ = run(
        hub, tmp_path, "--no-records", "org/trickle-card", "org/x-one", config="target-timeout = 3\n"
    )
    t = target(report, "org/trickle-card")
    assert t["verdict"] == "error"
    assert codes(t) == ["target-timeout"]
    assert "target-timeout" in t["problems"][0]["message"]
    assert target(report, "org/x-one")["verdict"] == "block"
    assert elapsed < 30


def test_a_trickling_server_does_not_hold_load_dataset(hub: HostileHub, tmp_path: Path) -> None:
    (tmp_path / "guardrail.toml").write_text("hub-timeout = 1\ntarget-timeout = 3\n")
    code = (
        "import guardrail\n"
        "try:\n"
        "    guardrail.load_dataset('org/trickle-card')\n"
        "except guardrail.GuardrailViolation as exc:\n"
        "    print('blocked'); print(exc)\n"
    )
    env = hub_env(hub, tmp_path / "hf")
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.startswith("blocked"), proc.stdout + proc.stderr[-2000:]
    assert "target-timeout" in proc.stdout
    assert time.monotonic() - start < 60


def test_a_huge_metadata_answer_is_refused_without_reading_it(hub: HostileHub, tmp_path: Path) -> None:
    _proc, report, _, rss_kib = run(hub, tmp_path, "--no-records", "org/huge")
    t = target(report, "org/huge")
    assert t["verdict"] == "error"
    assert codes(t) == ["hub-bad-response"]
    assert "MiB" in t["problems"][0]["message"]
    # The answer is 768 MiB; reading it whole took GBs.
    assert 0 < rss_kib < 512 * 1024, rss_kib
