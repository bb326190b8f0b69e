"""What a check produces: findings with evidence, problems, and one verdict per target.

Everything here is a frozen dataclass so results can be hashed, compared and passed
between the engine, the policy and the reporters without anyone changing them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from guardrail._version import __version__
from guardrail.redact import redact

EVIDENCE_MAX_CHARS = 160


class Severity(StrEnum):
    """How strongly a finding says the data came from X.

    `high` blocks on its own; `medium` warns, and blocks when corroborated by another
    signal family; `low` is informational and only warns.
    """

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1}[self.value]


class Verdict(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    PASS = "pass"
    ERROR = "error"  # could not be checked


class Family(StrEnum):
    """Independent signal families; agreement between two of them corroborates."""

    CARD_METADATA = "card-metadata"
    CARD_PROSE = "card-prose"
    LINEAGE = "lineage"
    KNOWLEDGE = "knowledge"
    RECORDS = "records"
    INPUT = "input"  # about the input itself (malformed card, unreadable rows)


def shorten(text: str, limit: int = EVIDENCE_MAX_CHARS) -> str:
    """Collapse whitespace and cut `text` so evidence stays one readable line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class Location:
    """Where a person can go to see the evidence.

    Cards are located by file and line (plus the YAML key path for metadata); records by
    config, split, row and column (a dotted path for nested fields).
    """

    path: str | None = None
    line: int | None = None
    key: str | None = None
    section: str | None = None  # the card heading a prose finding sits under
    config: str | None = None
    split: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        # "line N" counts from 1 as editors do (cards, JSON Lines, CSV, text); "row N" counts
        # from 0 as `datasets` does, and is shown only where no file line is known.
        parts: list[str] = []
        if self.path:
            parts.append(self.path)
        if self.line:
            parts.append(f"line {self.line}")
        if self.key:
            parts.append(f"key {self.key}")
        if self.section:
            parts.append(f"section '{self.section}'")
        if self.config:
            parts.append(f"config {self.config}")
        if self.split:
            parts.append(f"split {self.split}")
        if self.row is not None and not self.line:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts) or "(target)"

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Finding:
    """One piece of evidence that a target holds X content.

    Args:
        rule_id: Stable identifier of the rule that fired (`GR101`); never renumbered.
        severity: How strong the evidence is.
        message: One sentence a person can act on.
        location: Where the evidence is.
        evidence: The matched text, shortened.
        family: Which signal family the rule belongs to.
        configs: Dataset configs the evidence concerns, when the source says so.
        matched: For record rules, how many rows matched.
        scanned: For record rules, how many rows were scanned.
        chain: For lineage, the datasets from the target up to the one with the evidence.
    """

    rule_id: str
    severity: Severity
    message: str
    location: Location
    evidence: str
    family: Family
    configs: tuple[str, ...] = ()
    matched: int | None = None
    scanned: int | None = None
    chain: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Evidence and messages can quote a server's answer: no token may ride along.
        object.__setattr__(self, "message", redact(self.message))
        object.__setattr__(self, "evidence", redact(self.evidence))

    @property
    def fingerprint(self) -> str:
        """Identity that survives unrelated edits: the line number is left out."""
        loc = replace(self.location, line=None, row=None)
        raw = "\x1f".join([self.rule_id, str(loc), self.evidence])
        # surrogateescape: a file name that is not UTF-8 hashes as its own bytes.
        return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Finding:
        """The inverse of `to_dict`; unknown location keys (from another version) are ignored."""
        known = {f.name for f in fields(Location)}
        return cls(
            rule_id=str(raw["rule_id"]),
            severity=Severity(raw["severity"]),
            message=str(raw["message"]),
            location=Location(**{k: v for k, v in raw.get("location", {}).items() if k in known}),
            evidence=str(raw.get("evidence", "")),
            family=Family(raw["family"]),
            configs=tuple(raw.get("configs", ())),
            matched=raw.get("matched"),
            scanned=raw.get("scanned"),
            chain=tuple(raw.get("chain", ())),
        )

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.to_dict(),
            "evidence": self.evidence,
            "family": self.family.value,
            "fingerprint": self.fingerprint,
        }
        if self.configs:
            out["configs"] = list(self.configs)
        if self.matched is not None:
            out["matched"] = self.matched
        if self.scanned is not None:
            out["scanned"] = self.scanned
        if self.chain:
            out["chain"] = list(self.chain)
        return out


@dataclass(frozen=True)
class Problem:
    """Something that could not be checked. Never a pass: the policy decides on it.

    Args:
        code: Stable kind of problem (`hub-gated`, `unreadable-file`, ...).
        message: What went wrong, naming the file/repo and line where known.
        hint: What the user can do about it.
    """

    code: str
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        # Problems quote exceptions and Hub error bodies, which can echo the request's token.
        object.__setattr__(self, "message", redact(self.message))
        object.__setattr__(self, "hint", redact(self.hint))

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


INTERNAL_ERROR = "internal-error"


def internal_error(where: str, exc: BaseException) -> Problem:
    """A failure of guardrail's own code: could-not-check that blocks even when failing open."""
    return Problem(
        INTERNAL_ERROR,
        f"{where}: guardrail failed while checking: {type(exc).__name__}: {exc}",
        "please report this as a guardrail bug; allowlist the target with a reason to proceed",
    )


@dataclass(frozen=True)
class Suppressed:
    """A finding (or a could-not-check problem) the configuration silenced, and why."""

    item: Finding | Problem
    reason: str
    by: str  # "allowlist" or "severity-override"

    def to_dict(self) -> dict[str, object]:
        kind = "finding" if isinstance(self.item, Finding) else "problem"
        return {kind: self.item.to_dict(), "reason": self.reason, "by": self.by}


@dataclass(frozen=True)
class ScanInfo:
    """How much of a target's records were read."""

    mode: str  # "full" | "sample" | "none"
    rows_scanned: int = 0
    rows_total: int | None = None
    bytes_scanned: int = 0
    engine: str | None = None  # the prefilter that picked candidates: "hyperscan" or "re2"

    def describe(self) -> str:
        if self.mode == "none":
            return "records not scanned"
        total = f" of {self.rows_total:,}" if self.rows_total is not None else ""
        return f"{self.mode} scan: {self.rows_scanned:,}{total} rows"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"mode": self.mode, "rows_scanned": self.rows_scanned}
        if self.rows_total is not None:
            out["rows_total"] = self.rows_total
        out["bytes_scanned"] = self.bytes_scanned
        if self.engine is not None:
            out["engine"] = self.engine
        return out


@dataclass(frozen=True)
class Evidence:
    """What the engine gathered about one target before the policy decides."""

    target: str
    findings: tuple[Finding, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    scan: ScanInfo | None = None
    resolved: dict[str, str] = field(default_factory=dict)  # e.g. repo_id, commit, path

    def merge(self, other: Evidence) -> Evidence:
        return Evidence(
            target=self.target,
            findings=self.findings + other.findings,
            problems=self.problems + other.problems,
            notes=self.notes + tuple(n for n in other.notes if n not in self.notes),
            scan=other.scan or self.scan,
            resolved={**self.resolved, **other.resolved},
        )

    def __hash__(self) -> int:
        return hash((self.target, self.findings, self.problems, self.notes, self.scan))


@dataclass(frozen=True)
class TargetReport:
    """The decision for one target and everything that led to it."""

    target: str
    verdict: Verdict
    findings: tuple[Finding, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    scan: ScanInfo | None = None
    resolved: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.target, self.verdict, self.findings, self.suppressed, self.problems))

    @property
    def blocked(self) -> bool:
        return self.verdict is Verdict.BLOCK

    @property
    def failed_internally(self) -> bool:
        """Whether guardrail's own code failed on this target (an `internal-error` problem)."""
        return any(p.code == INTERNAL_ERROR for p in self.problems)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "target": self.target,
            "verdict": self.verdict.value,
            "findings": [f.to_dict() for f in self.findings],
            "suppressed": [s.to_dict() for s in self.suppressed],
            "problems": [p.to_dict() for p in self.problems],
            "notes": list(self.notes),
        }
        if self.scan is not None:
            out["scan"] = self.scan.to_dict()
        if self.resolved:
            out["resolved"] = dict(self.resolved)
        return out


@dataclass(frozen=True)
class BaselineEntry:
    """A finding recorded in a baseline file: known, accepted, identified by fingerprint."""

    fingerprint: str
    rule_id: str
    target: str
    location: str
    evidence: str

    def to_dict(self) -> dict[str, str]:
        return {
            "fingerprint": self.fingerprint,
            "rule_id": self.rule_id,
            "target": self.target,
            "location": self.location,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Report:
    """The result of one check over one or more targets.

    `stale_baseline` lists baseline entries that no finding of this run matched any more.
    """

    targets: tuple[TargetReport, ...]
    fail_open: bool = False
    guardrail_version: str = __version__
    stale_baseline: tuple[BaselineEntry, ...] = ()

    @property
    def blocked(self) -> tuple[TargetReport, ...]:
        """Targets that stop the run: blocked ones, and unchecked ones unless failing open.

        A target guardrail could not check because its own code failed stops the run even
        when failing open: `fail_open` waives unreachable data, not guardrail's bugs.
        """
        stop = {Verdict.BLOCK} if self.fail_open else {Verdict.BLOCK, Verdict.ERROR}
        return tuple(t for t in self.targets if t.verdict in stop or t.failed_internally)

    @property
    def exit_code(self) -> int:
        return 1 if self.blocked else 0

    @property
    def suppressed_count(self) -> int:
        return sum(len(t.suppressed) for t in self.targets)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "guardrail_version": self.guardrail_version,
            "targets": [t.to_dict() for t in self.targets],
            "summary": {v.value: sum(1 for t in self.targets if t.verdict is v) for v in Verdict}
            | {"suppressed": self.suppressed_count},
        }
        if self.stale_baseline:
            out["stale_baseline"] = [e.to_dict() for e in self.stale_baseline]
        return out
