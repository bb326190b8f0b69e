"""Versioned data files that hold what guardrail knows about X.

Loaded once per process and returned as frozen structures; detectors compile them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guardrail.knowledge.x_datasets import KnowledgeBase


def _load(name: str) -> dict[str, Any]:
    with resources.files(__package__).joinpath(name).open("rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class XPlatform:
    """Domains, licence terms, words and record fields that identify X content."""

    version: str
    platform_domains: tuple[str, ...]
    shortener_domains: tuple[str, ...]
    media_domains: tuple[str, ...]
    mirror_domains: tuple[str, ...]
    licence_names: tuple[str, ...]
    licence_links: tuple[str, ...]
    platform_words: tuple[str, ...]
    post_words: tuple[str, ...]
    stems: tuple[str, ...]
    x_forms: tuple[str, ...]
    v1_fields: tuple[str, ...]
    v2_fields: tuple[str, ...]
    column_words: tuple[str, ...]
    placeholders: tuple[str, ...]
    other_platforms: tuple[str, ...] = ()
    negations_before: tuple[str, ...] = ()
    negations_after: tuple[str, ...] = ()

    @property
    def all_domains(self) -> tuple[str, ...]:
        return self.platform_domains + self.shortener_domains + self.media_domains + self.mirror_domains


@cache
def platform_file() -> dict[str, Any]:
    """The parsed `x_platform.toml`, read once per process (treat it as read-only)."""
    return _load("x_platform.toml")


@cache
def x_platform() -> XPlatform:
    raw = platform_file()
    d, lic, w, r = raw["domains"], raw["licence"], raw["words"], raw["records"]
    return XPlatform(
        version=raw["version"],
        platform_domains=tuple(d["platform"]),
        shortener_domains=tuple(d["shortener"]),
        media_domains=tuple(d["media"]),
        mirror_domains=tuple(d["mirrors"]),
        licence_names=tuple(lic["names"]),
        licence_links=tuple(lic["links"]),
        platform_words=tuple(w["platform"]),
        post_words=tuple(w["post"]),
        stems=tuple(w["stems"]),
        x_forms=tuple(w["x_forms"]),
        v1_fields=tuple(r["v1_fields"]),
        v2_fields=tuple(r["v2_fields"]),
        column_words=tuple(r["column_words"]),
        placeholders=tuple(r["placeholders"]),
        other_platforms=tuple(w.get("other_platforms", ())),
        negations_before=tuple(w.get("negations_before", ())),
        negations_after=tuple(w.get("negations_after", ())),
    )


def known_x_datasets() -> KnowledgeBase:
    """The packaged knowledge base of datasets known to hold X content (`x_datasets.toml`).

    Returns:
        A `KnowledgeBase`; extend it with user entries via `.extended(config.known_x_datasets, ...)`.
    """
    from guardrail.knowledge.x_datasets import packaged_knowledge_base

    return packaged_knowledge_base()
