"""`RecordScanner`: feed it Arrow batches, get record findings. Cheap per batch, reusable.

Per string leaf: one prefilter pass over every value (the only full-data work), then the
candidates are normalised and matched against each rule's pattern, all in Arrow. Python
only touches rows that matched. Counts are kept per dataset config, so a partial dataset
whose tweet config is small is still judged on that config's own share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guardrail.config import GuardrailConfig
from guardrail.detectors.records import VALUE_SIGNALS, shape, unreadable_input
from guardrail.detectors.records import record_patterns as kn
from guardrail.detectors.records.value_signal import POST_LIKE_MAX_CHARS, Example, Tally, ValueSignal
from guardrail.findings import Evidence, Finding, Location, Problem, ScanInfo, shorten
from guardrail.rules import Rule
from guardrail.scan import arrays
from guardrail.scan.batch_bounds import MAX_NESTING, bounded_leaves, nesting_depth, too_deep
from guardrail.scan.columns import Leaf, field_paths
from guardrail.scan.hits import CERTAIN_POST_SIGNALS, Hits, certain_posts, count_rows
from guardrail.scan.matcher import matcher
from guardrail.scan.normalise import normalise

HUGE_VALUE_BYTES = 32 * 1024 * 1024
_SIGNALS: dict[str, ValueSignal] = {s.key: s for s in VALUE_SIGNALS}
_SNOWFLAKE = _SIGNALS["snowflake-id"]


def _is_provenance(leaf: Leaf) -> bool:
    """A per-record provenance field: `source`, `url`, `meta.*`..., one value per record."""
    if leaf.in_list:
        return False
    rk = kn.record_knowledge()
    parts = [p.lower() for p in leaf.path.split(".")]
    return parts[-1] in rk.provenance_fields or any(p in rk.provenance_structs for p in parts[:-1])


def _span(value: str, pattern: str) -> str:
    found = pc.extract_regex(arrays.strings([value]), pattern=f"(?i)(?P<m>{pattern})")[0]
    return str(found["m"]).strip() if found.is_valid else shorten(value)


def _as_batches(batch: Any) -> list[pa.RecordBatch]:
    if isinstance(batch, pa.RecordBatch):
        return [batch]
    if isinstance(batch, pa.Table):
        return batch.to_batches()
    if isinstance(batch, Mapping):
        try:
            return [pa.RecordBatch.from_pydict(dict(batch))]
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            # Mixed Python types in one column: scan their text form rather than fail.
            return [
                pa.RecordBatch.from_pydict(
                    {k: [None if v is None else str(v) for v in vs] for k, vs in batch.items()}
                )
            ]
    raise TypeError(f"expected a pyarrow RecordBatch/Table or a dict of columns, got {type(batch).__name__}")


class RecordScanner:
    """Scans record batches for X content and turns what it saw into findings.

    Feed batches one at a time with `scan_batch`, then call `evidence` (or `findings`).
    State is only counts and first examples, so memory does not grow with the data.
    Not thread-safe: use one scanner per thread and combine their `evidence`.

    Example:
        >>> scanner = RecordScanner()
        >>> scanner.scan_batch(batch, split="train", row_offset=0, path="data/train.jsonl")
        >>> evidence = scanner.evidence("my-dataset")

    Args:
        config: The configuration (reserved for thresholds; defaults apply when omitted).
    """

    def __init__(self, config: GuardrailConfig | None = None) -> None:
        self.config = config or GuardrailConfig()
        self.rows_scanned = 0
        self.bytes_scanned = 0
        self._scanned: dict[str | None, int] = {}
        self._tallies: dict[tuple[str, str | None], Tally] = {}
        self._schemas: dict[tuple[pa.Schema, str | None], list[shape.SchemaHit]] = {}
        self._schema_hits: dict[tuple[str, str | None], tuple[shape.SchemaHit, Example, int]] = {}
        self._columns: dict[str, tuple[bool, Example]] = {}  # top-level column -> (ever non-null, where)
        self._input: dict[tuple[str, str], Finding] = {}
        self._problems: list[Problem] = []
        self._notes: list[str] = []

    def scan_batch(
        self,
        batch: pa.RecordBatch | pa.Table | Mapping[str, Any],
        *,
        split: str | None = None,
        config_name: str | None = None,
        row_offset: int | None = 0,
        path: str | None = None,
        schema: pa.Schema | None = None,
        unread: Mapping[str, bool] | None = None,
        rows: np.ndarray | None = None,
    ) -> None:
        """Scan one batch of records.

        Args:
            batch: A `pa.RecordBatch`, a `pa.Table`, or a dict of column lists (as
                `datasets` batches are); nested structs and lists are scanned too.
            split: The split the rows belong to, for locations.
            config_name: The dataset config; shares are judged per config.
            row_offset: Index of the batch's first row within its split or file; None when
                unknown (a sampled block of a text file), and locations then omit the row.
            path: The file the rows came from, for locations.
            schema: The file's whole schema, when `batch` holds only the columns that can
                carry text (a parquet projection); the shape rules judge every field.
            unread: Top-level columns left out of `batch`, each with whether it holds any
                non-null value (from the file's statistics), for the null-column finding.
            rows: The row index of each row of `batch`, when they are not consecutive (the
                candidate lines of a prefiltered file); `row_offset` is then ignored.

        Raises:
            TypeError: if `batch` is none of the accepted types.
        """
        done = 0
        for part in _as_batches(batch):
            at = None if rows is None else rows[done : done + part.num_rows]
            if too_deep(part.schema):
                self._refuse_deep(part, path)
            else:
                self._scan_one(part, split, config_name, row_offset, path, schema, unread or {}, at)
            done += part.num_rows
            if row_offset is not None:
                row_offset += part.num_rows

    def mark_seen(self, columns: tuple[str, ...]) -> None:
        """Columns known to hold a value in rows that were counted but not parsed."""
        for name in columns:
            if name in self._columns:
                self._columns[name] = (True, self._columns[name][1])

    def count_rows(self, n: int, nbytes: int, *, config_name: str | None = None) -> None:
        """Count rows that were read but need no parse: the prefilter found nothing on their lines."""
        self.rows_scanned += n
        self.bytes_scanned += nbytes
        self._scanned[config_name] = self._scanned.get(config_name, 0) + n

    def merge(self, other: RecordScanner, *, row_offsets: Mapping[str | None, int] | None = None) -> None:
        """Add a scanner that read later rows, as if this one had read them next.

        For parallel scans (Ray, processes): scan parts apart, then merge them in data order.

        Args:
            other: The scanner of the later rows.
            row_offsets: Per file path (None for in-memory data), how many rows came before
                `other`'s; its example rows are shifted by that much.
        """
        offsets = row_offsets or {}

        def shift(ex: Example | None) -> Example | None:
            if ex is None or ex.row is None or not offsets.get(ex.path):
                return ex
            return replace(ex, row=ex.row + offsets[ex.path])

        self.rows_scanned += other.rows_scanned
        self.bytes_scanned += other.bytes_scanned
        for config, n in other._scanned.items():
            self._scanned[config] = self._scanned.get(config, 0) + n
        for key, tally in other._tallies.items():
            later = replace(tally, first=shift(tally.first))
            self._tallies.setdefault(key, Tally()).add(later)
        for hkey, (hit, example, rows) in other._schema_hits.items():
            prev = self._schema_hits.get(hkey)
            self._schema_hits[hkey] = (hit, prev[1] if prev else example, (prev[2] if prev else 0) + rows)
        for column, (seen, where) in other._columns.items():
            mine = self._columns.get(column)
            self._columns[column] = (seen or bool(mine and mine[0]), mine[1] if mine else where)
        for ikey, finding in other._input.items():
            self._input.setdefault(ikey, finding)
        self._problems.extend(p for p in other._problems if p not in self._problems)
        for note in other._notes:
            self.add_note(note)

    def add_input_finding(self, rule: Rule, message: str, location: Location, evidence: str = "") -> None:
        """Record a problem with the input itself (one finding per rule and file)."""
        key = (rule.rule_id, location.path or "")
        if key not in self._input:
            self._input[key] = rule.finding(message, location, evidence or message)

    def add_problem(self, problem: Problem) -> None:
        """Record something that could not be checked at all (fails closed)."""
        self._problems.append(problem)

    def add_note(self, note: str) -> None:
        if note not in self._notes:
            self._notes.append(note)

    def findings(self) -> tuple[Finding, ...]:
        """The findings so far: one per signal and config, plus input findings."""
        out: list[Finding] = []
        for (key, config), tally in self._tallies.items():
            signal = _SIGNALS[key]
            tally.scanned = self._scanned.get(config, 0)
            severity = signal.judge(tally)
            if severity is None or tally.first is None:
                continue
            out.append(self._finding(signal.rule, signal.message(tally), tally.first, severity, tally))
        for hit, example, rows in self._schema_hits.values():
            scanned = self._scanned.get(example.config, 0)
            t = Tally(matched=rows, scanned=scanned, first=example)
            out.append(self._finding(_schema_rule(hit), hit.message, example, hit.severity, t, hit.evidence))
        for column, (seen, where) in self._columns.items():
            if not seen:
                out.append(
                    unreadable_input.NULL_COLUMN.finding(
                        f"Column `{column}` is null in all {self.rows_scanned:,} scanned rows.",
                        _location(where),
                        column,
                    )
                )
        return (*out, *self._input.values())

    def evidence(self, target: str, *, mode: str = "full", rows_total: int | None = None) -> Evidence:
        """Everything the scanner saw, as evidence for one target.

        Args:
            target: The target string to report (file, folder, dataset name).
            mode: "full" or "sample", for the report's scan line.
            rows_total: Total rows in the data, when known.

        Returns:
            An `Evidence` with findings, problems, notes and `ScanInfo`.
        """
        engine = matcher().name if self.rows_scanned else None
        scan = ScanInfo(mode, self.rows_scanned, rows_total, self.bytes_scanned, engine)
        return Evidence(
            target=target,
            findings=self.findings(),
            problems=tuple(self._problems),
            notes=tuple(self._notes),
            scan=scan,
        )

    # -- internals ---------------------------------------------------------------------

    def leaf_matches(self, leaf: Leaf) -> dict[str, np.ndarray]:
        """The rows of one leaf each value signal matched: signal key -> sorted batch row indices.

        The scanner's own matching (prefilter, normalisation, refinements, exclusions), for
        callers that act on single rows (`guardrail.scan.row_hits`); nothing is counted towards
        this scanner's findings, except input findings (binary or huge values) it notices.
        """
        hits: dict[str, Hits] = {}
        self._scan_leaf(leaf, hits, None)
        return {key: np.unique(np.concatenate(h.matched)) for key, h in hits.items() if h.matched}

    def _refuse_deep(self, batch: pa.RecordBatch, path: str | None) -> None:
        # Arrow crashes the process hashing such a schema; the rows are counted, not read.
        self.rows_scanned += batch.num_rows
        where = path or "the data"
        self.add_problem(
            Problem(
                "too-deeply-nested",
                f"{where}: {batch.num_rows:,} record(s) nest deeper than {MAX_NESTING} levels "
                f"(at least {nesting_depth(batch.schema)}); they were not scanned",
                "flatten the records, or allowlist the target with a reason",
            )
        )

    def _finding(
        self, rule: Rule, message: str, ex: Example, severity: Any, t: Tally, evidence: str | None = None
    ) -> Finding:
        return rule.finding(
            message,
            _location(ex),
            evidence if evidence is not None else ex.span,
            severity=severity,
            configs=(ex.config,) if ex.config else (),
            matched=t.matched,
            scanned=t.scanned,
        )

    def _scan_one(
        self,
        batch: pa.RecordBatch,
        split: str | None,
        config: str | None,
        offset: int | None,
        path: str | None,
        schema: pa.Schema | None,
        unread: Mapping[str, bool],
        rows: np.ndarray | None,
    ) -> None:
        n = batch.num_rows
        self.rows_scanned += n
        self.bytes_scanned += batch.nbytes
        self._scanned[config] = self._scanned.get(config, 0) + n
        if n == 0:
            return
        where = Example(config, split, None, "", "", path)
        self._check_schema(schema or batch.schema, config, n, where)
        nonnull = {
            name: c.null_count < len(c) for name, c in zip(batch.schema.names, batch.columns, strict=True)
        }
        for name in schema.names if schema is not None else batch.schema.names:
            seen, first = self._columns.get(name, (False, Example(config, split, None, name, "", path)))
            self._columns[name] = (seen or nonnull.get(name, unread.get(name, True)), first)
        hits: dict[str, Hits] = {}
        for leaf in bounded_leaves(batch):
            self._scan_leaf(leaf, hits, path)
        certain = certain_posts(hits)
        for key, h in hits.items():
            tally = self._tallies.setdefault((key, config), Tally())
            tally.matched += count_rows(h.matched)
            tally.post_like += count_rows(h.post_like)
            tally.strong += count_rows(h.strong)
            if certain.size and h.post_like and key in CERTAIN_POST_SIGNALS:
                tally.certain += int(np.intersect1d(np.concatenate(h.post_like), certain).size)
            if tally.first is None and h.example is not None:
                row, column, value, pattern = h.example
                at = int(rows[row]) if rows is not None else None if offset is None else offset + row
                span = value if pattern is None else _span(value, pattern)
                tally.first = Example(config, split, at, column, span, path)

    def _check_schema(self, schema: pa.Schema, config: str | None, n: int, where: Example) -> None:
        key = (schema, config)
        if key not in self._schemas:
            self._schemas[key] = shape.inspect_schema(field_paths(schema))
        for hit in self._schemas[key]:
            k = (hit.column, config)
            prev = self._schema_hits.get(k)
            example = (
                prev[1] if prev else Example(config, where.split, None, hit.column, hit.evidence, where.path)
            )
            self._schema_hits[k] = (hit, example, (prev[2] if prev else 0) + n)

    def _scan_leaf(self, leaf: Leaf, hits: dict[str, Hits], path: str | None) -> None:
        values = leaf.values
        if len(values) == 0 or values.null_count == len(values):
            return
        if leaf.kind == "integer":
            self._snowflake_ints(leaf, hits)
            return
        if leaf.kind == "binary":
            self.add_input_finding(
                unreadable_input.BINARY_COLUMN,
                f"Column `{leaf.path}` holds binary values; only ASCII markers were looked for in them.",
                Location(path=path, column=leaf.path),
                leaf.path,
            )
        biggest = leaf.whole_bytes or pc.max(pc.binary_length(values)).as_py() or 0
        if biggest >= HUGE_VALUE_BYTES:
            self.add_input_finding(
                unreadable_input.HUGE_VALUE,
                f"Column `{leaf.path}` holds a value of {biggest / 1e6:,.0f} MB; it was scanned in full, "
                "in overlapping windows.",
                Location(path=path, column=leaf.path),
                leaf.path,
            )
        idx = matcher().candidates(values, binary=leaf.kind == "binary")
        provenance = _is_provenance(leaf)
        if idx.size:
            signals = [
                s for s in VALUE_SIGNALS if not s.provenance_only and not (provenance and s.scalar_only)
            ]
            self._match(leaf, idx, signals, hits)
        if provenance:
            signal = _SIGNALS["provenance-field"]
            idx = pc.indices_nonzero(pc.match_substring_regex(values, signal.pattern, ignore_case=True))
            if len(idx):
                self._match(leaf, arrays.ints(idx), [signal], hits)

    def _match(self, leaf: Leaf, idx: np.ndarray, signals: list[ValueSignal], hits: dict[str, Hits]) -> None:
        candidates = leaf.values.take(arrays.indices(idx))
        if leaf.kind == "binary":
            candidates = arrays.strings(
                [None if v is None else v.decode("utf-8", "replace") for v in candidates.to_pylist()]
            )
        norm = normalise(candidates)
        # Post-sized by what is written: runs of whitespace count as one, so padding a post
        # with spaces or blank lines does not make it look like an article.
        written = pc.utf8_trim_whitespace(pc.replace_substring_regex(norm, r"[\s\p{Z}]+", " "))
        post = arrays.bools(pc.less_equal(pc.utf8_length(written), arrays.int_scalar(POST_LIKE_MAX_CHARS)))
        masks: dict[str, np.ndarray] = {}
        for signal in signals:
            if signal.scalar_only and leaf.in_list:
                continue
            mask = arrays.bools(pc.match_substring_regex(norm, signal.pattern, ignore_case=True))
            for other in signal.excludes:
                if other in masks:
                    mask = mask & ~masks[other]
            masks[signal.key] = mask
            pos = np.flatnonzero(mask)
            if not pos.size:
                continue
            strong = np.zeros(0, dtype=np.int64)
            if signal.refine is not None:
                verdicts = np.array(signal.refine(norm.take(arrays.indices(pos)).to_pylist()), dtype=np.int64)
                strong, pos = pos[verdicts == 2], pos[verdicts > 0]
                if not pos.size:
                    continue
            first = str(norm[int(pos[0])].as_py())
            example = (int(leaf.batch_rows(idx[pos[:1]])[0]), leaf.path, first, signal.pattern)
            hits.setdefault(signal.key, Hits()).add(
                leaf.batch_rows(idx[pos]),
                leaf.batch_rows(idx[pos[post[pos]]]),
                leaf.batch_rows(idx[strong]),
                example,
            )

    def _snowflake_ints(self, leaf: Leaf, hits: dict[str, Hits]) -> None:
        if leaf.in_list:
            return
        # Straight from the value buffer: a Python scalar handed to pyarrow makes it import
        # pandas (about 0.4 s of every CLI run that reads a data file).
        values = leaf.values
        big = arrays.raw_values(values) >= 10**17
        if values.null_count:
            big &= arrays.bools(pc.is_valid(values))
        pos = np.flatnonzero(big)
        if pos.size:
            rows = leaf.batch_rows(pos)
            example = (int(rows[0]), leaf.path, str(leaf.values[int(pos[0])].as_py()), None)
            hits.setdefault(_SNOWFLAKE.key, Hits()).add(
                rows, np.zeros(0, np.int64), np.zeros(0, np.int64), example
            )


def _schema_rule(hit: shape.SchemaHit) -> Rule:
    return shape.SCHEMA


def _location(ex: Example) -> Location:
    return Location(path=ex.path, config=ex.config, split=ex.split, row=ex.row, column=ex.column or None)
