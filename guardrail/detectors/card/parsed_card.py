"""A parsed dataset card: what every card detector reads.

Built by `guardrail.readers.card_parser` (front matter with line numbers, the prose body);
it sits in the detectors layer so detectors depend on the data, never on the parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from guardrail.findings import Finding


@dataclass(frozen=True)
class MetaField:
    """One scalar of the front matter, with its key path (`configs[0].config_name`)."""

    path: str
    line: int
    value: str

    @property
    def top_key(self) -> str:
        return self.path.split(".", 1)[0].split("[", 1)[0]


@dataclass(frozen=True)
class Card:
    """A parsed dataset card. Line numbers are 1-based lines of the original file."""

    path: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    fields: tuple[MetaField, ...] = ()
    body: str = ""
    body_line: int = 1
    issues: tuple[Finding, ...] = ()

    def __hash__(self) -> int:
        return hash((self.path, self.text))

    def line_of(self, key_path: str) -> int | None:
        for f in self.fields:
            if f.path == key_path or f.path.startswith(key_path + ".") or f.path.startswith(key_path + "["):
                return f.line
        return None

    def fields_under(self, *top_keys: str) -> Iterator[MetaField]:
        wanted = set(top_keys)
        return (f for f in self.fields if f.top_key in wanted)

    @property
    def config_names(self) -> tuple[str, ...]:
        names = [
            f.value
            for f in self.fields
            if f.path.endswith(".config_name") or re.fullmatch(r"configs\[\d+\]", f.path)
        ]
        return tuple(dict.fromkeys(names))
