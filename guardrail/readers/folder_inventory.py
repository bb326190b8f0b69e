"""Every file in a local dataset folder, sorted by what guardrail can do with it.

`datasets` resolves a folder to the files of one format (the most common one) and ignores
the rest, but a training script may load any of them. So guardrail accounts for every file:
data it can read is scanned, whatever `datasets` can load but guardrail cannot read (images,
audio, HDF5...) is reported as could-not-check, anything else is listed in a note, and FIFOs
or devices are refused unread. Symlinked folders are followed (an explicit `data_files`
pattern reaches through them), each link leaving the folder is named, and loops are cut.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from guardrail.readers.file_bounds import kind_of
from guardrail.readers.file_types import COMPRESSION_SUFFIXES, NOT_TEXT_SUFFIXES, data_suffix

CARD_NAME = "README.md"
# Archives `datasets` extracts (a folder's `data.zip` loads as the files inside it) that name no
# data format guardrail reads (`train.jsonl.zip` does, and is scanned).
ARCHIVE_SUFFIXES = frozenset([".zip", ".7z", ".rar"])
# Past this many entries a folder is not walked further (a link to `/` must not walk the disk).
MAX_ENTRIES = 200_000


@dataclass
class Inventory:
    """What a folder holds, by kind; paths are as reached through the folder."""

    readable: list[Path] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)  # loadable by datasets, not by guardrail
    other: list[Path] = field(default_factory=list)  # not data
    special: list[tuple[Path, str]] = field(default_factory=list)
    links_out: list[tuple[Path, str]] = field(default_factory=list)
    unlisted: list[tuple[Path, str]] = field(default_factory=list)  # folders that could not be listed
    hidden: int = 0
    truncated: bool = False  # stopped at MAX_ENTRIES

    @property
    def empty(self) -> bool:
        return not (
            self.readable or self.unreadable or self.other or self.special or self.unlisted or self.truncated
        )


def inventory(folder: Path) -> Inventory:
    """Walk `folder` (following symlinks, skipping hidden entries as `datasets` does)."""
    root = Path(os.path.realpath(folder))
    inv = Inventory()
    seen_dirs: set[tuple[int, int]] = set()
    entries = 0

    def unlisted(exc: OSError) -> None:
        # os.walk skips a folder it cannot list without a word; its files would pass unread.
        inv.unlisted.append((Path(exc.filename or folder), exc.strerror or type(exc).__name__))

    for here, dirs, names in walk(str(folder), unlisted):
        entries += len(dirs) + len(names)
        if entries > MAX_ENTRIES:
            inv.truncated = True
            break
        try:
            st = os.stat(here)
            real = (st.st_dev, st.st_ino)
        except OSError:  # gone since it was listed
            dirs[:] = []
            continue
        if real in seen_dirs:  # a link loop, or the same folder linked twice
            dirs[:] = []
            continue
        seen_dirs.add(real)
        inv.hidden += sum(1 for d in dirs if d.startswith((".", "__")))
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for d in dirs:
            _note_link(Path(here) / d, root, inv)
        for name in sorted(names):
            path = Path(here) / name
            if name.startswith((".", "__")):
                inv.hidden += 1
                continue
            _note_link(path, root, inv)
            _classify(path, folder, inv)
    return inv


def walk(top: str, onerror: Callable[[OSError], None]) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(top, onerror=onerror, followlinks=True)`, top-down, without recursion.

    Python 3.11's `os.walk` recurses once per level: a folder 1,000 levels deep raised
    RecursionError. The caller may prune `dirs` in place, as with `os.walk`.
    """
    stack = [top]
    while stack:
        here = stack.pop()
        dirs: list[str] = []
        names: list[str] = []
        try:
            with os.scandir(here) as it:
                for entry in it:
                    try:
                        is_dir = entry.is_dir()  # follows links, as followlinks=True does
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else names).append(entry.name)
        except OSError as exc:
            onerror(exc)
            continue
        yield here, dirs, names
        stack.extend(os.path.join(here, d) for d in reversed(dirs))


def _note_link(path: Path, root: Path, inv: Inventory) -> None:
    if path.is_symlink():
        target = os.path.realpath(path)
        if not Path(target).is_relative_to(root):
            inv.links_out.append((path, target))


def _classify(path: Path, folder: Path, inv: Inventory) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        inv.special.append((path, "broken link or unreadable entry"))
        return
    if not stat.S_ISREG(mode):
        inv.special.append((path, kind_of(mode)))
    elif path.parent == folder and path.name == CARD_NAME:
        return  # the card: read by the card detectors
    elif data_suffix(path) is not None:
        inv.readable.append(path)
    elif _suffix(path) in NOT_TEXT_SUFFIXES or path.suffix.lower() in ARCHIVE_SUFFIXES:
        inv.unreadable.append(path)
    else:
        inv.other.append(path)


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if len(suffixes) > 1 and suffixes[-1] in COMPRESSION_SUFFIXES:
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def listed(paths: list[Path], folder: Path, limit: int = 5) -> str:
    """A short, readable list of paths relative to the folder."""

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(folder))
        except ValueError:
            return str(p)

    shown = ", ".join(rel(p) for p in paths[:limit])
    return shown + (f" and {len(paths) - limit:,} more" if len(paths) > limit else "")
