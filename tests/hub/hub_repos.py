"""The test repos the fake Hub serves. Small fixtures written for these tests."""

from __future__ import annotations

import json

from hubserver import FakeRepo


def card(meta: str, body: str = "A small dataset for tests.") -> bytes:
    return f"---\n{meta.strip()}\n---\n# Test dataset\n\n{body}\n".encode()


def jsonl(rows: list[dict[str, object]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


_DATA = "configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/train.jsonl\n"
CLEAN_ROWS = jsonl([{"text": f"The river rose {i} cm overnight after the rain."} for i in range(40)])
X_ROWS = jsonl(
    [{"text": f"great game tonight https://twitter.com/someone/status/17{i:017d}"} for i in range(40)]
)


def fake_repos() -> list[FakeRepo]:
    return [
        FakeRepo("org/clean", {"README.md": card("license: mit\n" + _DATA), "data/train.jsonl": CLEAN_ROWS}),
        FakeRepo(
            "org/x-holding",
            {
                "README.md": card(
                    "license: cc-by-4.0\npretty_name: Posts about games\n" + _DATA,
                    "Each row is a post collected with the Twitter API in 2021.",
                ),
                "data/train.jsonl": X_ROWS,
            },
        ),
        FakeRepo(
            "org/clean-rows-x", {"README.md": card("license: mit\n" + _DATA), "data/train.jsonl": X_ROWS}
        ),
        FakeRepo("org/no-card", {"data/train.jsonl": CLEAN_ROWS}),
        FakeRepo(
            "org/gated",
            {"README.md": card("license: mit\n" + _DATA), "data/train.jsonl": CLEAN_ROWS},
            "gated",
        ),
        FakeRepo(
            "org/gated-data",
            {"README.md": card("license: mit\n" + _DATA), "data/train.jsonl": CLEAN_ROWS},
            "gated-data",
        ),
        FakeRepo("org/private", {"README.md": card("license: mit")}, "private", token="hf_testtoken"),
        FakeRepo("org/slow", {"README.md": card("license: mit")}, "slow", delay=2.0),
        FakeRepo("org/broken", {"README.md": card("license: mit")}, "error"),
        # Lineage: child -> parent -> grandparent (X via the knowledge base), and a cycle.
        FakeRepo("org/child", {"README.md": card("license: mit\nsource_datasets:\n- extended|org/parent")}),
        FakeRepo("org/parent", {"README.md": card("license: mit\nsource_datasets:\n- org/grandparent")}),
        FakeRepo("org/grandparent", {"README.md": card("license: mit\nsource_datasets:\n- tweet_eval")}),
        FakeRepo("org/cycle-a", {"README.md": card("license: mit\nsource_datasets:\n- org/cycle-b")}),
        FakeRepo("org/cycle-b", {"README.md": card("license: mit\nsource_datasets:\n- org/cycle-a")}),
        FakeRepo("org/orphan", {"README.md": card("license: mit\nsource_datasets:\n- org/deleted-parent")}),
        FakeRepo("org/clean-parent", {"README.md": card("license: mit\nsource_datasets:\n- org/clean")}),
        FakeRepo("ought/raft", {"README.md": card("license: other")}),
        # Names a known X dataset as its source only in prose, and shows a sample record.
        FakeRepo(
            "org/named-source",
            {
                "README.md": card(
                    "license: mit",
                    "## Source Data\n\nWe use the sentiment140 training data, relabelled by hand.",
                )
            },
        ),
    ]
