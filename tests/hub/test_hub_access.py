"""Hub targets against the fake Hub: pins, revisions, and one distinct problem per failure."""

from __future__ import annotations

import time

import pytest
from hub_repos import fake_repos

SHA = {r.repo_id: r.sha for r in fake_repos()}

# (target, verdict, problem code or None)
CASES = [
    ("org/clean", "pass", None),
    ("org/x-holding", "block", None),
    ("org/no-card", "pass", None),
    ("org/gated", "error", "hub-gated"),
    ("org/private", "error", "hub-unauthorized"),
    ("org/does-not-exist", "error", "hub-not-found"),
    ("org/broken", "error", "hub-server-error"),
    ("org/slow", "error", "hub-timeout"),
    ("org/clean@v9-no-such-tag", "error", "hub-revision-not-found"),
]


@pytest.fixture(scope="module")
def run_all(hub, tmp_path_factory):  # type: ignore[no-untyped-def]
    import json
    import subprocess
    import sys

    from hub_runner import Run, hub_env

    tmp = tmp_path_factory.mktemp("access")
    cfg = tmp / "guardrail.toml"
    cfg.write_text("hub-timeout = 1\n")
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "guardrail", "check", "--format", "json", "-c", str(cfg), "--no-records"]
        + [t for t, _, _ in CASES],
        env=hub_env(hub, tmp / "hf"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - start
    return Run(proc.returncode, json.loads(proc.stdout), proc.stderr), elapsed


@pytest.mark.slow
@pytest.mark.parametrize(("target", "verdict", "code"), CASES)
def test_each_failure_has_its_own_verdict_and_hint(
    run_all, target: str, verdict: str, code: str | None
) -> None:  # type: ignore[no-untyped-def]
    run, _ = run_all
    t = run.target(target)
    assert t["verdict"] == verdict, t
    codes = [p["code"] for p in t["problems"]]
    if code is None:
        assert codes == []
    else:
        assert codes == [code]
        assert t["problems"][0]["hint"], "every problem says what to do"
    assert t["resolved"]["repo_id"] == target.split("@")[0]


@pytest.mark.slow
def test_failures_block_under_fail_closed_and_time_is_bounded(run_all) -> None:  # type: ignore[no-untyped-def]
    run, elapsed = run_all
    assert run.code == 1
    assert "Traceback" not in run.stderr
    # One slow repo at hub-timeout=1 s: no retries with 60 s timeouts, no backoff.
    assert elapsed < 30


@pytest.mark.slow
def test_gated_hint_says_request_access_log_in_or_allowlist(run_all) -> None:  # type: ignore[no-untyped-def]
    hint = run_all[0].target("org/gated")["problems"][0]["hint"]
    assert "request access" in hint and "HF_TOKEN" in hint and "allowlist" in hint


@pytest.mark.slow
def test_report_pins_repo_commit_and_config(run_all) -> None:  # type: ignore[no-untyped-def]
    t = run_all[0].target("org/clean")
    assert t["resolved"] == {
        "repo_id": "org/clean",
        "commit": SHA["org/clean"],
        "configs": "default",
        "config": "default",
    }


@pytest.mark.slow
def test_missing_card_is_said_and_not_an_error(run_all) -> None:  # type: ignore[no-untyped-def]
    t = run_all[0].target("org/no-card")
    assert any("no dataset card" in n for n in t["notes"])


@pytest.mark.slow
def test_revision_pins_the_given_commit(check_hub) -> None:  # type: ignore[no-untyped-def]
    sha = SHA["org/clean"]
    run = check_hub(f"org/clean@{sha}", args=("--no-records",))
    t = run.target(f"org/clean@{sha}")
    assert t["verdict"] == "pass"
    assert t["resolved"]["commit"] == sha and t["resolved"]["revision"] == sha


@pytest.mark.slow
def test_token_from_hf_token_opens_a_private_repo(check_hub) -> None:  # type: ignore[no-untyped-def]
    run = check_hub("org/private", args=("--no-records",), HF_TOKEN="hf_testtoken")
    assert run.target("org/private")["verdict"] == "pass"


@pytest.mark.slow
def test_fail_open_lets_unchecked_targets_through(check_hub) -> None:  # type: ignore[no-untyped-def]
    run = check_hub("org/broken", args=("--no-records", "--fail-open"))
    assert run.target("org/broken")["verdict"] == "error"
    assert run.code == 0


@pytest.mark.slow
def test_allowlist_with_reason_suppresses_a_gated_problem(check_hub) -> None:  # type: ignore[no-untyped-def]
    config = '[[allow]]\ndataset = "org/gated"\nreason = "licensed directly from the authors"\n'
    run = check_hub("org/gated", config=config, args=("--no-records",))
    t = run.target("org/gated")
    assert t["verdict"] == "pass" and t["suppressed"][0]["problem"]["code"] == "hub-gated"


@pytest.mark.slow
def test_offline_with_an_empty_cache_is_a_clear_error(check_hub) -> None:  # type: ignore[no-untyped-def]
    run = check_hub("org/clean", offline=True)
    t = run.target("org/clean")
    assert t["verdict"] == "error" and t["problems"][0]["code"] == "hub-offline-no-cache"
    assert run.code == 1 and "Traceback" not in run.stderr


@pytest.mark.slow
def test_offline_with_a_cached_card_works(check_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "shared-hf"
    online = check_hub("org/x-holding", "org/clean", args=("--no-records",), hf_home=home)
    assert online.target("org/x-holding")["verdict"] == "block"
    offline = check_hub("org/x-holding", "org/clean", hf_home=home, offline=True, args=("--no-records",))
    blocked, clean = offline.target("org/x-holding"), offline.target("org/clean")
    assert blocked["verdict"] == "block" and clean["verdict"] == "pass"
    assert clean["resolved"]["commit"] == SHA["org/clean"]
    assert any("HF_HUB_OFFLINE" in n for n in clean["notes"])
    # Without --no-records, a clean card does not pass for records nobody read.
    unread = check_hub("org/x-holding", "org/clean", hf_home=home, offline=True)
    blocked, clean = unread.target("org/x-holding"), unread.target("org/clean")
    assert blocked["verdict"] == "block"  # the card's own findings still block
    assert clean["verdict"] == "error" and [p["code"] for p in clean["problems"]] == [
        "hub-offline-no-records"
    ]
    assert "--no-records" in clean["problems"][0]["hint"]
