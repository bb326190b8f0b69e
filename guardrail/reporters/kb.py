"""`guardrail kb`: the knowledge base as text or JSON, so a user can see why a dataset is known.

Pure formatting: the entries come from `KnowledgeBase.search`.
"""

from __future__ import annotations

import json

from guardrail.knowledge.x_datasets import KnowledgeBase, KnownXDataset


def entry_dict(e: KnownXDataset) -> dict[str, object]:
    return {
        "name": e.name,
        "names": list(e.names),
        "aliases": list(e.aliases),
        "configs": list(e.configs),
        "kind": e.kind,
        "share": e.share,
        "evidence": e.evidence,
        "source": e.source,
        "file": e.path,
        "line": e.line,
    }


def format_kb_json(kb: KnowledgeBase, entries: list[KnownXDataset], query: str) -> str:
    doc = {
        "version": kb.version,
        "query": query,
        "total": len(kb.entries),
        "matched": len(entries),
        "entries": [entry_dict(e) for e in entries],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def format_kb_text(kb: KnowledgeBase, entries: list[KnownXDataset], query: str) -> str:
    scope = (
        f"{len(entries)} of {len(kb.entries)} entries match {query!r}"
        if query
        else f"{len(kb.entries)} entries"
    )
    lines = [f"guardrail knowledge base v{kb.version}: {scope}", ""]
    for e in entries:
        others = [n for n in e.names if n != e.name]
        lines.append(e.name + (f"  (also: {', '.join(others)})" if others else ""))
        if e.aliases:
            lines.append(f"    aliases:  {', '.join(e.aliases)}")
        if e.configs:
            lines.append(f"    configs:  {', '.join(e.configs)} (only these hold X content)")
        lines.append(f"    evidence: {e.evidence} [{e.kind}, {e.share}]")
        lines.append(f"    source:   {e.source}")
        lines.append(f"    listed:   {e.path}" + (f":{e.line}" if e.line else ""))
        lines.append("")
    if query and not entries:
        lines.append(
            f"No entry matches {query!r}. Not being listed does not mean a dataset is free of X content."
        )
    return "\n".join(lines).rstrip("\n") + "\n"
