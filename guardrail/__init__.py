"""guardrail: keep X (formerly Twitter) content out of Hugging Face training runs.

Three entry points share one engine:

- `GuardrailCallback` for `transformers.Trainer` / TRL `SFTTrainer`;
- `guardrail.load_dataset(...)`, a drop-in for `datasets.load_dataset`;
- `guardrail check TARGET...` on the command line, for CI.

Beyond halting: `guardrail.scrub(ds)` drops the rows that carry X evidence, and
`guardrail.guard(loader, tokenizer)` checks the batches of any training loop.

Attributes are imported lazily so `import guardrail` never pulls in torch or transformers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from guardrail._version import __version__

_LAZY: dict[str, str] = {
    "check": "guardrail.engine",
    "load_config": "guardrail.config",
    "GuardrailConfig": "guardrail.config",
    "AllowEntry": "guardrail.config",
    "Report": "guardrail.findings",
    "TargetReport": "guardrail.findings",
    "Finding": "guardrail.findings",
    "Verdict": "guardrail.findings",
    "Severity": "guardrail.findings",
    "GuardrailError": "guardrail.errors",
    "GuardrailViolation": "guardrail.errors",
    "ConfigError": "guardrail.errors",
    "HubAccessError": "guardrail.errors",
    "scan_dataset": "guardrail.integrations.datasets.dataset_scan",
    "load_dataset": "guardrail.integrations.datasets",
    "GuardrailCallback": "guardrail.integrations.transformers",
    "scrub": "guardrail.integrations.datasets.scrub",
    "ScrubSummary": "guardrail.integrations.datasets.scrub",
    "ScrubRefused": "guardrail.errors",
    "guard": "guardrail.integrations.transformers.loop_guard",
    "GuardedLoader": "guardrail.integrations.transformers.loop_guard",
}

__all__ = [  # noqa: RUF022 - grouped as in _LAZY
    "__version__",
    "check",
    "load_config",
    "GuardrailConfig",
    "AllowEntry",
    "Report",
    "TargetReport",
    "Finding",
    "Verdict",
    "Severity",
    "GuardrailError",
    "GuardrailViolation",
    "ConfigError",
    "HubAccessError",
    "scan_dataset",
    "load_dataset",
    "GuardrailCallback",
    "scrub",
    "ScrubSummary",
    "ScrubRefused",
    "guard",
    "GuardedLoader",
]

if TYPE_CHECKING:
    from guardrail.config import AllowEntry, GuardrailConfig, load_config
    from guardrail.engine import check
    from guardrail.errors import ConfigError, GuardrailError, GuardrailViolation, HubAccessError, ScrubRefused
    from guardrail.findings import Finding, Report, Severity, TargetReport, Verdict
    from guardrail.integrations.datasets.scrub import ScrubSummary, scrub
    from guardrail.integrations.transformers.loop_guard import GuardedLoader, guard


# Optional libraries and the extra that installs each.
_EXTRAS = {"transformers": "transformers", "torch": "transformers", "accelerate": "transformers"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'guardrail' has no attribute {name!r}")
    try:
        value = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in _EXTRAS:
            raise
        from guardrail._project import install_hint

        raise ImportError(
            f"guardrail.{name} needs {missing}, which is not installed; "
            f"install it with: {install_hint(_EXTRAS[missing])}",
            name=missing,
        ) from exc
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
