"""Fold text that only looks like a platform word or link back to plain Latin before matching.

`normalise` (the record normaliser) undoes NFKC forms, zero-width characters, look-alike
dots and slashes and escaped separators over Arrow arrays. Card text needs that and a few
folds more that cannot be written as one RE2 replacement: Cyrillic/Greek letters posing as
Latin inside a Latin word, combining marks stacked on Latin letters, punycode host labels
and percent-escaped letters. `normalise_text` applies both, line by line, so line numbers
stay those of the original text.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

# Letters of other scripts that render like a Latin letter (Unicode confusables, the subset
# that matters for the words and hosts we look for).
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "м": "m",
        "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ѡ": "w", "ӏ": "l", "ɡ": "g", "ү": "y",
        "А": "A", "В": "B", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M",
        "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "Ԝ": "W",
        # Greek
        "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "ω": "w", "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I",
        "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        "Ζ": "Z",
        # Latin letters of other blocks that NFKC leaves alone
        "ı": "i", "ȷ": "j", "ℓ": "l", "ꮃ": "w",
    }
)  # fmt: skip
_CONFUSABLE_CHARS = frozenset(chr(c) for c in _CONFUSABLES)
# Marks that survive NFKC on a Latin letter compose with nothing: `t̲w̲i̲t̲t̲e̲r̲`. Marks after
# other scripts are part of their spelling (Devanagari vowel signs) and are kept.
_MARKS_ON_LATIN = re.compile(
    r"(?<=[A-Za-z\u00c0-\u024f])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
_TOKEN = re.compile(r"\S+")
_PUNYCODE = re.compile(r"(?i)(?<![\w-])xn--([a-z0-9-]+)")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_LATIN = re.compile(r"[A-Za-z]")
# What `normalise` undoes that can be written in ASCII (see EVASION_MARKERS_ASCII there).
_ASCII_EVASION = re.compile(r"%[0-9A-Fa-f]{2}|[\[({](?:\.|dot|:)[\])}]|hxxp|xn--", re.IGNORECASE)
_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")


def _punycode(match: re.Match[str]) -> str:
    try:
        return match.group(1).encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return match.group(0)


def _token(match: re.Match[str]) -> str:
    token = match.group(0)
    if "xn--" in token.lower():
        token = _PUNYCODE.sub(_punycode, token)
    if "%" in token and _PERCENT.search(token):
        token = unquote(token, errors="replace")
    if not _CONFUSABLE_CHARS.isdisjoint(token):
        # Only inside a word that is Latin already, or made of look-alikes alone: a Russian
        # word such as `твиттер` must stay itself for the Cyrillic platform words to match.
        letters = [c for c in token if c.isalpha()]
        if _LATIN.search(token) or all(c in _CONFUSABLE_CHARS for c in letters):
            token = token.translate(_CONFUSABLES)
    return token


# Markup inside a word hides it from a word match: `Tw<span></span>itter`, `Tw**itter**`.
_IN_WORD_MARKUP = re.compile(r"(?<=[^\W\d_])(?:<[^<>\n]{0,100}>|\*{1,3})+(?=[^\W\d_])")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,31});")


def unmarkup(line: str) -> str:
    """`line` with HTML entities decoded (`tw&#101;ets`) and markup inside words removed."""
    if "&" in line and _ENTITY.search(line):
        line = html.unescape(line).replace("\n", " ").replace("\r", " ")
    if "<" in line or "*" in line:
        line = _IN_WORD_MARKUP.sub("", line)
    return line


def fold_line(line: str) -> str:
    """The Python-only folds of one line (after `normalise` has run on it)."""
    line = _MARKS_ON_LATIN.sub("", line)
    line = _TOKEN.sub(_token, line)
    return _SPACES.sub(" ", line)


def normalise_lines(lines: list[str]) -> list[str]:
    """Normalise many lines at once: one Arrow pass, then the per-token folds.

    Args:
        lines: Lines without newline characters.

    Returns:
        The same number of lines, each normalised.
    """
    lines = [unmarkup(line) for line in lines]
    # Leading indentation is structure (indented code blocks of example records): kept as is.
    leads = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines]
    out = [
        lead + _SPACES.sub(" ", line[len(lead) :]) if "  " in line or "\t" in line else line
        for lead, line in zip(leads, lines, strict=True)
    ]
    # Plain ASCII lines without an escape or a defanged dot (nearly all of a card) have
    # nothing to fold: only the rest go through Arrow and the per-token folds.
    todo = [i for i, line in enumerate(lines) if not line.isascii() or _ASCII_EVASION.search(line)]
    if not todo:
        return out
    # Imported here: a card-only check should not pay for loading Arrow when nothing is hidden.
    from guardrail.scan import arrays
    from guardrail.scan.normalise import normalise

    arrow = normalise(arrays.strings([lines[i] for i in todo])).to_pylist()
    for i, value in zip(todo, arrow, strict=True):
        # The Arrow replacements never create a line break, but a defanged dot may eat one space.
        folded = fold_line(str(value).replace("\n", " "))
        out[i] = leads[i] + folded.lstrip(" \t")
    return out


def normalise_text(text: str) -> str:
    """`text` with every hiding trick undone; it has exactly as many lines as before."""
    return "\n".join(normalise_lines(text.split("\n")))
