"""What every integration shares: scan rows batch by batch, then decide and act the same way.

Scanning: every call from an integration into the record scanner goes through `BatchScanner` or
`dataset_evidence`, so the integrations share one idea of what "scan these rows" means.
Acting: blocked (or unchecked, unless failing open) raises `GuardrailViolation`; warnings go to
the `guardrail` logger, where users route them like any other library warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from guardrail.config import GuardrailConfig
from guardrail.errors import GuardrailViolation
from guardrail.findings import Evidence, Report, TargetReport, Verdict
from guardrail.policy import decide

if TYPE_CHECKING:
    import pyarrow as pa

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


def render_text(report: Report) -> str:
    """The plain-text report a `GuardrailViolation` shows (`str(exc)`)."""
    from guardrail.reporters import FORMATS, PLAIN

    return FORMATS["text"](report, PLAIN)  # the masking pass included


def enforce(report: Report, context: str) -> None:
    """Raise if `report` stops the data; log its warnings otherwise.

    Raises:
        GuardrailViolation: if a target is blocked, or could not be checked and the
            configuration does not fail open.
    """
    if report.blocked:
        raise violation_class(report)(report, context, render_text)
    warned = [t for t in report.targets if t.verdict in (Verdict.WARN, Verdict.ERROR)]
    if warned:
        logger.warning("guardrail warnings for %s:\n%s", context, _describe(warned))


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
    unreadable_only = all(t.verdict is Verdict.ERROR and not t.findings for t in blocked)
    if not codes or not unreadable_only or not all(c.startswith("hub-") for c in codes):
        return GuardrailViolation
    return _hub_violation(not_found=codes <= _NOT_FOUND_CODES)


@cache
def _hub_violation(not_found: bool) -> type[GuardrailViolation]:
    if not_found:
        from datasets.exceptions import DatasetNotFoundError

        base: type[OSError] = DatasetNotFoundError
    else:
        base = ConnectionError

    def __init__(self: Any, report: Report, context: str = "", render: Any = None) -> None:
        GuardrailViolation.__init__(self, report, context, render)
        # OSError.__new__ read our arguments as (errno, strerror, filename): not OS values.
        self.errno = self.strerror = self.filename = None

    name = "HubNotFoundViolation" if not_found else "HubUnreachableViolation"
    return type(
        name,
        (GuardrailViolation, base),
        {"__init__": __init__, "__str__": BaseException.__str__, "__module__": __name__},
    )


def _describe(targets: list[TargetReport]) -> str:
    lines: list[str] = []
    for t in targets:
        lines.append(f"  {t.verdict.value.upper()} {t.target}")
        lines.extend(f"    {f.rule_id} [{f.severity.value}] {f.message} ({f.location})" for f in t.findings)
        lines.extend(f"    could not check: {p.message}" for p in t.problems)
    return "\n".join(lines)


def dataset_evidence(dataset: Any, config: GuardrailConfig, target: str) -> Evidence:
    """Record evidence for a `Dataset` or `DatasetDict` (full scan or sample, as configured).

    Reused from the check cache when the same data (by `datasets` fingerprint) was scanned
    under the same configuration before (`guardrail.cache`).
    """
    from guardrail.cache import CheckCache, dataset_parts
    from guardrail.integrations.datasets.dataset_scan import dataset_records_evidence

    return CheckCache(config).through(
        "dataset-records",
        dataset_parts(dataset),
        target,
        lambda: dataset_records_evidence(dataset, config, target=target),
    )


class BatchScanner:
    """Scan a stream batch by batch and keep the evidence so far (picklable, for workers).

    Args:
        config: The policy; also sets sampling limits for the underlying scanner.
        target: Name the evidence is reported under.
        split: Split name for locations.
        config_name: Dataset config name for locations.
    """

    def __init__(
        self,
        config: GuardrailConfig,
        target: str,
        *,
        split: str | None = None,
        config_name: str | None = None,
    ) -> None:
        self.config = config
        self.target = target
        self.split = split
        self.config_name = config_name
        self.rows = 0
        self._scanner: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # The scanner may hold compiled patterns; each worker builds its own.
        state = dict(self.__dict__)
        state["_scanner"] = None
        return state

    def scan(self, batch: pa.RecordBatch | pa.Table) -> Evidence:
        """Scan one batch (rows numbered after the previous batches) and return all evidence so far."""
        if self._scanner is None:
            from guardrail.scan.scanner import RecordScanner

            self._scanner = RecordScanner(self.config)
        self._scanner.scan_batch(batch, split=self.split, config_name=self.config_name, row_offset=self.rows)
        self.rows += batch.num_rows
        return self.evidence()

    def evidence(self) -> Evidence:
        if self._scanner is None:
            return Evidence(target=self.target)
        evidence: Evidence = self._scanner.evidence(self.target)
        return evidence


def texts_batch(texts: Sequence[str], column: str = "text") -> pa.RecordBatch:
    """A one-column record batch of decoded text, for scanning tokenised data."""
    import pyarrow as pa

    return pa.record_batch({column: pa.array(list(texts), type=pa.string())})
