"""Hub dataset references: `org/name`, legacy `name`, optionally `@revision`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HubRef:
    """A dataset repo on the Hub, optionally at a revision (branch, tag or commit)."""

    repo_id: str
    revision: str | None = None

    def __str__(self) -> str:
        return f"{self.repo_id}@{self.revision}" if self.revision else self.repo_id


def parse_ref(target: str) -> HubRef:
    """Split `org/name@revision` into repo ID and revision.

    Args:
        target: A Hub dataset ID as given by the user, e.g. `org/name@v1.0` or `tweet_eval`.

    Returns:
        The reference; `revision` is None when no `@` was given.
    """
    repo_id, sep, revision = target.strip().partition("@")
    return HubRef(repo_id=repo_id.strip("/"), revision=revision if sep and revision else None)
