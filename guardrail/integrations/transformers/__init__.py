"""`transformers`: `GuardrailCallback` for `Trainer` and TRL's `SFTTrainer`.

Public API: `GuardrailCallback` (`callback`). The callback finds the data behind the dataloader
(`training_data`), guards each batch (`batch_guard`), agrees across processes (`distributed`) and
writes the audit record (`audit`). `transformers` and `torch` are imported only when it is used.
"""

from typing import TYPE_CHECKING, Any

__all__ = ["GuardrailCallback"]

if TYPE_CHECKING:
    from guardrail.integrations.transformers.callback import GuardrailCallback


def __getattr__(name: str) -> Any:
    # Lazy: `guardrail.integrations.transformers.audit` must not import transformers.
    if name == "GuardrailCallback":
        from guardrail.integrations.transformers.callback import GuardrailCallback

        return GuardrailCallback
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
