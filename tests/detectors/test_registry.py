"""Every detector module is registered, and rule IDs are unique and well-formed."""

from __future__ import annotations

import importlib
import pkgutil
import re

import guardrail.detectors as detectors
from guardrail import card
from guardrail.detectors import CARD_DETECTORS, RULES

_NOT_DETECTORS = {"base", "patterns"}


def _detector_modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules(detectors.__path__) if m.name not in _NOT_DETECTORS]


def test_every_detector_module_contributes_its_rules() -> None:
    for name in _detector_modules():
        module = importlib.import_module(f"guardrail.detectors.{name}")
        for rule in module.RULES:
            assert RULES.get(rule.rule_id) is rule, f"{name}.{rule.rule_id} is not registered"


def test_every_card_detector_module_is_in_card_detectors() -> None:
    registered = {type(d).__module__ for d in CARD_DETECTORS}
    assert {"guardrail.detectors.card_metadata", "guardrail.detectors.card_prose"} <= registered


def test_rule_ids_are_unique_and_stable_shaped() -> None:
    seen: list[str] = []
    modules = [card] + [importlib.import_module(f"guardrail.detectors.{n}") for n in _detector_modules()]
    for module in modules:
        seen.extend(r.rule_id for r in module.RULES)
    assert len(seen) == len(set(seen))
    assert all(re.fullmatch(r"GR\d{3}", rid) for rid in seen)
    assert all(r.summary.endswith(".") for r in RULES.values())


def test_rule_names_are_unique() -> None:
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))
