"""The text in whatever a Trainer's dataset yields: rows and collated batches of any shape.

A torch dataset may yield dicts, tuples, bare strings or tensors; a collated batch may be a
dict or a tuple of tensors. Strings are taken wherever they sit (nested lists, chat messages);
token IDs are taken from `input_ids`, or, in a tuple, from the first integer vector that is
not a 0/1 mask. Text decoded from token IDs is cleaned of tokenizer artefacts first, so a
WordPiece `https : / / x. com / user / status / 17 ##90` reads as the URL it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

TOKEN_COLUMN = "input_ids"
MAX_DEPTH = 8

_WORDPIECE_JOIN = re.compile(r"\s*##")
_SENTENCEPIECE_SPACE = re.compile("\u2581+")
# Decoders put spaces around punctuation they split off; inside a URL or handle there are none.
_SPACED_PUNCT = re.compile(r"\s*([:/.@?=&#_-])\s*")


def detokenise(text: str) -> str:
    """`text` without the spacing and markers tokenizers leave in decoded output."""
    text = _WORDPIECE_JOIN.sub("", text)
    text = _SENTENCEPIECE_SPACE.sub(" ", text)
    return _SPACED_PUNCT.sub(r"\1", text)


def _as_list(value: Any) -> list[Any]:
    return value.tolist() if hasattr(value, "tolist") else list(value)


def _int_rows(value: Any) -> list[list[int]] | None:
    """`value` as rows of ints if it is an integer vector (one row) or matrix, else None."""
    if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__len__"):
        return None
    try:
        data = _as_list(value)
    except TypeError:
        return None
    matrix = bool(data) and all(isinstance(r, list | tuple) for r in data)
    rows = [list(r) for r in data] if matrix else [data]
    flat = [t for r in rows for t in r]
    if not flat or not all(isinstance(t, int) and not isinstance(t, bool) for t in flat):
        return None
    if set(flat) <= {0, 1}:
        return None  # an attention mask or binary labels, not token IDs
    return rows


def _strings(value: Any, out: list[str], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, bytes):
        out.append(value.decode("utf-8", "replace"))
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            if key != TOKEN_COLUMN:
                _strings(inner, out, depth + 1)
    elif isinstance(value, list | tuple):
        for inner in value:
            _strings(inner, out, depth + 1)


def parts(item: Any) -> tuple[list[str], list[list[int]]]:
    """The strings and the token-ID rows in one row or one collated batch.

    Args:
        item: A dataset row or a collated batch: a mapping, a tuple/list, a string or a tensor.

    Returns:
        (strings, token-ID rows). A collated `input_ids` matrix gives one row per sample.
    """
    texts: list[str] = []
    ids: list[list[int]] = []
    if isinstance(item, Mapping):
        _strings(item, texts)
        if item.get(TOKEN_COLUMN) is not None:
            ids = _int_rows(item[TOKEN_COLUMN]) or []
            mask = _mask(item.get("attention_mask"), len(ids))
            if mask is not None:
                ids = [[t for t, m in zip(r, f, strict=False) if m] for r, f in zip(ids, mask, strict=False)]
    elif isinstance(item, tuple | list) and not all(isinstance(v, str) for v in item):
        _strings(item, texts)
        for value in item:
            found = _int_rows(value)
            if found is not None:
                ids = found
                break
    else:
        _strings(item, texts)
        if not texts:
            ids = _int_rows(item) or []
    return texts, ids


def _mask(value: Any, n: int) -> list[list[int]] | None:
    if value is None or not hasattr(value, "__len__"):
        return None
    rows = _as_list(value)
    if rows and not isinstance(rows[0], list | tuple):
        rows = [rows]
    return rows if len(rows) == n else None
