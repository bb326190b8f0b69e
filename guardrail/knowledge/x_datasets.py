"""The knowledge base of datasets known to hold X content, and lookups in it.

The packaged list (`x_datasets.toml`) is extended by the `known-x-datasets` entries of the
user's configuration. Names are matched exactly, case-insensitively: a Hub ID or a legacy
canonical name, never a substring, so a fork or a look-alike name is not matched by guess.

Aliases (paper, task and template names) are how cards name a dataset in their text. They
are found inside text, so each must be distinctive on its own: an ordinary word such as
"emotion" would match half the Hub. `alias_problem` says why an alias is not, and the
loader refuses a knowledge base that holds one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Protocol

DATA_FILE = "x_datasets.toml"
PACKAGED_PATH = "guardrail/knowledge/x_datasets.toml"


class UserEntry(Protocol):
    """A `known-x-datasets` entry of the configuration (`guardrail.config.KnownDataset`).

    A protocol, so the knowledge layer reads the configuration's entries without importing it.
    """

    @property
    def dataset(self) -> str: ...
    @property
    def evidence(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def configs(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class KnownXDataset:
    """One knowledge-base entry.

    Args:
        names: Hub IDs and legacy canonical names of the same data.
        evidence: The fact, in one sentence.
        source: Where a person can check it (paper, card URL, project configuration).
        kind: The kind of evidence (`card`, `paper`, `benchmark-docs`, `dpi`, `user`).
        aliases: Distinctive names a card may use in its text (paper, task, template names).
        share: `all` when every record is from X, `partial` when some are.
        configs: For aggregate collections, the configs that hold X content; empty means all.
        path: The file the entry comes from, for the finding's location.
        line: Its line in that file.
    """

    names: tuple[str, ...]
    evidence: str
    source: str
    kind: str = "card"
    share: str = "all"
    configs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    path: str = PACKAGED_PATH
    line: int | None = None

    @property
    def name(self) -> str:
        """The preferred name: the first Hub ID (org/name) listed, else the first name."""
        return next((n for n in self.names if "/" in n), self.names[0])

    def covers(self, config: str | None) -> bool:
        """Whether `config` (None: the whole dataset) includes data this entry is about."""
        return not self.configs or config is None or config in self.configs


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    entries: tuple[KnownXDataset, ...]

    def lookup(self, name: str) -> KnownXDataset | None:
        """The entry listing `name` (a Hub ID or legacy name, `@revision` ignored), if any."""
        return self._by_name.get(normalise_name(name))

    @cached_property
    def _by_name(self) -> dict[str, KnownXDataset]:
        out: dict[str, KnownXDataset] = {}
        for e in self.entries:
            for n in e.names:
                out.setdefault(normalise_name(n), e)
        return out

    @cached_property
    def _text_index(self) -> _TextIndex:
        return _TextIndex.build(self.entries)

    def named_in(self, text: str) -> list[tuple[KnownXDataset, str]]:
        """Entries `text` names by a Hub ID, a distinctive legacy name or an alias, in order.

        Matches are whole tokens (`tweet_eval` does not match inside `tweet_evals`, nor in
        `someone/tweet_eval`, a fork); separators `_`, `-` and space are interchangeable where
        the name is distinctive with spaces. Returns (entry, matched text), one per entry.
        """
        found: list[tuple[KnownXDataset, str]] = []
        for entry, span in self._text_index.find(text):
            if all(entry is not e for e, _ in found):
                found.append((entry, span))
        return found

    def search(self, query: str) -> list[KnownXDataset]:
        """Entries whose names, aliases, evidence or source contain `query` (case-insensitive)."""
        q = query.strip().lower()
        return [
            e
            for e in self.entries
            if not q
            or any(q in n.lower() for n in (*e.names, *e.aliases, *e.configs))
            or q in e.evidence.lower()
            or q in e.source.lower()
        ]

    def extended(self, extra: Iterable[UserEntry], source_file: str | None) -> KnowledgeBase:
        """This knowledge base plus the user's `known-x-datasets` entries, which come first."""
        user = tuple(
            KnownXDataset(
                names=(k.dataset,),
                evidence=k.evidence,
                source=k.source,
                kind="user",
                share="partial" if k.configs else "all",
                configs=k.configs,
                path=source_file or "the configuration",
                line=None,
            )
            for k in extra
        )
        return KnowledgeBase(self.version, user + self.entries) if user else self


def normalise_name(name: str) -> str:
    return name.split("@", 1)[0].strip().strip("/").lower()


# Capitalised words that are ordinary English however they are written; an all-caps
# alias must not be one of them ("NEWS", "HATE").
_COMMON_WORDS = frozenset(
    (
        # function words
        "a", "an", "and", "the", "of", "in", "on", "for", "to", "from", "with", "by", "at", "as", "or",
        "not", "no", "is", "are", "was", "were", "be", "it", "we", "our", "this", "that", "all", "one",
        # dataset and task vocabulary
        "data", "dataset", "datasets", "corpus", "corpora", "text", "texts", "news", "hate", "speech",
        "offensive", "emotion", "emotions", "sentiment", "sentiments", "irony", "sarcasm", "stance",
        "topic", "topics", "humor", "humour", "abuse", "abusive", "toxic", "toxicity", "spam", "fake",
        "misinformation", "crisis", "disaster", "election", "elections", "covid", "vaccine", "health",
        "social", "media", "post", "posts", "message", "messages", "tweet", "tweets", "twitter", "review",
        "reviews", "question", "questions", "answer", "answers", "task", "tasks", "test", "train", "dev",
        "eval", "evaluation", "benchmark", "classification", "detection", "analysis", "language",
        "languages", "english", "arabic", "spanish", "hindi", "ner", "pos", "chat", "dialogue", "summary",
        "summaries", "model", "models", "label", "labels", "set", "sets", "base", "large", "small", "mini",
        # short words that acronyms spell (`MINT`, `HOPE`) and identifiers of code (`HashSet`)
        "mint", "hope", "care", "fear", "love", "joy", "anger", "trust", "sad", "mad", "fun", "hot",
        "cool", "good", "bad", "true", "false", "yes", "open", "free", "fast", "safe", "real", "live",
        "star", "spot", "book", "code", "find", "help", "home", "info", "link", "list", "main", "more",
        "name", "note", "notes", "page", "plus", "show", "site", "team", "time", "type", "user", "view",
        "web", "work", "hashset", "hashmap", "dataframe", "array", "string", "object", "table",
    )
)  # fmt: skip
_PLATFORM_IN_NAME = re.compile(r"tweet|twitt", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def alias_problem(alias: str) -> str | None:
    """Why `alias` is not distinctive enough to be matched inside text (None: it is).

    Distinctive: a digit with letters (`SemEval-2017 Task 4`, `Sentiment140`, `S3D`), CamelCase
    (`TweetEval`, `XNote`), a snake_case identifier (`tweet_eval`), a platform word inside a
    longer word or compound (`Twitterhjerne`, `tweet-topic`), an acronym that is no ordinary
    word (`OLID`), alone or in a name (`Tweebank-NER`, `MLMA hate speech`), or a proper name of
    two or more capitalised words, one of them no ordinary word (`Latent Hatred`,
    `Affect in Tweets`). Single ordinary or capitalised words (`emotion`, `Paloma`) are not.
    """
    a = alias.strip()
    words = _TOKEN.findall(a)
    if len(a) < 3 or not words or not any(c.isalpha() for c in a):
        return "too short or has no letters"
    if len(words) == 1 and words[0].lower() in _COMMON_WORDS:
        return "an ordinary word"
    if any(c.isdigit() for c in a) and (len(a) >= 4 or any(c.isupper() for c in a)):
        return None
    if re.search(r"[a-z][A-Z]|^[A-Z]{2,}[a-z]{2,}$", a) and a.lower() not in _COMMON_WORDS:
        return None
    if re.search(r"[A-Za-z0-9]_[A-Za-z0-9]", a):
        return None
    # An acronym that is no ordinary word: four letters alone (`OLID`; `TTC` could be anything),
    # three inside a longer name (`IPM NEL`, `MLMA hate speech`).
    if any(re.fullmatch(r"[A-Z]{3,}", w) and w.lower() not in _COMMON_WORDS for w in words) and (
        len(words) > 1 or len(a) >= 4
    ):
        return None
    if _PLATFORM_IN_NAME.search(a) and (
        len(a) >= 10 if len(words) == 1 else not all(w.lower() in _COMMON_WORDS for w in words)
    ):
        return None
    if " " not in a and re.search(r"[A-Za-z0-9][-.][A-Za-z]", a) and _PLATFORM_IN_NAME.search(a):
        return None
    if len(words) >= 2:
        proper = [w for w in words if w[0].isupper()]
        uncommon = [w for w in proper if w.lower() not in _COMMON_WORDS]
        if len(proper) >= 2 and uncommon:
            return None
    return "an ordinary word or phrase: give a digit, CamelCase, a snake_case id, an acronym or a proper name"


def _text_key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


def _case_sensitive(alias: str) -> bool:
    """Acronyms and proper names match in their own case only (`OLID`, not `olid`)."""
    return not re.search(r"\d|_|[a-z][A-Z]", alias) and not _PLATFORM_IN_NAME.search(alias)


# Words are runs of letters or of digits, so `SemEval2017 Task4` and `SemEval-2017 Task 4` agree.
_WORD = re.compile(r"[A-Za-z]+|[0-9]+")


@dataclass(frozen=True)
class _TextIndex:
    """Known names by their lower-case word sequence, checked against the exact text found.

    Looking word sequences up in a dict keeps a card's scan linear in its length, however
    many names the knowledge base holds (one big regex alternation is not).
    """

    by_words: dict[tuple[str, ...], list[tuple[str, KnownXDataset]]]  # (name as listed, entry)
    lengths: dict[str, tuple[int, ...]]  # first word -> word counts of names starting with it, longest first

    @staticmethod
    def build(entries: tuple[KnownXDataset, ...]) -> _TextIndex:
        by_words: dict[tuple[str, ...], list[tuple[str, KnownXDataset]]] = {}
        seen: set[str] = set()
        # Names and aliases first, then the configs of collections (template and task names
        # such as `task195_sentiment140_classification`): a config shared with a dataset of its
        # own name (`sentiment140`) stays that dataset's. A config must be distinctive even
        # written with spaces: `tweet_sentiment` is a task of many collections.
        for with_configs in (False, True):
            for e in entries:
                for name in e.configs if with_configs else (*e.names, *e.aliases):
                    words = tuple(w.lower() for w in _WORD.findall(name))
                    if not words or _text_key(name) in seen:
                        continue
                    if "/" not in name and alias_problem(name) is not None:
                        continue
                    if with_configs and alias_problem(_text_key(name)) is not None:
                        continue
                    seen.add(_text_key(name))
                    # The name's pattern is compiled when its words first occur in a text: a
                    # card names few known datasets, and compiling all ~500 cost most of a
                    # one-card check's time.
                    by_words.setdefault(words, []).append((name, e))
        lengths: dict[str, set[int]] = {}
        for words in by_words:
            lengths.setdefault(words[0], set()).add(len(words))
        return _TextIndex(by_words, {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()})

    def find(self, text: str) -> list[tuple[KnownXDataset, str]]:
        words = _WORD.findall(text.lower())
        starts = [i for i, w in enumerate(words) if w in self.lengths]
        # The common case: first words occur ("the", "arabic") but no whole name does.
        if not any(tuple(words[i : i + n]) in self.by_words for i in starts for n in self.lengths[words[i]]):
            return []
        tokens = list(_WORD.finditer(text))
        words = [t.group(0).lower() for t in tokens]
        out: list[tuple[KnownXDataset, str]] = []
        i = 0
        while i < len(tokens):
            hit = None
            for n in self.lengths.get(words[i], ()):
                if i + n > len(tokens):
                    continue
                candidates = self.by_words.get(tuple(words[i : i + n]))
                if not candidates:
                    continue
                start, end = tokens[i].start(), tokens[i + n - 1].end()
                if start and (text[start - 1] in "/." or text[start - 1].isalnum()):
                    continue  # inside a word; `someone/tweet_eval` is a fork; `x.tweet_eval` a path
                if end < len(text) and text[end].isalnum():
                    continue  # `sentiment140k` is another name
                span = text[start:end]
                hit = next(((e, span) for name, e in candidates if _name_pattern(name).fullmatch(span)), None)
                if hit:
                    i += n
                    break
            if hit:
                out.append(hit)
            else:
                i += 1
        return out


@cache
def _name_pattern(name: str) -> re.Pattern[str]:
    """How `name` may be written: its case (acronyms, proper names) and its separators.

    `tweet_eval` is distinctive only as an identifier, so it needs its `_` or `-`;
    `SemEval-2017 Task 4` may be written with spaces or hyphens, or none between letters and
    digits (`SemEval2017 Task4`); `org/name` needs its `/`.
    """
    spaced_ok = alias_problem(_text_key(name)) is None
    out = []
    for part in re.split(r"([\s_/-]+)", name):
        if not part:
            continue
        if re.fullmatch(r"[\s_/-]+", part):
            out.append("/" if "/" in part else (r"[\s_-]*" if spaced_ok else r"[_-]?"))
            continue
        # Between a letter run and a digit run the separator is optional either way.
        runs = re.findall(r"[A-Za-z]+|[0-9]+|[^A-Za-z0-9]+", part)
        out.append(r"[\s_-]?".join(re.escape(r) for r in runs) if len(runs) > 1 else re.escape(part))
    flags = 0 if _case_sensitive(name) else re.IGNORECASE
    return re.compile("".join(out), flags)


def _entry_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if re.match(r"\s*\[\[dataset\]\]", line)]


def validate_aliases(entries: Iterable[KnownXDataset]) -> None:
    """Refuse aliases that are not distinctive (see `alias_problem`).

    Raises:
        ValueError: naming the entry, its line and the alias.
    """
    for e in entries:
        for alias in e.aliases:
            problem = alias_problem(alias)
            if problem is not None:
                raise ValueError(f"{e.path}:{e.line}: alias {alias!r} of {e.name} is {problem}")


@cache
def packaged_knowledge_base() -> KnowledgeBase:
    """The knowledge base shipped with guardrail (loaded once per process).

    Raises:
        ValueError: if an entry's alias is an ordinary word (a packaging bug, caught by tests).
    """
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    lines = _entry_lines(text)
    entries = tuple(
        KnownXDataset(
            names=tuple(d["names"]),
            evidence=d["evidence"],
            source=d["source"],
            kind=d.get("kind", "card"),
            share=d.get("share", "all"),
            configs=tuple(d.get("configs", ())),
            aliases=tuple(d.get("aliases", ())),
            line=lines[i] if i < len(lines) else None,
        )
        for i, d in enumerate(raw.get("dataset", []))
    )
    validate_aliases(entries)
    return KnowledgeBase(version=str(raw["version"]), entries=entries)
