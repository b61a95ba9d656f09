"""Every resource dumped once through its marshmallow schema, with its links.

Dumping happens when the app is created, so a request only filters, pages and
encodes. Links start with the WSGI ``SCRIPT_NAME`` root, so the API can be
mounted under a prefix: one set of representations is kept per root.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import current_app, request

from api.corpus.corpus import Corpus, IndexedOrganization
from api.corpus.model import Article
from schemas.resources import (
    ArticleOrganizationSchema,
    ArticleSchema,
    ArticleSummarySchema,
    EventSchema,
    OrganizationSchema,
    SectionSchema,
)

Representation = dict[str, Any]
T = TypeVar("T")
API_PREFIX = "/v1"


class Representations:
    """Dumped resources of one corpus, with links under ``root``."""

    def __init__(self, corpus: Corpus, root: str) -> None:
        self.root = root
        self.article_summaries: dict[str, Representation] = {}
        self.articles: dict[str, Representation] = {}
        self.sections: dict[str, dict[str, Representation]] = {}
        self.organizations_in: dict[str, dict[str, Representation]] = {}
        self.events: dict[str, dict[str, Representation]] = {}
        for article in corpus.articles:
            self._add_article(article)
        self.organizations = {org.id: self._organization(org) for org in corpus.organizations}

    def path(self, *parts: str) -> str:
        return "/".join([self.root + API_PREFIX, *parts])

    def _add_article(self, article: Article) -> None:
        base = ("articles", article.id)
        links = {
            "self": self.path(*base),
            "sections": self.path(*base, "sections"),
            "organizations": self.path(*base, "organizations"),
            "timeline": self.path(*base, "timeline"),
        }
        self.article_summaries[article.id] = ArticleSummarySchema().dump(article) | {"links": links}
        self.articles[article.id] = ArticleSchema().dump(article) | {"links": links}
        self.sections[article.id] = {
            section.id: SectionSchema().dump(section)
            | {"links": {"self": self.path(*base, "sections", section.id)}}
            for section in article.sections
        }
        self.organizations_in[article.id] = {
            org.id: ArticleOrganizationSchema().dump(org)
            | {
                "links": {
                    "self": self.path(*base, "organizations", org.id),
                    "index": self.path("organizations", org.id),
                }
            }
            for org in article.organizations
        }
        self.events[article.id] = {
            event.id: EventSchema().dump(event)
            | {"links": {"self": self.path(*base, "timeline", event.id)}}
            for event in article.events
        }

    def _organization(self, org: IndexedOrganization) -> Representation:
        dumped = OrganizationSchema().dump(org)
        for entry in dumped["articles"]:
            entry["links"] = {"self": self.path("articles", entry["id"])}
        return dumped | {"links": {"self": self.path("organizations", org.id)}}


@lru_cache(maxsize=8)
def representations_for(corpus: Corpus, root: str) -> Representations:
    """The representations of ``corpus`` with links under ``root``, built once per pair."""
    return Representations(corpus, root)


def current_corpus() -> Corpus:
    return current_app.extensions["article_data_corpus"]


def representations() -> Representations:
    """The representations for the current request's mount point."""
    return representations_for(current_corpus(), request.script_root)


def page(
    found: Sequence[T],
    represent: Callable[[T], Representation],
    path: str,
    limit: int,
    offset: int,
    **filters: Any,
) -> Representation:
    """One page of ``found``, represented, with links to ``path`` that keep the filters."""
    total = len(found)
    kept = {name: value for name, value in sorted(filters.items()) if value is not None}

    def link(at: int) -> str:
        return f"{path}?{urlencode({**kept, 'limit': limit, 'offset': at})}"

    return {
        "items": [represent(item) for item in found[offset : offset + limit]],
        "limit": limit,
        "offset": offset,
        "total": total,
        "links": {
            "self": link(offset),
            "next": link(offset + limit) if offset + limit < total else None,
            "prev": link(max(offset - limit, 0)) if offset > 0 else None,
        },
    }
