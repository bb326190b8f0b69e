"""The invariant for cards, as properties: planted X evidence never passes, however it is
spelled, shaped or surrounded; metadata that could not be read never passes either.

Spellings are generated from the ways issue 10 lists (separators, case, look-alike letters,
invisible characters, width, combining marks) rather than enumerated, so a new combination
of them is a new test case.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrail.config import GuardrailConfig
from guardrail.detectors import card_evidence
from guardrail.policy import decide
from guardrail.readers.card_parser import parse_card

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LOOK_ALIKES = {"e": "\u0435", "i": "\u0456", "o": "\u043e", "t": "\u0442", "w": "\u051d", "x": "\u0445"}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]
SEPARATORS = [" ", "  ", "-", "_", "\u00a0", " - ", "\t"]
NAMES = [
    ("twitter", "developer", "agreement"),
    ("x", "developer", "agreement"),
    ("twitter", "developer", "policy"),
    ("x", "terms", "of", "service"),
]


@st.composite
def disguised_word(draw: st.DrawFn, word: str) -> str:
    out = []
    for ch in word:
        style = draw(
            st.sampled_from(["plain", "upper", "look-alike", "full-width", "combining", "invisible"])
        )
        if style == "upper":
            ch = ch.upper()
        elif style == "look-alike" and ch in LOOK_ALIKES and len(word) > 1:
            ch = LOOK_ALIKES[ch]
        elif style == "full-width" and ch.isascii() and ch.isalpha():
            ch = chr(ord(ch) - ord("a") + 0xFF41)
        elif style == "combining" and len(word) > 1:
            ch += "\u0332"
        elif style == "invisible" and len(word) > 1:
            ch += draw(st.sampled_from(INVISIBLE))
        out.append(ch)
    return "".join(out)


@st.composite
def licence_name(draw: st.DrawFn) -> str:
    words = draw(st.sampled_from(NAMES))
    sep = draw(st.sampled_from(SEPARATORS))
    return sep.join(draw(disguised_word(w)) for w in words)


def yaml_quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


@st.composite
def licence_block(draw: st.DrawFn) -> str:
    name = yaml_quoted(draw(licence_name()))
    key = draw(st.sampled_from(["license", "license_name", "license_details", "licenses"]))
    shape = draw(st.sampled_from(["scalar", "list", "flow", "mapping", "nested"]))
    return {
        "scalar": f"{key}: {name}\n",
        "list": f"{key}:\n- mit\n- {name}\n",
        "flow": f"{key}: [mit, {name}]\n",
        "mapping": f"{key}:\n  name: {name}\n",
        "nested": f"{key}:\n  terms:\n  - source: [{name}]\n",
    }[shape]


BAD_VALUES = [
    "date: 2020-13-45\n",
    "notes:\n\tfirst: tab\n",
    "tags: [one, two\n",
    "title: 'never closed\n",
    "hook: !!python/object/apply:os.system ['true']\n",
    "sizes:\n- 1K\n  stray: key\n",
    "ref: *nowhere\n",
    "deep: " + "[" * 3000 + "]" * 3000 + "\n",
]
CLEAN = ["pretty_name: Kitchen reviews\n", "task_categories:\n- text-classification\n", "language:\n- en\n"]


def decided(text: str) -> str:
    card = parse_card(text, "README.md")
    return decide(card_evidence(card, "README.md"), GuardrailConfig()).verdict.value


@PROPERTY
@given(
    licence=licence_block(),
    neighbours=st.lists(st.sampled_from(BAD_VALUES + CLEAN), max_size=3),
    position=st.integers(min_value=0, max_value=3),
)
def test_a_planted_licence_never_passes(licence: str, neighbours: list[str], position: int) -> None:
    blocks = list(neighbours)
    blocks.insert(min(position, len(blocks)), licence)
    text = "---\n" + "".join(blocks) + "---\n# Reviews\n\nShort reviews of kitchen tools.\n"
    assert decided(text) == "block", text


@PROPERTY
@given(bad=st.lists(st.sampled_from(BAD_VALUES), min_size=1, max_size=3), clean=st.sampled_from(CLEAN))
def test_metadata_that_could_not_be_read_never_passes(bad: list[str], clean: str) -> None:
    text = "---\nlicense: mit\n" + clean + "".join(bad) + "---\n# Reviews\n\nShort reviews.\n"
    assert decided(text) == "error", text


@st.composite
def disguised_status_link(draw: st.DrawFn) -> str:
    host = draw(st.sampled_from(["twitter", "x"]))
    dot = draw(st.sampled_from([".", "\u3002", "\uff0e", "%2E", "[.]"]))
    slash = draw(st.sampled_from(["/", "\uff0f", "%2F"]))
    host = draw(disguised_word(host)) if host != "x" else host
    return f"https://{host}{dot}com{slash}someone{slash}status{slash}1790000000000000000"


@PROPERTY
@given(link=disguised_status_link())
def test_a_disguised_status_link_in_prose_is_never_silent(link: str) -> None:
    text = f"---\nlicense: mit\n---\n# Reviews\n\nAn example record: {link}\n"
    card = parse_card(text, "README.md")
    rules = {f.rule_id for f in card_evidence(card, "README.md").findings}
    assert "GR204" in rules, (link, card.body)


ENTRY_POINT = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLEAN_ROWS = '{"text": "The kettle boils quickly and the lid is sturdy."}\n' * 5


def folder_with(meta: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="guardrail-card-prop-"))
    (folder / "README.md").write_text(f"---\n{meta}---\n# Reviews\n\nShort reviews.\n", encoding="utf-8")
    (folder / "train.jsonl").write_text(CLEAN_ROWS, encoding="utf-8")
    return folder


@ENTRY_POINT
@given(licence=licence_block(), bad=st.sampled_from([*BAD_VALUES, ""]))
def test_the_cli_never_exits_0_on_a_planted_licence(licence: str, bad: str) -> None:
    from guardrail.cli import main

    folder = folder_with(bad + licence)
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = main(["check", "--format", "json", str(folder / "README.md"), str(folder)])
        verdicts = [t["verdict"] for t in json.loads(out.getvalue())["targets"]]
        assert (code, verdicts) == (1, ["block", "block"])
    finally:
        shutil.rmtree(folder)


@ENTRY_POINT
@given(licence=licence_block(), bad=st.sampled_from([*BAD_VALUES, ""]))
def test_load_dataset_never_returns_rows_under_a_planted_licence(licence: str, bad: str) -> None:
    import guardrail

    folder = folder_with(bad + licence)
    try:
        with pytest.raises(guardrail.GuardrailViolation) as raised:
            guardrail.load_dataset(str(folder), guardrail_config=GuardrailConfig())
        assert raised.value.report.targets[0].verdict.value == "block"
    finally:
        shutil.rmtree(folder)
