"""Every resource dumped once through its marshmallow schema, with its links.

Links start with the WSGI ``SCRIPT_NAME`` root, so the API can be mounted under a
prefix: one set of representations is kept per root.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import current_app, request

from api import linked_data
from api.corpus.corpus import Corpus
from api.encoding import Encoded, encode
from schemas.resources import (
    ArticleOrganizationSchema,
    ArticleSchema,
    ArticleSummarySchema,
    EventSchema,
    OrganizationSchema,
    SectionSchema,
)

T = TypeVar("T")
API_PREFIX = "/v1"


_article_summary = ArticleSummarySchema()
_article = ArticleSchema()
_section = SectionSchema()
_article_organization = ArticleOrganizationSchema()
_event = EventSchema()
_organization = OrganizationSchema()
# Articles whose sub-resources stay dumped; the response cache keeps their bytes anyway.
DUMPED_ARTICLES = 2048


class Representations:
    """Resources of one corpus dumped through their schemas, with links under ``root``.

    Each is dumped once, on first use, and kept: a corpus of ten thousand articles then
    starts in seconds instead of dumping every section, mention and event up front.
    """

    def __init__(self, corpus: Corpus, root: str) -> None:
        self.corpus = corpus
        self.root = root
        self.article_summary = lru_cache(maxsize=None)(self._article_summary)
        self.organization = lru_cache(maxsize=None)(self._organization)
        self.organization_ld = lru_cache(maxsize=None)(self._organization_ld)
        for name in (
            "article",
            "sections",
            "organizations_in",
            "events",
            "article_ld",
            "organizations_in_ld",
            "events_ld",
        ):
            setattr(self, name, lru_cache(maxsize=DUMPED_ARTICLES)(getattr(self, f"_{name}")))

    def path(self, *parts: str) -> str:
        return "/".join([self.root + API_PREFIX, *parts])

    def _article_links(self, article_id: str) -> dict[str, str]:
        base = ("articles", article_id)
        return {
            "self": self.path(*base),
            "sections": self.path(*base, "sections"),
            "organizations": self.path(*base, "organizations"),
            "timeline": self.path(*base, "timeline"),
        }

    def _article_summary(self, article_id: str) -> Encoded:
        article = self.corpus.articles_by_id[article_id]
        return Encoded.of(
            _article_summary.dump(article) | {"links": self._article_links(article_id)}
        )

    def _article(self, article_id: str) -> Encoded:
        article = self.corpus.articles_by_id[article_id]
        return Encoded.of(_article.dump(article) | {"links": self._article_links(article_id)})

    def _sections(self, article_id: str) -> dict[str, Encoded]:
        """The article's sections by id, in reading order."""
        return {
            section.id: Encoded.of(
                _section.dump(section)
                | {"links": {"self": self.path("articles", article_id, "sections", section.id)}}
            )
            for section in self.corpus.articles_by_id[article_id].sections
        }

    def _organizations_in(self, article_id: str) -> dict[str, Encoded]:
        return {
            org.id: Encoded.of(
                _article_organization.dump(org)
                | {
                    "links": {
                        "self": self.path("articles", article_id, "organizations", org.id),
                        "index": self.path("organizations", org.id),
                    }
                }
            )
            for org in self.corpus.articles_by_id[article_id].organizations
        }

    def _events(self, article_id: str) -> dict[str, Encoded]:
        return {
            event.id: Encoded.of(
                _event.dump(event)
                | {"links": {"self": self.path("articles", article_id, "timeline", event.id)}}
            )
            for event in self.corpus.articles_by_id[article_id].events
        }

    def _article_ld(self, article_id: str) -> Encoded:
        return Encoded.of(
            linked_data.news_article(self.corpus.articles_by_id[article_id], self.path)
        )

    def _organizations_in_ld(self, article_id: str) -> dict[str, Encoded]:
        return {
            org.id: Encoded.of(linked_data.standalone(linked_data.organization(org, self.path)))
            for org in self.corpus.articles_by_id[article_id].organizations
        }

    def _events_ld(self, article_id: str) -> dict[str, Encoded]:
        return {
            event.id: Encoded.of(
                linked_data.standalone(linked_data.event(event, article_id, self.path))
            )
            for event in self.corpus.articles_by_id[article_id].events
        }

    def _organization_ld(self, organization_id: str) -> Encoded:
        org = self.corpus.organizations_by_id[organization_id]
        return Encoded.of(linked_data.standalone(linked_data.organization(org, self.path)))

    def _organization(self, organization_id: str) -> Encoded:
        org = self.corpus.organizations_by_id[organization_id]
        dumped = _organization.dump(org)
        for entry in dumped["articles"]:
            entry["links"] = {"self": self.path("articles", entry["id"])}
        return Encoded.of(dumped | {"links": {"self": self.path("organizations", org.id)}})


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
    represent: Callable[[T], Encoded],
    path: str,
    limit: int,
    offset: int,
    **filters: Any,
) -> tuple[bytes, dict[str, str | None]]:
    """One page of ``found`` as JSON, and its links to ``path``, which keep the filters.

    The items' bytes are spliced in as they were encoded once; only the envelope is new.
    """
    total = len(found)
    kept = {name: value for name, value in sorted(filters.items()) if value is not None}

    def link(at: int) -> str:
        return f"{path}?{urlencode({**kept, 'limit': limit, 'offset': at})}"

    links = {
        "self": link(offset),
        "next": link(offset + limit) if offset + limit < total else None,
        "prev": link(max(offset - limit, 0)) if offset > 0 else None,
    }
    items = b",".join(represent(item).json for item in found[offset : offset + limit])
    envelope = encode({"limit": limit, "offset": offset, "total": total, "links": links})
    return b'{"items":[' + items + b"]," + envelope[1:], links
