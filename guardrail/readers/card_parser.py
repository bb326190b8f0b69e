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
from typing import Any

import yaml

from guardrail.detectors.card.card_input import RULE_EMPTY, RULE_ENCODING, RULE_NO_METADATA
from guardrail.detectors.card.parsed_card import Card, MetaField
from guardrail.errors import InputError
from guardrail.findings import Finding, Location, Problem
from guardrail.scan.unconfuse import normalise_lines, normalise_text

MAX_CARD_BYTES = 16 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 200_000


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Keys read first, so a node cap can never push them out of reach.
_PRIORITY_KEYS = (
    "license",
    "license_name",
    "license_link",
    "license_details",
    "licenses",
    "pretty_name",
    "tags",
    "source_datasets",
)
# Under these keys a mapping key can itself be the value (`license: {x-developer-agreement: true}`,
# a gated-form question), so keys are recorded as values too.
_KEYS_ARE_VALUES = ("license", "extra_gated")
# A top-level key at column 0: where a new block of the front matter starts.
_TOP_LEVEL = re.compile(r"^(?![\s#\-]|\.\.\.|---)([^:\n]+?)\s*:(?:\s+(.*?))?\s*$")
_SEPARATORS = re.compile(r"(?<=[^\W\d_])[\s_\-]+(?=[^\W\d_])")
_ITEM = re.compile(r"^(\s*)-\s+(.*?)\s*$")
_NESTED = re.compile(r"^(\s+)([^:#\s][^:\n]*?)\s*:(?:\s+(.*?))?\s*$")


class _Walk:
    """Scalars of a YAML node tree as `MetaField`s, at most `MAX_YAML_NODES` of them."""

    def __init__(self, line_offset: int) -> None:
        self.offset = line_offset
        self.out: list[MetaField] = []
        self.seen: set[int] = set()
        self.truncated_at: int | None = None

    def add(self, path: str, node: yaml.Node, value: str) -> None:
        if len(self.out) >= MAX_YAML_NODES:
            if self.truncated_at is None:
                self.truncated_at = node.start_mark.line + self.offset
            return
        self.out.append(MetaField(path, node.start_mark.line + self.offset, value))

    def top(self, node: yaml.Node) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.walk(node, "")
            return
        pairs = [(str(k.value) if isinstance(k, yaml.ScalarNode) else "?", k, v) for k, v in node.value]
        first = [p[0] in _PRIORITY_KEYS or p[0].startswith("extra_gated") for p in pairs]
        ordered = [p for p, f in zip(pairs, first, strict=True) if f]
        ordered += [p for p, f in zip(pairs, first, strict=True) if not f]
        for key, key_node, value_node in ordered:
            self.pair(key, key_node, value_node, "")

    def pair(self, key: str, key_node: yaml.Node, value_node: yaml.Node, path: str) -> None:
        child = f"{path}.{key}" if path else key
        top = child.split(".", 1)[0].split("[", 1)[0]
        if not isinstance(value_node, yaml.ScalarNode) or (path and top.startswith(_KEYS_ARE_VALUES)):
            # Keep the key itself: a nested key can be evidence (a feature named `tweet`).
            self.add(child, key_node, key)
        self.walk(value_node, child)

    def walk(self, node: yaml.Node, path: str) -> None:
        # Aliases share node objects: visiting each collection once defuses "billion laughs".
        if isinstance(node, yaml.ScalarNode):
            self.add(path, node, str(node.value))
            return
        if id(node) in self.seen or len(self.out) >= MAX_YAML_NODES:
            if len(self.out) >= MAX_YAML_NODES and self.truncated_at is None:
                self.truncated_at = node.start_mark.line + self.offset
            return
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                self.pair(key, key_node, value_node, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, f"{path}[{i}]")


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _construct(node: yaml.Node) -> Any:
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _yaml_problem(exc: BaseException, first_line: int) -> tuple[int, str]:
    """The file line and a short reason for a YAML or construction error."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return first_line + (mark.line if mark else 0), exc.problem or exc.context or "invalid YAML"
    if isinstance(exc, RecursionError):
        return first_line, "nested too deeply"
    return first_line, str(exc) or type(exc).__name__


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def salvage(lines: list[str], first_line: int) -> list[MetaField]:
    """Read `key: value` and `- item` lines one by one, for YAML the parser rejected.

    Only plain shapes are understood; it exists so that a licence beside a bad value is
    still read, not to replace the parser.
    """
    out: list[MetaField] = []
    top, nested, index = "", "", 0
    for i, line in enumerate(lines):
        number = first_line + i
        if m := _TOP_LEVEL.match(line):
            top, nested, index = m.group(1).strip(), "", 0
            if m.group(2):
                out.append(MetaField(top, number, _unquote(m.group(2))))
        elif top and (m := _ITEM.match(line)):
            owner = f"{top}.{nested}" if nested and m.group(1) else top
            out.append(MetaField(f"{owner}[{index}]", number, _unquote(m.group(2))))
            index += 1
        elif top and (m := _NESTED.match(line)):
            nested = m.group(2).strip()
            out.append(MetaField(f"{top}.{nested}", number, _unquote(m.group(3) or nested)))
        if len(out) >= MAX_YAML_NODES:
            break
    return out


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line indexes of each top-level key's block."""
    starts = [i for i, line in enumerate(lines) if _TOP_LEVEL.match(line)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, [*starts[1:], len(lines)], strict=True))


def read_front_matter(
    yaml_text: str, first_line: int, path: str
) -> tuple[dict[str, Any], list[MetaField], list[Problem]]:
    """Parse the front matter so that one bad value costs only itself.

    The whole document is parsed first. If it does not parse, each top-level key's block is
    parsed on its own, and a block that still fails is read line by line. Every part that
    could not be read is a could-not-check problem naming the file and line.

    Args:
        yaml_text: The text between the `---` fences.
        first_line: The file line of the first line of `yaml_text`.
        path: The card as shown in messages.

    Returns:
        (metadata, fields with file line numbers, problems).
    """
    lines = yaml_text.split("\n")
    if len(yaml_text) > MAX_FRONT_MATTER_BYTES:
        problem = _metadata_problem(
            path,
            first_line,
            f"the front matter is {len(yaml_text) // 1024:,} KiB, over the {MAX_FRONT_MATTER_BYTES // 1024:,} KiB "
            "guardrail parses as YAML; only its plain `key: value` lines were read",
        )
        return {}, salvage(lines, first_line), [problem]
    try:
        node = _compose(yaml_text)
    except (yaml.YAMLError, RecursionError) as exc:
        return _read_blocks(lines, first_line, path, exc)
    if node is None:
        return {}, [], []
    walk = _Walk(first_line)
    problems: list[Problem] = []
    try:
        walk.top(node)
    except RecursionError:
        problems.append(_metadata_problem(path, first_line, "nested too deeply to read"))
    metadata, more = _metadata(node, first_line, path)
    problems += more
    if walk.truncated_at is not None:
        problems.append(
            _metadata_problem(
                path,
                walk.truncated_at,
                f"the front matter holds more than {MAX_YAML_NODES:,} values; those from here on "
                "were not checked",
            )
        )
    return metadata, walk.out, problems


def _metadata(node: yaml.Node, first_line: int, path: str) -> tuple[dict[str, Any], list[Problem]]:
    """Python values of the top-level keys; a key whose value cannot be built is left out."""
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        return {}, [_metadata_problem(path, first_line, f"the front matter is {kind}, not a mapping of keys")]
    try:
        data = _construct(node)
        if isinstance(data, dict):
            return data, []
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        pass
    metadata: dict[str, Any] = {}
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        try:
            metadata[_construct(key_node)] = _construct(value_node)
        except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
            line, reason = _yaml_problem(exc, first_line)
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            line = first_line + value_node.start_mark.line if line == first_line else line
            problems.append(_metadata_problem(path, line, f"the value of `{key}` cannot be read: {reason}"))
    return metadata, problems


def _read_blocks(
    lines: list[str], first_line: int, path: str, whole: BaseException
) -> tuple[dict[str, Any], list[MetaField], list[Problem]]:
    metadata: dict[str, Any] = {}
    fields: list[MetaField] = []
    problems: list[Problem] = []
    for start, end in _blocks(lines):
        block = "\n".join(lines[start:end])
        line = first_line + start
        try:
            node = _compose(block)
        except (yaml.YAMLError, RecursionError) as exc:
            bad_line, reason = _yaml_problem(exc, line)
            problems.append(
                _metadata_problem(
                    path,
                    bad_line,
                    f"invalid YAML: {reason}; lines {line}-{first_line + end - 1} were read line by line",
                )
            )
            fields += salvage(lines[start:end], line)
            continue
        if node is None:
            continue
        walk = _Walk(line)
        walk.top(node)
        fields += walk.out
        part, more = _metadata(node, line, path)
        metadata.update(part)
        problems += more
    if not problems:  # every block parsed alone: the document as a whole was the problem
        bad_line, reason = _yaml_problem(whole, first_line)
        problems.append(_metadata_problem(path, bad_line, f"invalid YAML: {reason}"))
    return metadata, fields, problems


def _metadata_problem(path: str, line: int, reason: str) -> Problem:
    return Problem(
        "card-metadata-unreadable",
        f"{path}:{line}: the card's YAML front matter could not be fully read: {reason}",
        "fix the front matter (the rest of the card was checked), or allowlist the dataset with a reason",
    )


def _fold_separators(value: str) -> str:
    # `twitter_developer_agreement`, `X-Developer-Agreement`, `twitter  developer agreement`:
    # in a licence name, separators between words carry no meaning.
    return _SEPARATORS.sub(" ", value)


def _normalised(fields: list[MetaField]) -> Iterator[MetaField]:
    """Fields with values and key paths normalised for matching (one Arrow pass for all)."""
    done = normalise_lines([f.value for f in fields] + [f.path for f in fields])
    values, paths = done[: len(fields)], done[len(fields) :]
    for f, value, path in zip(fields, values, paths, strict=True):
        if path.split(".", 1)[0].split("[", 1)[0].startswith(_KEYS_ARE_VALUES):
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
            problems=(_metadata_problem(path, exc.line, f"{exc}; its plain `key: value` lines were read"),),
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
