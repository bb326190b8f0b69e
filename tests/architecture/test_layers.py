"""The package imports one way only, lowest layer first, and has no import cycles.

Read from the source (AST), so function-level and `TYPE_CHECKING` imports count too: a lazy
import still couples two modules, and a cycle through one is still a cycle.
ARCHITECTURE.md describes the layers; this test is what keeps them true.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from pathlib import Path

import guardrail

PACKAGE = Path(guardrail.__file__).parent

# Lowest first. A module belongs to the layer of its longest matching prefix; a module may
# import its own layer (without cycles) and every layer below it, never one above.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "core",
        (
            "guardrail._version",
            "guardrail.findings",
            "guardrail.rules",
            "guardrail.errors",
            "guardrail.config",
            "guardrail.redact",
            "guardrail._project",
            "guardrail.globs",
            "guardrail.baseline",
        ),
    ),
    ("knowledge", ("guardrail.knowledge",)),
    ("detectors", ("guardrail.detectors",)),
    ("scan", ("guardrail.scan",)),
    ("readers", ("guardrail.readers",)),
    ("policy", ("guardrail.policy",)),
    ("sources", ("guardrail.sources",)),
    ("engine", ("guardrail.engine",)),
    ("reporters", ("guardrail.reporters",)),
    ("entry points", ("guardrail", "guardrail.__main__", "guardrail.cli", "guardrail.integrations")),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, source: str, is_package: bool, modules: Collection[str]) -> set[str]:
    """Every guardrail module `name` imports, wherever the import statement sits."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            # `from pkg import mod` imports the submodule; `from mod import name` the module.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def layer_of(name: str) -> int:
    best, rank = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (name == p or name.startswith(p + ".")) and len(p) > best:
                best, rank = len(p), i
    assert rank >= 0, f"{name} is in no layer: add it to LAYERS (and to ARCHITECTURE.md)"
    return rank


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {
        name: imported(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", modules)
        for name, path in modules.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def violations() -> set[str]:
    edges = graph()
    found = {
        f"upward: {a} ({LAYERS[layer_of(a)][0]}) -> {b} ({LAYERS[layer_of(b)][0]})"
        for a, targets in edges.items()
        for b in targets
        if layer_of(b) > layer_of(a)
    }
    found |= {"cycle: " + " ".join(c) for c in cycles(edges)}
    return found


def test_every_module_has_a_layer() -> None:
    for name in all_modules():
        layer_of(name)


def test_imports_go_one_way_and_never_in_a_circle() -> None:
    found = violations()
    assert not found, "imports against the layers (see ARCHITECTURE.md):\n" + "\n".join(sorted(found))


def test_the_walker_sees_lazy_relative_and_type_checking_imports() -> None:
    source = """
from typing import TYPE_CHECKING
from guardrail.findings import Report
from . import sibling
if TYPE_CHECKING:
    from guardrail.engine import CheckContext
def later():
    import guardrail.policy
    from ..config import GuardrailConfig
"""
    modules = {
        "guardrail.findings",
        "guardrail.engine",
        "guardrail.policy",
        "guardrail.config",
        "guardrail.pkg",
        "guardrail.pkg.sibling",
        "guardrail.pkg.mod",
    }
    assert imported("guardrail.pkg.mod", source, False, modules) == {
        "guardrail.findings",
        "guardrail.pkg.sibling",
        "guardrail.engine",
        "guardrail.policy",
        "guardrail.config",
    }


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
