"""A single data file (records only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guardrail.errors import TargetError

if TYPE_CHECKING:
    from guardrail.engine import CheckContext
    from guardrail.findings import Evidence


@dataclass(frozen=True)
class DataFileSource:
    target: str
    path: Path

    def gather(self, ctx: CheckContext) -> Evidence:
        raise TargetError(
            f"{self.target}: checking data files is not supported yet (coming with record scanning)"
        )
