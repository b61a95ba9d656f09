"""schema.org JSON-LD for articles, organizations and events (plain Python, no Flask).

Node ids are the API's own paths: JSON-LD resolves them against the document's URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from article_data_api.corpus.model import Article, ArticleOrganization, Event, Organization

CONTEXT = "https://schema.org"
Path = Callable[..., str]


def news_article(article: Article, path: Path) -> dict[str, Any]:
    """The article as a NewsArticle: text, parts, the organizations and events it mentions."""
    base = ("articles", article.id)
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": path(*base),
        "headline": article.title,
        "inLanguage": article.language,
        "articleBody": "\n\n".join(p for s in article.sections for p in s.paragraphs),
        "hasPart": [
            {
                "@type": "WebPageElement",
                "@id": path(*base, "sections", section.id),
                "position": section.position,
                "name": section.heading or "Lead",
            }
            for section in article.sections
        ],
        "mentions": [organization(org, path) for org in article.organizations]
        + [event(e, article.id, path) for e in article.events],
    }
    if article.published and article.published.value:
        node["datePublished"] = article.published.value
    if article.source_url:
        node["url"] = article.source_url
    if article.about:
        node["about"] = [{"@id": path("organizations", org_id)} for org_id in article.about]
    return node


def organization(org: ArticleOrganization | Organization, path: Path) -> dict[str, Any]:
    """An Organization node; its id is the cross-article index entry, shared by articles."""
    node: dict[str, Any] = {
        "@type": "Organization",
        "@id": path("organizations", org.id),
        "name": org.name,
    }
    if isinstance(org, ArticleOrganization):
        node["description"] = org.description
        if org.aliases:
            node["alternateName"] = list(org.aliases)
    if org.same_as:
        node["sameAs"] = list(org.same_as)
    return node


def event(item: Event, article_id: str, path: Path) -> dict[str, Any]:
    """An Event node, with a startDate only where the date is known."""
    node: dict[str, Any] = {
        "@type": "Event",
        "@id": path("articles", article_id, "timeline", item.id),
        "name": item.title,
        "description": item.description,
        "about": [{"@id": path("organizations", org_id)} for org_id in item.organizations],
    }
    if item.date.value is not None:
        node["startDate"] = item.date.value
    return node


def standalone(node: dict[str, Any]) -> dict[str, Any]:
    """A node as a document of its own, with the context."""
    return {"@context": CONTEXT, **node}
