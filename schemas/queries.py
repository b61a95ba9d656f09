"""Query parameters. Unknown parameters are rejected (``RAISE``) so typos never pass silently."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate
from webargs.fields import DelimitedList

from article_data_api.schemas.fields import (
    EVENT_STATUSES,
    ORGANIZATION_KINDS,
    Choice,
    PartialDate,
    QueryBoolean,
    QueryInteger,
    Slug,
)

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_OFFSET = 10_000
MAX_QUERY_CHARACTERS = 256
SEARCH_SYNTAX = (
    'Words are matched stemmed (`launched` finds "launch"), in the title, the headings and'
    ' the paragraphs; every word must match. `"an exact phrase"` must match as written,'
    " a hyphenated word is a phrase (`open-weight`), a possessive is its word (`Mistral's`),"
    " `-word` excludes, and `a OR b` matches"
    " either (an OR with no word before it is the word); a word or phrase typed twice is"
    " searched once. At most 256 characters and 32 words; a q with no letter or digit is a"
    " 400, and so is one whose phrases are of words so common that matching them would"
    " read the archive more than twice over."
)
INVERTED_RANGE = " A range that ends before it starts is a 400 naming its end."


def described(description: str, field: fields.Field, **metadata: Any) -> fields.Field:
    field.metadata = {**field.metadata, "description": description, **metadata}
    return field


def repeatable(field: fields.Field, description: str, example: list[str]) -> fields.List:
    """A filter given once or more (``status=past&status=ongoing``): any of the values."""
    return described(
        f"{description} Repeat it to allow any of several.", fields.List(field), example=example
    )


class PageQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    limit = described(
        "Items per page",
        QueryInteger(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT)),
    )
    offset = described(
        f"Items to skip, up to {MAX_OFFSET}. Deeper pages are reached by the cursor of the"
        " links, which costs the same at any depth.",
        QueryInteger(
            load_default=0,
            validate=validate.Range(
                min=0,
                max=MAX_OFFSET,
                error=f"Must be from 0 to {MAX_OFFSET}: go deeper with the cursor of links.next",
            ),
        ),
    )
    cursor = described(
        "Where the page starts: copy it from links.next or links.prev, never build it"
        " (with offset too, that many more items are skipped). A cursor stays valid when a"
        " new snapshot is published (in relevance order it is refused with a 400 instead,"
        " since the ranking changes).",
        fields.String(validate=validate.Length(min=1, max=512)),
    )


class ArticleQuerySchema(PageQuerySchema):
    q = described(
        f"Full-text search, ranked by BM25. {SEARCH_SYNTAX}",
        fields.String(validate=validate.Length(min=1, max=MAX_QUERY_CHARACTERS)),
        examples=[
            "launched coalition",
            '"open frontier models"',
            "coalition -Meta",
            "Meta OR NVIDIA",
        ],
    )
    organization = repeatable(
        Slug(), "Only articles that name this organization id.", ["mistral-ai"]
    )
    sample = described(
        "true: only sample articles written for this project; false: only real ones",
        QueryBoolean(),
    )
    published_after = described(
        "Only articles published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD; a"
        " month or year means its first day). Articles whose publication date is unknown"
        " are left out when a date filter is given; otherwise they are listed last.",
        PartialDate(),
        example="2026-03-01",
    )
    published_before = described(
        "Only articles published on or before this date (a month or year means its last"
        " day). An article dated only to a month matches when that month meets the range."
        + INVERTED_RANGE,
        PartialDate(),
        example="2026-03-31",
    )
    sort = described(
        "relevance (the default with q), newest (the default without) or oldest",
        fields.String(validate=Choice(["relevance", "newest", "oldest"])),
    )
    facets = described(
        "Comma-separated: count the whole result (not just the page) by organization,"
        " kind (of the organizations named) or month (of publication); the top 20 of each",
        DelimitedList(
            fields.String(validate=Choice(["organization", "kind", "month"])),
            validate=validate.Length(min=1),
        ),
        example=["organization", "month"],
    )


class ArticleOrganizationQuerySchema(PageQuerySchema):
    kind = repeatable(
        fields.String(validate=Choice(ORGANIZATION_KINDS)),
        "Only organizations of this kind.",
        ["company"],
    )
    sort = described(
        "mentions: most mentioned first; name: alphabetical, case and accents aside",
        fields.String(load_default="mentions", validate=Choice(["mentions", "name"])),
    )


class EventQuerySchema(PageQuerySchema):
    organization = repeatable(Slug(), "Only events involving this organization id.", ["nvidia"])
    status = repeatable(
        fields.String(validate=Choice(EVENT_STATUSES)),
        "Only events of this status.",
        ["past", "announced"],
    )


class CorpusEventQuerySchema(EventQuerySchema):
    article = described("Only the events of this article id", Slug())
    date_from = described(
        "Only events that may fall on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)."
        " Dates compare by precision: an event dated 2026-03 meets date_from=2026-03-10"
        " (it may be in range) and is flagged date_overlap=partial; one wholly inside the"
        " range is flagged full. Undated events are left out of date-filtered results.",
        PartialDate(),
        example="2026-03-10",
    )
    date_to = described(
        "Only events that may fall on or before this date (a month or year means its last"
        " day)." + INVERTED_RANGE,
        PartialDate(),
        example="2026-12-31",
    )
    q = described(
        f"Search the events' titles, descriptions and evidence quotes. {SEARCH_SYNTAX}",
        fields.String(validate=validate.Length(min=1, max=MAX_QUERY_CHARACTERS)),
    )
    sort = described(
        "oldest (chronological, the default) or newest; undated events come last either way",
        fields.String(load_default="oldest", validate=Choice(["oldest", "newest"])),
    )
    facets = described(
        "Comma-separated: count the whole result by organization, status or month; the top"
        " 20 of each. Events dated only to a year have no month.",
        DelimitedList(
            fields.String(validate=Choice(["organization", "status", "month"])),
            validate=validate.Length(min=1),
        ),
        example=["status", "month"],
    )


class OrganizationQuerySchema(PageQuerySchema):
    kind = repeatable(
        fields.String(validate=Choice(ORGANIZATION_KINDS)),
        "Only organizations of this kind.",
        ["company"],
    )
    sort = described(
        "id (the default), name (alphabetical, case and accents aside), articles (most"
        " articles first) or mentions (most first)",
        fields.String(load_default="id", validate=Choice(["id", "name", "articles", "mentions"])),
    )


class ArticleListPageQuerySchema(PageQuerySchema):
    """The HTML list of articles: its search box may be submitted empty."""

    q = described(
        f"Full-text search, as /v1/articles takes it; empty lists every article. {SEARCH_SYNTAX}",
        fields.String(validate=validate.Length(max=MAX_QUERY_CHARACTERS)),
    )


# Far beyond any screen, and small enough that a size asked for is a plain 64-bit integer.
MAX_EMBED_PIXELS = 10_000


class OEmbedQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    url = described(
        "The page to embed: an article page (/articles/{id}) or an embed of this API"
        " (/embed/articles/{id}, /embed/articles/{id}/timeline), at this API's own URL."
        " Any other URL, well formed or not, is a page this API has no embed for: 404,"
        " as oEmbed 1.0 says.",
        fields.String(required=True, validate=validate.Length(min=1, max=2048)),
        format="uri",
        example="https://api.example/articles/mistral-ai-joins-nvidia-nemotron-coalition",
    )
    format = described(
        "json; xml is answered with 501, as oEmbed 1.0 allows",
        fields.String(load_default="json", validate=Choice(["json", "xml"])),
    )
    maxwidth = described(
        f"The most pixels wide the embed may be, up to {MAX_EMBED_PIXELS}",
        QueryInteger(validate=validate.Range(min=1, max=MAX_EMBED_PIXELS)),
    )
    maxheight = described(
        f"The most pixels high the embed may be, up to {MAX_EMBED_PIXELS}",
        QueryInteger(validate=validate.Range(min=1, max=MAX_EMBED_PIXELS)),
    )
