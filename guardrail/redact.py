"""Remove access tokens from text that came from a library or a server before anyone sees it.

A Hub error body can echo the request, `Authorization` header included, and exception texts
of `huggingface_hub`, `datasets` or `httpx` can quote URLs and headers. Such text reaches
problems, exceptions, reports, logs and the audit record, so it passes through `redact`
where it enters guardrail (Problem and Finding construction, `GuardrailError`), and the
reporters run a final pass over what they print.
"""

from __future__ import annotations

import os
import re
import sys

MASK = "[REDACTED]"
# Hugging Face user/org tokens, and whatever follows an Authorization header or a bearer
# scheme, up to the end of the quoted string or line.
_HF_TOKEN = re.compile(r"hf_[A-Za-z0-9]{10,}")
_AUTHORIZATION = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\"\n\r,}]+")
_BEARER = re.compile(r"(?i)(bearer\s+)(?!\[REDACTED\])[^\s'\",}]+")
_TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_API_TOKEN")
# Shorter "tokens" are too likely to be ordinary words to cut out of every message.
_MIN_TOKEN_CHARS = 8


def tokens_in_use() -> tuple[str, ...]:
    """The tokens this process may send: the environment's and, once loaded, huggingface_hub's."""
    found = {os.environ.get(name, "").strip() for name in _TOKEN_VARIABLES}
    if "huggingface_hub" in sys.modules:  # never import it just for this (the core stays light)
        try:
            from huggingface_hub import get_token

            found.add((get_token() or "").strip())
        except Exception:  # a broken token file must not stop a report from being written
            pass
    return tuple(t for t in found if len(t) >= _MIN_TOKEN_CHARS)


def redact(text: str) -> str:
    """`text` with the tokens in use, `hf_…` tokens and Authorization values masked."""
    if not text:
        return text
    for token in tokens_in_use():
        if token in text:
            text = text.replace(token, MASK)
    if "hf_" in text:
        text = _HF_TOKEN.sub(MASK, text)
    lowered = text.lower()
    if "authoriz" in lowered:
        text = _AUTHORIZATION.sub(rf"\1{MASK}", text)
    if "bearer" in lowered:
        text = _BEARER.sub(rf"\1{MASK}", text)
    return text
