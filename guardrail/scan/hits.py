"""One batch's matches per signal, and the rows that are certainly posts.

Matches are kept as arrays of batch row indices and merged over columns before counting,
so a row that matches in two columns counts once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from guardrail.detectors.records.value_signal import CORPUS_MARKER_SIGNALS, POST_LINK_SIGNALS

CERTAIN_POST_SIGNALS = POST_LINK_SIGNALS + CORPUS_MARKER_SIGNALS


@dataclass
class Hits:
    """One signal's matches within one batch, merged over leaves before counting."""

    matched: list[np.ndarray] = field(default_factory=list)
    post_like: list[np.ndarray] = field(default_factory=list)
    strong: list[np.ndarray] = field(default_factory=list)
    # (batch row, column, value, pattern): the span that `pattern` matches in `value` is cut
    # out only for the example a finding shows (pattern None: the value is the span).
    example: tuple[int, str, str, str | None] | None = None

    def add(
        self,
        rows: np.ndarray,
        post: np.ndarray,
        strong: np.ndarray,
        example: tuple[int, str, str, str | None],
    ) -> None:
        self.matched.append(rows)
        self.post_like.append(post)
        self.strong.append(strong)
        if self.example is None or example[0] < self.example[0]:
            self.example = example


def count_rows(parts: list[np.ndarray]) -> int:
    return int(np.unique(np.concatenate(parts)).size) if parts else 0


def _rows(hits: dict[str, Hits], keys: tuple[str, ...]) -> np.ndarray:
    parts = [p for k in keys if k in hits for p in hits[k].post_like]
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)


def certain_posts(hits: dict[str, Hits]) -> np.ndarray:
    """Post-sized rows with both a link to a post and a marker only tweet corpora write."""
    return np.intersect1d(_rows(hits, POST_LINK_SIGNALS), _rows(hits, CORPUS_MARKER_SIGNALS))
