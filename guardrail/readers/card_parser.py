"""Read a dataset card robustly: front matter with line numbers, and the prose body.

Cards arrive with BOMs, CRLF line ends, broken YAML, no front matter or odd encodings.
None of that may crash a check or pass silently: each becomes an input finding that
names the file and line, and whatever can still be read is scanned.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from guardrail.detectors.card.card_input import RULE_BAD_METADATA, RULE_EMPTY, RULE_ENCODING, RULE_NO_METADATA
from guardrail.detectors.card.parsed_card import Card, MetaField
from guardrail.errors import InputError
from guardrail.findings import Finding, Location

MAX_CARD_BYTES = 16 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 200_000


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _walk(node: yaml.Node, path: str, out: list[MetaField], seen: set[int]) -> None:
    # Aliases share node objects: visiting each collection once defuses "billion laughs".
    if len(out) >= MAX_YAML_NODES:
        return
    if isinstance(node, yaml.ScalarNode):
        out.append(MetaField(path, node.start_mark.line + 1, str(node.value)))
        return
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            child = f"{path}.{key}" if path else key
            if not isinstance(value_node, yaml.ScalarNode):
                # Keep the key itself: a nested key can be evidence (a feature named `tweet`).
                out.append(MetaField(child, key_node.start_mark.line + 1, key))
            _walk(value_node, child, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, f"{path}[{i}]", out, seen)


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
        issues.append(RULE_BAD_METADATA.finding(str(exc) + ".", Location(path=path, line=exc.line), "---"))
        return Card(path=path, text=text, body=text, body_line=1, issues=tuple(issues))
    if yaml_text is None:
        issues.append(
            RULE_NO_METADATA.finding(
                "The card has no YAML front matter (--- block at the top).",
                Location(path=path, line=1),
                text.split("\n", 1)[0],
            )
        )
        return Card(path=path, text=text, body=body, body_line=body_line, issues=tuple(issues))
    metadata: dict[str, Any] = {}
    fields: list[MetaField] = []
    if len(yaml_text) > MAX_FRONT_MATTER_BYTES:
        issues.append(
            RULE_BAD_METADATA.finding(
                f"The front matter is {len(yaml_text) // 1024:,} KiB, over the "
                f"{MAX_FRONT_MATTER_BYTES // 1024:,} KiB that guardrail parses; metadata was not checked.",
                Location(path=path, line=yaml_line),
                yaml_text[:80],
            )
        )
    else:
        try:
            loader = _Loader(yaml_text)
            try:
                node = loader.get_single_node()
                data = loader.construct_document(node) if node is not None else {}
            finally:
                loader.dispose()
            if node is not None:
                _walk(node, "", fields, set())
            if isinstance(data, dict):
                metadata = data
            elif data is not None:
                raise yaml.YAMLError(f"front matter is a {type(data).__name__}, not a mapping")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = yaml_line + (mark.line if mark else 0)
            problem = exc.problem or exc.context or "invalid YAML"
            issues.append(
                RULE_BAD_METADATA.finding(
                    f"Invalid YAML front matter at line {line}: {problem}.",
                    Location(path=path, line=line),
                    text.split("\n")[line - 1] if line - 1 < text.count("\n") + 1 else "",
                )
            )
            fields = []
        except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            issues.append(
                RULE_BAD_METADATA.finding(
                    f"Front matter could not be read: {reason}.", Location(path=path, line=yaml_line), "---"
                )
            )
            fields = []
    shifted = tuple(MetaField(f.path, f.line + yaml_line - 1, f.value) for f in fields)
    return Card(
        path=path,
        text=text,
        metadata=metadata,
        fields=shifted,
        body=body,
        body_line=body_line,
        issues=tuple(issues),
    )


def read_card(path: Path, display: str | None = None) -> Card:
    """Read and parse a card file.

    Raises:
        InputError: if the file cannot be read, is binary or is too large to be a card.
    """
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_CARD_BYTES:
            raise InputError(
                f"{shown}: {size / 2**20:.0f} MiB is too large for a dataset card (limit 16 MiB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
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
