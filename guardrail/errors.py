"""One root error per seam; each also inherits the matching stdlib type.

`GuardrailViolation` carries the full report so the callback, the loader and the CLI
all show the same evidence.
"""

from __future__ import annotations

from collections.abc import Callable
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
        context: What was blocked (`load_dataset('org/name')`, `Trainer.train`).
        render: Renders `report` as text. The integrations pass the text reporter
            (`guardrail.integrations.shared.render_text`), which sits in a higher layer than
            this module; without it the message lists each target with its verdict.
    """

    def __init__(
        self, report: Report, context: str = "", render: Callable[[Report], str] | None = None
    ) -> None:
        self.report = report
        self.context = context
        head = f"guardrail blocked {context}" if context else "guardrail blocked this data"
        body = render(report) if render is not None else _verdicts(report)
        super().__init__(f"{head}\n\n{body}")


def _verdicts(report: Report) -> str:
    return "".join(f"{t.verdict.value.upper()}  {t.target}\n" for t in report.targets)
