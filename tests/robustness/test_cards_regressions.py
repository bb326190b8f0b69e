"""Issue 10, part A: every card case that passed (or warned) while carrying X evidence.

Each case is a card written for this test around one planted X signal; the check goes
through the engine as the CLI runs it (`guardrail.check` on a card file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig
from guardrail.engine import check
from guardrail.readers.card_parser import parse_card
from guardrail.readers.front_matter import MAX_YAML_NODES

LICENCE = "license: other\nlicense_name: twitter-developer-agreement\n"
BODY = "# Product reviews\n\nShort reviews of kitchen tools, written by the team.\n"


def verdict(tmp_path: Path, text: str, **config: object) -> tuple[str, list[str], list[str]]:
    card = tmp_path / "README.md"
    card.write_text(text, encoding="utf-8")
    report = check([str(card)], GuardrailConfig(**config))  # type: ignore[arg-type]
    target = report.targets[0]
    return target.verdict.value, [f.rule_id for f in target.findings], [p.code for p in target.problems]


# Invalid YAML beside the licence: before, one GR002 warning and the licence never read.
BAD_YAML = {
    "bad-date": "date: 2020-13-45\n",
    "tab-indent": "annotations:\n\tcreators: crowd\n",
    "unclosed-flow": "tags: [reviews, kitchen\n",
    "unclosed-quote": "pretty_name: 'Kitchen reviews\n",
    "python-tag": "loader: !!python/object/apply:os.system ['true']\n",
    "bad-indent": "size_categories:\n- 1K<n<10K\n  extra: value\n",
    "duplicate-anchor-alias": "a: *missing\n",
}


@pytest.mark.parametrize("bad", BAD_YAML.values(), ids=BAD_YAML.keys())
@pytest.mark.parametrize("order", ["bad-first", "licence-first"])
def test_one_bad_yaml_value_costs_only_itself(tmp_path: Path, bad: str, order: str) -> None:
    meta = bad + LICENCE if order == "bad-first" else LICENCE + bad
    result, rules, _ = verdict(tmp_path, f"---\n{meta}---\n{BODY}")
    assert result == "block"
    assert "GR101" in rules


@pytest.mark.parametrize("bad", BAD_YAML.values(), ids=BAD_YAML.keys())
def test_unreadable_metadata_is_could_not_check_not_a_warning(tmp_path: Path, bad: str) -> None:
    result, rules, problems = verdict(tmp_path, f"---\nlicense: mit\n{bad}---\n{BODY}")
    assert result == "error"
    assert problems == ["card-metadata-unreadable"]
    assert "GR002" not in rules


def test_the_problem_names_file_and_line(tmp_path: Path) -> None:
    card = parse_card(f"---\nlicense: mit\n{BAD_YAML['tab-indent']}---\n{BODY}", "README.md")
    assert [p.code for p in card.problems] == ["card-metadata-unreadable"]
    assert "README.md:4:" in card.problems[0].message


def test_front_matter_over_the_size_cap_is_could_not_check_and_still_read(tmp_path: Path) -> None:
    filler = "".join(f"k{i}: {'v' * 100}\n" for i in range(25_000))
    clean = verdict(tmp_path, f"---\nlicense: mit\n{filler}---\n{BODY}")
    assert clean[0] == "error"
    assert clean[2] == ["card-metadata-unreadable"]
    planted = verdict(tmp_path, f"---\n{filler}{LICENCE}---\n{BODY}")
    assert planted[0] == "block"


def test_licence_after_the_node_cap_is_read_or_reported(tmp_path: Path) -> None:
    many = "data:\n" + "".join(f"- {i}\n" for i in range(MAX_YAML_NODES + 10))
    result, rules, _problems = verdict(tmp_path, f"---\n{many}{LICENCE}---\n{BODY}")
    assert result == "block"
    assert "GR101" in rules
    clean = verdict(tmp_path, f"---\n{many}license: mit\n---\n{BODY}")
    assert clean[0] == "error"
    assert clean[2] == ["card-metadata-unreadable"]


# Licence names spelled so that they only look like the real one. Before, each passed.
SPELLINGS = {
    "x-developer-agreement": "x-developer-agreement",
    "X_Developer_Agreement": "X_Developer_Agreement",
    "snake_case": "twitter_developer_agreement",
    "double-space": "twitter  developer  agreement",
    "nbsp": "twitter\u00a0developer\u00a0agreement",
    "zero-width": "twit\u200bter developer agree\u200dment",
    "soft-hyphen": "twit\u00adter developer agreement",
    "cyrillic": "\u0442w\u0456tt\u0435r developer agreement",
    "greek": "twitt\u03b5r developer agreement",
    "full-width": "\uff54\uff57\uff49\uff54\uff54\uff45\uff52 developer agreement",
    "combining": "t\u0332w\u0332i\u0332t\u0332t\u0332e\u0332r\u0332 developer agreement",
    "x-tos": "x terms of service",
    "mixed-case": "TwItTeR-DeVeLoPeR-AgReEmEnT",
}
LINKS = {
    "idn": "https://developer.xn--twtter-qvf.com/en/developer-terms",
    "percent": "https://developer%2Etwitter%2Ecom/en/developer-terms",
    "percent-letters": "https://developer.tw%69tter.com/en/developer-terms",
    "ideographic-dot": "https://developer\u3002twitter\u3002com/en/developer-terms",
    "fullwidth-dot": "https://developer\uff0ex\uff0ecom/en/developer-terms",
}


SHAPES = {
    "string": "license: x-developer-agreement\n",
    "list": "license:\n- mit\n- x-developer-agreement\n",
    "flow-list": "license: [mit, twitter_developer_agreement]\n",
    "mapping-value": "license:\n  name: x-developer-agreement\n",
    "mapping-key": "license:\n  x-developer-agreement: true\n",
    "nested": "license_details:\n  terms:\n  - source: [twitter developer policy]\n",
    "block-scalar": "license_details: |\n  Use is subject to the\n  X Developer Agreement.\n",
    "anchor": "base: &terms x-developer-agreement\nlicense_name: *terms\n",
}


LICENCES = (
    {f"name-{k}": f'license: other\nlicense_name: "{v}"\n' for k, v in SPELLINGS.items()}
    | {f"link-{k}": f"license: other\nlicense_link: {v}\n" for k, v in LINKS.items()}
    | {f"shape-{k}": v for k, v in SHAPES.items()}
)


@pytest.mark.parametrize("meta", LICENCES.values(), ids=LICENCES.keys())
def test_every_spelling_and_yaml_shape_of_an_x_licence_blocks(tmp_path: Path, meta: str) -> None:
    result, rules, _ = verdict(tmp_path, f"---\n{meta}---\n{BODY}")
    assert (result, "GR101" in rules) == ("block", True)


def test_prose_is_normalised_too(tmp_path: Path) -> None:
    hidden = "We c\u043bllected 5,000 tw\u0435\u0435ts with the \u0422witter\u200b API."
    result, rules, _ = verdict(tmp_path, f"---\nlicense: mit\n---\n# Data\n\n## Dataset Summary\n{hidden}\n")
    assert result == "block"
    assert "GR201" in rules


@pytest.mark.parametrize(
    "hidden",
    [
        "We scraped 1M tw&#101;ets from Tw&#x69;tter.",
        "We collected 5,000 posts from T&shy;witter.",
        "We collected 5,000 posts from Tw<span></span>itter.",
        "We collected 5,000 posts from Tw**itter**.",
    ],
)
def test_prose_hidden_by_html_entities_or_markup_inside_a_word_is_read(tmp_path: Path, hidden: str) -> None:
    result, rules, _ = verdict(tmp_path, f"---\nlicense: mit\n---\n# Data\n\n## Dataset Summary\n{hidden}\n")
    assert result == "block" and "GR201" in rules


def test_entities_and_markup_between_words_change_nothing_else() -> None:
    from guardrail.scan.unconfuse import normalise_lines

    lines = ["Use a &lt;b&gt; tag; 3 * 4 = 12 in R&amp;D.", "a <b>bold</b> word, &#10;two", "plain"]
    assert normalise_lines(lines) == ["Use a <b> tag; 3 * 4 = 12 in R&D.", "a <b>bold</b> word, two", "plain"]


def test_cyrillic_platform_words_stay_cyrillic() -> None:
    # Folding look-alikes inside Latin words must not break the Russian word for Twitter.
    card = parse_card("---\nlicense: mit\n---\n# Данные\n\nСобраны твиты из Твиттера.\n", "README.md")
    assert "твиты" in card.body


def test_clean_cards_still_pass(tmp_path: Path) -> None:
    text = "---\nlicense: cc-by-4.0\npretty_name: Kitchen reviews\ntags:\n- reviews\n---\n" + BODY
    assert verdict(tmp_path, text) == ("pass", [], [])
