"""Integrations with the Hugging Face training stack.

- `guardrail.integrations.datasets`: `load_dataset`, a guarded drop-in for `datasets.load_dataset`.
- `guardrail.integrations.transformers`: `GuardrailCallback` for `Trainer` and TRL's `SFTTrainer`.
- `guardrail.integrations.provenance`: the channel that carries a check's result from the loader
  to the callback, inside `Dataset.info`.

Each module imports `datasets`, `transformers` or `torch` only when it is used, so the core and
the CLI never pay for them.
"""
