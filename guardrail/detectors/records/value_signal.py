"""The small interface of a record rule: a pattern over values, and a judgement over counts.

A `ValueSignal` is mostly data: an RE2 pattern run on candidate values of string columns,
and thresholds that turn "how many rows matched, how many of them look like posts"
into a severity. The scanner (`guardrail.scan.scanner`) does all the reading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from guardrail.findings import Severity
from guardrail.rules import Rule

# Posts are short: 280 characters plus expanded links, handles and a CSV id/label around them.
POST_LIKE_MAX_CHARS = 500
# A post-sized value holding a link to a post *and* a marker only tweet corpora write
# (`RT @x:`, `@USER`) is a copied retweet or an anonymised tweet, never a citation in an
# article: it is a post however rare it is in the data.
POST_LINK_SIGNALS = ("status-url", "short-link")
CORPUS_MARKER_SIGNALS = ("retweet-marker", "mention-placeholder")


@dataclass(frozen=True)
class Example:
    """Where a signal first matched: enough for a person to open the row."""

    config: str | None
    split: str | None
    row: int | None
    column: str
    span: str
    path: str | None = None


@dataclass
class Tally:
    """Counts for one signal in one dataset config, accumulated batch by batch.

    Args:
        matched: Rows with at least one match.
        post_like: Matched rows whose matching value is post-sized.
        strong: Matched rows the signal's refinement marked as decisive.
        certain: Matched rows that are certainly posts (see `POST_LINK_SIGNALS`).
        scanned: Rows scanned in this config.
        first: The first match seen.
    """

    matched: int = 0
    post_like: int = 0
    strong: int = 0
    certain: int = 0
    scanned: int = 0
    first: Example | None = None

    def add(self, other: Tally) -> None:
        """Add a later tally's counts (the first example stays the earliest)."""
        self.matched += other.matched
        self.post_like += other.post_like
        self.strong += other.strong
        self.certain += other.certain
        if self.first is None:
            self.first = other.first

    def share(self, count: int | None = None) -> float:
        n = self.matched if count is None else count
        return n / self.scanned if self.scanned else 0.0


Judge = Callable[[Tally], Severity | None]


@dataclass(frozen=True)
class ValueSignal:
    """One kind of X marker inside values.

    Args:
        key: Unique name of the signal (several signals may share a rule).
        rule: The rule its findings carry.
        pattern: RE2 source, run with `ignore_case=True` on normalised values.
        judge: Severity from the tally, or None for "not worth a finding".
        message: What the finding says, from the tally.
        refine: Optional per-value check run in Python on matched values only:
            0 drops the match, 1 keeps it, 2 keeps it as strong.
        provenance_only: Run only on provenance fields (`source`, `url`, `meta.*`), on
            every value rather than prefilter candidates.
        scalar_only: Skip values inside lists (token lists make whole-value matches noisy).
        excludes: Keys of signals whose matches this one leaves to them.
    """

    key: str
    rule: Rule
    pattern: str
    judge: Judge
    message: Callable[[Tally], str]
    refine: Callable[[Sequence[str]], list[int]] | None = None
    provenance_only: bool = False
    scalar_only: bool = False
    excludes: tuple[str, ...] = field(default=())


def rows_of(t: Tally, what: str = "rows") -> str:
    return f"{t.matched:,} of {t.scanned:,} scanned {what}"


def rows_message(what: str) -> Callable[[Tally], str]:
    """`"<what> in N of M scanned rows (K post-sized)."`: the message of most value signals."""

    def message(t: Tally) -> str:
        sized = f" ({t.post_like:,} post-sized)" if t.post_like else ""
        return f"{what} in {rows_of(t)}{sized}."

    return message


def post_share_judge(
    *, high_min: int, high_share: float, medium_share: float, medium_post_min: int = 1
) -> Judge:
    """Severity for markers that make a record a post when they sit in a post-sized value.

    HIGH when some row is certainly a post, or when at least `high_min` post-sized rows carry the marker and they are at least
    `high_share` of the rows; MEDIUM when some post-sized rows do, or the marker is
    common (`medium_share`) in long values; otherwise LOW (say one link in an article).
    """

    def judge(t: Tally) -> Severity | None:
        if t.certain or (t.post_like >= high_min and t.share(t.post_like) >= high_share):
            return Severity.HIGH
        if t.post_like >= medium_post_min or t.share() >= medium_share:
            return Severity.MEDIUM
        return Severity.LOW if t.matched else None

    return judge
