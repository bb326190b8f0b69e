"""Every detector module is registered, and rule IDs are unique and well-formed."""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

import guardrail.detectors as detectors
from guardrail.detectors import CARD_DETECTORS, RULES
from guardrail.detectors.records import VALUE_SIGNALS
from guardrail.rules import RULE_IDS


def _modules() -> list[ModuleType]:
    """Every module under guardrail.detectors, card/ and records/ included."""
    names = [m.name for m in pkgutil.walk_packages(detectors.__path__, "guardrail.detectors.")]
    return [importlib.import_module(n) for n in sorted(names)]


def test_the_walk_reaches_card_and_record_rules() -> None:
    names = {m.__name__ for m in _modules()}
    assert {"guardrail.detectors.card.card_input", "guardrail.detectors.records.links"} <= names


def test_every_module_with_rules_contributes_them() -> None:
    for module in _modules():
        for rule in getattr(module, "RULES", ()):
            assert RULES.get(rule.rule_id) is rule, f"{module.__name__}.{rule.rule_id} is not registered"


def test_every_card_detector_module_is_in_card_detectors() -> None:
    registered = {type(d).__module__ for d in CARD_DETECTORS}
    defined = {m.__name__ for m in _modules() if hasattr(m, "DETECTOR")}
    assert defined == registered


def test_every_record_signal_runs() -> None:
    running = {id(s) for s in VALUE_SIGNALS}
    for module in _modules():
        for signal in getattr(module, "SIGNALS", ()):
            assert id(signal) in running, f"{module.__name__}: {signal.key} is not in VALUE_SIGNALS"


def test_rule_ids_are_unique_and_stable_shaped() -> None:
    # Packages (detectors.records) re-export their modules' rules: count each rule where it is defined.
    seen = [r.rule_id for m in _modules() if not hasattr(m, "__path__") for r in getattr(m, "RULES", ())]
    assert len(seen) == len(set(seen))
    assert all(re.fullmatch(r"GR\d{3}", rid) for rid in seen)
    assert all(r.summary.endswith(".") for r in RULES.values())


def test_configuration_knows_every_rule() -> None:
    # guardrail.config validates severity overrides against RULE_IDS (it cannot import detectors).
    assert set(RULES) == RULE_IDS


def test_rule_names_are_unique() -> None:
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))
