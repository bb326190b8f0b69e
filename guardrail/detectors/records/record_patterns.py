"""RE2 pattern sources for record rules, compiled from `knowledge/x_platform.toml`.

Patterns are plain strings because they run inside pyarrow's RE2 kernels, always with
`ignore_case=True`, over values whose evasions were normalised first (see
`guardrail.scan.normalise`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from guardrail.detectors.patterns import alternation
from guardrail.knowledge import platform_file, x_platform


@dataclass(frozen=True)
class RecordKnowledge:
    """The `[records]` keys used by record rules, plus the domain lists."""

    v1_fields: frozenset[str]
    v2_fields: frozenset[str]
    v2_markers: frozenset[str]
    v2_pair: frozenset[str]
    column_words: tuple[str, ...]
    field_vocabulary: tuple[str, ...]
    placeholders: tuple[str, ...]
    provenance_fields: frozenset[str]
    provenance_structs: frozenset[str]
    provenance_values: tuple[str, ...]
    label_values: tuple[str, ...]
    retweet_marker: str
    embed_attribution: str
    status_path: str
    short_link_path: str
    short_link_path_with_scheme: str
    platform_subdomains: tuple[str, ...]
    mirror_labels: tuple[str, ...]


@cache
def record_knowledge() -> RecordKnowledge:
    r = platform_file()["records"]
    return RecordKnowledge(
        v1_fields=frozenset(r["v1_fields"]),
        v2_fields=frozenset(r["v2_fields"]),
        v2_markers=frozenset(r["v2_markers"]),
        v2_pair=frozenset(r["v2_pair"]),
        column_words=tuple(r["column_words"]),
        field_vocabulary=tuple(r["field_vocabulary"]),
        placeholders=tuple(r["placeholders"]),
        provenance_fields=frozenset(r["provenance_fields"]),
        provenance_structs=frozenset(r["provenance_structs"]),
        provenance_values=tuple(r["provenance_values"]),
        label_values=tuple(r["label_values"]),
        retweet_marker=r["retweet_marker"],
        embed_attribution=r["embed_attribution"],
        status_path=r["status_path"],
        short_link_path=r["short_link_path"],
        short_link_path_with_scheme=r["short_link_path_with_scheme"],
        platform_subdomains=tuple(r["platform_subdomains"]),
        mirror_labels=tuple(r["mirror_labels"]),
    )


# Host boundaries: nothing that could continue the hostname on either side.
_HOST_START = r"(?:^|[^a-z0-9.-])"
_HOST_END = r"(?:[^a-z0-9.-]|\.[^a-z0-9-]|\.?$)"


@cache
def status_url() -> str:
    """A link to one post on X or a front-end of it (nitter, xcancel, fxtwitter...)."""
    kb, rk = x_platform(), record_knowledge()
    subs = alternation(rk.platform_subdomains)
    hosts = alternation(kb.platform_domains + kb.mirror_domains)
    labels = alternation(rk.mirror_labels)
    host = rf"(?:(?:{subs})\.)?(?:{hosts})|(?:{labels})(?:\.[a-z0-9-]+)+"
    return rf"(?:^|[^a-z0-9.-])(?:https?://)?(?:{host}){rk.status_path}"


@cache
def short_link() -> str:
    kb, rk = x_platform(), record_knowledge()
    hosts = alternation(kb.shortener_domains)
    return (
        rf"(?:^|[^a-z0-9.-])(?:https?://(?:{hosts}){rk.short_link_path_with_scheme}"
        rf"|(?:{hosts}){rk.short_link_path})"
    )


@cache
def media_link() -> str:
    kb = x_platform()
    return rf"(?:^|[^a-z0-9.-])(?:https?://)?(?:[a-z0-9-]+\.)*(?:{alternation(kb.media_domains)})(?:/|{_HOST_END})"


@cache
def any_x_host() -> str:
    """Any host of X: platform, shortener, media, mirrors (profile pages, share buttons...)."""
    kb, rk = x_platform(), record_knowledge()
    hosts = alternation(kb.all_domains)
    labels = alternation(rk.mirror_labels)
    return rf"{_HOST_START}(?:[a-z0-9-]+\.)*(?:(?:{hosts})|(?:{labels})(?:\.[a-z0-9-]+)+){_HOST_END}"


@cache
def placeholder(mentions_only: bool) -> str:
    """Anonymisation placeholders; `mentions_only` keeps the `@...` forms typical of tweets."""
    words = tuple(p for p in record_knowledge().placeholders if p.startswith("@") or not mentions_only)
    return rf"(?:^|[\s(\[\"'.,:;])(?:{alternation(words)})(?:$|[\s,:;!?)\]\"'])"


@cache
def tweet_json_key() -> str:
    rk = record_knowledge()
    return rf"\"(?:{alternation(rk.v1_fields | rk.v2_fields)})\"\s*:"


@cache
def provenance_value() -> str:
    vals = alternation(record_knowledge().provenance_values)
    return rf"(?:^|[^a-z0-9])(?:{vals})(?:[^a-z0-9]|$)|^\s*x\s*$|{any_x_host()}"


@cache
def label_value() -> str:
    """A whole value that is a platform label, tagged post ID or rehydration placeholder."""
    strong = "|".join(record_knowledge().label_values)
    return rf"^\s*(?:{strong}|twitter|twitter\.com|x\.com)\s*$"


@cache
def strong_label_value() -> str:
    return rf"^\s*(?:{'|'.join(record_knowledge().label_values)})\s*$"


SNOWFLAKE = r"^\s*[0-9]{18,19}\s*$"
