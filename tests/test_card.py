"""Card parsing never crashes and never passes bad input silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrail.errors import InputError
from guardrail.readers.card_parser import parse_card, read_card

GOOD = "---\nlicense: mit\npretty_name: Reviews\nconfigs:\n- config_name: en\n---\n# Card\n\nText.\n"


def rule_ids(card) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule_id for f in card.issues]


def test_front_matter_keys_have_file_line_numbers() -> None:
    card = parse_card(GOOD, "README.md")
    assert card.metadata["license"] == "mit"
    assert card.line_of("license") == 2
    assert card.line_of("pretty_name") == 3
    assert card.line_of("configs[0].config_name") == 5
    assert card.body_line == 7
    assert card.body.startswith("# Card")
    assert card.config_names == ("en",)
    assert card.issues == ()


@pytest.mark.parametrize(
    ("text", "expected_rule", "expected_line"),
    [
        ("", "GR001", 1),
        ("   \n\n", "GR001", 1),
        ("# Just prose\n\nNo metadata here.\n", "GR004", 1),
    ],
)
def test_bad_cards_become_findings_with_lines(text: str, expected_rule: str, expected_line: int) -> None:
    card = parse_card(text, "README.md")
    assert expected_rule in rule_ids(card)
    finding = next(f for f in card.issues if f.rule_id == expected_rule)
    assert finding.location.path == "README.md"
    assert finding.location.line == expected_line


@pytest.mark.parametrize(
    ("text", "expected_line"),
    [
        ("---\nlicense: [mit\n---\nbody\n", 3),
        ("---\nlicense: mit\n  bad: indent\n---\n", 3),
        ("---\nlicense: mit\nno closing fence\n", 1),
        ("---\n- a\n- b\n---\nbody\n", 2),
    ],
)
def test_unreadable_metadata_is_a_could_not_check_problem(text: str, expected_line: int) -> None:
    # Not a warning: metadata that was not read was not checked (issue 10).
    card = parse_card(text, "README.md")
    problem = next(p for p in card.problems if p.code == "card-metadata-unreadable")
    assert f"README.md:{expected_line}:" in problem.message


def test_crlf_and_bom_parse_like_lf() -> None:
    crlf = "\ufeff" + GOOD.replace("\n", "\r\n")
    card = parse_card(crlf, "README.md")
    assert card.issues == ()
    assert card.metadata["pretty_name"] == "Reviews"
    assert card.line_of("pretty_name") == 3


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InputError, match="binary"):
        read_card(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_card_saved_as_utf16_or_utf32_is_read_as_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "README.md"
    path.write_bytes("---\nlicense: mit\ntags: [twitter]\n---\n# Tweets\n".encode(encoding))
    card = read_card(path)
    assert card.metadata["tags"] == ["twitter"] and card.issues == ()


def test_non_utf8_is_decoded_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"---\nlicense: mit\n---\nCaf\xe9 tweets collected from Twitter.\n")
    card = read_card(path)
    finding = next(f for f in card.issues if f.rule_id == "GR003")
    assert finding.location.line == 4
    assert "tweets" in card.body


def test_ten_megabyte_card_parses(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    filler = "Plain sentence about product reviews.\n" * 270_000
    path.write_text(GOOD + filler + "We collected 5,000 tweets with the Twitter API.\n")
    assert path.stat().st_size > 10_000_000
    card = read_card(path)
    assert card.metadata["license"] == "mit"
    assert card.body.rstrip().endswith("Twitter API.")


def test_oversized_card_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"a" * (17 * 1024 * 1024))
    with pytest.raises(InputError, match="too large"):
        read_card(path)


def test_deeply_nested_yaml_is_reported_not_raised() -> None:
    deep = "---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n"
    card = parse_card(deep, "README.md")
    assert [p.code for p in card.problems] == ["card-metadata-unreadable"]


def test_alias_bomb_is_bounded() -> None:
    lines = ["---", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    card = parse_card("\n".join(lines) + "\n---\n", "README.md")
    assert len(card.fields) < 1000


def test_huge_yaml_value_is_kept_and_searchable() -> None:
    value = "word " * 200_000
    card = parse_card(f"---\nlicense_details: '{value}twitter terms'\n---\n", "README.md")
    assert card.metadata["license_details"].endswith("twitter terms")


def test_oversized_front_matter_is_reported() -> None:
    big = "---\n" + "".join(f"k{i}: {'v' * 100}\n" for i in range(25_000)) + "---\nbody\n"
    card = parse_card(big, "README.md")
    assert [p.code for p in card.problems] == ["card-metadata-unreadable"]
    assert "KiB" in card.problems[0].message


# Cards whose front matter edges differ between naive splitting and the Hub's loader.
HUB_EDGE_CARDS = {
    "blank-first-line": "\n---\nlicense: mit\npretty_name: Tweets\n---\n# Body\n",
    "whitespace-before-fence": "  \n\t\n---\nlicense: mit\n---\nBody\n",
    "closing-fence-trailing-space": "---\nlicense: mit\n--- \nBody\n",
    "closing-fence-trailing-tab": "---\nlicense: mit\n---\t \nBody\n",
    "opening-fence-trailing-space": "--- \nlicense: mit\n---\nBody\n",
    "text-after-closing-fence": "---\nlicense: mit\n--- not a fence\npretty_name: x\n---\nBody\n",
    "empty-block": "---\n---\n# Title\n",
    "empty-block-then-rule": "---\n---\n# Title\n\n---\nmore\n",
    "bom": "\ufeff---\nlicense: mit\n---\nBody\n",
    "crlf": "---\r\nlicense: mit\r\n---\r\nBody\r\n",
    "closing-at-end-of-file": "---\nlicense: mit\n---",
    "never-closed": "---\nlicense: mit\n# Body\n",
}


@pytest.mark.parametrize("text", HUB_EDGE_CARDS.values(), ids=HUB_EDGE_CARDS.keys())
def test_front_matter_is_split_as_the_hub_loader_splits_it(text: str, tmp_path: Path) -> None:
    import yaml
    from huggingface_hub import DatasetCard

    path = tmp_path / "README.md"
    path.write_bytes(text.encode("utf-8"))
    card = read_card(path)
    try:
        hub = DatasetCard.load(path)
    except yaml.YAMLError:
        # The Hub cannot load it either: the same block is unreadable here, and says so.
        assert [p.code for p in card.problems] == ["card-metadata-unreadable"]
        return
    assert card.metadata == hub.data.to_dict()
    assert card.body == hub.text.replace("\r\n", "\n")


def test_metadata_after_a_blank_first_line_is_read_with_its_lines() -> None:
    card = parse_card(HUB_EDGE_CARDS["blank-first-line"], "README.md")
    assert card.metadata["license"] == "mit"
    assert card.line_of("pretty_name") == 4 and card.body_line == 6
    assert not card.issues


def test_unclosed_front_matter_names_the_line_it_opens_on() -> None:
    card = parse_card("\n\n---\nlicense: mit\n", "README.md")
    assert [p.code for p in card.problems] == ["card-metadata-unreadable"]
    assert "README.md:3:" in card.problems[0].message
