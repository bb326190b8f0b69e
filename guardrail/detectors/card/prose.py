"""Card prose: does the text say the data came from X, or only mention it?

A mention is not provenance. Each sentence that names the platform is judged in its
context: the section it sits in (a curator's contact line, a citation or the table of
contents say nothing about the data), known false friends ("follow us on Twitter", "no
longer than a tweet", a cited Twitter thread), and cues that describe the data itself
(collection verbs, counts of tweets, "dataset of tweets", "Twitter API", tweet IDs, a
field documented as a tweet). Only cued sentences block; the rest warn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from guardrail.detectors.card.parsed_card import Card
from guardrail.detectors.patterns import (
    licence_pattern,
    mention_pattern,
    other_platform_pattern,
    platform_name_pattern,
    status_url_pattern,
    strip_negated,
)
from guardrail.findings import Family, Finding, Location, Severity
from guardrail.rules import Rule

PROVENANCE = Rule(
    "GR201",
    "prose-x-provenance",
    Severity.HIGH,
    Family.CARD_PROSE,
    "The card's prose says the data was collected from X/Twitter.",
    "A sentence describes the records as tweets/posts from X: a collection verb, a count of tweets, "
    "'dataset of tweets', the Twitter/X API, tweet IDs, or a field documented as a tweet.",
)
MENTION = Rule(
    "GR202",
    "prose-x-mention",
    Severity.LOW,
    Family.CARD_PROSE,
    "The card's prose mentions X/Twitter without saying the data comes from it.",
    "Worth a look: the mention may be incidental (a topic, a comparison) or undocumented provenance.",
)
LICENCE_PROSE = Rule(
    "GR203",
    "prose-x-terms",
    Severity.HIGH,
    Family.CARD_PROSE,
    "The card's licensing text refers to X/Twitter terms.",
    "The Licensing Information section points at X (Twitter) terms of service or developer policy.",
)
STATUS_LINKS = Rule(
    "GR204",
    "prose-x-status-links",
    Severity.MEDIUM,
    Family.CARD_PROSE,
    "The card links to individual X posts.",
    "Status URLs or t.co links in the card, often in example records.",
)
RULES = (PROVENANCE, MENTION, LICENCE_PROSE, STATUS_LINKS)

_I = re.IGNORECASE
_WORD = r"[\w'’-]+"

# Sections that describe people or papers, not the data.
_SKIP_SECTIONS = re.compile(
    r"citation|bibtex|reference|table of contents|contribut|curator|contact|acknowledg|author|maintainer"
    r"|about the|team|thanks|funding|related work|previous work|prior work|literature",
    _I,
)
_LICENCE_SECTION = re.compile(r"licen[cs]", _I)
# Sections that discuss uses and risks compare with other data; they warn at most.
_DISCUSSION_SECTIONS = re.compile(r"impact|bias|limitation|consideration|known|ethic|risk|future", _I)
_DATA_SECTIONS = re.compile(
    r"summary|description|source|collection|producer|field|instance|structure|split|task|language|creation"
    r"|curation|rationale|annotation|overview|about|content|dataset card for|data$",
    _I,
)
_CONTACT_LINE = re.compile(
    r"point of contact|contact:|e-?mail|follow (?:us|me|them|the)|find (?:us|me) on|reach (?:us|me)", _I
)

# False friends: spans removed before judging a sentence.
_BENIGN = re.compile(
    "|".join(
        [
            rf"follow(?:ing)? (?:{_WORD} ){{0,3}}(?:on|at|via) (?:twitter|x)\b",
            r"(?:on|via|at) twitter:? ?(?:at )?@\w+",
            r"twitter\s*[:(]\s*@\w+",
            r"@\w+ (?:on|at) twitter",
            r"(?:share|sharing|shared) (?:it |this )?(?:on|via|to) twitter",
            r"tweet this|twitter (?:share )?(?:button|widget|card|handle|account|profile|page)s?",
            r"(?:facebook|instagram|linkedin|youtube) (?:and|or|,) twitter (?:pages?|accounts?|profiles?)",
            r"(?:no |not )?(?:longer|shorter|bigger|smaller) than (?:a|one) tweet",
            r"tweet[- ](?:length|sized?|style|like)|(?:length|size) of (?:a|one) tweet",
            r"twitter[- ]threads?|(?:in|on) (?:a|this|that|his|her|their|my|our) (?:\w+ ){0,3}tweet\b",
            r"(?:said|wrote|announced|tweeted|joked|posted) (?:on|in|via) (?:twitter|a tweet)",
            r"(?:like|such as|e\.g\.,?|including) (?:facebook|reddit|instagram|tiktok)(?:,? (?:\w+,? )*?)(?:and |or )twitter",
            # A leading contrast clause is about something else: "Unlike tweets, which ..., our texts".
            r"^\W*(?:unlike|in contrast to|as opposed to|compared (?:to|with)|contrary to|apart from)\b[^,;]*[,;]"
            r"(?:\s*(?:which|that|who|where)\b[^,;]*[,;])?",
            # What is wrong with tweet corpora is said of other data: "the limitations of Twitter datasets".
            r"(?:limitations?|drawbacks?|shortcomings?|noise|problems?|issues?|advantages?|improvements?)"
            r"(?: [\w-]+){0,3} (?:of|in|with|over|related to|compared to) (?:the |these |such )?"
            r"(?:(?:existing|previous|prior|other|noisy|current) )*(?:twitter|tweets?)"
            r"(?: (?:datasets?|corpora|data|based (?:datasets?|corpora)))?",
            # Another platform likened to Twitter: "China's Twitter", "a Twitter-like service".
            r"(?:chinese|china's|japanese|russian|decentrali[sz]ed|open[- ]source|federated) (?:\w+ )?(?:version of |equivalent of |"
            r"answer to |alternative to )?twitter|twitter[- ](?:like|style|alternative|clone)"
            r"|(?:similar to|like|alternative to|akin to|version of) twitter",
            # Models and embeddings named after the platform label or embed other data: "labelled
            # with the Twitter-RoBERTa model", "GloVe Twitter embeddings", "TwHIN-BERT".
            r"\btwitter[- ](?:xlm[- ])?(?:roberta|bert|gpt|t5|lda|glove|word2vec|fasttext)[\w-]*"
            r"|\bglove\.twitter(?:\.\w+)*|\bglove[ -]twitter (?:word )?(?:embeddings?|vectors?)|\btwhin[- ]bert\b"
            r"|\btwitter (?:embeddings?|word vectors?|sentiment (?:model|classifier))\b",
            # English words that only look like the platform: birds twittering, twitterpated.
            r"\btwitter(?:ing|pated)\b",
            # The platform or its company as a topic of other texts: "articles about X Corp".
            r"\b(?:articles?|news|stories|reports|coverage|headlines|press releases?) (?:\w+ ){0,2}"
            r"(?:about|regarding|concerning|covering) (?:the )?(?:twitter|x corp\.?|x)\b",
            # Negations and contrasts: "unlike Twitter data", "no tweets were used".
            r"\b(?:unlike|not|no|never|nor|rather than|instead of|compared (?:to|with)|as opposed to|except)\b"
            r"[^.;]{0,30}?(?:twitter|tweets?)\b(?: (?:data|posts|messages|corpora|datasets?))?",
        ]
    ),
    _I,
)

# Cues that the sentence describes the data itself.
_CUES = re.compile(
    "|".join(
        [
            r"\b(?:collect|crawl|scrap|gather|harvest|retriev|download|sampl|extract|obtain|fetch|mined|mining"
            r"|hydrat|compil|sourced|acquir|built from|drawn from|taken from|come from"
            r"|comes from|came from|originat|consist|compris|made up of|composed of|selected from)\w*",
            r"\b(?:dataset|corpus|corpora|collection|data|it|this)\b[^.;]{0,40}\b(?:contain\w*|holds?|includ\w*)",
            r"\b(?:twitter|x) (?:api|streaming|firehose|search|academic|developer)",
            r"\b(?:tweet|status)[ _-]?ids?\b|\bids? of (?:the )?tweets",
            r"\b\d[\d,.]*\s*(?:k|m|thousand|million|billion)?\s+(?:[\w-]+\s+){0,3}(?:tweet\w*|twitter (?:messages|posts))",
            r"\b(?:dataset|corpus|corpora|collection|set|sample|pairs?|stream)s? of (?:[\w-]+\s+){0,3}tweets\b",
            r"\btweets? (?:dataset|corpus|corpora|collection|data\b|treebank)",
            r"\btwitter (?:data\b|dataset|corpus|corpora|messages?|posts?|conversations?|users?|feeds?|replies"
            r"|timelines?|microblog|sentiment|handles|usernames?)",
            r"\b(?:annotated|labell?ed|anonymi[sz]ed|annotating|labell?ing|classif\w+|translat\w+|parallel|raw"
            r"|original|individual|arabic|english|german|french|spanish|hindi|japanese|polish|thai|turkish)"
            r" (?:[\w-]+ ){0,2}tweets\b",
            r"\btweets? (?:[\w-]+ ){0,2}(?:annotated|labell?ed|tagged|classified|manually|hand-labell?ed)\b",
            r"\btweets? (?:were|was|are|is|have been|has been) (?:\w+ ){0,2}"
            r"(?:annotated|labell?ed|collected|selected|sampled|gathered|crawled|filtered|used|anonymi[sz]ed)",
            r"\b(?:posted|published|written) (?:on|to) (?:twitter|x\b)",
            r"\bfrom twitter\b",
            r"\bgiven a tweet|\b(?:each|every) tweet\b",
        ]
    ),
    _I,
)
# In sections that document fields and instances, "the tweet" is the record itself.
_FIELD_CUES = re.compile(
    r"\b(?:the|a|an|each|original|anonymi[sz]ed) (?:[\w-]+ ){0,2}tweets?\b|\btweet\b", _I
)
# Other-language collection words and counts; the post words themselves come from the knowledge file.
_FOREIGN_CUES = re.compile(
    r"\d|recopil|recolect|descarg|conjunto|corpus|coletad|collect|recueilli|gesammelt|korpus|datensatz"
    r"|toplan|derlem|veri seti|собран|корпус|набор|مجموعة|جمع|収集|データ|コーパス|收集|数据|语料|데이터|수집",
    _I,
)
# Related work and rejected alternatives: what others used, not where this data came from.
_RELATED = re.compile(
    r"\b(?:previous|prior|earlier|existing|past|other|many|several|most) (?:[\w-]+ ){0,2}(?:stud(?:y|ies)|works?"
    r"|research|papers?|approaches|methods|authors|researchers|datasets|corpora|benchmarks|efforts)\b"
    r"|\brelated work|\bin the literature"
    r"|\b(?:reviewed|considered|surveyed|explored|looked at|compared|assessed)\b[^.;]{0,80}\b(?:but|however|although)\b"
    r"|\b(?:rejected|discarded|decided against|did not use|chose not|not suitable|unsuitable|differed|instead)\b"
    r"|\b(?:overcome|limitations? (?:of|in|related to|with)|drawbacks|shortcomings|advantages? over)\b",
    _I,
)
# A sentence that weighs sources, and one that turns them down right after it.
_REVIEWED = re.compile(
    r"\b(?:reviewed|considered|surveyed|explored|examined|looked at|investigated|evaluated|assessed|inspected)\b",
    _I,
)
_REJECTION = re.compile(
    r"\W*(?:however|but|unfortunately|nevertheless|these|they|those|such \w+)\b[^.;]{0,80}"
    r"\b(?:differ\w*|not suitable|unsuitable|not appropriate|inappropriate|not representative|rejected|discarded"
    r"|decided against|did not use|chose not|too (?:noisy|short|informal|different)|instead)\b",
    _I,
)
_OWN_DATA = re.compile(
    r"\b(?:our|ours|this (?:dataset|corpus|collection|resource)|we (?:collected|gathered|scraped|crawled|sampled"
    r"|downloaded|retrieved|annotated|labell?ed|release|provide))\b",
    _I,
)
# Substrings every `other_platforms` pattern contains (a gate; the patterns decide).
_OTHER_PLATFORM_STEMS = (
    "weibo", "stock", "mastodon", "fediverse", "bluesky", "bsky", "proto", "threads", "truth",
    "misskey", "koo", "parler", "plurk", "nostr", "gettr", "douyin", "xiaohongshu",
)  # fmt: skip
_OTHER_POSTS = re.compile(r"tweet|twitt|post|micro-?blog|message|status", _I)
_TWEETS_NOUN = re.compile(r"\b(?:re)?tweets\b", _I)
_SECOND_HAND = re.compile(
    r"embed|quot|cit(?:e|ing|ation)|article|news|mention|about|refer|link|screenshot|journalis|report"
    r"|claim|statement|said|made in",
    _I,
)
_BARE_X = re.compile(r"(?:on|from|via) X")
_SOCIAL = re.compile(
    r"\b(?:posts?|posted|tweets?|users?|accounts?|social|platform|scrap\w*|crawl\w*|handles?|replies|threads?"
    r"|trending|hashtags?|followers|timeline|feeds?|microblog\w*|miners?|network)\b",
    _I,
)
_EMBEDDED = re.compile(r"embed|quot|screenshot|cit(?:e|ing|ation)|news|article|journalis|mention", _I)
_ASCII_POST = re.compile(r"tweet|twitter|retweet", _I)
_MAX_JUDGED = 2_000
# Judging costs about 1-2 us per character: real cards' mentions come to far less than this.
_MAX_JUDGED_CHARS = 300_000
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# A semicolon joins two statements: "Previous studies used Twitter datasets; we collected Reddit
# comments instead." Each is judged on its own.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？;；])\s+")


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int
    section: str
    title: bool
    in_code: bool


def sentences(card: Card) -> Iterator[Sentence]:
    section, in_code, in_comment = "", False, False
    for offset, raw in enumerate(card.body.split("\n")):
        line_no = card.body_line + offset
        stripped = raw.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if "<!--" in stripped and "-->" not in stripped:
            in_comment = True
        if in_comment:
            in_comment = "-->" not in stripped
            continue
        heading = None if in_code else _HEADING.match(stripped)
        if heading:
            section = heading.group(2)
            yield Sentence(section, line_no, section, len(heading.group(1)) == 1, False)
            continue
        for part in _SENTENCE_END.split(stripped):
            for piece in _bounded(part):
                yield Sentence(piece, line_no, section, False, in_code)


# Past this a "sentence" is not prose (a table row, a paragraph without full stops, or a card
# built to be slow: judging costs about 1 us per character, and a 15 MiB paragraph took a minute).
# It is judged in pieces of this size, cut at a space.
MAX_SENTENCE_CHARS = 2000


def _bounded(part: str) -> Iterator[str]:
    start, end = 0, len(part)
    while end - start > MAX_SENTENCE_CHARS:
        cut = part.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        yield part[start:cut]
        start = cut
        while start < end and part[start] == " ":
            start += 1
    if start < end:
        yield part[start:]


def _judge(s: Sentence, other_platform_card: bool = False) -> Severity | None:
    """The severity of a sentence's mention, or None when it is not evidence.

    `other_platform_card`: the card names another microblogging platform and never X, so
    its "tweets" are that platform's posts; they warn at most.
    """
    text = strip_negated(_BENIGN.sub(" ", s.text))
    mention = next((m for m in mention_pattern().finditer(text) if not _bare_x(m, text)), None)
    if mention is None or _CONTACT_LINE.search(s.text):
        return None
    named = platform_name_pattern().search(text) is not None
    if not named and other_platform_pattern().search(text) and _OTHER_POSTS.search(text):
        # "Weibo tweets", "tweets from StockTwits": the platform named in the sentence decides.
        return None
    if s.title:
        return Severity.LOW if other_platform_card and not named else Severity.HIGH
    if _SKIP_SECTIONS.search(s.section) or s.in_code:
        return None
    if _RELATED.search(text) and not _OWN_DATA.search(text):
        # Related work and rejected alternatives say what others used, not where this data is from.
        return Severity.LOW
    severity = _judge_mention(s, text, mention)
    if severity is Severity.HIGH and other_platform_card and not named:
        return Severity.LOW
    return severity


def _bare_x(mention: re.Match[str], text: str) -> bool:
    """A bare "on X"/"from X" that nothing social explains: the letter X (`drawn from X.`)."""
    form = mention.group("x")
    return form is not None and _BARE_X.fullmatch(form) is not None and _SOCIAL.search(text) is None


def _judge_mention(s: Sentence, text: str, mention: re.Match[str]) -> Severity:
    if mention.group("x") is None and not _ASCII_POST.search(mention.group(0)):
        # A non-English word for tweets: strong with a count or a corpus word around it.
        return Severity.HIGH if _FOREIGN_CUES.search(text) else Severity.MEDIUM
    if _DISCUSSION_SECTIONS.search(s.section):
        return Severity.MEDIUM if _CUES.search(text) else Severity.LOW
    if _CUES.search(text):
        return Severity.HIGH
    if re.search(r"field|instance|structure", s.section, _I) and _FIELD_CUES.search(text):
        return Severity.HIGH
    if _DATA_SECTIONS.search(s.section) and _TWEETS_NOUN.search(text) and not _SECOND_HAND.search(text):
        # "Hinglish tweets with sentiment labels": in a section about the data, tweets as a
        # plural noun describe the records, unless they are quoted or embedded in something else.
        return Severity.HIGH
    if mention.group("x") and _DATA_SECTIONS.search(s.section) and not _EMBEDDED.search(text):
        # "Posts from X", "Community Notes", "the X API" in a section about the data.
        return Severity.HIGH
    return Severity.MEDIUM if _DATA_SECTIONS.search(s.section) else Severity.LOW


def _cue(s: Sentence) -> str:
    """What made a blocking sentence provenance, for the finding's message."""
    text = strip_negated(_BENIGN.sub(" ", s.text))
    mention = next((m for m in mention_pattern().finditer(text) if not _bare_x(m, text)), None)
    said = repr(mention.group(0)) if mention else "X"
    if s.title:
        return f"the title names {said}"
    foreign = mention is not None and mention.group("x") is None and not _ASCII_POST.search(mention.group(0))
    for pattern, why in (
        (_FOREIGN_CUES if foreign else _CUES, "with"),
        (_FIELD_CUES, "documenting a field as"),
    ):
        m = pattern.search(text)
        if m and m.group(0).strip():
            return f"{said} {why} {m.group(0).strip()!r}"
    return f"{said} describing the records"


@lru_cache(maxsize=64)
def other_platform_only(card: Card) -> bool:
    """The card is about another microblogging platform: it names one (Weibo, Mastodon...) at
    least as often as it uses a word for posts, and never names X itself (negations aside)."""
    low = card.text.lower()
    if not any(w in low for w in _OTHER_PLATFORM_STEMS):
        return False  # cheap substring test first: most cards name no microblog at all
    others = len(other_platform_pattern().findall(card.text))
    if not others:
        return False
    text = strip_negated(_BENIGN.sub(" ", card.text))
    if platform_name_pattern().search(text) is not None:
        return False
    return others >= len(_ASCII_POST.findall(text))


def _configs_named(text: str, names: tuple[str, ...]) -> set[str]:
    """Config names a sentence mentions as whole tokens (`the tweets config`)."""
    return {n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)}


class CardProseDetector:
    rules = RULES

    def detect(self, card: Card) -> Iterator[Finding]:
        best: dict[Severity, tuple[Sentence, int]] = {}
        links: list[tuple[Sentence, str]] = []
        configs: set[str] = set()
        judged = judged_chars = 0
        other_card = other_platform_only(card)
        # A sentence that reviews tweet corpora is held until the next one: "We considered Twitter
        # conversations. However, they differ from meetings." rejects what the first one names.
        pending: Sentence | None = None

        def record(sentence: Sentence, severity: Severity) -> None:
            first, count = best.get(severity, (sentence, 0))
            best[severity] = (first, count + 1)
            if severity is Severity.HIGH:
                configs.update(_configs_named(sentence.text, card.config_names))

        for s in sentences(card):
            if pending is not None:
                record(pending, Severity.LOW if _REJECTION.match(s.text) else Severity.HIGH)
                pending = None
            if _LICENCE_SECTION.search(s.section) and not s.title:
                m = licence_pattern().search(s.text) or (
                    mention_pattern().search(s.text)
                    if re.search(r"terms|polic|agreement", s.text, _I)
                    else None
                )
                if m:
                    yield LICENCE_PROSE.finding(
                        "The licensing text refers to X/Twitter terms.",
                        Location(path=card.path, line=s.line),
                        s.text,
                    )
                    continue
            if "/status" in s.text or "t.co/" in s.text:  # cheap gate: the URL pattern is costly
                links.extend((s, m.group(0)) for m in status_url_pattern().finditer(s.text))
            if judged >= _MAX_JUDGED or judged_chars >= _MAX_JUDGED_CHARS:
                # A huge card repeats itself; the first mentions carry the evidence.
                continue
            if not mention_pattern().search(s.text):
                continue
            judged += 1
            judged_chars += len(s.text)
            severity = _judge(s, other_card)
            if severity is Severity.HIGH and _REVIEWED.search(s.text):
                pending = s
            elif severity is not None:
                record(s, severity)
        if pending is not None:
            record(pending, Severity.HIGH)
        if Severity.HIGH in best:
            s, n = best[Severity.HIGH]
            more = f" ({n} sentences in all)" if n > 1 else ""
            named = tuple(c for c in card.config_names if c in configs)
            where = f"; configs named with it: {', '.join(named)}" if named else ""
            yield PROVENANCE.finding(
                f"The card says its data comes from X/Twitter (cue: {_cue(s)}){more}{where}.",
                Location(path=card.path, line=s.line, section=s.section or None),
                s.text,
                configs=named,
            )
        else:
            for severity in (Severity.MEDIUM, Severity.LOW):
                if severity in best:
                    s, n = best[severity]
                    yield MENTION.finding(
                        f"The card mentions X/Twitter {n} time(s) without saying the data comes from it.",
                        Location(path=card.path, line=s.line, section=s.section or None),
                        s.text,
                        severity=severity,
                    )
                    break
        if links:
            s, url = links[0]
            yield STATUS_LINKS.finding(
                f"The card links to {len(links)} individual X post(s).",
                Location(path=card.path, line=s.line),
                url,
            )


DETECTOR = CardProseDetector()
