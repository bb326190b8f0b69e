"""Bounded reads of Hub metadata and cards through `huggingface_hub`.

Why not just `DatasetCard.load`: when a card is not cached and the first HEAD times out or
gets a 5xx, `hf_hub_download` retries with a 60 s timeout and exponential backoff. A guard
in CI must answer in bounded time, so the card's metadata is fetched first with the
configured timeout and no retry; only then does `hf_hub_download` fill the standard cache
(so a later offline run finds the card where `huggingface_hub` itself would look).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardrail.errors import HubAccessError
from guardrail.readers.hub.failures import NETWORK, hub_failure
from guardrail.readers.hub.ref import HubRef

CARD_FILE = "README.md"
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class RepoInfo:
    """What `HfApi.dataset_info` says about a repo at a revision (no data downloaded)."""

    repo_id: str
    commit: str | None
    gated: str | bool = False
    private: bool = False
    card_data: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash((self.repo_id, self.commit))


@dataclass(frozen=True)
class CardFile:
    """A dataset card in the local HF cache; `path` is None when the repo has no card."""

    ref: HubRef
    commit: str | None
    path: str | None
    from_cache: bool = False


def offline() -> bool:
    """Whether `huggingface_hub` was imported with HF_HUB_OFFLINE set (it reads it once)."""
    from huggingface_hub import constants

    return bool(constants.is_offline_mode())


def _commit_of(path: str) -> str | None:
    # .../datasets--org--name/snapshots/<commit>/README.md
    parts = Path(path).parts
    if "snapshots" in parts:
        i = parts.index("snapshots")
        if i + 1 < len(parts) and _COMMIT.match(parts[i + 1]):
            return parts[i + 1]
    return None


class HubClient:
    """Reads Hub metadata with a bounded timeout; one per check run.

    A connection failure (DNS, refused) trips a breaker for the rest of the run, so a run
    over many targets and parents waits for the network once, not once per dataset.

    Args:
        timeout: Seconds before any single request is abandoned (`hub-timeout`).
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._down: HubAccessError | None = None

    @property
    def offline(self) -> bool:
        return offline()

    def _fail(self, exc: BaseException, ref: HubRef, what: str) -> HubAccessError:
        error = hub_failure(exc, ref, timeout=self.timeout, what=what)
        if error.code == NETWORK:
            self._down = error
        return error

    def cached_card(self, ref: HubRef) -> CardFile | None:
        """The card from the local cache only, never the network; None if it is not there."""
        from huggingface_hub import try_to_load_from_cache
        from huggingface_hub.file_download import _CACHED_NO_EXIST

        cached = try_to_load_from_cache(ref.repo_id, CARD_FILE, revision=ref.revision, repo_type="dataset")
        if cached is _CACHED_NO_EXIST:
            return CardFile(ref, None, None, from_cache=True)
        if isinstance(cached, str):
            return CardFile(ref, _commit_of(cached), cached, from_cache=True)
        return None

    def _check_breaker(self, ref: HubRef) -> None:
        if self._down is not None:
            raise HubAccessError(
                f"{ref}: not tried: the Hub was unreachable earlier in this run ({self._down})",
                code=self._down.code,
                hint=self._down.hint,
            )

    def info(self, ref: HubRef) -> RepoInfo | None:
        """Repo metadata and the resolved commit; None when offline (the API is not cached).

        Raises:
            HubAccessError: with a code from `guardrail.readers.hub.failures`.
        """
        if self.offline:
            return None
        self._check_breaker(ref)
        from huggingface_hub import HfApi

        try:
            info = HfApi().dataset_info(ref.repo_id, revision=ref.revision, timeout=self.timeout)
        except Exception as exc:
            raise self._fail(exc, ref, "metadata") from exc
        card_data = info.card_data.to_dict() if info.card_data is not None else {}
        return RepoInfo(
            repo_id=info.id or ref.repo_id,
            commit=info.sha,
            gated=info.gated if info.gated is not None else False,
            private=bool(info.private),
            card_data=card_data,
            files=tuple(s.rfilename for s in (info.siblings or ())),
        )

    def card(self, ref: HubRef, commit: str | None = None) -> CardFile:
        """The dataset card at `commit` (or the ref's revision), from the cache when it is there.

        Raises:
            HubAccessError: with a code from `guardrail.readers.hub.failures`; a repo without a
                README.md is not an error (`path` is None).
        """
        from huggingface_hub import hf_hub_download, try_to_load_from_cache
        from huggingface_hub.errors import EntryNotFoundError
        from huggingface_hub.file_download import _CACHED_NO_EXIST

        revision = commit or ref.revision
        cached = try_to_load_from_cache(ref.repo_id, CARD_FILE, revision=revision, repo_type="dataset")
        if cached is _CACHED_NO_EXIST:
            return CardFile(ref, commit, None, from_cache=True)
        if isinstance(cached, str) and (self.offline or (revision and _COMMIT.match(revision))):
            # A card cached at an exact commit never changes; offline, the cache is all there is.
            return CardFile(ref, commit or _commit_of(cached), cached, from_cache=True)
        if self.offline:
            from huggingface_hub.errors import OfflineModeIsEnabled

            missing = OfflineModeIsEnabled(f"{CARD_FILE} of {ref} is not in the cache")
            raise self._fail(missing, ref, "dataset card")
        self._check_breaker(ref)
        # Download at the revision as given (not the commit) so the cache records the
        # branch -> commit ref too, exactly as `DatasetCard.load` would: that is what lets a
        # later offline run find the card.
        if self._preflight(ref, ref.revision):
            return CardFile(ref, commit, None)
        try:
            path = hf_hub_download(
                ref.repo_id, CARD_FILE, repo_type="dataset", revision=ref.revision, etag_timeout=self.timeout
            )
        except Exception as exc:
            if isinstance(exc, EntryNotFoundError):
                return CardFile(ref, commit, None)
            raise self._fail(exc, ref, "dataset card") from exc
        return CardFile(ref, _commit_of(path) or commit, path)

    def _preflight(self, ref: HubRef, revision: str | None) -> bool:
        """One bounded HEAD without retries; True if the repo has no card."""
        from huggingface_hub import get_hf_file_metadata, hf_hub_url
        from huggingface_hub.errors import EntryNotFoundError

        url = hf_hub_url(ref.repo_id, CARD_FILE, repo_type="dataset", revision=revision)
        try:
            get_hf_file_metadata(url, timeout=self.timeout)
        except Exception as exc:
            if isinstance(exc, EntryNotFoundError):
                return True
            raise self._fail(exc, ref, "dataset card") from exc
        return False
