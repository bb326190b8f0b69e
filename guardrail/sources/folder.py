"""A local dataset folder: its README.md card plus its data files."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guardrail.errors import GuardrailError
from guardrail.findings import Evidence, Problem, internal_error
from guardrail.readers.folder_inventory import CARD_NAME, MAX_ENTRIES, Inventory, inventory, listed
from guardrail.sources.card_file import card_file_evidence

if TYPE_CHECKING:
    from guardrail.readers.file_scan import DataFile
    from guardrail.sources.context import CheckContext


# Past this many data files, each is scanned without asking datasets which split it belongs to.
MAX_RESOLVED_FILES = 1000


@dataclass(frozen=True)
class FolderSource:
    target: str
    path: Path

    def gather(self, ctx: CheckContext) -> Evidence:
        # Card and records are gathered apart: a guardrail bug in one leaves the other's
        # findings standing, beside the internal-error problem that blocks the target.
        card = _isolated(self.target, "card", lambda: self.card_evidence(ctx))
        return card.merge(_isolated(self.target, "records", lambda: self._records(ctx)))

    def card_evidence(self, ctx: CheckContext) -> Evidence:
        """The folder's card, or a note that it has none (then the records decide)."""
        card_path = self.path / CARD_NAME
        # exists(), not is_file(): a FIFO or device named README.md is refused, not ignored.
        # os.path: a folder without search permission makes Path.exists raise; its listing
        # failure is reported with the records.
        if os.path.exists(card_path) and not os.path.isdir(card_path):
            display = str(Path(self.target) / CARD_NAME)
            return card_file_evidence(self.target, card_path, display, ctx)
        return Evidence(
            target=self.target,
            notes=("no dataset card (README.md) in this folder; judged on its records alone",),
            resolved={"path": str(self.path)},
        )

    def _records(self, ctx: CheckContext) -> Evidence:
        if not ctx.config.scan_records:
            return _accounting(inventory(self.path), self.path, self.target).merge(
                Evidence(
                    target=self.target,
                    notes=("records not scanned (--no-records / scan-records = false)",),
                )
            )
        from guardrail.readers.file_scan import scan_files, with_file_lines

        files, plan = self.record_plan(ctx.config.exclude)
        if not files:
            return plan
        scanned = scan_files(files, ctx.config, target=self.target, progress=ctx.progress)
        return plan.merge(with_file_lines(scanned, files))

    def record_plan(self, exclude: tuple[str, ...] = ()) -> tuple[list[DataFile], Evidence]:
        """The data files to scan, and the evidence for every file that is not scanned.

        Every engine (local, Ray) scans these files, so a folder is accounted for the same way
        whichever reads it. Files matching an `exclude` glob are left out and counted in a note.
        """
        from guardrail.readers.file_scan import DataFile
        from guardrail.readers.folder_layout import folder_files

        inv = inventory(self.path)
        skipped = 0
        if exclude:
            inv, skipped = _without_excluded(inv, self.path, self.target, exclude)
        notes: list[str] = []
        if inv.special or inv.unlisted or len(inv.readable) > MAX_RESOLVED_FILES:
            # datasets would open a FIFO README.md and wait forever, fails on a folder it cannot
            # list, and resolves thousands of files slowly (5,000: 11 s; 20,000: about a minute,
            # its glob asking for every file's info once per split pattern): resolve without it.
            files: list[DataFile] = []
            what = (
                "special files present"
                if inv.special
                else "folders that could not be listed"
                if inv.unlisted
                else f"{len(inv.readable):,} data files"
            )
            notes.append(f"{what}: data files scanned without datasets' split resolution")
        else:
            files, notes = folder_files(self.path, self.target)
        known = {os.path.realpath(f.path) for f in files}
        extra = [p for p in inv.readable if os.path.realpath(p) not in known]
        if extra and files:
            notes.append(
                "also scanned, though load_dataset on this folder does not pick them by default: "
                + listed(extra, self.path)
            )
        files += [DataFile(p, str(Path(self.target) / p.relative_to(self.path))) for p in extra]
        if exclude:
            from guardrail.globs import excluded

            kept = [f for f in files if not excluded(f.display, exclude)]
            skipped += len(files) - len(kept)
            files = kept
        if skipped:
            notes.append(f"{skipped} file(s) skipped by exclude patterns")
        if not files:
            has_card = os.path.isfile(self.path / CARD_NAME)
            notes.append("no data files in this folder" + ("; judged on its card alone" if has_card else ""))
        accounted = _accounting(inv, self.path, self.target)
        return files, accounted.merge(Evidence(target=self.target, notes=tuple(notes)))


def _without_excluded(
    inv: Inventory, folder: Path, target: str, exclude: tuple[str, ...]
) -> tuple[Inventory, int]:
    """`inv` without the files an exclude glob names (matched as `target/relative/path`)."""
    from guardrail.globs import excluded

    def keep(paths: list[Path]) -> list[Path]:
        return [p for p in paths if not excluded(str(Path(target) / p.relative_to(folder)), exclude)]

    readable, unreadable, other = keep(inv.readable), keep(inv.unreadable), keep(inv.other)
    gone = len(inv.unreadable) - len(unreadable) + len(inv.other) - len(other)
    return dataclasses.replace(inv, readable=readable, unreadable=unreadable, other=other), gone


def _isolated(target: str, part: str, gather: Callable[[], Evidence]) -> Evidence:
    try:
        return gather()
    except GuardrailError:
        raise  # deliberate errors keep their own meaning (engine.gather_safely maps them)
    except Exception as exc:
        return Evidence(target=target, problems=(internal_error(f"{target} ({part})", exc),))


def _accounting(inv: Inventory, folder: Path, target: str) -> Evidence:
    """Problems and notes for every file of the folder that is not scanned."""
    problems: list[Problem] = []
    notes: list[str] = []
    if inv.empty and not os.path.exists(folder / CARD_NAME):
        problems.append(
            Problem(
                "empty-target",
                f"{target}: the folder holds no files, so there was nothing to check",
                "point guardrail at the folder that holds the data",
            )
        )
    if inv.special:
        shown = ", ".join(f"{p.relative_to(folder)} ({kind})" for p, kind in inv.special[:5])
        problems.append(
            Problem(
                "special-file",
                f"{target}: {len(inv.special):,} entr(ies) are not regular files and were refused unread: {shown}",
                "replace them with regular files, or allowlist the target with a reason",
            )
        )
    if inv.unlisted:
        shown = ", ".join(f"{_relative(p, folder)} ({why})" for p, why in inv.unlisted[:5])
        problems.append(
            Problem(
                "unreadable-folder",
                f"{target}: {len(inv.unlisted):,} folder(s) could not be listed, so their files were not "
                f"checked: {shown}",
                "give guardrail read and execute permission on them, or allowlist the target with a reason",
            )
        )
    if inv.unreadable:
        problems.append(
            Problem(
                "unread-data-files",
                f"{target}: {len(inv.unreadable):,} file(s) that `datasets` can load are not read by "
                f"guardrail (media, or archives of several files), so they were not checked: "
                f"{listed(inv.unreadable, folder)}",
                "remove them, or allowlist the target with a reason if they hold no X content",
            )
        )
    if inv.truncated:
        problems.append(
            Problem(
                "folder-too-large",
                f"{target}: more than {MAX_ENTRIES:,} entries (through its links); the rest were not "
                "accounted for",
                "point guardrail at the data folder itself, or allowlist the target with a reason",
            )
        )
    if inv.other:
        notes.append(f"not data files, not read: {listed(inv.other, folder)}")
    for link, where in inv.links_out:
        notes.append(f"followed symlink {link.relative_to(folder)} -> {where} (outside the folder)")
    return Evidence(target=target, problems=tuple(problems), notes=tuple(notes))


def _relative(path: Path, folder: Path) -> str:
    return str(path.relative_to(folder)) if path.is_relative_to(folder) and path != folder else str(path)
