"""Bounded reads of Hub metadata and cards through `huggingface_hub`.

Why not just `DatasetCard.load`: when a card is not cached and the first HEAD times out or
gets a 5xx, `hf_hub_download` retries with a 60 s timeout and exponential backoff. A guard
in CI must answer in bounded time, so the card's metadata is fetched first with the
configured timeout and no retry; only then does `hf_hub_download` fill the standard cache
(so a later offline run finds the card where `huggingface_hub` itself would look).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardrail.errors import HubAccessError
from guardrail.readers.hub.failures import BAD_RESPONSE, NETWORK, TIMEOUT, hub_failure
from guardrail.readers.hub.ref import HubRef

CARD_FILE = "README.md"
# Real metadata answers are kilobytes (a few MB for 100k files); a bigger one is refused
# before it is held in memory, and so is a card over the size `read_card` accepts.
MAX_METADATA_BYTES = 64 * 1024 * 1024
MAX_CARD_BYTES = 16 * 1024 * 1024
# One metadata request may take this many `hub-timeout`s in all (a server can trickle bytes
# just fast enough to never trip the per-read timeout).
REQUEST_DEADLINE_FACTOR = 3
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

    A connection failure (DNS, refused, reset) trips a breaker for that repo only, so its
    card and metadata wait for the network once; other targets are still tried.

    Args:
        timeout: Seconds before any single request is abandoned (`hub-timeout`).
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._down: dict[str, HubAccessError] = {}

    @property
    def offline(self) -> bool:
        return offline()

    def _fail(self, exc: BaseException, ref: HubRef, what: str) -> HubAccessError:
        error = hub_failure(exc, ref, timeout=self.timeout, what=what)
        if error.code == NETWORK:
            self._down[ref.repo_id] = error
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
        down = self._down.get(ref.repo_id)
        if down is not None:
            raise HubAccessError(
                f"{ref}: not tried again: the Hub was unreachable for this repo ({down})",
                code=down.code,
                hint=down.hint,
            )

    def info(self, ref: HubRef) -> RepoInfo | None:
        """Repo metadata and the resolved commit; None when offline (the API is not cached).

        Raises:
            HubAccessError: with a code from `guardrail.readers.hub.failures`.
        """
        if self.offline:
            return None
        self._check_breaker(ref)
        try:
            info = self._dataset_info(ref)
        except HubAccessError:
            raise
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

    def _dataset_info(self, ref: HubRef) -> Any:
        """`HfApi.dataset_info`, but the answer is read in bounded size and time.

        Raises:
            HubAccessError: if the answer is too large or too slow; the Hub's own errors
                as `huggingface_hub` raises them.
        """
        from urllib.parse import quote

        import httpx2
        from huggingface_hub import constants
        from huggingface_hub.hf_api import DatasetInfo
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        url = f"{constants.ENDPOINT}/api/datasets/{ref.repo_id}"
        if ref.revision is not None:
            url += f"/revision/{quote(ref.revision, safe='')}"
        deadline = time.monotonic() + self.timeout * REQUEST_DEADLINE_FACTOR
        with get_session().stream("GET", url, headers=build_hf_headers(), timeout=self.timeout) as r:
            announced = r.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > MAX_METADATA_BYTES:
                raise self._too_large(ref, int(announced))
            body = bytearray()
            for chunk in r.iter_bytes():
                body += chunk
                if len(body) > MAX_METADATA_BYTES:
                    raise self._too_large(ref, len(body))
                if time.monotonic() > deadline:
                    raise HubAccessError(
                        f"{ref} (metadata): the answer was still arriving after "
                        f"{self.timeout * REQUEST_DEADLINE_FACTOR:g} s",
                        code=TIMEOUT,
                        hint="retry later, or raise `hub-timeout` in [tool.guardrail]",
                    )
            complete = httpx2.Response(
                r.status_code, headers=r.headers, content=bytes(body), request=r.request
            )
        hf_raise_for_status(complete)
        return DatasetInfo(**json.loads(body))

    def _too_large(self, ref: HubRef, size: int) -> HubAccessError:
        return HubAccessError(
            f"{ref} (metadata): the answer is over {size / 2**20:,.0f} MiB, more than the "
            f"{MAX_METADATA_BYTES // 2**20} MiB guardrail reads; nothing was checked",
            code=BAD_RESPONSE,
            hint="check HF_ENDPOINT points at a Hub, or allowlist the dataset with a reason",
        )

    def card(self, ref: HubRef, commit: str | None = None) -> CardFile:
        """The dataset card at `commit` (or the ref's revision), from the cache when it is there.

        Raises:
            HubAccessError: with a code from `guardrail.readers.hub.failures`; a repo without a
                README.md is not an error (`path` is None).
        """
        from huggingface_hub import hf_hub_download, try_to_load_from_cache
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
            # The preflight saw the card, so a failure now (a redirect to a host that lost the
            # file, say) means it could not be read: never "this repo has no card".
            raise self._fail(exc, ref, "dataset card") from exc
        return CardFile(ref, _commit_of(path) or commit, path)

    def _preflight(self, ref: HubRef, revision: str | None) -> bool:
        """One bounded HEAD without retries; True if the repo has no card."""
        from huggingface_hub import get_hf_file_metadata, hf_hub_url
        from huggingface_hub.errors import RemoteEntryNotFoundError

        url = hf_hub_url(ref.repo_id, CARD_FILE, repo_type="dataset", revision=revision)
        try:
            meta = get_hf_file_metadata(url, timeout=self.timeout)
        except Exception as exc:
            # Only the Hub's own answer "no such file" (X-Error-Code: EntryNotFound) means no card.
            if isinstance(exc, RemoteEntryNotFoundError):
                return True
            raise self._fail(exc, ref, "dataset card") from exc
        if meta.size is not None and meta.size > MAX_CARD_BYTES:
            raise HubAccessError(
                f"{ref} (dataset card): README.md is {meta.size / 2**20:,.0f} MiB, over the "
                f"{MAX_CARD_BYTES // 2**20} MiB a dataset card may be; it was not read",
                code=BAD_RESPONSE,
                hint="fix the card on the Hub, or allowlist the dataset with a reason",
            )
        return False
