"""Every resource dumped once through its marshmallow schema, with its links.

Links start with the WSGI ``SCRIPT_NAME`` root, so the API can be mounted under a
prefix: one set of representations is kept per root, on the app.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from flask import Flask, current_app, request

from article_data_api import linked_data
from article_data_api.corpus.corpus import Corpus
from article_data_api.encoding import Encoded, encode
from article_data_api.schemas.resources import (
    ArticleOrganizationSchema,
    ArticleSchema,
    ArticleSummarySchema,
    EventSchema,
    OrganizationSchema,
    SectionSchema,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
V = TypeVar("V")
API_PREFIX = "/v1"
EXTENSION = "article_data_representations"
# Articles whose sub-resources stay dumped; the response cache keeps their bytes anyway.
DUMPED_ARTICLES = 2048
# Mount points kept: an app is mounted at one or two, never more in practice.
ROOTS_KEPT = 8

_article_summary = ArticleSummarySchema()
_article = ArticleSchema()
_section = SectionSchema()
_article_organization = ArticleOrganizationSchema()
_event = EventSchema()
_organization = OrganizationSchema()


class LruDict(Generic[V]):
    """At most ``size`` values, the least recently used dropped first."""

    def __init__(self, size: int | None) -> None:
        self.size = size
        self.values: OrderedDict[Hashable, V] = OrderedDict()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        if key in self.values:
            self.values.move_to_end(key)
            return self.values[key]
        value = self.values[key] = make()
        if self.size is not None and len(self.values) > self.size:
            self.values.popitem(last=False)
        return value


class Representations:
    """Resources of one corpus dumped through their schemas, with links under ``root``.

    Each is dumped on first use and kept: a large corpus then starts in seconds instead
    of dumping every section, mention and event up front.
    """

    def __init__(self, corpus: Corpus, root: str) -> None:
        self.corpus = corpus
        self.root = root
        self._article_summaries: LruDict[Encoded] = LruDict(None)
        self._organizations: LruDict[Encoded] = LruDict(None)
        self._organizations_ld: LruDict[Encoded] = LruDict(None)
        self._articles: LruDict[Encoded] = LruDict(DUMPED_ARTICLES)
        self._articles_ld: LruDict[Encoded] = LruDict(DUMPED_ARTICLES)
        self._sections: LruDict[dict[str, Encoded]] = LruDict(DUMPED_ARTICLES)
        self._organizations_in: LruDict[dict[str, Encoded]] = LruDict(DUMPED_ARTICLES)
        self._organizations_in_ld: LruDict[dict[str, Encoded]] = LruDict(DUMPED_ARTICLES)
        self._events: LruDict[dict[str, Encoded]] = LruDict(DUMPED_ARTICLES)
        self._events_ld: LruDict[dict[str, Encoded]] = LruDict(DUMPED_ARTICLES)

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

    def article_summary(self, article_id: str) -> Encoded:
        article = self.corpus.articles_by_id[article_id]
        return self._article_summaries.get_or_make(
            article_id,
            lambda: Encoded.of(
                _article_summary.dump(article) | {"links": self._article_links(article_id)}
            ),
        )

    def article(self, article_id: str) -> Encoded:
        article = self.corpus.articles_by_id[article_id]
        return self._articles.get_or_make(
            article_id,
            lambda: Encoded.of(_article.dump(article) | {"links": self._article_links(article_id)}),
        )

    def sections(self, article_id: str) -> dict[str, Encoded]:
        """The article's sections by id, in reading order."""
        article = self.corpus.articles_by_id[article_id]
        return self._sections.get_or_make(
            article_id,
            lambda: {
                section.id: Encoded.of(
                    _section.dump(section)
                    | {"links": {"self": self.path("articles", article_id, "sections", section.id)}}
                )
                for section in article.sections
            },
        )

    def organizations_in(self, article_id: str) -> dict[str, Encoded]:
        article = self.corpus.articles_by_id[article_id]
        return self._organizations_in.get_or_make(
            article_id,
            lambda: {
                org.id: Encoded.of(
                    _article_organization.dump(org)
                    | {
                        "links": {
                            "self": self.path("articles", article_id, "organizations", org.id),
                            "index": self.path("organizations", org.id),
                        }
                    }
                )
                for org in article.organizations
            },
        )

    def events(self, article_id: str) -> dict[str, Encoded]:
        article = self.corpus.articles_by_id[article_id]
        return self._events.get_or_make(
            article_id,
            lambda: {
                event.id: Encoded.of(
                    _event.dump(event)
                    | {"links": {"self": self.path("articles", article_id, "timeline", event.id)}}
                )
                for event in article.events
            },
        )

    def article_ld(self, article_id: str) -> Encoded:
        article = self.corpus.articles_by_id[article_id]
        return self._articles_ld.get_or_make(
            article_id, lambda: Encoded.of(linked_data.news_article(article, self.path))
        )

    def organizations_in_ld(self, article_id: str) -> dict[str, Encoded]:
        article = self.corpus.articles_by_id[article_id]
        return self._organizations_in_ld.get_or_make(
            article_id,
            lambda: {
                org.id: Encoded.of(linked_data.standalone(linked_data.organization(org, self.path)))
                for org in article.organizations
            },
        )

    def events_ld(self, article_id: str) -> dict[str, Encoded]:
        article = self.corpus.articles_by_id[article_id]
        return self._events_ld.get_or_make(
            article_id,
            lambda: {
                event.id: Encoded.of(
                    linked_data.standalone(linked_data.event(event, article_id, self.path))
                )
                for event in article.events
            },
        )

    def organization_ld(self, organization_id: str) -> Encoded:
        org = self.corpus.organizations_by_id[organization_id]
        return self._organizations_ld.get_or_make(
            organization_id,
            lambda: Encoded.of(linked_data.standalone(linked_data.organization(org, self.path))),
        )

    def organization(self, organization_id: str) -> Encoded:
        org = self.corpus.organizations_by_id[organization_id]

        def dump() -> Encoded:
            dumped = _organization.dump(org)
            for entry in dumped["articles"]:
                entry["links"] = {"self": self.path("articles", entry["id"])}
            return Encoded.of(dumped | {"links": {"self": self.path("organizations", org.id)}})

        return self._organizations.get_or_make(organization_id, dump)


def init_app(app: Flask, corpus: Corpus) -> None:
    """Keep the app's corpus and its representations, one set per mount point, on the app."""
    app.extensions["article_data_corpus"] = corpus
    app.extensions[EXTENSION] = LruDict(ROOTS_KEPT)
    counts = [article.counts for article in corpus.articles]
    log.info(
        "corpus loaded",
        extra={
            "fields": {
                "corpus": app.config["ARTICLE_DATA_DIR"],
                "articles": len(corpus.articles),
                "sections": sum(c.sections for c in counts),
                "organizations": len(corpus.organizations),
                "events": sum(c.events for c in counts),
                "fingerprint": corpus.fingerprint,
            }
        },
    )


def current_corpus() -> Corpus:
    return current_app.extensions["article_data_corpus"]


def representations() -> Representations:
    """The representations for the current request's mount point."""
    return current_app.extensions[EXTENSION].get_or_make(
        request.script_root, lambda: Representations(current_corpus(), request.script_root)
    )


def page(
    found: Sequence[T],
    represent: Callable[[T], Encoded],
    path: str,
    args: Mapping[str, Any],
) -> tuple[bytes, dict[str, str | None]]:
    """One page of ``found`` as JSON, and its links to ``path``, which keep every
    argument of the query but the position.

    The items' bytes are spliced in as they were encoded once; only the envelope is new.
    """
    limit, offset = args["limit"], args["offset"]
    total = len(found)
    kept = {
        name: value
        for name, value in sorted(args.items())
        if value is not None and name not in ("limit", "offset")
    }

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
