"""`guardrail rules RULE_ID`: what a rule detects, an input that triggers it, how to silence it.

Every example is a complete input: `tests/test_rule_docs.py` writes it to a file and checks
that `guardrail check` reports the rule, so the documentation cannot drift from the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from guardrail.rules import Rule


@dataclass(frozen=True)
class Example:
    """An input that triggers a rule.

    Args:
        kind: The file it goes in: `card` (README.md), `jsonl` or `csv`.
        text: The file's content.
        encoding: How `text` is written (a latin-1 card shows the UTF-8 rules).
    """

    kind: str
    text: str
    encoding: str = "utf-8"


_CARD = "---\n{yaml}\n---\n\n# A dataset\n\n{prose}\n"


def _card(yaml: str, prose: str = "Short sentences for a classification task.") -> Example:
    return Example("card", _CARD.format(yaml=yaml, prose=prose))


def _jsonl(*lines: str) -> Example:
    return Example("jsonl", "\n".join(lines) + "\n")


EXAMPLES: dict[str, Example] = {
    "GR001": Example("card", ""),
    "GR002": Example("card", ""),  # retired; see _BUILT
    "GR003": Example(
        "card", "---\nlicense: mit\n---\n\n# Donn\u00e9es\n\nPhrases fran\u00e7aises.\n", "latin-1"
    ),
    "GR004": Example("card", "# A dataset\n\nShort sentences for a classification task.\n"),
    "GR101": _card("license: other\nlicense_name: twitter-developer-agreement"),
    "GR102": _card(
        "license: mit\nextra_gated_prompt: You agree to use these tweets under the X Developer Agreement."
    ),
    "GR103": _card("license: mit\ntags:\n- twitter"),
    "GR104": _card("license: mit\nconfigs:\n- config_name: tweets\n  data_files: tweets/*.jsonl"),
    "GR105": _card(
        "license: mit\ndataset_info:\n  features:\n  - name: tweet\n    dtype: string\n  - name: label\n"
        "    dtype: int64"
    ),
    "GR106": _card("license: mit\nsource_datasets:\n- some-org/twitter-sentiment-2019"),
    "GR201": _card(
        "license: mit", "## Dataset Creation\n\nWe collected 50,000 tweets with the Twitter API in 2021."
    ),
    "GR202": _card(
        "license: mit",
        "## Dataset Description\n\nNews headlines on many topics, from elections to Twitter's sale in 2022.",
    ),
    "GR203": _card(
        "license: other",
        "## Licensing Information\n\nUse of this data is subject to the Twitter Developer Agreement.",
    ),
    "GR204": _card(
        "license: mit",
        "## Dataset Description\n\nAnnotators read posts such as https://twitter.com/someone/status/1234567890123 "
        "and https://x.com/another/status/1234567890124.",
    ),
    "GR301": _card("license: mit\nsource_datasets:\n- cardiffnlp/tweet_eval"),
    "GR302": Example("card", ""),  # a Hub target; see _BUILT
    "GR303": _card("license: mit\nsource_datasets:\n- some-org/unpublished-parent"),
    "GR304": _card(
        "license: mit", "## Dataset Creation\n\nThe data was taken from TweetEval and relabelled by hand."
    ),
    "GR401": _jsonl('{"text": "see https://twitter.com/someone/status/1790000000000000001"}'),
    "GR402": _jsonl('{"text": "great game tonight https://t.co/AbCdEf1234"}'),
    "GR403": _jsonl('{"image": "https://pbs.twimg.com/media/FxAbCdEfGh.jpg"}'),
    "GR404": _jsonl('{"text": "our profile: https://twitter.com/someone"}'),
    "GR405": _jsonl('{"id_str": "1790000000000000001", "full_text": "hello", "retweet_count": 3}'),
    "GR406": _jsonl(
        '{"raw": "{\\"id_str\\": \\"1790000000000000001\\", \\"full_text\\": \\"hi\\", \\"retweet_count\\": 0}"}'
    ),
    "GR407": _jsonl('{"text": "@USER @USER this is so true"}'),
    "GR408": _jsonl('{"text": "RT @someone: what a match"}'),
    "GR409": _jsonl('{"text": "What a day. \\u2014 Jane Doe (@janedoe) June 2, 2014"}'),
    "GR410": _jsonl('{"text": "what a match", "source": "twitter"}'),
    "GR411": _jsonl(*(f'{{"id": {1790000000000000001 + i}, "text": "row {i}"}}' for i in range(5))),
    "GR420": Example("jsonl", ""),
    "GR421": _jsonl('{"text": "fine"}', '{"text": "truncated'),
    "GR422": Example("csv", "text,label\ncaf\u00e9 cr\u00e8me,1\n", "latin-1"),
    "GR423": Example("jsonl", ""),  # binary columns exist in parquet/arrow only; see _BUILT
    "GR424": _jsonl('{"text": "a", "extra": null}', '{"text": "b", "extra": null}'),
    "GR425": Example("jsonl", ""),  # a value of tens of MB; see _BUILT
}

# Rules whose triggering input is too large or not text to print in full: described here,
# built by the test from this description.
_BUILT = {
    "GR002": "retired: front matter that cannot be read is now the could-not-check problem "
    "`card-metadata-unreadable` (verdict error), e.g. `license: [mit` in the YAML",
    "GR302": "a Hub dataset listed in the knowledge base: guardrail check cardiffnlp/tweet_eval",
    "GR423": "a parquet file with a binary column (e.g. image bytes)",
    "GR425": "a parquet file whose text column holds one value of tens of MB",
}


def example_text(rule_id: str) -> str:
    """The example as a person reads it."""
    if rule_id in _BUILT:
        return _BUILT[rule_id]
    ex = EXAMPLES.get(rule_id)
    if ex is None:
        return "(no example)"
    if ex.kind == "card" and not ex.text:
        return "an empty README.md"
    if not ex.text:
        return f"an empty .{ex.kind} file"
    suffix = " (saved as latin-1)" if ex.encoding != "utf-8" else ""
    return f"{_FILE[ex.kind]}{suffix}:\n{ex.text}"


_FILE = {"card": "README.md", "jsonl": "data.jsonl", "csv": "data.csv"}


def suppression(rule: Rule) -> list[str]:
    """Ways to silence `rule`, from narrowest to widest."""
    return [
        f"for one dataset, with a reason (pyproject.toml):\n"
        f'  [[tool.guardrail.allow]]\n  dataset = "org/name"   # or path = "data/"\n'
        f'  rules = ["{rule.rule_id}"]\n  reason = "why this use is permitted"',
        "for today's findings only: guardrail check --write-baseline guardrail-baseline.json ..., "
        "then --baseline guardrail-baseline.json",
        f'everywhere: [tool.guardrail.severity] {rule.rule_id} = "off" (or "low"/"medium"/"high")',
    ]


def rule_dict(rule: Rule) -> dict[str, object]:
    return {
        "rule_id": rule.rule_id,
        "name": rule.name,
        "severity": rule.severity.value,
        "family": rule.family.value,
        "summary": rule.summary,
        "help": rule.help,
        "example": example_text(rule.rule_id),
        "suppress": suppression(rule),
    }


def explain(rule: Rule) -> str:
    """The text of `guardrail rules RULE_ID`."""
    lines = [
        f"{rule.rule_id} {rule.name} (default severity {rule.severity.value}, family {rule.family.value})",
        "",
        rule.summary,
    ]
    if rule.help and rule.help != rule.summary:
        lines += ["", rule.help]
    lines += ["", "Example that triggers it: " + example_text(rule.rule_id), "", "To suppress it:"]
    lines += ["- " + way.replace("\n", "\n  ") for way in suppression(rule)]
    return "\n".join(lines).rstrip() + "\n"
