"""Map whatever `huggingface_hub` or `datasets` raised to one explicit, actionable problem.

Each kind of failure has its own stable code, so CI logs, allowlists and dashboards can
tell a gated dataset from a typo or an outage. Under fail-closed every one of them blocks
(the policy turns problems into an `error` verdict).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from guardrail.errors import HubAccessError
from guardrail.readers.hub.ref import HubRef

GATED = "hub-gated"
UNAUTHORIZED = "hub-unauthorized"
NOT_FOUND = "hub-not-found"
REVISION_NOT_FOUND = "hub-revision-not-found"
FORBIDDEN = "hub-forbidden"
DISABLED = "hub-disabled"
TIMEOUT = "hub-timeout"
NETWORK = "hub-network"
SERVER_ERROR = "hub-server-error"
RATE_LIMITED = "hub-rate-limited"
OFFLINE_NO_CACHE = "hub-offline-no-cache"
OFFLINE_NO_RECORDS = "hub-offline-no-records"
BAD_RESPONSE = "hub-bad-response"


_ALLOWLIST = "or allowlist it in [tool.guardrail] with a reason"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and its causes: `datasets` wraps the Hub's errors in its own."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _transport_names(exc: BaseException) -> set[str]:
    # Timeouts and connection errors come from huggingface_hub's HTTP library, which differs
    # by version (httpx, httpx2); their class names are the stable part.
    return {cls.__name__ for cls in type(exc).__mro__}


def _dataset_not_found() -> tuple[type[BaseException], ...]:
    # `datasets` raised it only if `datasets` is imported: never import it just to classify.
    module = sys.modules.get("datasets.exceptions")
    return (module.DatasetNotFoundError,) if module is not None else ()


def _offline() -> bool:
    # Online, `LocalEntryNotFoundError` wraps a failed download (its cause says why):
    # calling that "offline, nothing cached" sends the user after the wrong problem.
    from huggingface_hub import constants

    return bool(constants.is_offline_mode())


def _has_token() -> bool:
    from huggingface_hub import get_token

    return bool(get_token())


def hub_failure(exc: BaseException, ref: HubRef, *, timeout: float, what: str = "") -> HubAccessError:
    """Classify `exc`, raised while reading `ref`, into a `HubAccessError` with code and hint.

    Args:
        exc: What `huggingface_hub` or `datasets` raised.
        ref: The repo being read.
        timeout: The configured Hub timeout, quoted in timeout messages.
        what: What was being read (`the dataset card`, `records`), for the message.

    Returns:
        The error to raise or to turn into a `Problem`.
    """
    from huggingface_hub import errors as hub

    not_found: tuple[type[BaseException], ...] = (hub.RepositoryNotFoundError, *_dataset_not_found())
    subject = f"{ref}" + (f" ({what})" if what else "")
    page = f"https://huggingface.co/datasets/{ref.repo_id}"
    for e in _chain(exc):
        names = _transport_names(e)
        status = _status(e)
        gated_message = "gated" in str(e).lower() and isinstance(e, _dataset_not_found())
        if isinstance(e, hub.GatedRepoError) or gated_message:
            return HubAccessError(
                f"{subject}: the dataset is gated and this account has not been granted access",
                code=GATED,
                hint=f"request access on the Hub ({page}) and log in (`hf auth login`) or set HF_TOKEN, "
                f"{_ALLOWLIST}",
            )
        if isinstance(e, hub.RevisionNotFoundError):
            return HubAccessError(
                f"{subject}: revision '{ref.revision}' does not exist",
                code=REVISION_NOT_FOUND,
                hint="check the branch, tag or commit after '@'",
            )
        if isinstance(e, hub.DisabledRepoError):
            return HubAccessError(
                f"{subject}: access to this repository has been disabled on the Hub",
                code=DISABLED,
                hint=f"use another source for this data, {_ALLOWLIST}",
            )
        if isinstance(e, not_found):
            if status == 401 and not _has_token():
                return HubAccessError(
                    f"{subject}: the Hub answered 401: the repository is private or does not exist, "
                    "and no token was sent",
                    code=UNAUTHORIZED,
                    hint="if it is private, log in (`hf auth login`) or set HF_TOKEN to a token that can "
                    f"read it; otherwise check the spelling, {_ALLOWLIST}",
                )
            return HubAccessError(
                f"{subject}: no such dataset repository on the Hub (or your token cannot read it)",
                code=NOT_FOUND,
                hint=f"check the repo ID; if it is private, use a token that can read it, {_ALLOWLIST}",
            )
        if isinstance(e, hub.OfflineModeIsEnabled) or (
            isinstance(e, hub.LocalEntryNotFoundError) and _offline()
        ):
            return HubAccessError(
                f"{subject}: HF_HUB_OFFLINE is set and nothing for this repo is in the local cache",
                code=OFFLINE_NO_CACHE,
                hint=f"run once online to fill the cache (HF_HOME), or unset HF_HUB_OFFLINE, {_ALLOWLIST}",
            )
        if "TimeoutException" in names or isinstance(e, TimeoutError):
            return HubAccessError(
                f"{subject}: the Hub did not answer within {timeout:g} s",
                code=TIMEOUT,
                hint="retry later, or raise `hub-timeout` in [tool.guardrail]; "
                f"{_ALLOWLIST} to proceed without checking",
            )
        if status is not None and status >= 500:
            return HubAccessError(
                f"{subject}: the Hub answered HTTP {status} (server error)",
                code=SERVER_ERROR,
                hint=f"retry later (https://status.huggingface.co), {_ALLOWLIST}",
            )
        if status == 429:
            return HubAccessError(
                f"{subject}: the Hub answered HTTP 429 (rate limited)",
                code=RATE_LIMITED,
                hint=f"log in to raise your rate limit, or retry later, {_ALLOWLIST}",
            )
        if status in (401, 403):
            return HubAccessError(
                f"{subject}: the Hub refused access (HTTP {status})",
                code=FORBIDDEN,
                hint=f"check that your token (HF_TOKEN) has read access, {_ALLOWLIST}",
            )
        if "NetworkError" in names or "ConnectError" in names or isinstance(e, ConnectionError):
            return HubAccessError(
                f"{subject}: cannot reach the Hub: {type(e).__name__}: {e}",
                code=NETWORK,
                hint="check the network and HF_ENDPOINT; set HF_HUB_OFFLINE=1 to use cached cards, "
                f"{_ALLOWLIST}",
            )
    return HubAccessError(
        f"{subject}: unexpected answer from the Hub: {type(exc).__name__}: {exc}",
        code=BAD_RESPONSE,
        hint=f"check HF_ENDPOINT points at a Hub; {_ALLOWLIST}",
    )
