"""Records shown inside a card are records: run the record scanner on a card's examples.

Cards show sample records under "Data Instances" or "Example" headings, as JSON, JSON
lines, Python reprs or CSV, in fenced or indented code blocks. Those samples are real
records of the dataset, so they are parsed into a small Arrow table and judged by the same
`RecordScanner` as data files: anonymised `@USER` mentions, `RT @handle:`, tweet-object
fields, status links. This works in the card-only path too, where no data is read.
Findings keep their record rule IDs and point at the card line of the example block.
This sits in the readers layer: it reads records out of card text and hands them to the
scan engine, as the data-file readers do.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from guardrail.detectors.card.parsed_card import Card
from guardrail.findings import Family, Finding, Location, Severity

_EXAMPLE_SECTIONS = re.compile(
    r"instance|example|sample|preview|structure|format|record|field|data point|looks? like|schema", re.I
)
_SNOWFLAKE_RULE = "GR411"
# Conventions only X posts carry (`@USER` placeholders of anonymised tweet corpora, `RT @x:`).
# A data file needs two rows of them to block; a card's sample is the author's pick of what a
# record looks like, so every shown example carrying one says the same on its own.
_POST_CONVENTION_RULES = frozenset({"GR407", "GR408"})
_FIELD_SECTIONS = re.compile(r"field|structure|schema|column|feature|attribute|variable", re.I)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
# A documented field: "- `name`: ...", "* **name** (string)", "- name: ...", or a table row "| `name` | ...".
_FIELD_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+[`*_]*([A-Za-z_][\w.]{0,60})[`*_]*\s*(?:[:(\u2013\u2014-]|$)")
_FIELD_ROW = re.compile(r"^\|\s*[`*_]*([A-Za-z_][\w.]{0,60})[`*_]*\s*\|")
MAX_BLOCKS = 50
MAX_BLOCK_CHARS = 64 * 1024
MAX_ROWS = 1_000
_PAIR = re.compile(
    r"""["']([A-Za-z_][\w.-]{0,80})["']\s*:\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|-?\d+)"""
)


@dataclass(frozen=True)
class Block:
    """Text read out of a card (a code block, a documented field name), its first line and heading."""

    text: str
    line: int
    section: str


def example_blocks(card: Card) -> Iterator[Block]:
    """Fenced and indented code blocks under headings about instances, examples or fields."""
    section, start = "", 0
    fence: str | None = None
    lines: list[str] = []
    indented: list[str] = []
    indented_start = 0
    count = 0

    def wanted() -> bool:
        return bool(_EXAMPLE_SECTIONS.search(section))

    for offset, raw in enumerate(card.body.split("\n")):
        line_no = card.body_line + offset
        stripped = raw.strip()
        if fence is not None:
            if stripped.startswith(fence):
                if wanted() and lines and count < MAX_BLOCKS:
                    count += 1
                    yield Block("\n".join(lines)[:MAX_BLOCK_CHARS], start, section)
                fence, lines = None, []
            else:
                lines.append(raw)
            continue
        if raw.startswith(("    ", "\t")) and stripped:
            if not indented:
                indented_start = line_no
            indented.append(raw[4:] if raw.startswith("    ") else raw[1:])
            continue
        if indented and stripped:
            if wanted() and count < MAX_BLOCKS and _looks_like_data("\n".join(indented)):
                count += 1
                yield Block("\n".join(indented)[:MAX_BLOCK_CHARS], indented_start, section)
            indented = []
        if stripped.startswith(("```", "~~~")):
            fence, start, lines = stripped[:3], line_no + 1, []
            continue
        heading = _HEADING.match(stripped)
        if heading:
            section = heading.group(1)
    if indented and wanted() and count < MAX_BLOCKS and _looks_like_data("\n".join(indented)):
        yield Block("\n".join(indented)[:MAX_BLOCK_CHARS], indented_start, section)


def documented_fields(card: Card) -> list[Block]:
    """Field names a card documents in list items or table rows under field/structure headings."""
    section, in_code, fields_section = "", False, False
    out: list[Block] = []
    for offset, raw in enumerate(card.body.split("\n")):
        stripped = raw.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            continue
        heading = None if in_code or not stripped.startswith("#") else _HEADING.match(stripped)
        if heading:
            section = heading.group(1)
            fields_section = _FIELD_SECTIONS.search(section) is not None
            continue
        if (
            in_code
            or not fields_section
            or not stripped.startswith(("-", "*", "+", "|", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
        ):
            continue
        m = _FIELD_ITEM.match(stripped) or _FIELD_ROW.match(stripped)
        if m and len(out) < MAX_ROWS:
            out.append(Block(m.group(1), card.body_line + offset, section))
    return out


def _looks_like_data(text: str) -> bool:
    # An indented paragraph in a list is prose; an indented block of records has braces or quotes.
    return bool(re.search(r"[{\[]|\"\w+\"\s*:", text))


def _rows_of(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        # `{"train": [ {...} ]}` and similar wrappers: the records are inside.
        inner = [
            v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
        ]
        return [r for v in inner for r in v] if inner and len(inner) == len(value) else [value]
    if isinstance(value, list):
        return [r for r in value if isinstance(r, dict)]
    return []


def parse_block(text: str) -> list[dict[str, Any]]:
    """The records a block shows: JSON, JSON lines, Python reprs, CSV/TSV, key-value pairs, or text."""
    body = text.strip()
    if not body:
        return []
    for parse in (json.loads, ast.literal_eval):
        try:
            rows = _rows_of(parse(body))
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            continue
        if rows:
            return rows
    lines = [ln for ln in body.split("\n") if ln.strip()]
    rows = []
    for ln in lines:
        try:
            rows.extend(_rows_of(json.loads(ln)))
        except ValueError:
            rows = []
            break
    if rows:
        return rows
    table = _csv_rows(lines)
    if table:
        return table
    pairs = {k: _unquote(v) for k, v in _PAIR.findall(body)}
    if pairs:
        return [pairs]
    return [{"text": body}]


def _unquote(value: str) -> Any:
    if value[:1] in "\"'":
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value[1:-1]
    return int(value)


def _csv_rows(lines: list[str]) -> list[dict[str, Any]]:
    if len(lines) < 2:
        return []
    for delimiter in ("\t", ",", ";", "|"):
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        header = [h.strip() for h in rows[0]]
        if len(header) >= 2 and all(re.fullmatch(r"[\w. -]{1,60}", h) for h in header if h):
            body = [r for r in rows[1:] if len(r) == len(rows[0])]
            if body and len(body) >= (len(rows) - 1) // 2:
                return [dict(zip(header, (c.strip() for c in r), strict=True)) for r in body]
    return []


def _table(rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    try:
        return pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        # Mixed types across rows: keep every value's text (tweet-object JSON stays visible).
        keys = list(dict.fromkeys(k for r in rows for k in r))
        return pa.table(
            {k: [None if r.get(k) is None else _text(r.get(k)) for r in rows] for k in keys},
        )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


class CardRecordsDetector:
    """Judges the sample records and documented fields of a card (no rules of its own)."""

    def detect(self, card: Card) -> Iterator[Finding]:
        from guardrail.detectors.card.prose import other_platform_only

        findings = [*self._documented(card), *self._examples(card)]
        # A few sample rows cannot carry the weak, share-based signals: low findings and bare
        # snowflake-shaped IDs (GR411, supporting evidence only) count only next to a stronger one.
        strong = [f for f in findings if f.severity is not Severity.LOW and f.rule_id != _SNOWFLAKE_RULE]
        findings = [
            f for f in findings if f.severity is not Severity.LOW and (strong or f.rule_id != _SNOWFLAKE_RULE)
        ]
        findings = [
            f.with_severity(Severity.HIGH)
            if f.rule_id in _POST_CONVENTION_RULES
            and f.severity is Severity.MEDIUM
            and f.matched is not None
            and f.matched == f.scanned
            else f
            for f in findings
        ]
        if findings and other_platform_only(card):
            # A card about Weibo or Mastodon may name fields `retweet_*`: they warn, never block.
            findings = [
                f.with_severity(Severity.MEDIUM) if f.severity is Severity.HIGH else f for f in findings
            ]
        yield from findings

    def _documented(self, card: Card) -> Iterator[Finding]:
        """Fields a card documents are the records' columns: judge their names as a schema."""
        fields = documented_fields(card)
        if not fields or not _worth_scanning("\n".join(f.text for f in fields)):
            return
        from guardrail.scan.scanner import RecordScanner

        scanner = RecordScanner()
        scanner.scan_batch(_schema_only([f.text for f in fields]))
        where = {f.text: f for f in reversed(fields)}
        for finding in scanner.findings():
            if finding.family is not Family.RECORDS:
                continue
            column = (finding.location.column or "").split(".", 1)[0]
            doc = where.get(column, fields[0])
            yield replace(
                finding,
                message=f"A field the card documents: {finding.message}",
                location=Location(path=card.path, line=doc.line, section=doc.section or None, column=column),
                matched=None,
                scanned=None,
            )

    def _examples(self, card: Card) -> Iterator[Finding]:
        blocks: list[tuple[Block, int, int, Any]] = []  # block, first row, rows, table
        tables = []
        total = 0
        for block in example_blocks(card):
            if not _worth_scanning(block.text):
                continue  # nothing any record rule could match: skip building a table
            rows = [{str(k): v for k, v in r.items()} for r in parse_block(block.text)][: MAX_ROWS - total]
            if not rows:
                continue
            try:
                table = _table(rows)
            except Exception:  # an odd example must not stop the card check
                continue
            tables.append(table)
            blocks.append((block, total, len(rows), table))
            total += len(rows)
            if total >= MAX_ROWS:
                break
        if not tables:
            return
        from guardrail.scan.scanner import RecordScanner

        scanner = RecordScanner()
        offset = 0
        for table in tables:
            # An example the scanner cannot read (odd nested types) is skipped: it is a sample
            # shown in prose, and the card's other evidence still decides.
            with contextlib.suppress(TypeError, ValueError, ArithmeticError, LookupError):
                scanner.scan_batch(table, row_offset=offset)
            offset += table.num_rows
        for finding in scanner.findings():
            if finding.family is not Family.RECORDS:
                continue  # null columns and the like describe the sample, not the data
            block = _block_of(blocks, finding)
            yield replace(
                finding,
                message=f"Example records shown in the card: {finding.message}",
                location=Location(
                    path=card.path,
                    line=block.line,
                    section=block.section or None,
                    column=finding.location.column,
                ),
            )


@lru_cache(maxsize=1)
def _markers() -> tuple[str, ...]:
    """Lower-case substrings at least one of which every record rule needs to see."""
    from guardrail.detectors.records import record_patterns as kn
    from guardrail.knowledge import x_platform

    kb, rk = x_platform(), kn.record_knowledge()
    return (
        "tweet", "twitt", "rt @", "(@", "x.com", "nitter",
        *(d.lower() for d in kb.all_domains), *rk.mirror_labels,
        *(f.lower() for f in (rk.v1_fields | rk.v2_fields)), *(p.lower() for p in rk.placeholders),
    )  # fmt: skip


def _worth_scanning(text: str) -> bool:
    """A marker any record rule needs, or a post-ID-sized number: else no rule can match."""
    low = text.lower()
    return any(m in low for m in _markers()) or re.search(r"\b[0-9]{18,19}\b", text) is not None


def _schema_only(names: list[str]) -> Any:
    import pyarrow as pa

    return pa.table({n: pa.nulls(1, pa.string()) for n in dict.fromkeys(names)})


def _block_of(blocks: list[tuple[Block, int, int, Any]], finding: Finding) -> Block:
    row, column = finding.location.row, finding.location.column or ""
    for block, first, n, table in blocks:
        if row is not None and first <= row < first + n:
            return block
        if row is None and column.split(".", 1)[0].split("[", 1)[0] in table.schema.names:
            return block
    return blocks[0][0]


def example_findings(card: Card) -> tuple[Finding, ...]:
    """Record findings (GR401–GR411) for the records a card shows and the fields it documents."""
    return tuple(CardRecordsDetector().detect(card))
