"""Integrations with the Hugging Face training stack and Ray: one subpackage per library.

- `guardrail.integrations.datasets`: `load_dataset`, a guarded drop-in for `datasets.load_dataset`,
  and `scan_dataset` for in-memory datasets.
- `guardrail.integrations.transformers`: `GuardrailCallback` for `Trainer` and TRL's `SFTTrainer`.
- `guardrail.integrations.ray`: scans and row filtering on Ray Data, and `--engine ray`.
- `guardrail.integrations.shared`: what they share: deciding and acting on evidence, batch scans.
- `guardrail.integrations.library_internals`: the few private APIs of other libraries we rely on.

Each imports `datasets`, `transformers`, `torch` or `ray` only when it is used, so the core and
the CLI never pay for them.
"""
