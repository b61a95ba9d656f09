"""Temporal expressions in English news text: found, and dated only as far as they allow.

Two finders work together. A grammar of the expressions news prose uses (this file)
finds what dateparser's search does not: seasons ("last winter", "next spring"),
durations ("eighteen months", "for a long time"), relative placements ("a year later",
"in the future", "from the very beginning"). dateparser's ``search_dates`` then adds
the written dates it recognises that the grammar missed ("20.03.2026"); only its finds
that hold a digit, a month or a weekday are kept, because alone it also reports phrases
such as "and a second" as dates.

An expression gets a date value only when the text states one ("in March 2026" is
2026-03), or when it is relative ("last month", "on Monday") and the article's
publication date is known: then it is resolved against that date, with dateparser, and
marked inferred. Durations and vague placements never get a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Abbreviated months, as news styles write them before a day or a year: AP's "Dec. 3,
# 2025" and "Sept. 14", or with no full stop ("Jan 5 2026"). Never alone: "Jan" is a name.
ABBREVIATED_MONTHS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = "|".join(MONTHS)
_WEEKDAY = "|".join(WEEKDAYS)
_NUMBER = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|eighteen|twenty|thirty|forty|fifty|a few|several|a couple of|many)"
)
_UNIT = r"(?:day|week|month|quarter|year|decade)s?"
_YEAR = r"(?:19|20)\d\d"
# A month as a stated date writes it: in full, or abbreviated.
_WRITTEN_MONTH = rf"(?:{_MONTH}|(?:{'|'.join(ABBREVIATED_MONTHS)})\.?)"
_DAY_OF_MONTH = r"(?:[12]?[1-9]|[123]0|31)"
_ISO_DATE = re.compile(rf"({_YEAR})-(\d\d)-(\d\d)")
# "by the end of", "at the start of": a part of a year, a month... (dated as the whole).
_PART_OF = r"(?:(?:by|until|before|at|towards?|from) )?the (?:end|start|beginning|middle) of "
# Each pattern is tried case-insensitively except where a month or weekday must be
# capitalised ("may" is a verb, "march" a noun).
_PATTERNS: list[tuple[str, str]] = [
    # Stated dates, most precise first.
    ("day", rf"(?i:on |by |until |since )?{_YEAR}-(?:0[1-9]|1[0-2])-(?:[0-2]\d|3[01])"),
    ("day", rf"(?i:on |by |until |since )?\d{{1,2}} {_WRITTEN_MONTH},? {_YEAR}"),
    (
        "day",
        rf"(?i:on |by |until |since )?{_WRITTEN_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? {_YEAR}",
    ),
    ("month", rf"(?i:in |by |until |since |from |early |late |mid-)*{_WRITTEN_MONTH},? {_YEAR}"),
    (
        "year",
        rf"(?:in |by |until |since |from |early |late |mid-|the end of |q[1-4] |h[12] "
        rf"|the (?:first|second|third|fourth|last) (?:quarter|half) of )*{_YEAR}(?!s)",
    ),
    # Relative to the publication date.
    ("day", r"(?:yesterday|today|tomorrow|tonight)"),
    ("day", rf"(?i:on |last |next |this |earlier this |later this )?(?:{_WEEKDAY})"),
    # A day of a month with no year ("on March 3", "March 3rd"): after "on" (or by,
    # until, since) or with its ordinal, where "In March 30 people..." is no date.
    (
        "day",
        rf"(?i:on |by |until |since )(?:{_WRITTEN_MONTH} {_DAY_OF_MONTH}(?:st|nd|rd|th)?"
        rf"|{_DAY_OF_MONTH} {_WRITTEN_MONTH})|{_WRITTEN_MONTH} {_DAY_OF_MONTH}(?:st|nd|rd|th)",
    ),
    ("month", rf"(?i:in |last |next |this |early |late |mid-)*(?:{_MONTH})(?! \d)"),
    (
        "relative",
        rf"{_PART_OF}(?:the|this|next|last) (?:year|month|quarter|week)",
    ),
    ("relative", rf"(?:last|next|this|later this|earlier this|the coming|the past) (?:{_UNIT})"),
    ("relative", rf"{_NUMBER} {_UNIT} (?:ago|later|earlier|from now|before|after)"),
    (
        "season",
        r"(?:(?:last|next|this|early|late|in|by|the) )*(?:spring|summer|autumn|fall|winter)",
    ),
    # Durations and vague placements: a label, never a date.
    (
        "duration",
        rf"(?:for|over|in|within|during) (?:the )?(?:next |past |last |coming |first )?"
        rf"{_NUMBER} {_UNIT}",
    ),
    ("duration", rf"{_NUMBER} {_UNIT}"),
    (
        "vague",
        r"(?:from the (?:very )?(?:beginning|start|outset)|in the (?:near |distant )?future"
        r"|in (?:the )?coming (?:days|weeks|months|years)|for a long time|for years"
        r"|until then|by then|in recent (?:weeks|months|years)"
        r"|over the (?:last|past) (?:couple of |few )?"
        r"(?:days|weeks|months|years|decades)|so far|since then|at the time|these days"
        r"|eventually|recently|soon|later|already|once again|for now)",
    ),
]
_CASE_SENSITIVE = {"day", "month"}
_COMPILED = [
    (
        kind,
        re.compile(
            rf"(?<![\w-])(?:{pattern})(?![\w-])",
            0 if kind in _CASE_SENSITIVE else re.IGNORECASE,
        ),
    )
    for kind, pattern in _PATTERNS
]


@dataclass(frozen=True)
class TemporalExpression:
    """An expression at ``start``..``end`` of its sentence; ``value`` is its date (YYYY,
    YYYY-MM or YYYY-MM-DD) when the text states it or it was resolved, ``inferred`` when
    resolved against the publication date."""

    text: str
    start: int
    end: int
    kind: str
    value: str | None = None
    inferred: bool = False

    @property
    def found_by(self) -> str:
        return "dateparser" if self.kind == "dateparser" else f"the {self.kind} grammar"


def find_expressions(sentence: str) -> list[TemporalExpression]:
    """Every temporal expression of ``sentence``, leftmost and longest first, without
    overlaps; each with the date it states, if any."""
    found: list[TemporalExpression] = []
    for kind, pattern in _COMPILED:
        for match in pattern.finditer(sentence):
            found.append(TemporalExpression(match.group(), match.start(), match.end(), kind))
    kept: list[TemporalExpression] = []
    # The grammar's finds first, leftmost and longest; then what dateparser adds.
    for expression in [
        *sorted(found, key=lambda e: (e.start, -(e.end - e.start))),
        *_dateparser_finds(sentence),
    ]:
        if any(expression.start < k.end and k.start < expression.end for k in kept):
            continue
        if _an_amount(sentence, expression):
            continue
        kept.append(_with_stated_date(expression))
    return sorted(kept, key=lambda e: e.start)


# Money and shares are numbers, not times: "$40 million" (dateparser's "$40"), "rose
# 40%", "a $2026 fee" (a year, to the grammar).
_CURRENCIES = ("$", "€", "£", "¥")
_CURRENCY_BEFORE = re.compile(r"[$€£¥]\s?$")
_PERCENT_AFTER = re.compile(r"\s?(?:%|percent\b|per cent\b)")


def _an_amount(sentence: str, expression: TemporalExpression) -> bool:
    """Whether ``expression`` is the number of an amount of money or a percentage."""
    text = expression.text
    if text.startswith(_CURRENCIES) or text.endswith("%"):
        return True
    return text[-1].isdigit() and (
        _CURRENCY_BEFORE.search(sentence, 0, expression.start) is not None
        or _PERCENT_AFTER.match(sentence, expression.end) is not None
    )


def _dateparser_finds(sentence: str) -> list[TemporalExpression]:
    from dateparser.search import search_dates

    anchored = re.compile(rf"\d|{_MONTH}|{_WEEKDAY}")
    finds = []
    for text, _ in search_dates(sentence, languages=["en"]) or []:
        text = _without_function_words(text)
        start = sentence.find(text)
        if text and start >= 0 and anchored.search(text):
            finds.append(TemporalExpression(text, start, start + len(text), "dateparser"))
    return finds


def _without_function_words(text: str) -> str:
    """dateparser's finds carry neighbouring words: "In March 2026 the", "The 2020s"."""
    words = text.strip(" ,.;:").split()
    stop = {"the", "a", "an", "and", "of", "at"}
    while words and words[-1].lower() in stop | {"in", "on", "by"}:
        words.pop()
    while words and words[0].lower() in stop:
        words.pop(0)
    return " ".join(words)


def _with_stated_date(expression: TemporalExpression) -> TemporalExpression:
    """The expression with the date it states outright: a day, a month of a year, a year."""
    text = expression.text
    iso = _ISO_DATE.search(text)
    if iso:
        try:
            value = dt.date(*map(int, iso.groups())).isoformat()
        except ValueError:  # 2026-02-30
            return expression
        return _replace(expression, value=value)
    year = re.search(_YEAR, text)
    month = next((i for i, m in enumerate(MONTHS, 1) if re.search(rf"\b{m}\b", text)), None)
    month = month or next(
        (n for short, n in ABBREVIATED_MONTHS.items() if re.search(rf"\b{short}\b", text)), None
    )
    day = re.search(
        r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", text.replace(year.group(), "") if year else ""
    )
    value = None
    if year and month and day and expression.kind in ("day", "dateparser"):
        try:
            value = dt.date(int(year.group()), month, int(day.group(1))).isoformat()
        except ValueError:
            value = None
    elif year and month:
        value = f"{year.group()}-{month:02d}"
    elif year and expression.kind in ("year", "dateparser") and not re.search(rf"{_YEAR}s", text):
        value = year.group()
    return expression if value is None else _replace(expression, value=value)


def _replace(expression: TemporalExpression, **changes: object) -> TemporalExpression:
    return TemporalExpression(**{**expression.__dict__, **changes})


def resolve(expression: TemporalExpression, published: dt.date, future: bool) -> TemporalExpression:
    """An expression without a stated date, resolved against ``published`` where it is
    relative ("last month", "on Monday", "next spring"), and marked inferred; ``future``
    says which way a bare weekday or month points."""
    if expression.value is not None:
        return expression
    text = expression.text.lower()
    value = None
    if expression.kind == "season":
        value = _season_year(text, published, future)
    elif expression.kind == "month":
        month = next(i for i, m in enumerate(MONTHS, 1) if m.lower() in text)
        year = published.year
        if "last" in text or (not future and "next" not in text and month > published.month):
            year -= 1
        elif "next" in text or (future and month < published.month):
            year += 1
        value = f"{year}-{month:02d}"
    elif expression.kind in ("day", "relative", "dateparser") and not _unresolvable(expression):
        value = _with_dateparser(text, published, future, expression.kind)
    return expression if value is None else _replace(expression, value=value, inferred=True)


def _unresolvable(expression: TemporalExpression) -> bool:
    """A written date that dateparser found but that states no value ("3.4.2025": March
    or April?), or a decade ("the 2020s"): it stays a label."""
    return expression.kind == "dateparser" and re.search(r"\d", expression.text) is not None


def _season_year(text: str, published: dt.date, future: bool) -> str | None:
    """The year of a season, where the season lies within one year (winter spans two)."""
    if "winter" in text:
        return None
    season_start = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}
    month = next(start for name, start in season_start.items() if name in text)
    year = published.year
    if "last" in text:
        year -= 1 if published.month < month + 3 else 0
    elif "next" in text or (future and published.month >= month + 3):
        year += 1 if published.month >= month else 0
    return str(year)


def _with_dateparser(text: str, published: dt.date, future: bool, kind: str) -> str | None:
    import dateparser

    words = text.removeprefix("on ").replace("later this", "this").replace("earlier this", "this")
    # "by the end of the year" is dated as the year it ends: this one.
    words = re.sub(r"^the (?=year|month|quarter|week)", "this ", re.sub(f"^{_PART_OF}", "", words))
    settings = {
        "RELATIVE_BASE": dt.datetime.combine(published, dt.time(12)),
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_TIME_AS_PERIOD": False,
    }
    match = re.fullmatch(rf"({_NUMBER}) ({_UNIT}) (later|earlier|before|after)", words)
    if match:
        return None  # later than what? Another event, not the publication date
    if words.removeprefix("this ") == WEEKDAYS[published.weekday()].lower():
        # News names the day it is published by its weekday ("said on Monday" in Monday's
        # paper): that day, where dateparser would take the week before or after.
        return published.isoformat()
    parsed = dateparser.parse(words, languages=["en"], settings=settings)
    if parsed is None:
        return None
    if re.search(r"\b(?:year|decade)s?\b", words):
        return str(parsed.year) if "decade" not in words else None
    if re.search(r"\b(?:month|quarter)s?\b", words):
        return f"{parsed.year}-{parsed.month:02d}" if "quarter" not in words else None
    if re.search(r"\bweeks?\b", words) and kind == "relative" and "ago" not in words:
        return None  # "last week" is a span of seven days, not a day
    return parsed.date().isoformat()
