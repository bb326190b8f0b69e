"""The provenance channel: what `guardrail.load_dataset` checked, carried inside `Dataset.info`.

Callbacks never see `train_dataset` or the card (design.md §3), so the loader leaves a note on
the data itself. The note lives in `DatasetInfo.description` because that is the one field that
`datasets` carries through `map`, `filter`, `select`, `remove_columns`, `shuffle`,
`train_test_split`, `save_to_disk`, `concatenate_datasets` and `interleave_datasets` (for
`Dataset` and `IterableDataset` alike), and `load_dataset` leaves it empty.

Format: one line per checked source, `guardrail-provenance/v1 {json}`. One line each, because
concatenation joins differing descriptions with a blank line: after `concatenate_datasets` the
description holds every input's lines, and reading all of them gives the union of sources.

What the channel cannot say, by construction:

- Concatenation drops empty descriptions, so `concatenate_datasets([guarded, unguarded])` reads
  as if it were all guarded. Provenance therefore never stands in for a record scan: the callback
  scans what reaches the dataloader whether or not provenance is present.
- `to_iterable_dataset()`, pandas and parquet round trips lose `info` and the channel with it.

The stored evidence is the policy's *input* (findings before allowlists and severity overrides),
so the callback re-decides it under its own configuration.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from guardrail.findings import Evidence, Family, Finding, Location, Problem, ScanInfo, Severity

MARKER = "guardrail-provenance/v1 "
# Enough to explain a verdict; a record scan that matched thousands of rows aggregates per rule.
MAX_STORED_FINDINGS = 50
_RANK = {"pass": 0, "warn": 1, "error": 2, "block": 3}


@dataclass(frozen=True)
class ProvenanceEntry:
    """What the loader knew about one source when it handed the data over.

    Args:
        target: The `path` given to `load_dataset` (folder, builder name or Hub ID).
        config: The dataset config that was loaded, if any.
        verdict: The loader's verdict (`pass` or `warn`; blocked data is never returned).
        resolved: Pins: local path, Hub repo ID and commit, data files.
        splits: Split name -> number of rows at load time (`None` when streaming).
        fingerprints: Split name -> `datasets` fingerprint at load time.
        evidence: The findings and problems the verdict was decided on, before the policy.
        scan: How much of the records the loader read.
        checked_at: ISO 8601 time of the check.
        guardrail_version: The guardrail version that ran the check.
        streaming: Whether the data was loaded with `streaming=True` (guarded while iterated).
    """

    target: str
    config: str | None
    verdict: str
    resolved: Mapping[str, str] = field(default_factory=dict)
    splits: Mapping[str, int | None] = field(default_factory=dict)
    fingerprints: Mapping[str, str] = field(default_factory=dict)
    evidence: Evidence | None = None
    scan: ScanInfo | None = None
    checked_at: str = ""
    guardrail_version: str = ""
    streaming: bool = False

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.target, self.config, self.resolved.get("commit", ""))

    def to_dict(self) -> dict[str, Any]:
        findings = self.evidence.findings if self.evidence else ()
        out: dict[str, Any] = {
            "target": self.target,
            "config": self.config,
            "verdict": self.verdict,
            "resolved": dict(self.resolved),
            "splits": dict(self.splits),
            "fingerprints": dict(self.fingerprints),
            "findings": [f.to_dict() for f in findings[:MAX_STORED_FINDINGS]],
            "findings_total": len(findings),
            "problems": [p.to_dict() for p in (self.evidence.problems if self.evidence else ())],
            "checked_at": self.checked_at,
            "guardrail_version": self.guardrail_version,
            "streaming": self.streaming,
        }
        if self.scan is not None:
            out["scan"] = self.scan.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ProvenanceEntry:
        target = str(raw["target"])
        evidence = Evidence(
            target=target,
            findings=tuple(_finding(f) for f in raw.get("findings", ())),
            problems=tuple(Problem(**p) for p in raw.get("problems", ())),
            resolved={str(k): str(v) for k, v in raw.get("resolved", {}).items()},
        )
        scan = raw.get("scan")
        return cls(
            target=target,
            config=raw.get("config"),
            verdict=str(raw.get("verdict", "")),
            resolved=dict(evidence.resolved),
            splits=dict(raw.get("splits", {})),
            fingerprints=dict(raw.get("fingerprints", {})),
            evidence=evidence,
            scan=ScanInfo(**scan) if isinstance(scan, dict) else None,
            checked_at=str(raw.get("checked_at", "")),
            guardrail_version=str(raw.get("guardrail_version", "")),
            streaming=bool(raw.get("streaming", False)),
        )


_LOCATION_FIELDS = frozenset(f.name for f in dataclasses.fields(Location))


def _finding(raw: Mapping[str, Any]) -> Finding:
    return Finding(
        rule_id=str(raw["rule_id"]),
        severity=Severity(raw["severity"]),
        message=str(raw["message"]),
        # Only known fields: a marker written by another guardrail version must still load.
        location=Location(**{k: v for k, v in raw.get("location", {}).items() if k in _LOCATION_FIELDS}),
        evidence=str(raw.get("evidence", "")),
        family=Family(raw["family"]),
        configs=tuple(raw.get("configs", ())),
        matched=raw.get("matched"),
        scanned=raw.get("scanned"),
        chain=tuple(raw.get("chain", ())),
    )


def encode(entries: Iterable[ProvenanceEntry], description: str = "") -> str:
    """Return `description` with its provenance lines replaced by `entries` (others kept)."""
    kept = [line for line in description.split("\n") if not line.startswith(MARKER)]
    body = "\n".join(kept).strip()
    lines = [MARKER + json.dumps(e.to_dict(), sort_keys=True, separators=(",", ":")) for e in entries]
    return "\n".join([body, *lines] if body else lines)


def decode(description: str | None) -> tuple[ProvenanceEntry, ...]:
    """Every provenance entry in a description, duplicates (same source) merged.

    Lines that do not parse are skipped: the description is user-writable text, and a broken
    note must not stop a run that the record scan can still judge.
    """
    found: dict[tuple[str, str | None, str], ProvenanceEntry] = {}
    for line in (description or "").split("\n"):
        if not line.startswith(MARKER):
            continue
        try:
            entry = ProvenanceEntry.from_dict(json.loads(line[len(MARKER) :]))
        except (ValueError, KeyError, TypeError):
            continue
        previous = found.get(entry.key)
        if previous is not None:
            entry = _merge(previous, entry)
        found[entry.key] = entry
    return tuple(found.values())


def _merge(a: ProvenanceEntry, b: ProvenanceEntry) -> ProvenanceEntry:
    # The same source stamped twice (say, train and test of one load, concatenated back):
    # keep one entry with the splits of both.
    return ProvenanceEntry(
        target=a.target,
        config=a.config,
        verdict=max(a.verdict, b.verdict, key=lambda v: _RANK.get(v, len(_RANK))),
        resolved=a.resolved,
        splits={**a.splits, **b.splits},
        fingerprints={**a.fingerprints, **b.fingerprints},
        evidence=a.evidence,
        scan=a.scan,
        checked_at=max(a.checked_at, b.checked_at),
        guardrail_version=a.guardrail_version,
        streaming=a.streaming or b.streaming,
    )


def stamp(dataset: Any, entries: Iterable[ProvenanceEntry]) -> None:
    """Write `entries` into `dataset.info.description` (a `Dataset` or `IterableDataset`).

    Existing entries are kept: stamping adds sources, it never forgets one.
    """
    info = dataset.info
    merged = {e.key: e for e in decode(info.description)}
    for entry in entries:
        merged[entry.key] = _merge(merged[entry.key], entry) if entry.key in merged else entry
    info.description = encode(merged.values(), info.description or "")


def read(dataset: Any) -> tuple[ProvenanceEntry, ...]:
    """The provenance entries a dataset carries; empty if it never went through the loader."""
    info = getattr(dataset, "info", None)
    return decode(getattr(info, "description", None))
