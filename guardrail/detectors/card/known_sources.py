"""Known X datasets named as the card's source: metadata, task lists, "derived from" sentences.

The knowledge base lists datasets known to hold X content, with distinctive aliases
(`TweetEval`, `SemEval-2017 Task 4`). A card that names one of them *as where its data
comes from* inherits the restriction: in `source_datasets`, a config, task or tag name, an
AutoTrain project name, a list or table of tasks, or a sentence that says the data was
taken from it. Named as related work, as a comparison or in a citation, it is not evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardrail.detectors.card.parsed_card import Card, MetaField
from guardrail.detectors.card.prose import Sentence, sentences
from guardrail.detectors.patterns import identifier_pattern
from guardrail.findings import Family, Finding, Location, Severity
from guardrail.knowledge.x_datasets import KnowledgeBase, KnownXDataset, packaged_knowledge_base
from guardrail.rules import Rule

NAMED_SOURCE = Rule(
    "GR304",
    "card-names-known-x-dataset",
    Severity.HIGH,
    Family.KNOWLEDGE,
    "The card names a dataset known to hold X content as the source of its data.",
    "A knowledge-base dataset (by Hub ID, legacy name or distinctive alias) appears in source_datasets, "
    "a config, task or tag name, an AutoTrain project name, a list or table of tasks, or a sentence "
    "saying the data was taken from it. Related work and citations do not count. `guardrail kb NAME` "
    "shows why the dataset is listed.",
)
RULES = (NAMED_SOURCE,)

_I = re.IGNORECASE
# Metadata whose values name the data itself (not its topic or its authors). `train-eval-index`
# is left out: cards copy it from the benchmark they were evaluated like, not built from.
_NAME_KEYS = ("pretty_name", "tags", "task_ids", "task_categories", "source_datasets")
# Sections about papers, people and other work: a dataset named there is not a source.
_NOT_SOURCE_SECTIONS = re.compile(
    r"citation|bibtex|reference|bibliograph|related|previous|prior work|background|comparison|baseline"
    r"|leaderboard|contribut|curator|contact|acknowledg|author|maintainer|thanks|funding|table of contents"
    r"|licen[cs]|limitation|bias|future",
    _I,
)
# Words that say the data comes from the named dataset.
_SOURCE_CUES = re.compile(
    r"\b(?:deriv\w*|taken|drawn|sampled|extracted|built (?:on|from|upon)|based on|adapt\w*|convert\w*"
    r"|reformat\w*|re-?annotat\w*|re-?label\w*|translat\w*|subsets?|sourced?|originat\w*|collected|compiled"
    r"|curated|comes? from|came from|obtained|download\w* from|cop(?:y|ied) from|mirror\w*|fetched from"
    r"|loaded from|consists? of|compris\w*|includ\w*|contain\w*|combin\w*"
    r"|merg\w*|aggregat\w*|mixture|we use[sd]?|uses|using|used|released as part of|part of|split of"
    r"|version of|portion of|copy of|mirror of|re-?upload\w*|fork of|data (?:is|are|was|were) from)\b",
    _I,
)
# Comparisons and related work: the named dataset is not where this data came from.
_NOT_SOURCE = re.compile(
    r"\b(?:unlike|instead of|rather than|as opposed to|compared? (?:to|with)|in contrast|similar to|inspired by"
    r"|previous|prior|earlier|related work|outperform\w*|state of the art|sota|benchmarks? such as)\b",
    _I,
)
# Exclusions just before the name: "not from sentiment140", "excluding tweet_eval".
_EXCLUDED = re.compile(r"\b(?:not|no|never|nor|without|exclud\w*|except|minus)\b[^.;]{0,30}$", _I)
_LIST_ITEM = re.compile(r"^(?:[-*+]\s|\d+[.)]\s|\|)")
_AUTOTRAIN = re.compile(
    r"processed by autotrain for project:?\s*([\w.-]+)|autotrain dataset for project:?\s*([\w.-]+)", _I
)


def _kb() -> KnowledgeBase:
    return packaged_knowledge_base()


def _usable(entry: KnownXDataset, text: str) -> tuple[bool, tuple[str, ...]]:
    """Whether naming `entry` in `text` names X data, and the entry's configs it names.

    A collection with X content in only some configs counts only when one of those
    configs is named too: naming the whole collection says nothing about those configs.
    """
    if not entry.configs:
        return True, ()
    flat = f" {_token_text(text)} "
    named = tuple(c for c in entry.configs if f" {_token_text(c)} " in flat)
    return bool(named), named


def _token_text(value: str) -> str:
    """Lower-case words separated by single spaces: `Tweet_Eval-Irony` and `tweet eval irony` agree."""
    return " ".join(re.findall(r"[a-z0-9]+", value.lower()))


def _identifier_text(value: str) -> str:
    """`org/sentiment140.v2` -> `org sentiment140 v2`: paths and dotted names become tokens."""
    return re.sub(r"[:/.]+", " ", value)


def _metadata_names(card: Card) -> Iterator[MetaField]:
    """Metadata scalars that name the data: name keys, config names and data file paths."""
    for f in card.fields:
        if (
            f.top_key in _NAME_KEYS
            or f.path.endswith(".config_name")
            or re.fullmatch(r"configs\[\d+\]", f.path)
        ) or (f.top_key == "configs" and ".data_files" in f.path and not f.path.endswith(".split")):
            yield f
        else:
            # Legacy per-config metadata: `language: {semeval2017_task4: [en]}` keys are config names.
            parts = f.path.split(".")
            if (
                len(parts) == 2
                and parts[0] != "dataset_info"
                and isinstance(card.metadata.get(parts[0]), dict)
            ):
                yield MetaField(f.path, f.line, parts[1])


class _Reporter:
    """One finding per known dataset per card, however often the card names it."""

    def __init__(self, card: Card) -> None:
        self.card = card
        self.seen: set[str] = set()

    def __call__(
        self, entry: KnownXDataset, match: str, where: str, loc: Location, evidence: str, text: str
    ) -> Iterator[Finding]:
        ok, configs = _usable(entry, text)
        if not ok or entry.name in self.seen:
            return
        self.seen.add(entry.name)
        scope = f" (its configs {', '.join(configs)})" if configs else ""
        yield NAMED_SOURCE.finding(
            f"{where} names `{match}`, which is `{entry.name}` in the knowledge base{scope}: "
            f"{entry.evidence} Source: {entry.source}",
            loc,
            evidence,
            configs=(),
            chain=(self.card.path, entry.name),
        )


class CardSourcesDetector:
    """Finds known X datasets named as a card's source.

    Args:
        knowledge: The knowledge base to look names up in; the packaged one when None (the
            configuration's own entries are looked up by `sources.card_findings`).
    """

    rules = RULES

    def __init__(self, knowledge: KnowledgeBase | None = None) -> None:
        self.knowledge = knowledge

    def detect(self, card: Card) -> Iterator[Finding]:
        kb = self.knowledge or _kb()
        report = _Reporter(card)
        names = list(_metadata_names(card))
        joined = "\n".join(f.value for f in names)
        if not kb.named_in(joined) and not kb.named_in(_identifier_text(joined)):
            names = []  # one pass over all of them: most cards name no known dataset
        for f in names:
            if f.top_key == "source_datasets" and kb.lookup(f.value.split("|")[-1].strip()) is not None:
                continue  # lineage reports a parent it finds by its exact name (GR301)
            loc = Location(path=card.path, line=f.line, key=f.path)
            for entry, _ in kb.named_in(_identifier_text(f.value)) + kb.named_in(f.value):
                yield from report(entry, f.value, f"`{f.path}`", loc, f.value, f.value)
        if not kb.named_in(card.body) and not _AUTOTRAIN.search(card.body):
            return  # one pass over the body: most cards name no known dataset at all
        skipped: dict[str, bool] = {}
        for s in sentences(card):
            if s.section not in skipped:
                skipped[s.section] = _NOT_SOURCE_SECTIONS.search(s.section) is not None
            if not s.in_code and not skipped[s.section]:
                yield from self._sentence(kb, card, s, report)

    def _sentence(self, kb: KnowledgeBase, card: Card, s: Sentence, report: _Reporter) -> Iterator[Finding]:
        loc = Location(path=card.path, line=s.line, section=s.section or None)
        project = _AUTOTRAIN.search(s.text)
        if project:
            name = project.group(1) or project.group(2)
            if identifier_pattern().search(name) and "autotrain-project" not in report.seen:
                report.seen.add("autotrain-project")
                yield NAMED_SOURCE.finding(
                    f"The AutoTrain project `{name}` that produced this data is named for tweets/Twitter.",
                    loc,
                    s.text,
                )
            for entry, _ in kb.named_in(_identifier_text(name)):
                yield from report(entry, name, "The AutoTrain project name", loc, s.text, name)
            return
        in_list = bool(_LIST_ITEM.match(s.text))
        # In a task list, names sit inside template identifiers (`task195_sentiment140_classification`).
        found = kb.named_in(s.text) or (kb.named_in(_identifier_text(s.text)) if in_list else [])
        if not found or _NOT_SOURCE.search(s.text):
            return
        found = [(e, m) for e, m in found if not _EXCLUDED.search(s.text[: max(0, s.text.find(m))])]
        if not (in_list or s.title or _SOURCE_CUES.search(s.text)):
            return
        where = "A task list of the card" if in_list else "The card"
        for entry, match in found:
            yield from report(entry, match, where, loc, s.text, s.text)


DETECTOR = CardSourcesDetector()
