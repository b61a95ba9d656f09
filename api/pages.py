"""What the HTML pages show, worked out from the store's JSON: an article's text with
every mention marked and every event's quote linked to the timeline, and the timeline
drawn as SVG geometry. Plain Python; the templates only lay it out (and escape it).

The pages read the same records the API serves, so a page can never say other than the
API: the number of ``<mark>`` elements is the article's mention count.
"""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from article_data_api.store import ArticleStore, Page

# Organizations are told apart by these many colours (pages.css: .org-0 to .org-7).
PALETTE_SIZE = 8
EVERYTHING = 100  # the largest page the store serves


def load_all(fetch: Callable[[Mapping[str, Any]], Page], args: Mapping[str, Any]) -> list[dict]:
    """Every item of a paged collection, following the cursors."""
    items: list[dict] = []
    page = fetch({**args, "limit": EVERYTHING, "offset": 0})
    items += [orjson.loads(item) for item in page.items]
    while page.next:
        page = fetch({**args, "limit": EVERYTHING, "offset": 0, **page.next})
        items += [orjson.loads(item) for item in page.items]
    return items


@dataclass(frozen=True)
class Mark:
    organization: str
    form: str
    colour: int


@dataclass(frozen=True)
class Segment:
    """A run of text with one mark (or none), inside one event's quote (or none)."""

    text: str
    mark: Mark | None = None
    event: str | None = None


@dataclass(frozen=True)
class Block:
    """A heading or a paragraph, as segments."""

    segments: list[Segment]


@dataclass(frozen=True)
class SectionView:
    id: str
    heading: Block | None
    paragraphs: list[Block]


@dataclass(frozen=True)
class LegendEntry:
    id: str
    name: str
    kind: str
    mention_count: int
    colour: int
    suggested: bool


@dataclass
class Span:
    start: int
    end: int
    value: Any


def segments(text: str, marks: list[Span], quotes: list[Span]) -> list[Segment]:
    """``text`` cut at every mark's and quote's edge. A quote's edge never cuts a mark
    (the quote is widened to hold it), so each mark is one segment; overlapping quotes
    are merged and link to the first event."""
    widened: list[Span] = []
    for quote in sorted(quotes, key=lambda q: q.start):
        start, end = quote.start, quote.end
        for mark in marks:
            if mark.start < start < mark.end:
                start = mark.start
            if mark.start < end < mark.end:
                end = mark.end
        if widened and start <= widened[-1].end:
            widened[-1].end = max(widened[-1].end, end)
        else:
            widened.append(Span(start, end, quote.value))
    edges = sorted(
        {0, len(text), *(s.start for s in [*marks, *widened]), *(s.end for s in [*marks, *widened])}
    )
    found = []
    for start, end in itertools.pairwise(edges):
        mark = next((m.value for m in marks if m.start <= start and end <= m.end), None)
        event = next((q.value for q in widened if q.start <= start and end <= q.end), None)
        found.append(Segment(text[start:end], mark, event))
    return found


@dataclass
class ArticleView:
    article: dict
    sections: list[SectionView]
    legend: list[LegendEntry]
    events: list[dict]
    timeline: Timeline
    mention_count: int


def article_view(
    store: ArticleStore, article_id: str, root: str, json_media: str
) -> ArticleView | None:
    """Everything the article page shows, or None when there is no such article."""
    body = store.article(article_id, json_media)
    if body is None:
        return None
    sections = load_all(lambda args: store.sections(article_id, args), {})
    organizations = load_all(
        lambda args: store.article_organizations(article_id, args), {"sort": "mentions"}
    )
    events = load_all(lambda args: store.timeline(article_id, args), {})
    legend = [
        LegendEntry(
            o["id"], o["name"], o["kind"], o["mention_count"], i % PALETTE_SIZE, o["suggested"]
        )
        for i, o in enumerate(organizations)
    ]
    colour = {entry.id: entry.colour for entry in legend}
    marks: dict[tuple[str, int | None], list[Span]] = {}
    for org in organizations:
        for mention in org["mentions"]:
            place = (mention["section_id"], mention["paragraph"])
            mark = Mark(org["id"], mention["form"], colour[org["id"]])
            marks.setdefault(place, []).append(Span(mention["start"], mention["end"], mark))
    quotes: dict[tuple[str, int | None], list[Span]] = {}
    for event in events:
        evidence = event["evidence"]
        place = (evidence["section_id"], evidence["paragraph"])
        quotes.setdefault(place, []).append(Span(evidence["start"], evidence["end"], event["id"]))

    def block(section_id: str, paragraph: int | None, text: str) -> Block:
        place = (section_id, paragraph)
        return Block(segments(text, marks.get(place, []), quotes.get(place, [])))

    views = [
        SectionView(
            s["id"],
            None if s["heading"] is None else block(s["id"], None, s["heading"]),
            [block(s["id"], i, text) for i, text in enumerate(s["paragraphs"])],
        )
        for s in sections
    ]
    return ArticleView(
        article=orjson.loads(body),
        sections=views,
        legend=legend,
        events=events,
        timeline=timeline(events, article_id, root),
        mention_count=sum(o["mention_count"] for o in organizations),
    )


# The timeline: a vertical time axis on the left, where each dated event is a band (a
# month, a year) or a tick (a day) at its place in time, joined by a line to its label;
# then a lane of undated events, in the article's order, labelled as the text puts them.
# Coordinates are CSS pixels and labels wrap at a width that fits a 320 px screen, so the
# drawing reads the same at 320 px as at 1280 px: it never scales its text.
TOP = 24
LINE_HEIGHT = 16
ROW_GAP = 14
LABEL_CHARACTERS = 32
TITLE_LINES = 3


@dataclass
class TimelineEvent:
    id: str
    href: str
    title: str  # in full, for the tooltip and screen readers
    title_lines: list[str]  # wrapped; the last ends in … if the title is longer
    when: str  # date or label, and status
    when_lines: list[str]
    status: str
    row_y: int
    band: tuple[float, float] | None = None  # y from, y to, for a month or year
    tick: float | None = None  # y, for a day
    suggested: bool = False

    @property
    def title_y(self) -> int:
        return self.row_y + 14 + len(self.when_lines) * LINE_HEIGHT + 2

    @property
    def height(self) -> int:
        return (len(self.when_lines) + len(self.title_lines)) * LINE_HEIGHT + ROW_GAP


@dataclass
class Timeline:
    dated: list[TimelineEvent] = field(default_factory=list)
    undated: list[TimelineEvent] = field(default_factory=list)
    years: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    axis: tuple[float, float] = (0.0, 0.0)
    undated_y: int = 0
    height: int = 0

    @property
    def count(self) -> int:
        return len(self.dated) + len(self.undated)


def wrapped(text: str, lines: int) -> list[str]:
    """``text`` in lines of at most LABEL_CHARACTERS, at most ``lines`` of them; what does
    not fit ends the last line with an ellipsis."""
    wrapped_lines = textwrap.wrap(text, LABEL_CHARACTERS) or [""]
    if len(wrapped_lines) <= lines:
        return wrapped_lines
    last = wrapped_lines[lines - 1][: LABEL_CHARACTERS - 1].rstrip()
    return [*wrapped_lines[: lines - 1], last + "…"]


def date_range(value: str) -> tuple[dt.date, dt.date]:
    """The first and last day a date of some precision covers."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def timeline(events: Iterable[dict], article_id: str, root: str) -> Timeline:
    """The timeline's geometry for ``events`` (the article's, in its order)."""
    drawn = Timeline()
    dated = sorted(
        (e for e in events if e["date"]["value"] is not None),
        key=lambda e: date_range(e["date"]["value"]),
    )
    undated = [e for e in events if e["date"]["value"] is None]

    def entry(event: dict, row_y: int, when: str) -> TimelineEvent:
        line = f"{when} · {event['status']}"
        return TimelineEvent(
            id=event["id"],
            href=f"{root}/v1/articles/{article_id}/timeline/{event['id']}",
            title=event["title"],
            title_lines=wrapped(event["title"], TITLE_LINES),
            when=line,
            when_lines=wrapped(line, 2),
            status=event["status"],
            row_y=row_y,
            suggested=event.get("suggested", False),
        )

    row_y = TOP
    for event in dated:
        value = event["date"]["value"]
        inferred = " (inferred)" if event["date"].get("confidence") == "inferred" else ""
        drawn.dated.append(entry(event, row_y, value + inferred))
        row_y += drawn.dated[-1].height
    if dated:
        first = date_range(dated[0]["date"]["value"])[0]
        last = max(date_range(e["date"]["value"])[1] for e in dated) + dt.timedelta(days=1)
        top, bottom = TOP, drawn.dated[-1].row_y + 10
        scale = (bottom - top) / max(1, (last - first).days)

        def y(day: dt.date) -> float:
            return round(top + (day - first).days * scale, 1)

        drawn.axis = (top, bottom)
        drawn.years = [
            (y(dt.date(year, 1, 1)), str(year))
            for year in range(first.year + (first > dt.date(first.year, 1, 1)), last.year + 1)
        ]
        for item, event in zip(drawn.dated, dated, strict=True):
            start, end = date_range(event["date"]["value"])
            if start == end:
                item.tick = y(start)
            else:
                band_top, band_bottom = y(start), y(end + dt.timedelta(days=1))
                item.band = (band_top, max(band_bottom, band_top + 3))
    drawn.undated_y = row_y + (12 if dated else 0)
    row_y = drawn.undated_y + 16
    for event in undated:
        label = f"“{event['date']['label']}”" if event["date"]["label"] else "undated"
        drawn.undated.append(entry(event, row_y, label))
        row_y += drawn.undated[-1].height
    drawn.height = row_y if undated else drawn.undated_y
    return drawn
