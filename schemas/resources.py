"""Every shape the API returns. The OpenAPI components are generated from these."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from article_data_api.schemas.fields import (
    ARTICLE_STATUSES,
    DATE_CONFIDENCES,
    DATE_PRECISIONS,
    EVENT_STATUSES,
    MENTION_FORMS,
    ORGANIZATION_KINDS,
    Choice,
    PartialDate,
    Slug,
)


def described(description: str, field: fields.Field) -> fields.Field:
    """``field``, documented with ``description``."""
    field.metadata = {**field.metadata, "description": description}
    return field


def link(description: str = "A path on this API", **kwargs) -> fields.String:
    return fields.String(
        required=True, metadata={"format": "uri-reference", "description": description}, **kwargs
    )


SUGGESTED = (
    "True for a suggestion made by an import and not yet reviewed (only in a draft, on a"
    " server started with SERVE_DRAFTS=1)"
)


class SelfLinksSchema(Schema):
    self = link()


class PageLinksSchema(Schema):
    self = link()
    next = link("The next page, or null on the last page", allow_none=True)
    prev = link(
        "The previous page (from past the end, the last page), or null on the first page",
        allow_none=True,
    )


class ArticleLinksSchema(Schema):
    self = link()
    sections = link()
    organizations = link()
    timeline = link()


class OrganizationLinksSchema(Schema):
    self = link()
    index = link("This organization across all articles")


class OrganizationIndexLinksSchema(Schema):
    self = link()
    articles = link("Every article that names it, newest first, paged")


class OrganizationArticleLinksSchema(Schema):
    self = link("The article")
    organization = link("The organization as this article presents it, with its mentions")


class CorpusEventLinksSchema(Schema):
    self = link("The event in its article's timeline")
    article = link("The article that reports it")


class DateSchema(Schema):
    value = described(
        "ISO 8601 date at the precision the evidence allows (YYYY, YYYY-MM or YYYY-MM-DD)",
        PartialDate(required=True, allow_none=True),
    )
    precision = fields.String(required=True, allow_none=True, validate=Choice(DATE_PRECISIONS))
    label = described(
        "How the article places it in time, e.g. 'later'",
        fields.String(required=True, allow_none=True),
    )
    sources = described(
        "Where a date the article does not state comes from",
        fields.List(fields.Url(), required=True),
    )
    confidence = described(
        "stated-in-article, single-source (one page), confirmed (two or more pages agree),"
        " or inferred (worked out from the label and the publication date)",
        fields.String(required=True, allow_none=True, validate=Choice(DATE_CONFIDENCES)),
    )


class CountsSchema(Schema):
    sections = fields.Integer(required=True)
    paragraphs = fields.Integer(required=True)
    words = fields.Integer(required=True)
    organizations = fields.Integer(required=True)
    mentions = fields.Integer(required=True)
    events = fields.Integer(required=True)


class AgentSchema(Schema):
    name = fields.String(required=True)
    url = fields.Url(required=True, allow_none=True)


class MarkSchema(Schema):
    start = described(
        "Code-point offset of a matched word or phrase", fields.Integer(required=True)
    )
    end = fields.Integer(required=True)
    start_utf16 = described("start in UTF-16 code units", fields.Integer(required=True))
    end_utf16 = described("end in UTF-16 code units", fields.Integer(required=True))


class HighlightSchema(Schema):
    field = described(
        "Where the passage is: title, heading or paragraph",
        fields.String(required=True, validate=Choice(["title", "heading", "paragraph"])),
    )
    section_id = described("null for the title", Slug(required=True, allow_none=True))
    paragraph = described(
        "Index into the section's paragraphs; null for a heading or the title",
        fields.Integer(required=True, allow_none=True),
    )
    start = described(
        "Code-point offset of the passage in its text (the paragraph, heading or title)",
        fields.Integer(required=True),
    )
    end = fields.Integer(required=True)
    start_utf16 = described("start in UTF-16 code units", fields.Integer(required=True))
    end_utf16 = described("end in UTF-16 code units", fields.Integer(required=True))
    text = described("The passage, verbatim: text[start:end]", fields.String(required=True))
    marks = described(
        "The matched words and phrases, offsets into the same text",
        fields.List(fields.Nested(MarkSchema), required=True),
    )


class ArticleSummarySchema(Schema):
    id = Slug(required=True)
    title = fields.String(required=True)
    title_is_editorial = described(
        "True when the publisher's title was not recovered and this one was written for the API",
        fields.Boolean(required=True),
    )
    language = fields.String(required=True)
    source_url = fields.Url(required=True, allow_none=True)
    published = fields.Nested(DateSchema, required=True, allow_none=True)
    publisher = described(
        "Who published it, where known", fields.Nested(AgentSchema, required=True, allow_none=True)
    )
    authors = described(
        "Who wrote it, where known", fields.List(fields.Nested(AgentSchema), required=True)
    )
    sample = described(
        "True for sample articles written for this project: their places, organizations"
        " and events are fictional",
        fields.Boolean(required=True),
    )
    status = described(
        "published; draft only on a server started with SERVE_DRAFTS=1 to review imports",
        fields.String(required=True, validate=Choice(ARTICLE_STATUSES)),
    )
    counts = fields.Nested(CountsSchema, required=True)
    about = described(
        "Ids of the organizations that are the article's main subjects",
        fields.List(Slug(), required=True),
    )
    links = fields.Nested(ArticleLinksSchema, required=True, dump_only=True)
    score = described(
        "With q: the BM25 relevance score (in relevance order; null when sorted by date)",
        fields.Float(allow_none=True),
    )
    highlights = described(
        "With q: up to 3 passages that show why the article matched: those holding the"
        " most of the query's words (the earliest among equals), in the article's order",
        fields.List(fields.Nested(HighlightSchema)),
    )


class OutlineEntrySchema(Schema):
    id = Slug(required=True)
    position = fields.Integer(required=True)
    heading = fields.String(required=True, allow_none=True)


class ArticleSchema(ArticleSummarySchema):
    outline = described(
        "The sections in order, without their paragraphs",
        fields.List(fields.Nested(OutlineEntrySchema), required=True, attribute="sections"),
    )


class SectionSchema(Schema):
    id = described("'lead' for the lead, else a slug of the heading", Slug(required=True))
    position = described("1 for the lead", fields.Integer(required=True))
    heading = described("null for the lead", fields.String(required=True, allow_none=True))
    paragraphs = described("Each paragraph verbatim", fields.List(fields.String(), required=True))
    word_count = fields.Integer(required=True)
    links = fields.Nested(SelfLinksSchema, required=True, dump_only=True)


class TextSpanSchema(Schema):
    section_id = Slug(required=True)
    paragraph = described(
        "Index into the section's paragraphs, or null for its heading",
        fields.Integer(required=True, allow_none=True),
    )
    start = described("Code-point offset where the text starts", fields.Integer(required=True))
    end = described("Code-point offset just past the text", fields.Integer(required=True))
    text = fields.String(required=True)
    start_utf16 = described(
        "Where the text starts in UTF-16 code units, as JavaScript's slice counts",
        fields.Integer(required=True),
    )
    end_utf16 = described("Just past the text, in UTF-16 code units", fields.Integer(required=True))


class MentionSchema(TextSpanSchema):
    form = described(
        "name: the organization's name; alias: another name it goes by; reference: a"
        ' descriptive phrase ("the French startup") curated at this place',
        fields.String(required=True, validate=Choice(MENTION_FORMS)),
    )


class ArticleOrganizationSchema(Schema):
    id = Slug(required=True)
    name = fields.String(required=True)
    aliases = described(
        "Other names the article uses (never descriptive phrases: those are mentions of form"
        " reference)",
        fields.List(fields.String(), required=True),
    )
    kind = fields.String(required=True, validate=Choice(ORGANIZATION_KINDS))
    description = fields.String(required=True)
    country = fields.String(required=True, allow_none=True)
    role = described("What the article says of its part in the story", fields.String(required=True))
    same_as = fields.List(fields.Url(), required=True)
    unnamed = described(
        "True when the article never names it, only refers to it",
        fields.Boolean(required=True),
    )
    suggested = described(SUGGESTED, fields.Boolean(required=True))
    mention_count = fields.Integer(required=True)
    mentions = described(
        "Every place the article names or refers to it, in reading order. A name nested in"
        ' a longer one counts for the longer only: NVIDIA in "NVIDIA Nemotron coalition"'
        " is the coalition's mention.",
        fields.List(fields.Nested(MentionSchema), required=True),
    )
    links = fields.Nested(OrganizationLinksSchema, required=True, dump_only=True)


class EventSchema(Schema):
    id = Slug(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(required=True, validate=Choice(EVENT_STATUSES))
    date = fields.Nested(DateSchema, required=True)
    organizations = described("Organization ids", fields.List(Slug(), required=True))
    evidence = described(
        "The verbatim quote that supports the event", fields.Nested(TextSpanSchema, required=True)
    )
    suggested = described(SUGGESTED, fields.Boolean(required=True))
    links = fields.Nested(SelfLinksSchema, required=True, dump_only=True)


class ArticleRefSchema(Schema):
    id = described("The article id", Slug(required=True))
    title = fields.String(required=True)
    sample = described(
        "True for sample articles written for this project", fields.Boolean(required=True)
    )


class CorpusEventSchema(EventSchema):
    article = described(
        "The article that reports the event", fields.Nested(ArticleRefSchema, required=True)
    )
    date_overlap = described(
        "With a date filter: full when the event's date lies wholly in the range, partial"
        " when its precision only lets it overlap (a month that straddles date_from)",
        fields.String(validate=Choice(["full", "partial"])),
    )
    links = fields.Nested(CorpusEventLinksSchema, required=True, dump_only=True)


class OrganizationArticleSchema(Schema):
    id = described("The article id", Slug(required=True, attribute="article.id"))
    title = fields.String(required=True, attribute="article.title")
    sample = described(
        "True for sample articles written for this project",
        fields.Boolean(required=True, attribute="article.sample"),
    )
    mention_count = described(
        "Mentions of the organization in this article", fields.Integer(required=True)
    )
    links = fields.Nested(OrganizationArticleLinksSchema, required=True, dump_only=True)


class OrganizationSchema(Schema):
    id = Slug(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=Choice(ORGANIZATION_KINDS))
    same_as = fields.List(fields.Url(), required=True)
    article_count = fields.Integer(required=True)
    mention_count = described("Mentions across all articles", fields.Integer(required=True))
    articles = described(
        "The 5 articles that name it most recently; links.articles pages through them all",
        fields.List(fields.Nested(OrganizationArticleSchema), required=True),
    )
    links = fields.Nested(OrganizationIndexLinksSchema, required=True, dump_only=True)


class LinkedDataSchema(Schema):
    """A schema.org node as JSON-LD (application/ld+json). Its other properties are
    schema.org's: NewsArticle, Organization or Event."""

    class Meta:
        unknown = INCLUDE

    context = fields.String(
        data_key="@context", required=True, metadata={"example": "https://schema.org"}
    )
    type = fields.String(data_key="@type", required=True, metadata={"example": "NewsArticle"})
    id = described("The resource's path on this API", fields.String(data_key="@id", required=True))


class FacetValueSchema(Schema):
    value = fields.String(required=True)
    count = described("Items of the whole result with this value", fields.Integer(required=True))


def page_schema(item_schema: type[Schema], name: str, facets: bool = False) -> type[Schema]:
    """A collection page of ``item_schema`` items."""
    shape: dict[str, fields.Field] = {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "limit": fields.Integer(required=True),
        "offset": described(
            "Items skipped before this page when it was asked for by offset; null when by cursor",
            fields.Integer(required=True, allow_none=True),
        ),
        "total": described("Items matching the query, on all pages", fields.Integer(required=True)),
        "links": fields.Nested(PageLinksSchema, required=True),
    }
    if facets:
        shape["facets"] = described(
            "With facets: for each facet asked for, its top 20 values over the whole result",
            fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema))),
        )
    return Schema.from_dict(shape, name=name)


ArticlePageSchema = page_schema(ArticleSummarySchema, "ArticlePage", facets=True)
SectionPageSchema = page_schema(SectionSchema, "SectionPage")
ArticleOrganizationPageSchema = page_schema(ArticleOrganizationSchema, "ArticleOrganizationPage")
EventPageSchema = page_schema(EventSchema, "EventPage")
OrganizationPageSchema = page_schema(OrganizationSchema, "OrganizationPage")
OrganizationArticlePageSchema = page_schema(OrganizationArticleSchema, "OrganizationArticlePage")
CorpusEventPageSchema = page_schema(CorpusEventSchema, "CorpusEventPage", facets=True)


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class SnapshotStatusSchema(Schema):
    version = described(
        "The snapshot served: when it was built, then a hash of what it holds",
        fields.String(required=True),
    )
    articles = fields.Integer(required=True)
    organizations = fields.Integer(required=True)
    events = fields.Integer(required=True)


class CacheStatusSchema(Schema):
    backend = fields.String(required=True)
    ok = fields.Boolean(required=True)
    warnings = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "What an operator should fix, though the cache answers: for Redis,"
            " a missing maxmemory or an eviction policy that refuses writes when full",
            "example": [],
        },
    )


class ReadinessSchema(Schema):
    status = fields.String(required=True)
    snapshot = fields.Nested(SnapshotStatusSchema, required=True)
    cache = fields.Nested(CacheStatusSchema, required=True)


class OEmbedSchema(Schema):
    """An oEmbed 1.0 rich response: the iframe that embeds the page."""

    version = fields.String(required=True, validate=validate.Equal("1.0"))
    type = fields.String(required=True, validate=validate.Equal("rich"))
    title = fields.String(required=True)
    provider_name = fields.String(required=True)
    provider_url = fields.Url(required=True)
    html = described(
        "An <iframe> of the embed page, to place as it is", fields.String(required=True)
    )
    width = described("Pixels", fields.Integer(required=True))
    height = described("Pixels", fields.Integer(required=True))
    cache_age = described(
        "Seconds the response may be cached (CACHE_MAX_AGE)", fields.Integer(required=True)
    )


class InvalidParamSchema(Schema):
    name = fields.String(required=True)
    location = fields.String(required=True, metadata={"example": "query"})
    reason = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details, served as application/problem+json."""

    type = fields.String(
        required=True, metadata={"format": "uri-reference", "example": "about:blank"}
    )
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = described("The path of the request", fields.String())
    invalid_params = described(
        "Each bad parameter and why it failed", fields.List(fields.Nested(InvalidParamSchema))
    )
