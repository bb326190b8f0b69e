"""`guardrail.scrub`: drop the rows that carry X evidence from a `datasets` dataset, and say so.

Row decisions come from `row_hits`, the same per-row matching the Ray engine's
`filter_dataset` uses, so both drop the same rows of the same data. What rows cannot change is
refused instead: a card, lineage or knowledge-base finding says where the *whole* dataset came
from, and dataset-level record evidence (a tweet-shaped schema) stays after any row is dropped.
So the kept rows are scanned again as they are produced, and the result must pass that scan.

The result carries a provenance entry (`guardrail.integrations.datasets.provenance_channel`) with the rules,
the counts and the log, so the callback and its audit record can tell the data was scrubbed.
Earlier entries keep their card evidence but lose their record findings: those described rows
that are gone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa

from guardrail._version import __version__
from guardrail.config import GuardrailConfig, load_config
from guardrail.errors import ScrubRefused
from guardrail.findings import Evidence, Family, Report, Severity
from guardrail.integrations.datasets import provenance_channel as provenance
from guardrail.integrations.library_internals import fingerprint
from guardrail.integrations.shared import judge, logger, render_text
from guardrail.scan.row_hits import DEFAULT_DROP_RULES, RowEvidence, row_hits
from guardrail.scan.scanner import RecordScanner

BATCH_ROWS = 10_000
# What says where the whole dataset came from; no subset of its rows can escape it.
SOURCE_FAMILIES = frozenset({Family.CARD_METADATA, Family.CARD_PROSE, Family.LINEAGE, Family.KNOWLEDGE})


@dataclass(frozen=True)
class ScrubSummary:
    """What `scrub` dropped and what the kept rows were judged.

    Args:
        rules: Rule IDs whose row-level evidence dropped a row.
        rows_scanned: Rows looked at, in all splits.
        rows_dropped: Rows dropped (each one in the log, when a log was asked for).
        by_rule: Dropped rows per rule ID (a row can count for several rules).
        by_split: Dropped rows per split.
        log: The JSON Lines exclusion log, if one was written.
        verdict: The verdict on the kept rows (`pass` or `warn`; a block is refused).
    """

    rules: tuple[str, ...]
    rows_scanned: int
    rows_dropped: int
    by_rule: Mapping[str, int] = field(default_factory=dict)
    by_split: Mapping[str, int] = field(default_factory=dict)
    log: Path | None = None
    verdict: str = "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": list(self.rules),
            "rows_scanned": self.rows_scanned,
            "rows_dropped": self.rows_dropped,
            "by_rule": dict(self.by_rule),
            "by_split": dict(self.by_split),
            "log": str(self.log) if self.log is not None else None,
            "verdict": self.verdict,
        }


class Excluder:
    """Finds the rows to drop batch by batch, logs them, and scans the rows that stay.

    One per scrub (all splits), so the counts and the log cover the whole dataset.

    Args:
        config: The policy and the scanner's configuration.
        rules: Rule IDs whose row-level evidence drops a row.
        log: An open text file for the JSON Lines log, or None.
        target: Name of the data in reports.
    """

    def __init__(
        self, config: GuardrailConfig, rules: frozenset[str], log: IO[str] | None, target: str
    ) -> None:
        self.config = config
        self.rules = rules
        self.log = log
        self.target = target
        self.kept_scan = RecordScanner(config)
        self.rows_scanned = 0
        self.by_rule: dict[str, int] = {}
        self.by_split: dict[str, int] = {}
        self._kept_rows: dict[str | None, int] = {}

    def keep_mask(self, batch: pa.Table, *, split: str | None, first_row: int) -> np.ndarray:
        """Which rows of `batch` stay; dropped ones are logged (rows numbered within the split)."""
        hits = row_hits(batch, self.config, self.rules)
        keep = np.ones(batch.num_rows, dtype=bool)
        for row, evidence in hits.items():
            keep[row] = False
            self._record(split, first_row + row, evidence)
        self.rows_scanned += batch.num_rows
        kept = batch.filter(pa.array(keep)) if hits else batch
        offset = self._kept_rows.get(split, 0)
        # Locations in the kept rows' findings are rows of the scrubbed data.
        self.kept_scan.scan_batch(kept, split=split, row_offset=offset)
        self._kept_rows[split] = offset + kept.num_rows
        return keep

    def _record(self, split: str | None, row: int, evidence: tuple[RowEvidence, ...]) -> None:
        rule_ids = sorted({e.rule_id for e in evidence})
        for r in rule_ids:
            self.by_rule[r] = self.by_rule.get(r, 0) + 1
        key = split or "train"
        self.by_split[key] = self.by_split.get(key, 0) + 1
        if self.log is not None:
            # The Ray engine's log format, with no source file for in-memory data.
            line = {
                "path": None,
                "row": row,
                "split": split,
                "rules": rule_ids,
                "evidence": [e.to_dict() for e in evidence],
            }
            self.log.write(json.dumps(line, ensure_ascii=False) + "\n")

    def kept_evidence(self, card: Evidence) -> tuple[Evidence, Report]:
        """The kept rows' evidence (with the card's) and the policy's report on it."""
        evidence = card.merge(self.kept_scan.evidence(self.target, mode="full"))
        return evidence, judge([evidence], self.config)

    def summary(self, log: Path | None, verdict: str) -> ScrubSummary:
        return ScrubSummary(
            rules=tuple(sorted(self.rules)),
            rows_scanned=self.rows_scanned,
            rows_dropped=sum(self.by_split.values()),
            by_rule=dict(sorted(self.by_rule.items())),
            by_split=dict(self.by_split),
            log=log,
            verdict=verdict,
        )


def scrub(
    dataset: Any,
    *,
    exclusion_log: str | Path | None = None,
    config: GuardrailConfig | None = None,
    rules: Iterable[str] = DEFAULT_DROP_RULES,
    batch_size: int = BATCH_ROWS,
) -> tuple[Any, ScrubSummary]:
    """Return `dataset` without the rows that carry row-level X (Twitter) evidence.

    Map-style data is read once (the kept rows are selected by index); iterable data is read
    once up front to write the log and the summary, and the returned stream drops the same
    rows again as it is iterated (the decision depends on the row alone).

    Args:
        dataset: A `datasets.Dataset`, `DatasetDict`, `IterableDataset` or `IterableDatasetDict`.
        exclusion_log: Write one JSON line per dropped row here (`path`, `row` within its
            split, `split`, `rules`, `evidence`); overwritten. None writes no log.
        config: The policy; discovered from the working directory when omitted, as the CLI does.
        rules: Rule IDs whose row-level evidence drops a row (default: every record value
            rule but GR404 profile links and GR411 bare snowflake IDs, as `filter_dataset`).
        batch_size: Rows per scanned batch.

    Returns:
        The same type as `dataset`, without the dropped rows, and a `ScrubSummary`.

    Raises:
        ScrubRefused: if the data's card, lineage or a knowledge-base entry (from the provenance
            `guardrail.load_dataset` left) says it came from X, or if the kept rows are still
            blocked (say, tweet-shaped columns): removing rows cannot change either.
        TypeError: if `dataset` is none of the supported types.
    """
    import datasets

    config = config if config is not None else load_config()
    parts, rebuild = _splits(dataset, datasets)
    name = _name(parts)
    card = _card_evidence(parts, name)
    refuse_source(card, config, name)
    log_path = Path(exclusion_log) if exclusion_log is not None else None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        log = stack.enter_context(log_path.open("w", encoding="utf-8")) if log_path is not None else None
        excluder = Excluder(config, frozenset(rules), log, name)
        out: dict[str, Any] = {}
        for split, part in parts.items():
            if isinstance(part, datasets.Dataset):
                out[split] = _scrub_table(part, split, excluder, batch_size)
            else:
                out[split] = _scrub_stream(part, split, excluder, batch_size)
    evidence, report = excluder.kept_evidence(card)
    if report.blocked:
        raise ScrubRefused(report, f"guardrail.scrub({name}): the rows left after scrubbing", render_text)
    summary = excluder.summary(log_path, report.targets[0].verdict.value)
    _stamp(out, name, evidence, report, summary)
    if summary.rows_dropped:
        logger.warning(
            "guardrail: scrub dropped %d of %d rows with X evidence (%s)%s",
            summary.rows_dropped,
            summary.rows_scanned,
            ", ".join(f"{r}: {n}" for r, n in summary.by_rule.items()),
            f"; reasons in {log_path}" if log_path else "",
        )
    return rebuild(out), summary


def refuse_source(card: Evidence, config: GuardrailConfig, name: str) -> None:
    """Raise `ScrubRefused` if `card` holds source-level evidence the policy keeps.

    Low-severity mentions ("follow us on Twitter") do not refuse; neither do findings an
    allowlist entry suppresses. A card that could not be checked refuses unless failing open.
    """
    report = judge([card], config)
    target = report.targets[0]
    source = [f for f in target.findings if f.family in SOURCE_FAMILIES and f.severity is not Severity.LOW]
    if source or (target.problems and not config.fail_open):
        kept = dataclasses.replace(target, findings=tuple(source) or target.findings)
        why = "; ".join(f"{f.rule_id} {f.message}" for f in source) or "the card could not be checked"
        raise ScrubRefused(
            Report(targets=(kept,), fail_open=config.fail_open),
            f"scrubbing {name}: {why}. Removing rows does not change where the data came from",
            render_text,
        )


def _splits(dataset: Any, datasets: Any) -> tuple[dict[str, Any], Any]:
    if isinstance(dataset, datasets.DatasetDict | datasets.IterableDatasetDict):
        kind = type(dataset)
        return dict(dataset.items()), lambda parts: kind(parts)
    if isinstance(dataset, datasets.Dataset | datasets.IterableDataset):
        split = str(dataset.split) if dataset.split is not None else "train"
        return {split: dataset}, lambda parts: next(iter(parts.values()))
    raise TypeError(
        f"guardrail.scrub expects a datasets Dataset, DatasetDict, IterableDataset or "
        f"IterableDatasetDict, got {type(dataset).__name__}"
    )


def _name(parts: Mapping[str, Any]) -> str:
    for part in parts.values():
        for entry in provenance.read(part):
            if entry.scrubbed is None:
                return entry.target
        info = part.info
        named = getattr(info, "dataset_name", None) or getattr(info, "builder_name", None)
        if named:
            return str(named)
    return "dataset"


def _card_evidence(parts: Mapping[str, Any], name: str) -> Evidence:
    """Source-level evidence the loader left in provenance (what a scrub cannot remove)."""
    evidence = Evidence(target=name)
    seen: set[tuple[str, str | None, str]] = set()
    for part in parts.values():
        for entry in provenance.read(part):
            if entry.key in seen or entry.evidence is None:
                continue
            seen.add(entry.key)
            findings = tuple(f for f in entry.evidence.findings if f.family is not Family.RECORDS)
            evidence = evidence.merge(
                Evidence(target=name, findings=findings, problems=entry.evidence.problems)
            )
    if not seen:
        evidence = evidence.merge(
            Evidence(
                target=name,
                notes=("no provenance from guardrail.load_dataset: only the records were judged",),
            )
        )
    return evidence


def _scrub_table(ds: Any, split: str, excluder: Excluder, batch_size: int) -> Any:
    arrow = ds.with_format("arrow")  # a copy: the caller's format and fingerprint stay
    n = len(arrow)
    keep = np.ones(n, dtype=bool)
    for lo in range(0, n, batch_size):
        hi = min(n, lo + batch_size)
        keep[lo:hi] = excluder.keep_mask(arrow[lo:hi], split=split, first_row=lo)
    return ds.select(np.flatnonzero(keep))


class DropRows:
    """The lazy half of scrubbing a stream: a table-to-table step that drops the same rows.

    Picklable (config and rule IDs only), so DataLoader workers each carry a copy.
    """

    def __init__(self, config: GuardrailConfig, rules: frozenset[str]) -> None:
        self.config = config
        self.rules = rules

    def __call__(self, table: pa.Table) -> pa.Table:
        hits = row_hits(table, self.config, self.rules)
        if not hits:
            return table
        keep = np.ones(table.num_rows, dtype=bool)
        keep[list(hits)] = False
        return table.filter(pa.array(keep))


def _scrub_stream(ds: Any, split: str, excluder: Excluder, batch_size: int) -> Any:
    from guardrail.integrations.datasets import streaming

    row = 0
    for table in _tables(ds, batch_size):
        excluder.keep_mask(table, split=split, first_row=row)
        row += table.num_rows
    return streaming.guard(ds, DropRows(excluder.config, excluder.rules), batch_size)


def _tables(ds: Any, batch_size: int) -> Iterator[pa.Table]:
    yield from ds.with_format("arrow").iter(batch_size=batch_size)


def _stamp(
    parts: Mapping[str, Any], name: str, evidence: Evidence, report: Report, summary: ScrubSummary
) -> None:
    decided = report.targets[0]
    record = {**summary.to_dict(), "rows_kept": summary.rows_scanned - summary.rows_dropped}
    entry = provenance.ProvenanceEntry(
        target=f"guardrail.scrub({name})",
        config=None,
        verdict=decided.verdict.value,
        splits={s: getattr(p, "num_rows", None) for s, p in parts.items()},
        fingerprints={s: fp for s, p in parts.items() if (fp := fingerprint(p))},
        evidence=evidence,
        scan=evidence.scan,
        checked_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        guardrail_version=__version__,
        streaming=any(getattr(p, "num_rows", None) is None for p in parts.values()),
        scrubbed=record,
    )
    for part in parts.values():
        earlier = [_without_records(e) for e in provenance.read(part) if e.key != entry.key]
        part.info.description = provenance.encode([*earlier, entry], part.info.description or "")


def _without_records(entry: provenance.ProvenanceEntry) -> provenance.ProvenanceEntry:
    # The loader's record findings describe rows that may be gone; the scrub entry's scan of the
    # kept rows replaces them. Card findings stay: they are about the whole dataset.
    if entry.evidence is None:
        return entry
    findings = tuple(f for f in entry.evidence.findings if f.family is not Family.RECORDS)
    return dataclasses.replace(entry, evidence=dataclasses.replace(entry.evidence, findings=findings))
