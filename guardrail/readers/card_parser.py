"""Read a dataset card robustly: front matter with line numbers, and the prose body.

Cards arrive with BOMs, CRLF line ends, broken YAML, no front matter or odd encodings.
None of that may crash a check or pass silently: each becomes an input finding, or a
could-not-check problem when metadata was not read, naming the file and line; whatever
can still be read is scanned. One bad YAML value costs only itself: a document that does
not parse is read block by block, and a block that still fails line by line. Values and
prose are normalised (`guardrail.scan.unconfuse`) so look-alike spellings match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from guardrail.detectors.card.card_input import RULE_EMPTY, RULE_ENCODING, RULE_NO_METADATA
from guardrail.detectors.card.parsed_card import Card, MetaField
from guardrail.errors import InputError
from guardrail.findings import Finding, Location
from guardrail.readers.file_bounds import special_file, wide_encoding
from guardrail.readers.front_matter import KEYS_ARE_VALUES, metadata_problem, read_front_matter, salvage
from guardrail.scan.unconfuse import normalise_lines, normalise_text

MAX_CARD_BYTES = 16 * 1024 * 1024
_SEPARATORS = re.compile(r"(?<=[^\W\d_])[\s_\-]+(?=[^\W\d_])")


def _fold_separators(value: str) -> str:
    # `twitter_developer_agreement`, `X-Developer-Agreement`, `twitter  developer agreement`:
    # in a licence name, separators between words carry no meaning.
    return _SEPARATORS.sub(" ", value)


def _normalised(fields: list[MetaField]) -> Iterator[MetaField]:
    """Fields with values and key paths normalised for matching (one Arrow pass for all)."""
    done = normalise_lines([f.value for f in fields] + [f.path for f in fields])
    values, paths = done[: len(fields)], done[len(fields) :]
    for f, value, path in zip(fields, values, paths, strict=True):
        if path.split(".", 1)[0].split("[", 1)[0].startswith(KEYS_ARE_VALUES):
            value = _fold_separators(value)
        yield MetaField(path, f.line, value, raw=f.value if value != f.value else "")


# The Hub's own rule (`huggingface_hub.repocard.REGEX_YAML_BLOCK`), on text whose line ends are
# already "\n": optional leading whitespace, a `---` line, the YAML (the shortest run), then a
# `---` line that may end in spaces or tabs. A card the Hub reads, guardrail reads the same way;
# a card the Hub reads no metadata from has none here either.
_FRONT_MATTER = re.compile(r"^(\s*---\n)([\S\s]*?)(\n---[ \t]*(?:\n|$))")
_OPENING = re.compile(r"\s*---(?:\n|$)")


class _UnclosedFrontMatter(ValueError):
    def __init__(self, line: int) -> None:
        super().__init__(f"front matter opened with '---' on line {line} is never closed")
        self.line = line


def _split_front_matter(text: str) -> tuple[str | None, int, str, int]:
    """Return (yaml_text, yaml_first_line, body, body_first_line).

    Raises:
        _UnclosedFrontMatter: if a front matter block is opened but never closed (the Hub
            then reads the whole card as prose and no metadata).
    """
    match = _FRONT_MATTER.search(text)
    if match is None:
        opening = _OPENING.match(text)
        if opening is None:
            return None, 0, text, 1
        dashes = opening.end() - (4 if opening.group().endswith("\n") else 3)
        raise _UnclosedFrontMatter(text.count("\n", 0, dashes) + 1)
    yaml_text = match.group(2) + "\n" if match.group(2) else ""
    yaml_line = match.group(1).count("\n") + 1
    body_line = text.count("\n", 0, match.end()) + 1
    return yaml_text, yaml_line, text[match.end() :], body_line


def parse_card(text: str, path: str, *, extra_issues: tuple[Finding, ...] = ()) -> Card:
    """Parse card text. Never raises for bad content: problems become input findings."""
    # One BOM, as the Hub's loader strips it (`utf-8-sig`); line ends normalised to "\n".
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    issues = list(extra_issues)
    if not text.strip():
        issues.append(
            RULE_EMPTY.finding("The dataset card is empty.", Location(path=path, line=1), "(empty)")
        )
        return Card(path=path, text=text, issues=tuple(issues))
    try:
        yaml_text, yaml_line, body, body_line = _split_front_matter(text)
    except _UnclosedFrontMatter as exc:
        lines = text.split("\n")
        return Card(
            path=path,
            text=text,
            fields=tuple(_normalised(salvage(lines[exc.line :], exc.line + 1))),
            body=normalise_text(text),
            body_line=1,
            issues=tuple(issues),
            problems=(metadata_problem(path, exc.line, f"{exc}; its plain `key: value` lines were read"),),
        )
    if yaml_text is None:
        issues.append(
            RULE_NO_METADATA.finding(
                "The card has no YAML front matter (--- block at the top).",
                Location(path=path, line=1),
                text.split("\n", 1)[0],
            )
        )
        return Card(
            path=path, text=text, body=normalise_text(body), body_line=body_line, issues=tuple(issues)
        )
    metadata, fields, problems = read_front_matter(yaml_text, yaml_line, path)
    return Card(
        path=path,
        text=text,
        metadata=metadata,
        fields=tuple(_normalised(fields)),
        body=normalise_text(body),
        body_line=body_line,
        issues=tuple(issues),
        problems=tuple(problems),
    )


def read_card(path: Path, display: str | None = None) -> Card:
    """Read and parse a card file.

    Raises:
        InputError: if the file cannot be read, is binary or is too large to be a card.
    """
    shown = display or str(path)
    if (kind := special_file(path)) is not None:  # a FIFO would hang the read; a device never ends
        raise InputError(f"{shown}: is {kind}, not a regular file; refused unread")
    try:
        size = path.stat().st_size
        if size > MAX_CARD_BYTES:
            raise InputError(
                f"{shown}: {size / 2**20:.0f} MiB is too large for a dataset card (limit 16 MiB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if (wide := wide_encoding(raw[:4096])) is not None:
        # A card saved as UTF-16 (some Windows editors do): its text, not "binary".
        encoding, bom = wide
        try:
            raw = raw[bom:].decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{shown}: looks like {encoding.upper()} but does not decode as it") from None
    if b"\x00" in raw[:8192]:
        raise InputError(f"{shown}: binary file (NUL bytes), not a text dataset card")
    extra: tuple[Finding, ...] = ()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        text = raw.decode("utf-8", errors="replace")
        extra = (
            RULE_ENCODING.finding(
                f"Invalid UTF-8 at line {line} (byte {exc.start}); bytes were replaced before scanning.",
                Location(path=shown, line=line),
                raw[max(0, exc.start - 20) : exc.start + 20].decode("utf-8", errors="replace"),
            ),
        )
    return parse_card(text, shown, extra_issues=extra)
