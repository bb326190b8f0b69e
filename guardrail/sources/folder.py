"""A local dataset folder: its README.md card plus its data files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guardrail.findings import Evidence
from guardrail.sources.card_file import card_file_evidence

if TYPE_CHECKING:
    from guardrail.sources.context import CheckContext

CARD_NAME = "README.md"


@dataclass(frozen=True)
class FolderSource:
    target: str
    path: Path

    def gather(self, ctx: CheckContext) -> Evidence:
        return self.card_evidence(ctx).merge(self._records(ctx))

    def card_evidence(self, ctx: CheckContext) -> Evidence:
        """The folder's card, or a note that it has none (then the records decide)."""
        card_path = self.path / CARD_NAME
        if card_path.is_file():
            display = str(Path(self.target) / CARD_NAME)
            return card_file_evidence(self.target, card_path, display, ctx)
        return Evidence(
            target=self.target,
            notes=("no dataset card (README.md) in this folder; judged on its records alone",),
            resolved={"path": str(self.path)},
        )

    def _records(self, ctx: CheckContext) -> Evidence:
        if not ctx.config.scan_records:
            return Evidence(
                target=self.target, notes=("records not scanned (--no-records / scan-records = false)",)
            )
        from guardrail.readers.file_scan import scan_files, with_file_lines
        from guardrail.readers.folder_layout import folder_files

        files, notes = folder_files(self.path, self.target)
        if ctx.config.exclude:
            from guardrail.globs import excluded

            kept = [f for f in files if not excluded(f.display, ctx.config.exclude)]
            if len(kept) < len(files):
                notes.append(f"{len(files) - len(kept)} data file(s) skipped by exclude patterns")
            files = kept
        if not files:
            return Evidence(
                target=self.target, notes=("no data files in this folder; judged on its card alone",)
            )
        evidence = with_file_lines(
            scan_files(files, ctx.config, target=self.target, progress=ctx.progress), files
        )
        return evidence.merge(Evidence(target=self.target, notes=tuple(notes)))
