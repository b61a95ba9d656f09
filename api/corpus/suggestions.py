"""Suggested organizations and events for an imported article, for a person to review.

Everything here is proposed, never published: each suggestion carries ``suggested:
true`` and the reason it was made, and the draft that holds them is served only for
review (SERVE_DRAFTS=1). ``article-data-api review`` walks them one by one.

Organizations come from three sources, each with its reason:

- organizations the corpus already knows, wherever their names or aliases occur;
- names found by rule: runs of capitalised words ("Baltic Shipping Association"), names
  with an organizational word (Authority, Systems, Inc...), names in capitals (NVIDIA),
  and single capitalised words seen mid-sentence at least twice (never a word that is
  capitalised only because it starts a sentence);
- definite references ("the port authority", "the consortium"), curated as references of
  the latest organization named before them whose name or kind fits, else as an
  unnamed organization of their own.

People (a name after a title or a role) and places (a country, or a city of the time
zone database) are never proposed.

Events are the sentences that hold a temporal expression (api.corpus.temporal): the
sentence is the evidence quote, the expression the date's label, the status a guess
from the tense and cue words, and the organizations those the sentence mentions.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from article_data_api.corpus.temporal import (
    MONTHS,
    WEEKDAYS,
    TemporalExpression,
    find_expressions,
    resolve,
)
from article_data_api.corpus.text import ParsedSection, slugify

# The kind an organizational word suggests; the word itself is the reason.
ORGANIZATION_WORDS = {
    "company": (
        "AI",
        "Inc",
        "Inc.",
        "Ltd",
        "Ltd.",
        "LLC",
        "PLC",
        "GmbH",
        "AG",
        "SA",
        "Corp",
        "Corp.",
        "Corporation",
        "Company",
        "Co.",
        "Co",
        "Group",
        "Holdings",
        "Systems",
        "Technologies",
        "Energy",
        "Motors",
        "Airlines",
        "Bank",
        "Shipping",
        "Logistics",
        "Industries",
        "Partners",
        "Capital",
        "Works",
    ),
    "government": (
        "Authority",
        "Ministry",
        "Council",
        "Agency",
        "Department",
        "Commission",
        "Office",
        "Parliament",
        "Government",
        "Municipality",
        "Board",
    ),
    "nonprofit": (
        "Association",
        "Foundation",
        "Society",
        "Trust",
        "Federation",
        "Union",
        "Cooperative",
    ),
    "coalition": ("Coalition", "Consortium", "Alliance"),
    "university": ("University", "College", "School"),
    "research-lab": ("Institute", "Laboratory", "Lab", "Labs", "Observatory"),
    "media": ("News", "Times", "Post", "Press", "Journal", "Herald", "Broadcasting"),
}
_KIND_OF_WORD = {word: kind for kind, words in ORGANIZATION_WORDS.items() for word in words}
# The nouns of definite references, and the organization kinds each can refer to.
REFERENCE_NOUNS = {
    "authority": ("government",),
    "agency": ("government",),
    "ministry": ("government",),
    "council": ("government",),
    "commission": ("government",),
    "regulator": ("government",),
    "government": ("government",),
    "city": ("government",),
    "company": ("company",),
    "firm": ("company",),
    "startup": ("company",),
    "group": ("company",),
    "bank": ("company",),
    "operator": ("company",),
    "carrier": ("company",),
    "association": ("nonprofit",),
    "foundation": ("nonprofit",),
    "cooperative": ("nonprofit",),
    "union": ("nonprofit",),
    "consortium": ("coalition",),
    "coalition": ("coalition",),
    "alliance": ("coalition",),
    "university": ("university",),
    "institute": ("research-lab",),
    "lab": ("research-lab",),
    "laboratory": ("research-lab",),
}
# "the port authority", "the French startup": lower-case words or adjectives of
# nationality before the noun (a capitalised name there makes it a name, not a reference).
_REFERENCE = re.compile(
    r"\b[Tt]he ((?:(?:[a-z][a-z-]+|[A-Z][a-z]+(?:ian|ese|ish|ean|can|ench)) ){0,2}(?:"
    + "|".join(REFERENCE_NOUNS)
    + r"))\b(?![-’'])"
)
_TOKEN = re.compile(r"[\w&’'.-]*\w|&")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "and" is left out: it joins two names ("Meta and Mistral") more often than it sits in one.
_CONNECTORS = frozenset(["of", "for", "de", "du", "&"])
# Capitals that are common nouns of the trade, not names.
COMMON_ACRONYMS = _words(
    """
    AI API APIs GPU GPUs CPU CPUs CEO CEOs CTO CFO LLM LLMs ML IT PR TV GDP USB PDF FAQ
    OK AM PM HQ R&D IPO ESG KPI
    """
)
# Capitalised at a sentence's start, or ordinary words: never an organization alone.
SENTENCE_WORDS = _words(
    """
    A An And As At After Before But By During Each Every For From Here How However If In
    Inside It Its Last Many More Most Next No Not Now Of On Once One Only Or Our Over
    Since So Some Such That The Their Then There These They This Those Through To Today
    Under Until We What When Where Whether Which While Who Why With Within Without Yet
    You Meanwhile Still Also Both Even Just Later Earlier Finally First Second Third
    """
)
_NOT_NAMES = SENTENCE_WORDS | set(MONTHS) | set(WEEKDAYS) | COMMON_ACRONYMS
# Adjectives of nationality and region, capitalised in English but no organization.
# Of those in "-ic" only these: a rule for the ending would also take names such as
# Anthropic or Epic.
_DEMONYM = re.compile(
    r".*(?:ian|ese|ish|ean|can|ench|ern)|Arabic|Baltic|Celtic|Nordic|Slavic|Hispanic"
    r"|Icelandic|Germanic|Gaelic|Atlantic|Pacific|Arctic|Antarctic|Adriatic|Olympic|Islamic"
)
# Titles a person's name follows, as words of a run.
PERSON_TITLES = [
    tuple(title.split())
    for title in (
        "Prime Minister",
        "President",
        "Vice President",
        "Chancellor",
        "Minister",
        "Senator",
        "Governor",
        "Mayor",
        "Professor",
        "Prof",
        "Dr",
        "Sir",
        "Dame",
        "Judge",
        "Chief",
        "Chairman",
        "Chairwoman",
        "Chair",
        "CEO",
        "CFO",
        "CTO",
    )
]
# A person's role, written in lower case just before the name ("chief executive Maria
# Lopez", "spokeswoman Jane Roe") or after it ("Kari Nordmann, the cooperative's head of
# Europe"). Nouns of organizations ("regulator Ofcom", "chipmaker Nvidia") introduce an
# organization instead, so none is here; nor, after a name, roles an organization also
# takes ("Acme, an investor in...").
_ROLES = _words(
    """
    executive officer founder co-founder president chairman chairwoman chair director
    minister secretary spokesman spokeswoman spokesperson analyst economist lawyer attorney
    professor researcher scientist engineer manager senator governor mayor head editor
    reporter
    """
)
_PERSON_ROLE = re.compile(rf"\b(?:{'|'.join(_ROLES | {'partner', 'investor', 'author'})}) $")
_PERSON_APPOSITION = re.compile(
    r", (?:(?:the|a|an) )?(?:[\w-]+[’']s )?(?:(?:chief|senior|deputy|vice|former|managing"
    rf"|general|lead) )*(?:{'|'.join(_ROLES)})\b"
)
# Initials with full stops, as places are abbreviated ("U.S.", "U.K."; the word's last
# stop is not part of it).
_ABBREVIATED_PLACE = re.compile(r"(?:[A-Z]\.)+[A-Z]\.?")
SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’')\]]*\s+(?=[“\"‘'(\[]?[A-Z0-9])")
ABBREVIATIONS = (
    "Mr.",
    "Ms.",
    "Mrs.",
    "Dr.",
    "St.",
    "Inc.",
    "Ltd.",
    "Co.",
    "Corp.",
    "vs.",
    "e.g.",
    "i.e.",
    "U.S.",
    "U.K.",
)
FUTURE_CUES = re.compile(
    r"\b(?:will|shall|plans? to|(?:has|have) until"
    r"|(?:is|are) (?:set|expected|due|scheduled|going|about) to|(?:is|are) planned|aims? to"
    r"|intends? to|in the (?:near )?future|next|coming|from now)\b",
    re.IGNORECASE,
)
ANNOUNCE_CUES = re.compile(
    r"\b(?:announced|announces|unveiled|unveils|revealed|reveals|launched|launches|"
    r"presented|introduced)\b",
    re.IGNORECASE,
)
ONGOING_CUES = re.compile(
    r"\b(?:has been|have been|has maintained|continues|continue|remains|remain|since|"
    r"(?:is|are) (?:now |still |actively )?\w+ing)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class KnownOrganization:
    """An organization the corpus already holds: its name and how articles spell it."""

    id: str
    name: str
    kind: str
    aliases: tuple[tuple[str, bool], ...]  # (text, case-insensitive)
    same_as: tuple[str, ...]
    country: str | None
    articles: int


@dataclass(frozen=True)
class Place:
    """A span of one paragraph: ``section``'s paragraph number ``paragraph``."""

    section: int
    paragraph: int
    start: int
    end: int


@dataclass
class _Candidate:
    name: str
    places: list[Place] = field(default_factory=list)
    kind: str = "other"
    reasons: list[str] = field(default_factory=list)


def sentences(paragraph: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of ``paragraph``."""
    spans, start = [], 0
    for boundary in SENTENCE_END.finditer(paragraph):
        before = paragraph[start : boundary.start()]
        if any(before.endswith(abbreviation) for abbreviation in ABBREVIATIONS):
            continue
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(paragraph)))
    return [(s, e) for s, e in spans if paragraph[s:e].strip()]


def _paragraphs(sections: list[ParsedSection]) -> Iterable[tuple[int, int, str]]:
    for s, section in enumerate(sections):
        for p, text in enumerate(section.paragraphs):
            yield s, p, text


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" “\"‘'([")
    return not before or before.endswith((".", "!", "?", "…", ":"))


# The time zone database's areas whose zones are named by a city ("Europe/Oslo").
_CONTINENTS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@functools.cache
def _places() -> frozenset[str]:
    """Countries (ISO 3166, as pytz names them, with and without a note in brackets:
    "Britain (UK)") and cities the time zone database names: capitalised like names, and
    news names them all the time ("OSLO, Norway, June 2 --"), but no organization."""
    import pytz  # of the import extra, which the server does without

    countries = set(pytz.country_names.values())
    countries |= {re.sub(r" \(.*\)$", "", country) for country in countries}
    cities = {
        zone.rsplit("/", 1)[-1].replace("_", " ")
        for zone in zoneinfo.available_timezones()
        if zone.split("/", 1)[0] in _CONTINENTS and "/" in zone
    }
    return frozenset(countries | cities)


def _a_place(name: str) -> bool:
    """Whether ``name`` is a country or a city, written as such or in capitals (OSLO)."""
    return name in _places() or (name.isupper() and name.title() in _places())


# A funding round ("a Series B round"), capitalised as a name is.
_ROUND = re.compile(r"Series [A-Z]\d?")
# A capitalised word hyphened to a lower-case one is an adjective ("Boston-based",
# "Sequoia-backed"), never a word of a name, where "Rolls-Royce" is one.
_COMPOUND_ADJECTIVE = re.compile(r"[\w.&’']+-[a-z]+")


def _capitalised(word: str) -> bool:
    return word[0].isupper() and _COMPOUND_ADJECTIVE.fullmatch(word) is None


def _capitalised_runs(text: str) -> Iterable[tuple[int, int, list[str]]]:
    """Runs of capitalised words, joined by a few lower-case connectors ("Bank of
    England"), as (start, end, words)."""
    run: list[re.Match] = []
    pending: list[re.Match] = []  # connectors after the run, kept if a name follows

    def flush() -> Iterable[tuple[int, int, list[str]]]:
        if run:
            yield run[0].start(), run[-1].end(), [m.group() for m in run]

    previous_end = None
    for match in _TOKEN.finditer(text):
        word = match.group()
        adjacent = previous_end is not None and text[previous_end : match.start()] == " "
        previous_end = match.end()
        if _capitalised(word) and (not run or adjacent):
            run += [*pending, match]
            pending = []
        elif (
            run
            and adjacent
            and not pending
            and word in REFERENCE_NOUNS
            and not all(w.group() in _NOT_NAMES or _DEMONYM.fullmatch(w.group()) for w in run)
        ):
            # "NVIDIA Nemotron coalition": a name whose head noun is lower-case
            run.append(match)
            yield from flush()
            run = []
        elif run and adjacent and word in _CONNECTORS and not pending:
            pending = [match]
        else:
            yield from flush()
            run, pending = ([match] if _capitalised(word) else []), []
    yield from flush()


def _is_person(words: list[str]) -> bool:
    """Whether a run names a person by a title ("President John Roe", "Professor Anja
    Roos"), or is a title alone ("Chief Executive Officer"): no organizational word after
    the title."""
    title = _title_of(words)
    return title is not None and not any(_kind_of(w) for w in words[len(title) :])


def _title_of(words: list[str]) -> tuple[str, ...] | None:
    """The person's title a run begins with, if any."""
    return next((title for title in PERSON_TITLES if words[: len(title)] == list(title)), None)


def _person_names(words: list[str]) -> list[str]:
    """How a person named by ``words`` is named again: the name without its title, and
    the surname alone ("Maria Lopez", "Lopez")."""
    name = words[len(_title_of(words) or ()) :]
    return [" ".join(name), name[-1]] if name else []


def _a_places_possessive(word: str) -> bool:
    """Whether ``word`` is a place's possessive ("Ireland's"), not part of a name."""
    owner = re.fullmatch(r"(.+)[’']s", word)
    return owner is not None and _a_place(owner.group(1))


def _trimmed(
    start: int, words: list[str], text: str, at_sentence_start: bool
) -> tuple[int, list[str]]:
    """Without leading sentence words ("After", "The"), a place's possessive before the
    name ("Ireland's Data Protection Commission"), a sentence's first word before "of"
    when it is a common noun ("Shares of Tesla"), and a trailing possessive."""
    while words and (
        words[0] in SENTENCE_WORDS
        or words[0] in _CONNECTORS
        or (len(words) > 1 and _a_places_possessive(words[0]))
    ):
        start = text.index(words[1], start + len(words[0])) if len(words) > 1 else start
        words = words[1:]
    while words and words[-1] in _CONNECTORS:
        words = words[:-1]
    if words:
        words[-1] = re.sub(r"[’']s$", "", words[-1]).rstrip(".")
    if "of" in words:
        # "Mara Lind of Tidewell Systems" is a person of an organization; "Bank of
        # England" (an organizational word before "of") is one name.
        at = words.index("of")
        before, after = words[:at], words[at + 1 :]
        common_noun = at_sentence_start and len(before) == 1 and not _kind_of(before[0])
        if (
            common_noun
            or _is_person(before)  # "CEO Maria Lopez of Acme Robotics"
            or (not any(_kind_of(w) for w in before) and any(_kind_of(w) for w in after))
        ):
            start = text.index(" ".join(after), start)
            words = after
    return start, [w for w in words if w]


def _new_candidates(sections: list[ParsedSection], taken: set[str]) -> dict[str, _Candidate]:
    """Names found by rule, by name, with every place and the reasons."""
    found: dict[str, _Candidate] = {}
    singles: dict[str, list[tuple[Place, bool]]] = {}
    people: set[str] = set()  # named once with a title or role: a person wherever named
    texts = {(s, p): text for s, p, text in _paragraphs(sections)}
    for s, p, text in _paragraphs(sections):
        for run_start, _, words in _capitalised_runs(text):
            at_sentence_start = _sentence_start(text, run_start)
            start, words = _trimmed(run_start, words, text, at_sentence_start)
            if not words:
                continue
            name = text[start : start + len(" ".join(words))]
            if name != " ".join(words):  # a run across other spacing: not one name
                continue
            if (
                _is_person(words)
                or _PERSON_ROLE.search(text, max(0, start - 20), start)
                or _PERSON_APPOSITION.match(text, start + len(name))
            ):
                people.update(_person_names(words))
                continue
            place = Place(s, p, start, start + len(name))
            if len(words) == 1:
                singles.setdefault(name, []).append(
                    # First in its sentence only if nothing was trimmed before it
                    (place, at_sentence_start and start == run_start)
                )
                continue
            if (
                name in taken
                or all(w in _NOT_NAMES for w in words)
                or _ROUND.fullmatch(name)
                or _a_place(name)
            ):
                continue
            candidate = found.setdefault(name, _Candidate(name))
            candidate.places.append(place)
    for name in people:
        found.pop(name, None)
    singles = {
        name: places
        for name, places in singles.items()
        if not (
            name in taken
            or name in people
            or name in _NOT_NAMES
            or _DEMONYM.fullmatch(name)
            or len(name) < 2
            or _ABBREVIATED_PLACE.fullmatch(name)  # "U.S" of "U.S.": a place
            or _a_place(name)
        )
    }
    for name, places in singles.items():
        mid_sentence = [place for place, sentence_start in places if not sentence_start]
        capitals = name.isupper() and any(c.isalpha() for c in name)
        if capitals or len(mid_sentence) >= 2 or name in _KIND_OF_WORD:
            candidate = found.setdefault(name, _Candidate(name))
            candidate.places += [place for place, _ in places]
    partners = {**found, **{n: _Candidate(n) for n in taken}}
    for name, places in singles.items():
        if name in found:
            continue
        beside = [
            partner
            for place, sentence_start in places
            if not sentence_start
            for partner in partners
            if _coordinated(texts[(place.section, place.paragraph)], place, partner)
        ]
        if beside:
            candidate = found.setdefault(name, _Candidate(name))
            candidate.places += [place for place, _ in places]
            candidate.reasons.append(f"named alongside {beside[0]!r}")
    for candidate in found.values():
        words = candidate.name.split()
        kinds = [_kind_of(w) for w in words if _kind_of(w)]
        count = len(candidate.places)
        mentions = f"{count} mention{'s' if count != 1 else ''}"
        if kinds:
            word = next(w for w in reversed(words) if _kind_of(w))
            candidate.kind = kinds[-1]
            candidate.reasons.append(f"a name with the organizational word {word!r}, {mentions}")
        elif len(words) > 1:
            candidate.reasons.append(f"a run of capitalised words, {mentions}")
        elif candidate.name.isupper():
            candidate.kind = "company"
            candidate.reasons.append(f"a name in capitals, {mentions}")
        else:
            candidate.reasons.append(f"capitalised mid-sentence, {mentions}")
        if candidate.kind == "other":
            _kind_by_apposition(candidate, texts)
    return found


# "Acme Robotics, a Boston-based startup,": what the article calls a name just after it.
_APPOSITION = re.compile(
    r", ((?:an?|the) (?:[\w’'-]+ ){0,3}?(" + "|".join(REFERENCE_NOUNS) + r"))\b(?![-’'])"
)


def _kind_by_apposition(candidate: _Candidate, texts: dict[tuple[int, int], str]) -> None:
    """The kind of a name the article describes just after it ("Acme, a startup,")."""
    for place in candidate.places:
        described = _APPOSITION.match(texts[(place.section, place.paragraph)], place.end)
        if described:
            candidate.kind = REFERENCE_NOUNS[described.group(2)][0]
            candidate.reasons.append(f"described as {described.group(1)!r}")
            return


def _coordinated(text: str, place: Place, partner: str) -> bool:
    """Whether the name at ``place`` is coordinated with ``partner`` ("Meta and Mistral")."""
    joins = (" and ", " or ", ", ", " & ")
    after, before = text[place.end :], text[: place.start]
    return any(after.startswith(j + partner) or before.endswith(partner + j) for j in joins)


def _kind_of(word: str) -> str | None:
    """The kind an organizational word suggests, capitalised or as a lower-case head."""
    return _KIND_OF_WORD.get(word) or _KIND_OF_WORD.get(word.capitalize())


def _occurs(
    name: str, sections: list[ParsedSection], any_case: bool = False, compounds: bool = True
) -> int:
    """How often ``name`` occurs as words of the text; with ``compounds`` False, not
    counting it hyphened to more ("Boston" of "Boston-based")."""
    end = r"(?!\w)" if compounds else r"(?![\w-])"
    pattern = re.compile(rf"(?<!\w){re.escape(name)}{end}", re.IGNORECASE if any_case else 0)
    return sum(len(pattern.findall(text)) for _, _, text in _paragraphs(sections)) + sum(
        len(pattern.findall(section.heading or "")) for section in sections
    )


def _unique_id(name: str, taken: set[str]) -> str:
    base = slugify(name)[:90].strip("-") or "organization"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def suggest_organizations(
    sections: list[ParsedSection], known: list[KnownOrganization]
) -> list[dict]:
    """Organization annotations, each ``suggested`` with its ``reason``: the corpus's
    organizations found in the text, then new candidates, most mentioned first."""
    suggestions: list[dict] = []
    taken_names: set[str] = set()
    taken_ids = {org.id for org in known}
    for org in known:
        name_count = _occurs(org.name, sections)
        aliases = [
            (text, any_case) for text, any_case in org.aliases if _occurs(text, sections, any_case)
        ]
        if not name_count and not aliases:
            continue
        taken_names |= {org.name, *(text for text, _ in org.aliases)}
        seen = f"{org.articles} article{'s' if org.articles != 1 else ''}"
        suggestions.append(
            {
                "id": org.id,
                "name": org.name,
                "unnamed": name_count == 0,  # known here by an alias only
                "aliases": [
                    {"text": text, "case_insensitive": any_case} for text, any_case in aliases
                ],
                "references": [],
                "kind": org.kind,
                "description": f"{org.name}, as the corpus knows it.",
                "country": org.country,
                "role": "Named in the article.",
                "same_as": list(org.same_as),
                "suggested": True,
                "reason": f"already in the corpus ({seen}); named here",
            }
        )
    candidates = _new_candidates(sections, taken_names)
    aliases = _fold_into_longer_names(candidates, sections, taken_names)
    for name, acronym in _acronyms(candidates, sections, taken_names):
        aliases.setdefault(name, []).append(acronym)
        candidates[name].reasons.append(f"abbreviated {acronym!r}")
        candidates.pop(acronym, None)
    ranked = sorted(candidates.values(), key=lambda c: (-len(c.places), c.name))
    for candidate in ranked:
        suggestions.append(
            {
                "id": _unique_id(candidate.name, taken_ids),
                "name": candidate.name,
                "unnamed": False,
                "aliases": [
                    {"text": a, "case_insensitive": False} for a in aliases.get(candidate.name, [])
                ],
                "references": [],
                "kind": candidate.kind,
                "description": f"{candidate.name}, as the article names it.",
                "country": None,
                "role": "Named in the article.",
                "same_as": [],
                "suggested": True,
                "reason": "; ".join(candidate.reasons),
            }
        )
    _add_references(sections, suggestions, taken_ids)
    return suggestions


def _contains(longer: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", longer) is not None


def _fold_into_longer_names(
    candidates: dict[str, _Candidate], sections: list[ParsedSection], taken: set[str]
) -> dict[str, list[str]]:
    """A name that ends or begins one longer name is its alias where it also occurs alone
    ("Nemotron coalition" of "NVIDIA Nemotron coalition", "Mistral" of "Mistral AI"),
    unless it is in capitals ("NVIDIA" stays a name of its own); so is the first word of a
    longer name found only at sentence starts; a name only ever seen inside longer ones is
    dropped ("Baltic" of "Baltic Shipping Association").
    Returns the aliases, by name."""
    aliases: dict[str, list[str]] = {}
    for name in sorted(candidates, key=len):
        longer = [other for other in candidates if other != name and _contains(other, name)]
        if not longer:
            continue
        alone = _occurs(name, sections) - sum(_occurs(other, sections) for other in longer)
        if alone <= 0:
            del candidates[name]
        elif len(longer) == 1 and (
            longer[0].endswith(" " + name)
            or (longer[0].startswith(name + " ") and not name.isupper())
        ):
            aliases.setdefault(longer[0], []).append(name)
            candidates[longer[0]].reasons.append(f"also called {name!r}")
            del candidates[name]
        # else a name in capitals of its own that also begins a longer one ("NVIDIA" of
        # "NVIDIA Nemotron coalition"): kept
    for name, candidate in candidates.items():
        first = name.split()[0]
        if (
            " " in name
            and first not in _NOT_NAMES
            and first not in candidates
            and first not in taken
            and first not in aliases.get(name, [])
            and _occurs(first, sections, compounds=False) > _occurs(name, sections)
            and not any(_contains(other, first) for other in candidates if other != name)
        ):
            aliases.setdefault(name, []).append(first)
            candidate.reasons.append(f"also called {first!r}")
    return aliases


def _acronyms(
    candidates: dict[str, _Candidate], sections: list[ParsedSection], taken: set[str]
) -> list[tuple[str, str]]:
    """(name, acronym) for each name of several words whose initials the text also
    writes as one word of two capitals or more: "WHO" of "World Health Organization",
    "BoE" of "Bank of England" (its connectors' initials in or out). A set of initials
    that two names share is no one's."""
    by_initials: dict[str, list[str]] = {}
    for name in candidates:
        words = name.split()
        if len(words) < 2:
            continue
        for kept in (words, [w for w in words if w not in _CONNECTORS]):
            initials = "".join(w[0] for w in kept if w[0].isalnum()).upper()
            if len(initials) >= 2 and name not in by_initials.setdefault(initials, []):
                by_initials[initials].append(name)
    text = "\n".join(t for _, _, t in _paragraphs(sections))
    found = []
    for word in dict.fromkeys(re.findall(r"(?<![\w.&-])[A-Za-z]{2,8}(?![\w.&-])", text)):
        names = by_initials.get(word.upper(), [])
        capitals = sum(c.isupper() for c in word)
        if len(names) == 1 and capitals >= 2 and word not in taken and word not in _NOT_NAMES:
            found.append((names[0], word))
    return found


def _name_places(org: dict, sections: list[ParsedSection]) -> list[tuple[int, int, int]]:
    """(section, paragraph, start) of each place ``org`` is named, in reading order."""
    forms = [(org["name"], False)] + [(a["text"], a["case_insensitive"]) for a in org["aliases"]]
    places = []
    for s, p, text in _paragraphs(sections):
        for form, any_case in forms:
            pattern = re.compile(
                rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE if any_case else 0
            )
            places += [(s, p, m.start()) for m in pattern.finditer(text)]
    return sorted(places)


def _add_references(
    sections: list[ParsedSection], organizations: list[dict], taken_ids: set[str]
) -> None:
    """Each definite reference becomes a curated reference (at its sentence) of the
    latest organization named before it (by sentence, then first in its sentence) whose
    name holds the noun or whose kind fits; one with no such organization, a suggestion
    of an unnamed organization of its own."""
    texts = {(s, p): text for s, p, text in _paragraphs(sections)}
    bounds = {key: sentences(text) for key, text in texts.items()}  # split once a paragraph

    def sentence_of(place: tuple[int, int, int]) -> tuple[int, int, int]:
        s, p, start = place
        return (s, p, next(b for b, e in bounds[(s, p)] if start < e))

    # Latest sentence first, and in each sentence its first name, its subject: "The
    # company" after "Acme, a startup, raised money led by Sequoia Capital" is Acme.
    named = sorted(
        ((place, org) for org in organizations for place in _name_places(org, sections)),
        key=lambda x: (sentence_of(x[0]), -x[0][2]),
        reverse=True,
    )
    whole_text = "\n".join(texts.values())
    unnamed: dict[str, dict] = {}
    for s, p, text in _paragraphs(sections):
        for match in _REFERENCE.finditer(text):
            phrase = match.group()
            noun = match.group(1).split()[-1]
            here = (s, p, match.start())
            before = [org for place, org in named if place < here]
            # The latest named organization whose name holds the noun, else the latest
            # of a kind the noun can refer to, else the latest of a kind not known
            # ("Meta said it would appeal. The company has until October...").
            fits = [org for org in before if noun.capitalize() in org["name"].split()]
            fits += [org for org in before if org["kind"] in REFERENCE_NOUNS[noun]]
            fits += [org for org in before if org["kind"] == "other"]
            quote = _sentence_around(text, match.start(), match.end())
            if whole_text.count(quote) != 1 or quote.count(phrase) != 1:
                continue
            reference = {"text": phrase, "quote": quote}
            if fits:
                owner = fits[0]
                owner["references"].append(reference)
                owner["reason"] += f"; referred to as {phrase!r}"
                continue
            label = match.group(1)
            owner = unnamed.get(label)
            if owner is None:
                owner = unnamed[label] = {
                    "id": _unique_id(label, taken_ids),
                    "name": label[0].upper() + label[1:],
                    "unnamed": True,
                    "aliases": [],
                    "references": [],
                    "kind": REFERENCE_NOUNS[noun][0],
                    "description": f"The organization the article calls {phrase!r}.",
                    "country": None,
                    "role": "Referred to in the article.",
                    "same_as": [],
                    "suggested": True,
                    "reason": f"a definite reference ({phrase!r}) with no named organization"
                    " before it that fits",
                }
                organizations.append(owner)
            owner["references"].append(reference)


def _sentence_around(text: str, start: int, end: int) -> str:
    for s, e in sentences(text):
        if s <= start and end <= e:
            return text[s:e]
    return text


def guess_status(sentence: str) -> tuple[str, str]:
    """The event status a sentence's tense and cue words suggest, and the cue."""
    for status, cues in (
        ("anticipated", FUTURE_CUES),
        ("announced", ANNOUNCE_CUES),
        ("ongoing", ONGOING_CUES),
    ):
        cue = cues.search(sentence)
        if cue:
            return status, cue.group()
    return "past", "no future or ongoing cue"


def suggest_events(
    sections: list[ParsedSection], published: str | None, taken_ids: set[str] | None = None
) -> list[dict]:
    """Event annotations, each ``suggested`` with its ``reason``: one per sentence that
    holds a temporal expression, in reading order, dated events in chronological order
    among themselves (as ``check`` requires). Organizations are linked afterwards."""
    publication = dt.date.fromisoformat(published) if published and len(published) == 10 else None
    whole_text = "\n".join(text for _, _, text in _paragraphs(sections))
    taken = set(taken_ids or ())
    events = []
    for _, _, text in _paragraphs(sections):
        for start, end in sentences(text):
            sentence = text[start:end]
            expressions = find_expressions(sentence)
            if not expressions or whole_text.count(sentence) != 1:
                continue
            status, cue = guess_status(sentence)
            expression = _dated(expressions, publication, status == "anticipated")
            events.append(_event(sentence, expression, status, cue, taken))
    dated = [event for event in events if event["date"]["value"] is not None]
    in_order = iter(sorted(dated, key=lambda event: event["date"]["value"]))
    return [next(in_order) if event["date"]["value"] is not None else event for event in events]


def _dated(
    expressions: list[TemporalExpression], publication: dt.date | None, future: bool
) -> TemporalExpression:
    """The expression that dates the sentence: the first that states a date, else the
    first resolved against the publication date, else the first."""
    stated = [e for e in expressions if e.value is not None]
    if stated:
        return stated[0]
    if publication is not None:
        resolved = [resolve(e, publication, future) for e in expressions]
        inferred = [e for e in resolved if e.value is not None]
        if inferred:
            return inferred[0]
    return expressions[0]


def headline(text: str, words: int = 12) -> str:
    """A suggested title from a sentence: its first ``words`` words, an ellipsis marking
    the cut."""
    kept = text.split()
    return " ".join(kept[:words]).rstrip(",;:") + ("…" if len(kept) > words else "")


def _event(
    sentence: str, expression: TemporalExpression, status: str, cue: str, taken: set[str]
) -> dict:
    title = headline(sentence)
    date_reason = (
        f"dated {expression.value}, inferred from the publication date"
        if expression.inferred
        else f"dated {expression.value}, as the text states"
        if expression.value
        else "undated: the text gives no date"
    )
    return {
        "id": _unique_id(" ".join(sentence.split()[:8]), taken),
        "title": title,
        "description": f"What the article places {expression.text!r}.",
        "status": status,
        "date": {
            "value": expression.value,
            "label": expression.text,
            "sources": [],
            "inferred": expression.inferred,
        },
        "organizations": [],
        "evidence": {"quote": sentence},
        "suggested": True,
        "reason": f"{expression.text!r} found by {expression.found_by}; {date_reason};"
        f" status {status} from {cue!r}",
    }
