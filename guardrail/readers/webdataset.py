"""Read a webdataset `.tar` (what `datasets`' webdataset builder loads) as records.

Members are streamed, never extracted to disk. Text members become rows: `.json` members
as records, `.jsonl` line by line, the rest (`.txt`, `.cls`, captions...) as a `text` column.
Members that hold no text (images, audio, tensors) are listed as not read, so a partial read
never passes as a full one. Rows are not numbered: a webdataset row is a group of members.
"""

from __future__ import annotations

import json
import tarfile
from pathlib import PurePosixPath
from typing import BinaryIO

import pyarrow as pa

from guardrail.readers.file_bounds import MAX_LINE_BYTES, LimitExceeded
from guardrail.readers.format_readers import Batches, Reporter, records_table
from guardrail.scan import arrays

TEXT_MEMBERS = frozenset(
    {
        ".txt",
        ".text",
        ".cls",
        ".caption",
        ".json",
        ".jsonl",
        ".csv",
        ".tsv",
        ".xml",
        ".html",
        ".md",
        ".vtt",
        ".srt",
    }
)
FLUSH_ROWS = 1000


def _json_rows(data: str, jsonl: bool) -> tuple[list[object], list[str]]:
    """Parsed JSON values, and the text of whatever did not parse (scanned as text)."""
    rows: list[object] = []
    bad: list[str] = []
    for part in data.split("\n") if jsonl else [data]:
        if not part.strip():
            continue
        try:
            rows.append(json.loads(part))
        except RecursionError:
            raise LimitExceeded("too-deeply-nested", "a JSON member nests too deeply to read") from None
        except json.JSONDecodeError:
            bad.append(part)
    return rows, bad


def tar_batches(fh: BinaryIO, rep: Reporter) -> Batches:
    records: list[object] = []
    texts: list[str] = []
    skipped: list[str] = []
    with tarfile.open(fileobj=fh, mode="r|*") as archive:
        for member in archive:
            if not member.isfile():
                continue
            ext = PurePosixPath(member.name).suffix.lower()
            if ext not in TEXT_MEMBERS:
                skipped.append(member.name)
                continue
            if member.size > MAX_LINE_BYTES:
                raise LimitExceeded(
                    "member-too-large",
                    f"member {member.name} is {member.size / 2**20:,.0f} MiB, over the "
                    f"{MAX_LINE_BYTES / 2**20:.0f} MiB a single value may take; the archive was not read",
                )
            extracted = archive.extractfile(member)
            data = extracted.read().decode("utf-8", "replace") if extracted is not None else ""
            if ext in (".json", ".jsonl"):
                rows, bad = _json_rows(data, ext == ".jsonl")
                records.extend(rows)
                texts.extend(bad)
            else:
                texts.append(data)
            if len(records) >= FLUSH_ROWS or len(texts) >= FLUSH_ROWS:
                yield from _flush(records, texts)
    yield from _flush(records, texts)
    if skipped:
        rep.unread(skipped, "webdataset members that hold no text")


def _flush(records: list[object], texts: list[str]) -> Batches:
    if records:
        for batch in records_table(records).to_batches():
            yield None, batch
    if texts:
        yield None, pa.RecordBatch.from_arrays([arrays.strings(texts)], names=["text"])
    records.clear()
    texts.clear()
