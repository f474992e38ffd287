"""Decide which disputes a feed item is about, from its title and summary.

An item matches a dispute when it names someone on the claimant side, someone on the
respondent side and a subject term (a configured one, or one of the dispute's own include
terms), and none of the dispute's exclude terms. A claimant named together with its own
legal action ("NYT lawsuit", "the Getty judgment", "CODAの要請") names the dispute itself,
so there the respondent may go unsaid. A name cited as a source ("..., NYT reports",
"according to The New York Times", a closing "(NYT)") or as an example of other cases or
rivals ("cases such as Getty Images' claims") is a passing mention and names no one.

Terms written in capitals (CODA, NYT) match in that exact case, others in any case.
Latin-script terms match whole words; Japanese and Chinese text matches anywhere.

Every term of every dispute is found in one pass over an item by Aho-Corasick automata
(see Matcher), so an item costs the same whether 3 disputes are followed or 300.
"""

from __future__ import annotations

import _sre  # the regex engine's own lower case, for folding text as its IGNORECASE does
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
    if text.isascii():  # NFKC and _FOLD leave ASCII as it is
        return " ".join(text.split())
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


def _case_fixes() -> dict[int, tuple[int, ...]]:
    """Characters the regex engine treats as equal under IGNORECASE beyond their simple
    lower case ("ı" and "i", "ſ" and "s" ...), keyed by lower case: re's own table."""
    try:
        from re import _casefix  # type: ignore[attr-defined]  # Python 3.11+

        fixes: dict[int, tuple[int, ...]] = _casefix._EXTRA_CASES
    except ImportError:  # Python 3.10 keeps the table in sre_compile
        import sre_compile

        fixes = sre_compile._ignorecase_fixes  # type: ignore[attr-defined]
    return fixes


class _CaseFold(dict[int, str]):
    """A str.translate table: each character as the regex engine compares it under
    IGNORECASE (its simple lower case, then the smallest character re takes as equal to
    that), and "-" as " ", the two characters a term's word separator matches.

    One character in, one out: a position in the folded text is a position in the text.
    Filled on demand, since feed text uses few of Unicode's characters.
    """

    def __missing__(self, code: int) -> str:
        lower = _sre.unicode_tolower(code)
        folded = chr(min((lower, *_FIXES.get(lower, ()))))
        self[code] = folded
        return folded


_FIXES = _case_fixes()
_CASE_FOLD = _CaseFold({ord("-"): " "})


def _case_folded(text: str) -> str:
    """`text` folded for the automata; see _CaseFold."""
    if text.isascii():  # an ASCII letter's simple lower case is its own class's smallest
        return text.lower().replace("-", " ")
    return text.translate(_CASE_FOLD)


def _is_word(char: str) -> bool:
    """Whether the regex engine's \\w matches `char` (Unicode letters, digits, "_")."""
    return char.isalnum() or char == "_"


class _Labels:
    """How the text a side's term matched is named in a Match: "side:term as configured"."""

    def __init__(self, side: str) -> None:
        self._side = side
        self._exact: dict[str, str] = {}  # terms in capitals, matched in their case
        self._folded: dict[str, str] = {}  # the others, keyed in lower case

    def _add(self, norm: str, term: str) -> None:
        if norm.isupper():
            self._exact.setdefault(_key(norm), term)
        elif norm:
            self._folded.setdefault(_fold(norm), term)

    def label(self, found: str) -> str:
        """The label of the term that matched the text `found`."""
        key = _key(found)
        term = self._exact.get(key) or self._folded.get(_fold(found), found)
        return f"{self._side}:{term}"


class _Terms(_Labels):
    """Terms compiled into one regex: the words for a claimant's own action."""

    def __init__(self, side: str, terms: Iterable[str]) -> None:
        super().__init__(side)
        normalised = [(_normalise(t).strip(" -"), t) for t in terms]
        for norm, term in normalised:
            self._add(norm, term)
        self.source = _alternation(norm for norm, _ in normalised if norm)


_NOUNS = _Terms("subject", _ACTIONS)
_VERBS = _Terms("subject", _POSSESSED_ACTIONS)
# What follows a claimant named with its own action: "NYT lawsuit", "Getty's appeal",
# "CODAの要請"; not "NYT lawsuit against ..." (a suit of its own against someone else).
_OWN_ACTION = re.compile(
    f"(?:(?:'s?)? ?の?(?P<noun>{_NOUNS.source})|'s? (?P<verb>{_VERBS.source}))"
    r"(?! (?:against|v\.|vs\.|versus) )"
)


@dataclass(frozen=True)
class _Term:
    """A normalised term as the automata find it, with the checks its regex made."""

    norm: str
    key: str  # what the automaton looks for: case-folded, words joined by one space
    exact: str | None  # a term in capitals matches only this text (hyphens as spaces)
    bounded_start: bool  # starts with a letter or digit of a spaced script: a word edge
    bounded_end: bool  # likewise at its end

    @classmethod
    def of(cls, norm: str) -> _Term:
        key = _key(norm)
        return cls(norm, _case_folded(key), key if norm.isupper() else None,
                   bool(_IS_SPACED.match(norm)), bool(_IS_SPACED.match(norm[-1])))

    def found_at(self, text: str, start: int, end: int) -> bool:
        """Whether the automaton's hit at text[start:end] is a match of this term."""
        if self.bounded_start and start and _is_word(text[start - 1]):
            return False
        if self.bounded_end and end < len(text) and _is_word(text[end]):
            return False
        return self.exact is None or text[start:end].replace("-", " ") == self.exact


# A term's hits in one item's normalised text: term id -> [(start, end), ...].
_Hits = dict[int, list[tuple[int, int]]]


class _Catalogue:
    """Every distinct normalised term of every dispute, numbered, and the automata that
    find them all in one pass over an item's text."""

    def __init__(self) -> None:
        self.terms: list[_Term] = []
        self._ids: dict[str, int] = {}
        self._norms: dict[str, str] = {}

    def normalised(self, term: str) -> str:
        norm = self._norms.get(term)
        if norm is None:
            norm = self._norms[term] = _normalise(term).strip(" -")
        return norm

    def id(self, norm: str) -> int:
        found = self._ids.get(norm)
        if found is None:
            found = self._ids[norm] = len(self.terms)
            self.terms.append(_Term.of(norm))
        return found

    def automaton(self, ids: Iterable[int]) -> Any:
        """An Aho-Corasick automaton over the terms `ids`, by their case-folded keys."""
        import ahocorasick

        by_key: dict[str, list[int]] = {}
        for i in sorted(set(ids)):
            by_key.setdefault(self.terms[i].key, []).append(i)
        automaton = ahocorasick.Automaton()
        for key, same in by_key.items():
            automaton.add_word(key, (len(key), tuple(same)))
        if by_key:
            automaton.make_automaton()
        return automaton

    def hits(self, automaton: Any, text: str, folded: str, into: _Hits) -> _Hits:
        """Add the matches in `text` (folded as `folded`) of the automaton's terms to `into`."""
        if not len(automaton):
            return into
        terms = self.terms
        for last, (length, ids) in automaton.iter(folded):
            start, end = last + 1 - length, last + 1
            for i in ids:
                if terms[i].found_at(text, start, end):
                    into.setdefault(i, []).append((start, end))
        return into


class _Side(_Labels):
    """The terms of one side of one dispute ("claimant", "subject" ...), as term ids."""

    def __init__(self, side: str, terms: Iterable[str], catalogue: _Catalogue) -> None:
        super().__init__(side)
        self._catalogue = catalogue
        self.ids: set[int] = set()
        for term in terms:
            norm = catalogue.normalised(term)
            self._add(norm, term)
            if norm:
                self.ids.add(catalogue.id(norm))

    def _hits(self, hits: _Hits) -> list[tuple[int, int, int]]:
        """This side's hits as (start, -length of the term, -end), in the order the
        regex alternation (longest term first) would have tried them."""
        terms = self._catalogue.terms
        return sorted((start, -len(terms[i].norm), -end)
                      for i in hits.keys() & self.ids for start, end in hits[i])

    def first(self, text: str, hits: _Hits) -> str | None:
        """The label of the first term in `text`, or None."""
        found = self._hits(hits)
        if not found:
            return None
        start, _, end = found[0]
        return self.label(text[start:-end])

    def first_named(self, text: str, hits: _Hits) -> str | None:
        """The label of the first mention that is not a source or an example, or None."""
        pos = 0
        for start, _, end in self._hits(hits):
            if start < pos:  # inside a passing mention, or shorter than the one tried here
                continue
            if not _passing(text, start, -end):
                return self.label(text[start:-end])
            pos = -end
        return None

    def own_action(self, text: str, hits: _Hits) -> tuple[str, ...] | None:
        """The terms of one of these names followed by its own action ("NYT lawsuit")."""
        pos = 0
        for start, _, end in self._hits(hits):
            if start < pos:
                continue
            m = _OWN_ACTION.match(text, -end)
            if m is None:  # a shorter name here, or a later one, may still be followed
                continue
            if not _passing(text, start, m.end()):
                action = _NOUNS.label(m["noun"]) if m["noun"] else _VERBS.label(m["verb"])
                return (self.label(text[start:-end]), action)
            pos = m.end()
        return None


class _Rule:
    """A dispute's rule: the term ids of each side, of its subject and of its exclusions."""

    def __init__(self, dispute: Dispute, subject: _Subject, catalogue: _Catalogue) -> None:
        self.slug = dispute.slug
        sides = [(p.role, n) for p in dispute.parties for n in p.names()]
        self.claimant = _Side("claimant", (n for r, n in sides if r in CLAIMANT_ROLES), catalogue)
        self.respondent = _Side("respondent", (n for r, n in sides if r in RESPONDENT_ROLES),
                                catalogue)
        include = dispute.match.get("include", [])
        self.subject = subject if not include else _Side(
            "subject", [*subject.terms, *include], catalogue)
        self.exclude = _Side("exclude", dispute.match.get("exclude", []), catalogue)
        # A claimant itself named with its own action ("NYT lawsuit"); not a member, whose
        # actions are its own, nor a description ("Japanese studios"), which is not a name.
        self.own = _Side("claimant", (n for r, n in sides if r == "claimant" and not _describes(n)),
                         catalogue)

    def match(self, text: str, hits: _Hits) -> Match | None:
        """The match for normalised `text`, whose terms' hits are `hits`, or None."""
        claimant = self.claimant.first_named(text, hits)
        if claimant is None:
            return None
        respondent = self.respondent.first_named(text, hits)
        if respondent is not None:
            subject = self.subject.first(text, hits)
            terms: tuple[str, ...] | None = (claimant, respondent, subject) if subject else None
        else:
            terms = self.own.own_action(text, hits)
        if terms is None or self.exclude.first(text, hits):
            return None
        return Match(self.slug, terms)


class _Subject(_Side):
    """The configured subject terms, shared by every dispute without include terms."""

    def __init__(self, terms: list[str], catalogue: _Catalogue) -> None:
        super().__init__("subject", terms, catalogue)
        self.terms = terms


class Matcher:
    """Matches feed items against disputes; build once, then call `match` per item.

    Every alias and term of every dispute goes into Aho-Corasick automata (pyahocorasick,
    a C implementation), so one pass over an item's text finds every term of every
    dispute, and the cost of an item does not grow with the number of disputes. Only the
    disputes whose claimant the item names are then decided, by the same rules as ever.
    A Matcher pickles, automata included: a poll builds it once and ships it to its
    parser processes.
    """

    def __init__(self, disputes: Iterable[Dispute], subject_terms: Iterable[str]) -> None:
        catalogue = self._catalogue = _Catalogue()
        subject = _Subject(list(subject_terms), catalogue)
        self._rules = [_Rule(d, subject, catalogue) for d in sorted(disputes, key=lambda d: d.slug)]
        self._by_claimant: dict[int, list[int]] = {}
        for index, rule in enumerate(self._rules):
            for i in rule.claimant.ids:
                self._by_claimant.setdefault(i, []).append(index)
        # Two automata: most items name no claimant and pass through the first one only.
        self._claimants = catalogue.automaton(self._by_claimant)
        others = {i for r in self._rules for s in (r.respondent, r.subject, r.exclude)
                  for i in s.ids}
        self._others = catalogue.automaton(others - self._by_claimant.keys())

    def match(self, title: str, summary: str = "") -> list[Match]:
        """The disputes the item is about, sorted by slug."""
        text = _normalise(title) + "\n" + _normalise(summary)
        folded = _case_folded(text)
        hits = self._catalogue.hits(self._claimants, text, folded, {})
        if not hits:
            return []
        candidates = sorted({rule for i in hits for rule in self._by_claimant[i]})
        self._catalogue.hits(self._others, text, folded, hits)
        return [m for i in candidates if (m := self._rules[i].match(text, hits))]
