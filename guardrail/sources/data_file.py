"""A single data file (records only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guardrail.findings import Evidence, ScanInfo

if TYPE_CHECKING:
    from guardrail.sources.context import CheckContext


@dataclass(frozen=True)
class DataFileSource:
    target: str
    path: Path

    def gather(self, ctx: CheckContext) -> Evidence:
        resolved = {"path": str(self.path)}
        if not ctx.config.scan_records:
            return Evidence(
                target=self.target,
                notes=(
                    "records not scanned (--no-records / scan-records = false); a data file has nothing else",
                ),
                scan=ScanInfo("none"),
                resolved=resolved,
            )
        from guardrail.readers.file_scan import DataFile, scan_files, with_file_lines

        file = DataFile(self.path, self.target)
        evidence = scan_files([file], ctx.config, target=self.target, progress=ctx.progress)
        evidence = with_file_lines(evidence, [file])
        return evidence.merge(Evidence(target=self.target, resolved=resolved))
