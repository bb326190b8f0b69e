"""Untrusted text made safe to print: file names, card text and record values reach reports.

A file name or a record can hold terminal control sequences (`ESC ]0;…` retitles the window,
`ESC [2J` clears it, OSC 8 forges links), a newline that forges a report line, bidirectional
overrides that reorder what a reviewer reads, or, from a file name that is not UTF-8, lone
surrogates that no UTF-8 stream can write. Each is shown as an escape instead, so the report
says what is there without acting on it.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidirectional embeddings, overrides and isolates, and the lone
# surrogates `os.fsdecode` makes of bytes that are not UTF-8.
_OTHER_UNSAFE = "\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHER_UNSAFE}]")
_UNSAFE_KEEPING_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHER_UNSAFE}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control, bidi override and lone surrogate written as an escape.

    `keep_newlines` leaves line feeds alone, for messages the report indents line by line.
    """
    pattern = _UNSAFE_KEEPING_NEWLINES if keep_newlines else _UNSAFE
    return pattern.sub(_escape, text)


def json_safe(document: str) -> str:
    """A JSON document whose lone surrogates are written as `\\uXXXX` escapes.

    `json.dumps(..., ensure_ascii=False)` leaves them raw, and no UTF-8 writer accepts them;
    escaped, they are valid JSON and load back as the same string.
    """
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
