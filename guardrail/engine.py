"""One engine behind the CLI, the loader hook and the Trainer callback.

`check()` resolves each target to a source, lets the source gather evidence (card
detectors, record scan, Hub metadata, lineage), and hands the evidence to the policy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from guardrail.config import GuardrailConfig, load_config
from guardrail.errors import ConfigError, GuardrailError, TargetError
from guardrail.findings import Evidence, Problem, Report
from guardrail.policy import decide
from guardrail.sources import resolve
from guardrail.sources.context import CheckContext

__all__ = ["CheckContext", "check", "gather", "gather_safely", "internal_error", "run_checks"]


def gather(target: str, ctx: CheckContext) -> Evidence:
    """Collect the evidence for one target string (card, data file, folder or Hub ID).

    Raises:
        TargetError: if the target does not exist or is of an unsupported kind.
    """
    return resolve(target).gather(ctx)


def check(
    targets: Iterable[str],
    config: GuardrailConfig | None = None,
    *,
    progress: bool = False,
) -> Report:
    """Check targets and decide a verdict for each.

    Args:
        targets: Card files, data files, local dataset folders or Hub dataset IDs.
        config: The policy to apply; discovered from the working directory if omitted.
        progress: Show progress bars for long record scans.

    Returns:
        A `Report` with one `TargetReport` per target, in order.

    Raises:
        TargetError: if a target does not exist or is of an unsupported kind.
        ConfigError: if the discovered configuration is invalid.
    """
    config = config if config is not None else load_config()
    return run_checks(targets, CheckContext(config=config, progress=progress), gather)


Gatherer = Callable[[str, CheckContext], Evidence]
FailureProblem = Callable[[str, Exception], Problem]


def internal_error(target: str, exc: Exception) -> Problem:
    return Problem(
        "internal-error",
        f"{target}: guardrail failed while checking: {type(exc).__name__}: {exc}",
        "please report this as a guardrail bug; allowlist the target with a reason to proceed",
    )


def run_checks(
    targets: Iterable[str], ctx: CheckContext, gather_one: Gatherer, failure: FailureProblem = internal_error
) -> Report:
    """Gather and decide each target with `gather_one` (engines differ only there)."""
    reports = [decide(gather_safely(t, ctx, gather_one, failure), ctx.config) for t in targets]
    return Report(targets=tuple(reports), fail_open=ctx.config.fail_open)


def gather_safely(
    target: str, ctx: CheckContext, gather_one: Gatherer, failure: FailureProblem = internal_error
) -> Evidence:
    """`gather_one(target, ctx)`, with any failure turned into a could-not-check problem.

    A bug in one detector must not pass a target silently or crash the whole run: it
    becomes a problem, which fails closed. Target and config errors still propagate (exit 2).
    """
    try:
        return gather_one(target, ctx)
    except (TargetError, ConfigError):
        raise
    except GuardrailError as exc:
        code = getattr(exc, "code", "check-failed")
        return Evidence(target=target, problems=(Problem(code, str(exc), getattr(exc, "hint", "")),))
    except Exception as exc:
        return Evidence(target=target, problems=(failure(target, exc),))
