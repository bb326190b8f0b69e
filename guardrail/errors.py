"""One root error per seam; each also inherits the matching stdlib type.

`GuardrailViolation` carries the full report so the callback, the loader and the CLI
all show the same evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guardrail.findings import Report


class GuardrailError(Exception):
    """Root of every error guardrail raises on purpose."""


class ConfigError(GuardrailError, ValueError):
    """The configuration is invalid; the message names the file and key."""


class TargetError(GuardrailError, ValueError):
    """A target cannot be used as given (does not exist, unsupported kind)."""


class InputError(GuardrailError, ValueError):
    """Input data is malformed in a way that stops the check; names file and line/row."""


class HubAccessError(GuardrailError, OSError):
    """The Hub could not be read (gated, missing, offline, timeout, server error)."""

    def __init__(self, message: str, *, code: str, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


class GuardrailViolation(GuardrailError, RuntimeError):
    """Raised when data is blocked. `str()` is the printable report.

    Args:
        report: The report whose blocked targets caused the violation.
    """

    def __init__(self, report: Report, context: str = "") -> None:
        from guardrail.reporters.text import format_text

        self.report = report
        self.context = context
        head = f"guardrail blocked {context}" if context else "guardrail blocked this data"
        super().__init__(f"{head}\n\n{format_text(report, color=False)}")
