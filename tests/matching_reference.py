"""The matcher as it was before the automaton (issue 17): regexes per dispute.

Kept only so that tests/test_matching_equivalence.py can show that the automaton gives
the same answers. Nothing in the product imports it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.models import CLAIMANT_ROLES, RESPONDENT_ROLES, Dispute

# Kana and CJK ideographs: scripts written without spaces, so terms in them match inside
# longer runs. Where one meets a letter of another script ("NYT訴訟") a space is put, so
# that a Latin term's word boundary is simply the edge of a run of word characters.
_UNSPACED = "\u3005\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACED = f"[^\\W{_UNSPACED}]"  # a letter or digit of a script that spaces its words
_IS_SPACED = re.compile(_SPACED)
_SCRIPT_CHANGE = re.compile(f"(?<={_SPACED})(?=[{_UNSPACED}])|(?<=[{_UNSPACED}])(?={_SPACED})")

# Words for a claimant's own legal action: "<claimant>['s|の] <action>" names the dispute.
# Words that are also verbs ("Getty appeals", "studios demand") count only after "'s".
_ACTIONS = (
    "lawsuit", "suit", "case", "complaint", "litigation", "trial", "ruling", "judgment",
    "judgement", "訴訟", "裁判", "判決", "訴え", "要請", "要望",
)  # fmt: skip
_POSSESSED_ACTIONS = ("claim", "claims", "appeal", "challenge", "request", "demand")

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
        "\u2010": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-",
    }
)  # fmt: skip
_TAG = re.compile(r"<[^<>]*>")
_SEPARATORS = re.compile(r"[ -]+")

# A mention is passing when the words around it cite it as a source or as an example.
# Text is normalised first, so spaces are single, dashes are "-" and fields end in "\n".
_CITED_BEFORE = re.compile(
    r"(?i)(?<!\w)(?:according to|reported by|citing|via|per|courtesy of"
    r"|(?:photo(?:graph)?|image|picture|illustration|credit)s? ?(?::|by)"
    r"|(?:cases|suits|lawsuits|disputes|rivals|competitors),? (?:including|such as|like)"
    r") (?:the )?$"
)
_CITED_AFTER = re.compile(
    r"(?i)(?:'s?)? (?:reports|reported|reporting|writes|wrote)(?=[.,;:!?)]| -|\n|$)"
)
# A name after a dash or in parentheses that ends its field is a byline: "... - NYT".
_BYLINE_BEFORE = re.compile(r"(?i)(?:^|\n| )[-|] (?:the )?$|\($")
_BYLINE_AFTER = re.compile(r"\)?(?= -|\n|$)")
_WINDOW = 48  # characters before a mention that may hold a citing phrase


def _normalise(text: str) -> str:
    """Text as the matcher compares it: no markup, NFKC, plain quotes and dashes, one space."""
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub(" ", text))
    text = " ".join(unicodedata.normalize("NFKC", text).translate(_FOLD).split())
    return text if text.isascii() else _SCRIPT_CHANGE.sub(" ", text)


def _key(text: str) -> str:
    """A term or a matched text as a lookup key: a run of spaces and hyphens is one space."""
    return " ".join(_SEPARATORS.split(text))


def _fold(text: str) -> str:
    """A normalised term or matched text as a key that ignores case."""
    return _key(text).lower()


def _describes(alias: str) -> bool:
    """Whether an alias is a description ("Japanese anime studios") rather than a name."""
    return any(word.islower() for word in alias.split())


def _branch(term: str) -> str:
    """A regex for one normalised term, minus the word boundary at its start."""
    body = "[ -]".join(re.escape(word) for word in _SEPARATORS.split(term))
    if not term.isupper():
        body = f"(?i:{body})"
    return f"{body}(?!\\w)" if _IS_SPACED.match(term[-1]) else body


def _alternation(terms: Iterable[str]) -> str:
    """One regex for normalised terms, longest first; a regex that never matches for none.

    The word boundary before Latin-script terms is checked once for all of them: a
    lookbehind on every branch would make the search several times slower.
    """
    ordered = sorted(set(terms), key=len, reverse=True)
    latin = [_branch(t) for t in ordered if _IS_SPACED.match(t)]
    unspaced = [_branch(t) for t in ordered if not _IS_SPACED.match(t)]
    branches = [f"(?<!\\w)(?:{'|'.join(latin)})"] if latin else []
    if unspaced:
        branches.append("|".join(unspaced))
    return "|".join(branches) or "(?!)"


def _passing(text: str, start: int, end: int) -> bool:
    """Whether the mention at text[start:end] is cited as a source or an example."""
    before = text[max(0, start - _WINDOW) : start]
    if _CITED_BEFORE.search(before) or _CITED_AFTER.match(text, end):
        return True
    return bool(_BYLINE_BEFORE.search(before) and _BYLINE_AFTER.match(text, end))


@dataclass(frozen=True)
class Match:
    """A dispute an item is about, and the terms that decided it."""

    slug: str
    terms: tuple[str, ...]  # e.g. ("claimant:CODA", "respondent:OpenAI", "subject:training")


class _Terms:
    """Terms compiled into one regex, each found term labelled with its side ("claimant:NYT")."""

    def __init__(self, side: str, terms: Iterable[str]) -> None:
        self._side = side
        self._exact: dict[str, str] = {}  # terms in capitals, matched in their case
        self._folded: dict[str, str] = {}  # the others, keyed in lower case
        normalised = [(_normalise(t).strip(" -"), t) for t in terms]
        for norm, term in normalised:
            if norm.isupper():
                self._exact.setdefault(_key(norm), term)
            elif norm:
                self._folded.setdefault(_fold(norm), term)
        self.source = _alternation(norm for norm, _ in normalised if norm)
        self.regex = re.compile(self.source)

    def label(self, found: str) -> str:
        """The label of the term that matched the text `found`."""
        key = _key(found)
        term = self._exact.get(key) or self._folded.get(_fold(found), found)
        return f"{self._side}:{term}"

    def first(self, text: str) -> str | None:
        """The label of the first term in `text`, or None."""
        m = self.regex.search(text)
        return self.label(m.group()) if m else None

    def first_named(self, text: str) -> str | None:
        """The label of the first mention that is not a source or an example, or None."""
        for m in self.regex.finditer(text):
            if not _passing(text, m.start(), m.end()):
                return self.label(m.group())
        return None


_NOUNS = _Terms("subject", _ACTIONS)
_VERBS = _Terms("subject", _POSSESSED_ACTIONS)


class _Rule:
    """A dispute's compiled rule: one regex per side, for its subject and its exclusions."""

    def __init__(self, dispute: Dispute, subject_terms: Iterable[str]) -> None:
        self.slug = dispute.slug
        sides = [(p.role, n) for p in dispute.parties for n in p.names()]
        self.claimant_names = [n for role, n in sides if role in CLAIMANT_ROLES]
        self.claimant = _Terms("claimant", self.claimant_names)
        self.respondent = _Terms("respondent", (n for role, n in sides if role in RESPONDENT_ROLES))
        self.subject = _Terms("subject", [*subject_terms, *dispute.match.get("include", [])])
        self.exclude = _Terms("exclude", dispute.match.get("exclude", []))
        # A claimant itself named with its own action ("NYT lawsuit"); not a member, whose
        # actions are its own, nor a description ("Japanese studios"), which is not a name.
        own = [n for role, n in sides if role == "claimant" and not _describes(n)]
        self.own = _Terms("claimant", own)
        self.own_action = re.compile(
            f"(?P<who>{self.own.source})(?:(?:'s?)? ?の?(?P<noun>{_NOUNS.source})"
            f"|'s? (?P<verb>{_VERBS.source}))"
            r"(?! (?:against|v\.|vs\.|versus) )"
        )

    def match(self, text: str) -> Match | None:
        """The match for normalised `text`, or None."""
        claimant = self.claimant.first_named(text)
        if claimant is None:
            return None
        respondent = self.respondent.first_named(text)
        if respondent is not None:
            subject = self.subject.first(text)
            terms: tuple[str, ...] | None = (claimant, respondent, subject) if subject else None
        else:
            terms = self._own_action(text)
        if terms is None or self.exclude.first(text):
            return None
        return Match(self.slug, terms)

    def _own_action(self, text: str) -> tuple[str, ...] | None:
        """The terms of a claimant named with its own action ("NYT lawsuit"), or None."""
        for m in self.own_action.finditer(text):
            if not _passing(text, m.start(), m.end()):
                action = _NOUNS.label(m["noun"]) if m["noun"] else _VERBS.label(m["verb"])
                return (self.own.label(m["who"]), action)
        return None


class Matcher:
    """Matches feed items against disputes; compile once, then call `match` per item."""

    def __init__(self, disputes: Iterable[Dispute], subject_terms: Iterable[str]) -> None:
        terms = list(subject_terms)
        self._rules = [_Rule(d, terms) for d in sorted(disputes, key=lambda d: d.slug)]
        # One regex over every dispute's claimant names picks the rules worth running: most
        # items name no claimant, and those that do rarely name more than one dispute's.
        names = {_normalise(n).strip(" -") for r in self._rules for n in r.claimant_names} - {""}
        self._claimants = re.compile(_alternation(names))
        # A cheaper test first: a text can name a claimant only if, case-folded and with
        # hyphens as spaces, it holds the name. Most items hold none, and a search for
        # plain strings is several times faster than the regex, whose word-boundary
        # lookbehind stops the regex engine from skipping ahead.
        hints = {" ".join(_SEPARATORS.split(n.casefold())) for n in names}
        self._hints = re.compile("|".join(map(re.escape, sorted(hints, key=len, reverse=True))))
        self._by_claimant: dict[str, set[int]] = {}
        for name in names:  # a name may hold another dispute's shorter one: "Getty Images"
            rules = {i for i, rule in enumerate(self._rules) if rule.claimant.regex.search(name)}
            self._by_claimant.setdefault(_fold(name), set()).update(rules)

    def match(self, title: str, summary: str = "") -> list[Match]:
        """The disputes the item is about, sorted by slug."""
        text = _normalise(title) + "\n" + _normalise(summary)
        if not self._hints.search(text.casefold().replace("-", " ")):
            return []
        found = {_fold(name) for name in self._claimants.findall(text)}
        candidates = sorted({i for name in found for i in self._by_claimant.get(name, ())})
        return [m for i in candidates if (m := self._rules[i].match(text))]
