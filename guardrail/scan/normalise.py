"""Undo the usual ways of hiding a link before matching, vectorised over Arrow strings.

Only values that already hit the cheap prefilter (which also looks for the evasion
characters themselves) are normalised, so the cost scales with candidates, not data.
Case is left alone: every record pattern runs with `ignore_case=True`, and evidence then
shows the value as written.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Zero-width and invisible formatting characters that split a host name without showing.
_INVISIBLE = r"[\x{200B}-\x{200F}\x{2060}-\x{2064}\x{FEFF}\x{00AD}\x{180E}]"
# Characters that render as a dot: one-dot leader, fullwidth/halfwidth/ideographic stops,
# small full stop. (U+00B7 is left alone: Catalan writes it inside words.)
_DOTS = r"[\x{2024}\x{FF0E}\x{3002}\x{FF61}\x{FE52}\x{2E33}]"
_SLASHES = r"[\x{FF0F}\x{2215}\x{2044}\x{29F8}]"
# Defanged dots as threat-intel feeds and evasive posters write them.
_DEFANGED_DOT = r"\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\})\s?"

_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    (_INVISIBLE, ""),
    (_DOTS, "."),
    (_SLASHES, "/"),
    (_DEFANGED_DOT, "."),
    (r"%2[eE]", "."),
    (r"%2[fF]", "/"),
    (r"%3[aA]", ":"),
    (r"%40", "@"),
    (r"(?i)hxxp", "http"),
    (r"\[:\]", ":"),
)

# Added to the prefilter so a value whose only hit is hidden still becomes a candidate.
EVASION_MARKERS = (
    _INVISIBLE,
    _DOTS,
    _SLASHES,
    r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}",
    r"%2[eEfF]|%3[aA]|%40",
    r"hxxp",
    r"[\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A}]",  # fullwidth Latin letters
)

# The same markers for binary columns, where RE2 runs on Latin-1 bytes: ASCII forms only.
EVASION_MARKERS_ASCII = (r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}", r"%2[eEfF]|%3[aA]|%40", r"hxxp")


def normalise(values: pa.Array) -> pa.Array:
    """Return `values` with fullwidth forms folded (NFKC) and evasions undone.

    Args:
        values: A string or large_string array (usually the prefilter's candidates).

    Returns:
        An array of the same length and type.
    """
    if len(values) == 0:
        return values
    out = pc.utf8_normalize(values, form="NFKC")
    for pattern, replacement in _REPLACEMENTS:
        out = pc.replace_substring_regex(out, pattern=pattern, replacement=replacement)
    return out
