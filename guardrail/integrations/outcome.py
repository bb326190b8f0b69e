"""Decide on gathered evidence and act on it the same way in every integration.

Blocked (or unchecked, unless failing open) raises `GuardrailViolation`; warnings go to the
`guardrail` logger, where users route them like any other library warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache

from guardrail.config import GuardrailConfig
from guardrail.errors import GuardrailViolation
from guardrail.findings import Evidence, Report, TargetReport, Verdict
from guardrail.policy import decide

logger = logging.getLogger("guardrail")


def for_config(evidence: Evidence, config_name: str | None) -> Evidence:
    """Keep the findings that concern `config_name` (findings naming no config concern all).

    With `config_name=None` only findings that name no config are kept: before a load has
    picked its config, evidence about another config must not block it.
    """
    findings = tuple(f for f in evidence.findings if not f.configs or config_name in f.configs)
    resolved = dict(evidence.resolved)
    if config_name:
        resolved["config"] = config_name
    return Evidence(
        target=evidence.target,
        findings=findings,
        problems=evidence.problems,
        notes=evidence.notes,
        scan=evidence.scan,
        resolved=resolved,
    )


def judge(evidence: Iterable[Evidence], config: GuardrailConfig) -> Report:
    """One report with a target per piece of evidence, under `config`."""
    return Report(targets=tuple(decide(e, config) for e in evidence), fail_open=config.fail_open)


def enforce(report: Report, context: str) -> None:
    """Raise if `report` stops the data; log its warnings otherwise.

    Raises:
        GuardrailViolation: if a target is blocked, or could not be checked and the
            configuration does not fail open.
    """
    if report.blocked:
        raise violation_class(report)(report, context)
    warned = [t for t in report.targets if t.verdict in (Verdict.WARN, Verdict.ERROR)]
    if warned:
        logger.warning("guardrail warnings for %s:\n%s", context, _describe(warned))


def _describe(targets: list[TargetReport]) -> str:
    lines: list[str] = []
    for t in targets:
        lines.append(f"  {t.verdict.value.upper()} {t.target}")
        lines.extend(f"    {f.rule_id} [{f.severity.value}] {f.message} ({f.location})" for f in t.findings)
        lines.extend(f"    could not check: {p.message}" for p in t.problems)
    return "\n".join(lines)


# Hub problems under which `datasets.load_dataset` raises DatasetNotFoundError; the other
# `hub-*` problems (offline, timeout, network, server errors) are its ConnectionError.
_NOT_FOUND_CODES = frozenset(
    {
        "hub-gated",
        "hub-unauthorized",
        "hub-not-found",
        "hub-revision-not-found",
        "hub-forbidden",
        "hub-disabled",
    }
)


def violation_class(report: Report) -> type[GuardrailViolation]:
    """`GuardrailViolation`, or a subclass that is also the error `datasets` raises when the
    only reason for blocking is that the Hub could not be reached or read.

    Code written for `datasets.load_dataset` (`except ConnectionError`, `except
    DatasetNotFoundError`) then keeps working with the drop-in.
    """
    blocked = report.blocked
    codes = {p.code for t in blocked for p in t.problems}
    only_hub = (
        bool(codes)
        and all(t.verdict is Verdict.ERROR and not t.findings for t in blocked)
        and all(c.startswith("hub-") for c in codes)
    )
    if not only_hub:
        return GuardrailViolation
    return _hub_violation(not_found=codes <= _NOT_FOUND_CODES)


@cache
def _hub_violation(not_found: bool) -> type[GuardrailViolation]:
    if not_found:
        from datasets.exceptions import DatasetNotFoundError

        base: type[OSError] = DatasetNotFoundError
    else:
        base = ConnectionError

    def __init__(self: GuardrailViolation, report: Report, context: str = "") -> None:
        GuardrailViolation.__init__(self, report, context)
        # OSError.__new__ read (report, context) as (errno, strerror): not an OS error number.
        self.errno = self.strerror = None  # type: ignore[attr-defined]

    name = "HubNotFoundViolation" if not_found else "HubUnreachableViolation"
    return type(
        name,
        (GuardrailViolation, base),
        {"__init__": __init__, "__str__": BaseException.__str__, "__module__": __name__},
    )
