"""YAML merge keys (`<<`): guardrail judges the keys `yaml.safe_load` (and so the Hub) reads."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from guardrail.cli import main
from guardrail.detectors import card_evidence
from guardrail.readers import front_matter
from guardrail.readers.card_parser import parse_card


def card(yaml_text: str) -> str:
    return f"---\n{yaml_text}---\n# Card\n"


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], yaml_text: str) -> tuple[int, str, set[str]]:
    path = tmp_path / "README.md"
    path.write_text(card(yaml_text), encoding="utf-8")
    code = main(["check", str(path), "--format", "json", "--no-cache"])
    target = json.loads(capsys.readouterr().out)["targets"][0]
    return code, target["verdict"], {f["rule_id"] for f in target["findings"]}


@pytest.mark.parametrize(
    ("merged", "written_out"),
    [
        ("base: &b\n  tags: [twitter]\n<<: *b\n", "base:\n  tags: [twitter]\ntags: [twitter]\n"),
        ("<<: {tags: [twitter], license: mit}\n", "tags: [twitter]\nlicense: mit\n"),
        (
            "<<: {license: other, license_name: x developer agreement}\n",
            "license: other\nlicense_name: x developer agreement\n",
        ),
        (
            "a: &a {tags: [twitter]}\nb: &b {license: other, license_name: x developer agreement}\n<<: [*a, *b]\n",
            "a: {tags: [twitter]}\nb: {license: other, license_name: x developer agreement}\n"
            "tags: [twitter]\nlicense: other\nlicense_name: x developer agreement\n",
        ),
    ],
)
def test_merged_keys_block_like_the_keys_written_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], merged: str, written_out: str
) -> None:
    expected = check(tmp_path, capsys, written_out)
    assert expected[:2] == (1, "block")
    assert check(tmp_path, capsys, merged) == expected
    parsed = parse_card(card(merged), "README.md")
    assert parsed.metadata == yaml.safe_load(merged)
    assert not any(f.path.startswith("<<") for f in parsed.fields)


@pytest.mark.parametrize(
    "yaml_text",
    [
        "<<: {license: other, license_name: x developer agreement}\nlicense: mit\nlicense_name: mit\n",
        "d: &d {license: other, license_name: twitter terms}\n<<: *d\nlicense: mit\nlicense_name: mit\n",
    ],
)
def test_a_key_written_out_beats_a_merged_key(yaml_text: str) -> None:
    parsed = parse_card(card(yaml_text), "README.md")
    assert parsed.metadata["license"] == "mit" == yaml.safe_load(yaml_text)["license"]
    assert [f.value for f in parsed.fields if f.path in ("license", "license_name")] == ["mit", "mit"]
    assert not [f for f in card_evidence(parsed, "README.md").findings if f.location.key == "license_name"]


def test_nested_merges_and_merge_lists_resolve_as_safe_load_does() -> None:
    text = (
        "d: &d {a: {x: 1}, b: 2}\n"
        "c:\n  <<: *d\n  b: 3\n  e:\n    <<: [{y: 1}, {y: 2, z: 3}]\n"
        "<<: [{k: 1}, {k: 2}]\n<<: {k: 3, w: 1}\n"
    )
    parsed = parse_card(card(text), "README.md")
    assert parsed.metadata == yaml.safe_load(text)
    assert parsed.metadata["c"] == {"a": {"x": 1}, "b": 3, "e": {"y": 1, "z": 3}}
    assert parsed.metadata["k"] == 1  # earlier mappings win


def test_a_value_an_earlier_merge_source_shadows_is_still_checked() -> None:
    # The YAML spec lets the first source win; PyYAML 6.0.4 lets the later one win when the two
    # keys are different string objects, so guardrail checks both.
    text = "<<: [{license_name: mit}, {license_name: x developer agreement}]\n"
    parsed = parse_card(card(text), "README.md")
    assert parsed.metadata["license_name"] == "mit"
    assert "GR101" in {f.rule_id for f in card_evidence(parsed, "README.md").findings}


def test_merged_keys_point_at_the_line_they_are_written_on() -> None:
    parsed = parse_card(card("base: &b\n  tags: [twitter]\n<<: *b\n"), "README.md")
    assert parsed.line_of("tags[0]") == 3
    parsed = parse_card(card("license: mit\n<<: {tags: [twitter]}\n"), "README.md")
    assert parsed.line_of("tags[0]") == 3


@pytest.mark.parametrize("value", ["5", "[{a: 1}, 5]"])
def test_merging_a_non_mapping_is_reported(value: str) -> None:
    parsed = parse_card(card(f"<<: {value}\nlicense: mit\n"), "README.md")
    assert [p.code for p in parsed.problems] == ["card-metadata-unreadable"]
    assert "merge key" in parsed.problems[0].message


def test_merge_bomb_is_bounded() -> None:
    lines = ["a0: &a0 {k: v}"]
    lines += [f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 9)}], k{i}: x}}" for i in range(1, 40)]
    start = time.monotonic()
    parsed = parse_card(card("\n".join(lines) + "\n"), "README.md")
    assert time.monotonic() - start < 5
    assert len(parsed.fields) < 2000
    assert parsed.metadata["a39"]["k1"] == "x"


def test_too_many_merged_values_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(front_matter, "MAX_MERGED_VALUES", 100)
    big = "big: &big {" + ", ".join(f"k{i}: 1" for i in range(60)) + "}\n"
    text = big + "".join(f"s{i}: {{<<: *big}}\n" for i in range(5))
    parsed = parse_card(card(text), "README.md")
    assert [p.code for p in parsed.problems] == ["card-metadata-unreadable"]
    assert "merge keys" in parsed.problems[0].message
    assert parsed.problems[0].message.startswith("README.md:4:")


def test_merges_nested_too_deeply_are_reported_not_built() -> None:
    depth = front_matter.MAX_YAML_DEPTH + 10
    text = "license: mit\nx: " + "{a: " * depth + "{<<: {tags: [twitter]}}" + "}" * depth + "\n"
    parsed = parse_card(card(text), "README.md")
    assert [p.code for p in parsed.problems] == ["card-metadata-unreadable"]
    assert "levels deep" in parsed.problems[0].message
    assert parsed.metadata["license"] == "mit"
