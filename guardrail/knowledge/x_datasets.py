"""The knowledge base of datasets known to hold X content, and lookups in it.

The packaged list (`x_datasets.toml`) is extended by the `known-x-datasets` entries of the
user's configuration. Names are matched exactly, case-insensitively: a Hub ID or a legacy
canonical name, never a substring, so a fork or a look-alike name is not matched by guess.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Protocol

DATA_FILE = "x_datasets.toml"
PACKAGED_PATH = "guardrail/knowledge/x_datasets.toml"


class UserEntry(Protocol):
    """A `known-x-datasets` entry of the configuration (`guardrail.config.KnownDataset`).

    A protocol, so the knowledge layer reads the configuration's entries without importing it.
    """

    @property
    def dataset(self) -> str: ...
    @property
    def evidence(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def configs(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class KnownXDataset:
    """One knowledge-base entry.

    Args:
        names: Hub IDs and legacy canonical names of the same data.
        evidence: The fact, in one sentence.
        source: Where a person can check it (paper, card URL, project configuration).
        kind: The kind of evidence (`card`, `paper`, `benchmark-docs`, `dpi`, `user`).
        share: `all` when every record is from X, `partial` when some are.
        configs: For aggregate collections, the configs that hold X content; empty means all.
        path: The file the entry comes from, for the finding's location.
        line: Its line in that file.
    """

    names: tuple[str, ...]
    evidence: str
    source: str
    kind: str = "card"
    share: str = "all"
    configs: tuple[str, ...] = ()
    path: str = PACKAGED_PATH
    line: int | None = None

    @property
    def name(self) -> str:
        """The preferred name: the first Hub ID (org/name) listed, else the first name."""
        return next((n for n in self.names if "/" in n), self.names[0])

    def covers(self, config: str | None) -> bool:
        """Whether `config` (None: the whole dataset) includes data this entry is about."""
        return not self.configs or config is None or config in self.configs


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    entries: tuple[KnownXDataset, ...]

    def lookup(self, name: str) -> KnownXDataset | None:
        """The entry listing `name` (a Hub ID or legacy name, `@revision` ignored), if any."""
        wanted = normalise_name(name)
        return next((e for e in self.entries if wanted in {normalise_name(n) for n in e.names}), None)

    def extended(self, extra: Iterable[UserEntry], source_file: str | None) -> KnowledgeBase:
        """This knowledge base plus the user's `known-x-datasets` entries, which come first."""
        user = tuple(
            KnownXDataset(
                names=(k.dataset,),
                evidence=k.evidence,
                source=k.source,
                kind="user",
                share="partial" if k.configs else "all",
                configs=k.configs,
                path=source_file or "the configuration",
                line=None,
            )
            for k in extra
        )
        return KnowledgeBase(self.version, user + self.entries) if user else self


def normalise_name(name: str) -> str:
    return name.split("@", 1)[0].strip().strip("/").lower()


def _entry_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if re.match(r"\s*\[\[dataset\]\]", line)]


@cache
def packaged_knowledge_base() -> KnowledgeBase:
    """The knowledge base shipped with guardrail (loaded once per process)."""
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    lines = _entry_lines(text)
    entries = tuple(
        KnownXDataset(
            names=tuple(d["names"]),
            evidence=d["evidence"],
            source=d["source"],
            kind=d.get("kind", "card"),
            share=d.get("share", "all"),
            configs=tuple(d.get("configs", ())),
            line=lines[i] if i < len(lines) else None,
        )
        for i, d in enumerate(raw.get("dataset", []))
    )
    return KnowledgeBase(version=str(raw["version"]), entries=entries)
