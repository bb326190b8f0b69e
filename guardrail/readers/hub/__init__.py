"""Reading the Hugging Face Hub the way `huggingface_hub` does: cards and metadata, never data.

`HF_ENDPOINT`, `HF_TOKEN`, `HF_HUB_OFFLINE` and the HF cache are honoured because every
request goes through `huggingface_hub` itself. Every failure becomes a `HubAccessError`
with a stable code and a hint (`guardrail.readers.hub.failures`), so "could not check" is a
result the policy decides on, never a traceback and never a pass.
"""

from __future__ import annotations

from guardrail.readers.hub.ref import HubRef, parse_ref

__all__ = ["HubRef", "parse_ref"]
