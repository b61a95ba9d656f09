"""Response examples for the OpenAPI document, taken from the bundled seed article.

They always come from a snapshot of the bundled corpus, whatever ``ARTICLE_DATA_DIR``
says, so the document never varies; and they are what the API serves for the seed, read
through the same store. They are made when the document is first rendered, never at import.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from marshmallow import Schema

from article_data_api.config import bundled_corpus
from article_data_api.negotiation import JSON, LD_JSON
from article_data_api.responses import page_document
from article_data_api.schemas import queries
from article_data_api.store import ArticleStore, SnapshotStore, ensure_published
from article_data_api.store.snapshot import Page

SEED_ID = "mistral-ai-joins-nvidia-nemotron-coalition"
SECTION_ID = "what-mistral-brings-to-the-partnership"
ORGANIZATION_ID = "nvidia"
INDEXED_ORGANIZATION_ID = "mistral-ai"
EVENT_ID = "nemotron-coalition-launched"
EXAMPLE_PAGE_SIZE = 2
# A snapshot's version holds its build time: the example's is fixed, so that the document
# does not change with every build.
EXAMPLE_VERSION = "20261129T080000000000Z-3f2a9c1b0d4e"
EXAMPLE_BASE = "https://api.example"

Examples = dict[str, dict[str, Any]]


def _first_page(
    schema: type[Schema], path: str, find: Callable[[dict[str, Any]], Page], **args: Any
) -> dict[str, Any]:
    loaded = schema().load({"limit": str(EXAMPLE_PAGE_SIZE), **args})
    return json.loads(page_document(find(loaded), loaded, schema(), path)[0])


def _item(body: bytes | None) -> dict[str, Any]:
    assert body is not None, "the bundled seed lacks an example's item"
    return json.loads(body)


def bundled_store() -> ArticleStore:
    """The current snapshot of the bundled corpus, built first if needed."""
    return SnapshotStore(ensure_published({"ARTICLE_DATA_DIR": str(bundled_corpus())})).current()


def examples_by_operation() -> dict[str, Examples]:
    """Each operation's 200 examples, by operation id and then by media type."""
    store = bundled_store()
    seed = f"/v1/articles/{SEED_ID}"
    return {
        "getArticles": {
            JSON: _first_page(queries.ArticleQuerySchema, "/v1/articles", store.articles)
        },
        "getArticleById": {
            JSON: _item(store.article(SEED_ID, JSON)),
            LD_JSON: _item(store.article(SEED_ID, LD_JSON)),
        },
        "getSections": {
            JSON: _first_page(
                queries.PageQuerySchema,
                f"{seed}/sections",
                lambda args: store.sections(SEED_ID, args),
            )
        },
        "getSectionById": {JSON: _item(store.section(SEED_ID, SECTION_ID))},
        "getArticleOrganizations": {
            JSON: _first_page(
                queries.ArticleOrganizationQuerySchema,
                f"{seed}/organizations",
                lambda args: store.article_organizations(SEED_ID, args),
            )
        },
        "getArticleOrganizationById": {
            JSON: _item(store.article_organization(SEED_ID, ORGANIZATION_ID, JSON)),
            LD_JSON: _item(store.article_organization(SEED_ID, ORGANIZATION_ID, LD_JSON)),
        },
        "getTimeline": {
            JSON: _first_page(
                queries.EventQuerySchema,
                f"{seed}/timeline",
                lambda args: store.timeline(SEED_ID, args),
            )
        },
        "getEventById": {
            JSON: _item(store.event(SEED_ID, EVENT_ID, JSON)),
            LD_JSON: _item(store.event(SEED_ID, EVENT_ID, LD_JSON)),
        },
        "getEvents": {
            JSON: _first_page(
                queries.CorpusEventQuerySchema, "/v1/events", store.events, article=SEED_ID
            )
        },
        "getOrganizations": {
            JSON: _first_page(
                queries.OrganizationQuerySchema, "/v1/organizations", store.organizations
            )
        },
        "getOrganizationById": {
            JSON: _item(store.organization(INDEXED_ORGANIZATION_ID, JSON)),
            LD_JSON: _item(store.organization(INDEXED_ORGANIZATION_ID, LD_JSON)),
        },
        "getOrganizationArticles": {
            JSON: _first_page(
                queries.PageQuerySchema,
                f"/v1/organizations/{INDEXED_ORGANIZATION_ID}/articles",
                lambda args: store.organization_articles(INDEXED_ORGANIZATION_ID, args),
            )
        },
        "getOEmbed": {JSON: _oembed(json.loads(store.article(SEED_ID, JSON))["title"])},
        "getHealth": {JSON: {"status": "ok"}},
        "getReadiness": {
            JSON: {
                "status": "ready",
                "snapshot": {
                    "version": EXAMPLE_VERSION,
                    "articles": store.counts["articles"],
                    "organizations": store.counts["organizations"],
                    "events": store.counts["events"],
                },
                "cache": {"backend": "SimpleCache", "ok": True, "warnings": []},
            }
        },
    }


def _oembed(title: str) -> dict[str, Any]:
    """The seed's oEmbed answer, for an API at EXAMPLE_BASE."""
    src = f"{EXAMPLE_BASE}/embed/articles/{SEED_ID}"
    return {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": "Article Data API",
        "provider_url": f"{EXAMPLE_BASE}/articles",
        "html": f'<iframe src="{src}" width="640" height="640" title="{title}"'
        ' loading="lazy" style="border:0"></iframe>',
        "width": 640,
        "height": 640,
        "cache_age": 300,
    }
