"""How a report is rendered: the one options object every reporter takes.

Every reporter is `(report, options) -> str`, so the CLI renders any format the same way; a
format ignores what does not apply to it (only text uses colour).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportOptions:
    """Rendering options.

    Args:
        color: ANSI colours, for a terminal (the CLI decides from `--color`, the terminal,
            NO_COLOR, FORCE_COLOR and TERM=dumb).
        quiet: Text only: show just the targets that did not pass (`-q`).
    """

    color: bool = False
    quiet: bool = False


PLAIN = ReportOptions()
