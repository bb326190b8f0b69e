"""Turn a target string into a source that knows how to gather its evidence.

A target is a card file (`*.md`), a data file, a local dataset folder, or a Hub dataset
ID (`org/name`, `name`, optionally `@revision`). Local paths win over Hub IDs.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from guardrail.errors import TargetError
from guardrail.readers.file_types import COMPRESSION_SUFFIXES, DATA_SUFFIXES, data_suffix

__all__ = ["CARD_SUFFIXES", "DATA_SUFFIXES", "Source", "data_suffix", "looks_like_hub_id", "resolve"]

if TYPE_CHECKING:
    from guardrail.findings import Evidence
    from guardrail.sources.context import CheckContext

CARD_SUFFIXES = (".md", ".markdown")

_HUB_ID = re.compile(r"^(?:[A-Za-z0-9][\w.-]{0,95}/)?[A-Za-z0-9][\w.-]{0,95}(?:@[\w./-]{1,200})?$")


class Source(Protocol):
    @property
    def target(self) -> str: ...

    def gather(self, ctx: CheckContext) -> Evidence: ...


def looks_like_hub_id(target: str) -> bool:
    if target.startswith((".", "/", "~")) or "\\" in target or target.endswith("/"):
        return False
    name = target.split("@", 1)[0]
    if Path(name).suffix.lower() in (*CARD_SUFFIXES, *DATA_SUFFIXES, *COMPRESSION_SUFFIXES):
        return False
    # The Hub's own rules beyond the pattern (huggingface_hub's validate_repo_id), so that such a
    # name is "not a Hub dataset ID" here rather than a validation error deep in a Hub call.
    return bool(_HUB_ID.match(target)) and "--" not in name and ".." not in name and not name.endswith(".git")


def resolve(target: str) -> Source:
    """Pick the source for `target`.

    Raises:
        TargetError: if a local path does not exist or is of an unsupported kind.
    """
    path = Path(target)
    try:
        mode: int | None = path.stat().st_mode
    except PermissionError:
        raise TargetError(
            f"{target}: permission denied: a folder on its path cannot be searched by this user"
        ) from None
    except (OSError, ValueError):
        mode = None  # absent, or a name no file system takes (too long): maybe a Hub ID
    if mode is not None:
        if stat.S_ISDIR(mode):
            from guardrail.sources.folder import FolderSource

            return FolderSource(target, path)
        if path.suffix.lower() in CARD_SUFFIXES:
            from guardrail.sources.card_file import CardFileSource

            return CardFileSource(target, path)
        if data_suffix(path) is not None:
            from guardrail.sources.data_file import DataFileSource

            return DataFileSource(target, path)
        raise TargetError(
            f"{target}: unsupported file type '{path.suffix or '(none)'}'; expected a card (.md), a data file "
            f"({', '.join(DATA_SUFFIXES)}, optionally compressed), a dataset folder or a Hub dataset ID"
        )
    if looks_like_hub_id(target):
        from guardrail.sources.hub_dataset import HubSource

        return HubSource(target)
    raise TargetError(f"{target}: no such file or directory, and not a Hub dataset ID")
