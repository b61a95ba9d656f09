"""Every resource as the API serves it, dumped through its marshmallow schema with its links.

Plain Python, no Flask: the build dumps each resource once and stores the JSON bytes in
the snapshot. Links are paths from the API's root (``/v1/...``); an app mounted under a
prefix prefixes them when it serves them (see ``with_root``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from article_data_api.corpus.model import (
    Article,
    ArticleOrganization,
    Event,
    Organization,
    OrganizationArticle,
    Section,
)
from article_data_api.dumping import compile_dumper
from article_data_api.encoding import encode
from article_data_api.schemas.resources import (
    ArticleOrganizationSchema,
    ArticleSchema,
    ArticleSummarySchema,
    EventSchema,
    OrganizationArticleSchema,
    OrganizationSchema,
    SectionSchema,
)

API_PREFIX = "/v1"
LINKS = "links"

# Each schema compiled once per process (api.dumping): the schemas define the shapes.
_article_summary = compile_dumper(ArticleSummarySchema())
_article = compile_dumper(ArticleSchema())
_section = compile_dumper(SectionSchema())
_article_organization = compile_dumper(ArticleOrganizationSchema())
_event = compile_dumper(EventSchema())
_organization = compile_dumper(OrganizationSchema())
_organization_article = compile_dumper(OrganizationArticleSchema())


def path(*parts: str) -> str:
    """A path on the API, from its root."""
    return "/".join([API_PREFIX, *parts])


def article_links(article_id: str) -> dict[str, str]:
    base = ("articles", article_id)
    return {
        "self": path(*base),
        "sections": path(*base, "sections"),
        "organizations": path(*base, "organizations"),
        "timeline": path(*base, "timeline"),
    }


def article_summary(article: Article) -> dict[str, Any]:
    return _article_summary(article) | {LINKS: article_links(article.id)}


def article(item: Article) -> dict[str, Any]:
    return _article(item) | {LINKS: article_links(item.id)}


def section(article_id: str, item: Section) -> dict[str, Any]:
    self_link = path("articles", article_id, "sections", item.id)
    return _section(item) | {LINKS: {"self": self_link}}


def article_organization(article_id: str, org: ArticleOrganization) -> dict[str, Any]:
    links = {
        "self": path("articles", article_id, "organizations", org.id),
        "index": path("organizations", org.id),
    }
    return _article_organization(org) | {LINKS: links}


def event(article_id: str, item: Event) -> dict[str, Any]:
    self_link = path("articles", article_id, "timeline", item.id)
    return _event(item) | {LINKS: {"self": self_link}}


def organization_articles(item: Article) -> list[dict[str, Any]]:
    """The article as listed under each organization that it names, in the order of its
    organizations. The entries differ only in their mention count and links, so the rest
    is dumped once: dumped for each of an article's 17 organizations, it was about a sixth
    of what a build spends dumping."""
    common = _organization_article(OrganizationArticle(item, mention_count=0))
    return [
        common
        | {
            "mention_count": org.mention_count,
            LINKS: {
                "self": path("articles", item.id),
                "organization": path("articles", item.id, "organizations", org.id),
            },
        }
        for org in item.organizations
    ]


def corpus_event(item: Article, event: Event) -> dict[str, Any]:
    """An event as the corpus-wide timeline lists it: with its article."""
    dumped = _event(event)
    dumped["article"] = {"id": item.id, "title": item.title, "sample": item.sample}
    links = {
        "self": path("articles", item.id, "timeline", event.id),
        "article": path("articles", item.id),
    }
    return dumped | {LINKS: links}


def organization(org: Organization, first_articles: Iterable[bytes]) -> dict[str, Any]:
    """An organization across the corpus: its counts and the articles that name it,
    newest first, already dumped by ``organization_articles``."""
    dumped = _organization(org)
    dumped["articles"] = [orjson.loads(entry) for entry in first_articles]
    links = {
        "self": path("organizations", org.id),
        "articles": path("organizations", org.id, "articles"),
    }
    return dumped | {LINKS: links}


def with_root(body: bytes, root: str) -> bytes:
    """``body`` with every link under the mount point ``root``.

    Only values of ``links`` objects change, so article text, which may well contain
    "/v1/", is never touched.
    """
    if not root:
        return body
    return encode(_prefixed(orjson.loads(body), root, _LINK_KEYS))


def absolute_ids(body: bytes, base: str) -> bytes:
    """JSON-LD ``body`` with its node ids (and ``url``) made absolute under ``base``, the
    API's own URL: a page that embeds the markup must not resolve them against its host."""
    return encode(_prefixed(orjson.loads(body), base, _ID_KEYS))


_LINK_KEYS = frozenset([LINKS])
_ID_KEYS = frozenset(["@id", "url"])


def _prefixed(node: Any, prefix: str, keys: frozenset[str]) -> Any:
    """``node`` with ``prefix`` before the API paths under ``keys``: values of a links
    object, or the value itself for an id."""
    if isinstance(node, list):
        return [_prefixed(item, prefix, keys) for item in node]
    if not isinstance(node, dict):
        return node
    prefixed = {}
    for key, value in node.items():
        if key in keys and isinstance(value, dict):
            prefixed[key] = {rel: _api_path(url, prefix) for rel, url in value.items()}
        elif key in keys and isinstance(value, str):
            prefixed[key] = _api_path(value, prefix)
        else:
            prefixed[key] = _prefixed(value, prefix, keys)
    return prefixed


def _api_path(value: str | None, prefix: str) -> str | None:
    return prefix + value if value is not None and value.startswith(API_PREFIX + "/") else value
