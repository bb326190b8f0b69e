"""Record rules: what X content looks like inside the data itself (GR401–GR425).

`VALUE_SIGNALS` run inside values, in this order (a signal may leave rows to earlier
ones through `excludes`); `shape.inspect_schema` judges column and field names.
"""

from __future__ import annotations

from guardrail.detectors.records import links, markers, provenance, shape, unreadable_input
from guardrail.detectors.records.value_signal import ValueSignal
from guardrail.rules import Rule

VALUE_SIGNALS: tuple[ValueSignal, ...] = (
    *links.SIGNALS,
    *shape.SIGNALS,
    *markers.SIGNALS,
    *provenance.SIGNALS,
)

RULES: tuple[Rule, ...] = (
    *links.RULES,
    *shape.RULES,
    *markers.RULES,
    *provenance.RULES,
    *unreadable_input.RULES,
)

__all__ = ["RULES", "VALUE_SIGNALS", "ValueSignal"]
