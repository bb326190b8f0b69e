"""A tqdm bar for long scans, shown the way `datasets` shows its own.

Shown only when the caller asked for progress (a terminal, not CI, text output) and
`datasets`' progress bars are enabled (`HF_DATASETS_DISABLE_PROGRESS_BARS` is honoured).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any


def bars_enabled() -> bool:
    try:
        from datasets.utils.logging import is_progress_bar_enabled
    except ImportError:  # pragma: no cover - datasets is a core dependency
        return False
    return bool(is_progress_bar_enabled())


class Progress:
    """Counts rows; a no-op unless `enabled` and datasets' bars are on."""

    def __init__(self, enabled: bool, desc: str, total: int | None = None) -> None:
        self._bar: Any = None
        if enabled and bars_enabled():
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=" rows", unit_scale=True, leave=False)

    def update(self, rows: int) -> None:
        if self._bar is not None:
            self._bar.update(rows)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.close()
