"""Read a card's YAML front matter so that one bad value costs only itself.

The whole document is parsed first. If it does not parse, each top-level key's block is
parsed on its own, and a block that still fails is read line by line (`salvage`). What could
not be read is a could-not-check problem naming file and line, never a warning: a licence
beside a bad date must still block. Scalars come out as `MetaField`s with file line numbers,
licence and tag keys first so the node cap can never push them out of reach.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from guardrail.detectors.card.parsed_card import MetaField
from guardrail.findings import Problem

MAX_FRONT_MATTER_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 200_000
# Values merge keys (`<<`) may copy, and how deep merges are resolved: past either, what is
# left is a could-not-check problem, never an unbounded walk (PyYAML's own merge is quadratic).
MAX_MERGED_VALUES = MAX_YAML_NODES
MAX_YAML_DEPTH = 400
_MERGE_TAG = "tag:yaml.org,2002:merge"


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
KEYS_ARE_VALUES = ("license", "extra_gated")
# A top-level key at column 0: where a new block of the front matter starts.
_TOP_LEVEL = re.compile(r"^(?![\s#\-]|\.\.\.|---)([^:\n]+?)\s*:(?:\s+(.*?))?\s*$")
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
        if not isinstance(value_node, yaml.ScalarNode) or (path and top.startswith(KEYS_ARE_VALUES)):
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


class _Merges:
    """A node tree with merge keys (`<<`) resolved as `yaml.safe_load` resolves them.

    A merged key comes with its source's own nodes (so its file line is where it is written);
    a key the mapping writes itself wins, then earlier mappings of a merge list over later
    ones; mappings inside merged values are resolved too. A merged value that loses to an
    earlier source is kept before the winner: the dict built holds the winner, the walk sees
    both. Each node is rebuilt once, so aliases stay shared nodes and "billion laughs" stays
    cheap for the walk. A merge of something PyYAML refuses (not a mapping) is kept as it is
    and reported.
    """

    def __init__(self) -> None:
        self.done: dict[int, yaml.Node] = {}
        self.budget = MAX_MERGED_VALUES
        self.over_at: yaml.Node | None = None  # the first merge not read: too many values
        self.deep_at: yaml.Node | None = None  # the first node not read: too deep
        self.bad_at: yaml.Node | None = None  # the first merge of something not a mapping
        self._keys = yaml.constructor.SafeConstructor()

    def node(self, node: yaml.Node, depth: int = 0) -> yaml.Node:
        if not isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            return node
        if (done := self.done.get(id(node))) is not None:
            return done
        deep = depth > MAX_YAML_DEPTH
        if deep and self.deep_at is None:
            self.deep_at = node
        if isinstance(node, yaml.SequenceNode):
            seq = yaml.SequenceNode(node.tag, [], node.start_mark, node.end_mark, node.flow_style)
            self.done[id(node)] = seq  # before the children: a node can hold itself through an alias
            if not deep:
                seq.value.extend(self.node(item, depth + 1) for item in node.value)
            return seq
        mapping = yaml.MappingNode(node.tag, [], node.start_mark, node.end_mark, node.flow_style)
        self.done[id(node)] = mapping
        if deep:
            return mapping
        own: list[tuple[yaml.Node, yaml.Node]] = []
        sources: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
                own.append((self.node(key_node, depth + 1), self.node(value_node, depth + 1)))
            elif isinstance(value_node, yaml.MappingNode):
                sources.append(value_node)
            elif isinstance(value_node, yaml.SequenceNode) and all(
                isinstance(item, yaml.MappingNode) for item in value_node.value
            ):
                sources += value_node.value
            else:  # PyYAML refuses the whole document: kept, and reported
                self.bad_at = self.bad_at or key_node
                own.append((key_node, self.node(value_node, depth + 1)))
        taken = {self._key(key_node) for key_node, _ in own}
        candidates: list[tuple[yaml.Node, yaml.Node]] = []
        for source in reversed(sources):  # the first source is built last, so its values win
            for key_node, value_node in self.node(source, depth + 1).value:
                self.budget -= 1
                if self.budget < 0:
                    self.over_at = self.over_at or node
                    break
                if self._key(key_node) not in taken:
                    candidates.append((key_node, value_node))
        # Every merged value stays for the walk (PyYAML 6.0.4 lets a later source win when its
        # key is a different string object), the winner last so the dict holds it; a pair
        # merged twice (two sources merging one mapping) is kept once, at its last place.
        once: set[tuple[int, int]] = set()
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in reversed(candidates):
            if (ids := (id(key_node), id(value_node))) not in once:
                once.add(ids)
                merged.append((key_node, value_node))
        merged.reverse()
        mapping.value = merged + own  # the order PyYAML builds the mapping in
        return mapping

    def _key(self, node: yaml.Node) -> object:
        """A key as the dict built from it holds it (`1` and `true` are one key, `1` and `"1"` two)."""
        if isinstance(node, yaml.ScalarNode):
            try:
                key = self._keys.construct_object(node)
                hash(key)
                return (True, key)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError):
                return (False, node.tag, node.value)
        return id(node)

    def problems(self, path: str, first_line: int) -> list[Problem]:
        out = []
        if self.deep_at is not None:
            out.append(
                metadata_problem(
                    path,
                    first_line + self.deep_at.start_mark.line,
                    f"nested more than {MAX_YAML_DEPTH} levels deep; the values below were not read",
                )
            )
        if self.bad_at is not None:
            out.append(
                metadata_problem(
                    path,
                    first_line + self.bad_at.start_mark.line,
                    "a merge key (`<<`) merges something other than a mapping or a list of mappings",
                )
            )
        if self.over_at is not None:
            out.append(
                metadata_problem(
                    path,
                    first_line + self.over_at.start_mark.line,
                    f"merge keys (`<<`) copy more than {MAX_MERGED_VALUES:,} values; those from here on "
                    "were not read",
                )
            )
        return out


def _resolve_merges(node: yaml.Node, first_line: int, path: str) -> tuple[yaml.Node, list[Problem]]:
    merges = _Merges()
    try:
        return merges.node(node), merges.problems(path, first_line)
    except RecursionError:  # only when the caller's stack is already deep
        return node, [metadata_problem(path, first_line, "nested too deeply to read")]


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
        problem = metadata_problem(
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
    node, problems = _resolve_merges(node, first_line, path)
    walk = _Walk(first_line)
    try:
        walk.top(node)
    except RecursionError:
        problems.append(metadata_problem(path, first_line, "nested too deeply to read"))
    metadata, more = _metadata(node, first_line, path)
    problems += more
    if walk.truncated_at is not None:
        problems.append(
            metadata_problem(
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
        return {}, [metadata_problem(path, first_line, f"the front matter is {kind}, not a mapping of keys")]
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
            problems.append(metadata_problem(path, line, f"the value of `{key}` cannot be read: {reason}"))
    return metadata, problems


def _read_blocks(
    lines: list[str], first_line: int, path: str, whole: BaseException
) -> tuple[dict[str, Any], list[MetaField], list[Problem]]:
    metadata: dict[str, Any] = {}
    fields: list[MetaField] = []
    problems: list[Problem] = []
    unmerged: list[Problem] = []
    for start, end in _blocks(lines):
        block = "\n".join(lines[start:end])
        line = first_line + start
        try:
            node = _compose(block)
        except (yaml.YAMLError, RecursionError) as exc:
            bad_line, reason = _yaml_problem(exc, line)
            problems.append(
                metadata_problem(
                    path,
                    bad_line,
                    f"invalid YAML: {reason}; lines {line}-{first_line + end - 1} were read line by line",
                )
            )
            fields += salvage(lines[start:end], line)
            continue
        if node is None:
            continue
        node, more = _resolve_merges(node, line, path)
        unmerged += more
        walk = _Walk(line)
        walk.top(node)
        fields += walk.out
        part, more = _metadata(node, line, path)
        metadata.update(part)
        problems += more
    if not problems:  # every block parsed alone: the document as a whole was the problem
        bad_line, reason = _yaml_problem(whole, first_line)
        problems.append(metadata_problem(path, bad_line, f"invalid YAML: {reason}"))
    return metadata, fields, problems + unmerged


def metadata_problem(path: str, line: int, reason: str) -> Problem:
    return Problem(
        "card-metadata-unreadable",
        f"{path}:{line}: the card's YAML front matter could not be fully read: {reason}",
        "fix the front matter (the rest of the card was checked), or allowlist the dataset with a reason",
    )
