"""A dataset on the Hugging Face Hub."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from guardrail.errors import TargetError

if TYPE_CHECKING:
    from guardrail.engine import CheckContext
    from guardrail.findings import Evidence


@dataclass(frozen=True)
class HubSource:
    target: str

    def gather(self, ctx: CheckContext) -> Evidence:
        raise TargetError(f"{self.target}: checking Hub dataset IDs is not supported yet")
