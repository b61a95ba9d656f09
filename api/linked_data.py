"""schema.org JSON-LD for articles, organizations and events (plain Python, no Flask).

Node ids are the API's paths here (``/v1/...``); they are made absolute when served
(``representations.with_root``), so that a page embedding the markup cannot resolve them
against its own host.

- An article is a ``NewsArticle`` (a sample article written for this project is only a
  ``CreativeWork``). An editorial title, written for the API because the publisher's was
  not recovered, is its ``alternativeHeadline``, never its ``headline``.
- An organization is one shared ``Organization`` node, the same wherever it appears:
  each article mentions it through a ``Role`` that carries what that article says of it
  (its role and description), the schema.org pattern for qualifying a relation.
- An event has a ``startDate`` only where its date is known, in ISO 8601 at its own
  precision (``2026-03`` is a month). schema.org's ``eventStatus`` values (scheduled,
  cancelled, postponed...) describe none of this API's statuses (past, announced,
  ongoing, anticipated), so no ``eventStatus`` is given: the status, and the date's
  precision, are stated in ``disambiguatingDescription``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from article_data_api.corpus.model import Agent, Article, ArticleOrganization, Event, Organization

CONTEXT = "https://schema.org"
SAMPLE_GENRE = "Sample article written for the Article Data API project; its content is fictional"
Path = Callable[..., str]


def news_article(article: Article, path: Path, mentions: list[dict[str, Any]]) -> dict[str, Any]:
    """The article: its text, parts, publisher, and the organizations and events it
    mentions: ``mentions`` holds their nodes (``role`` and ``event``), which the build
    makes once for here and for their own documents."""
    base = ("articles", article.id)
    body = "\n\n".join(p for s in article.sections for p in s.paragraphs)
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "CreativeWork" if article.sample else "NewsArticle",
        "@id": path(*base),
        "url": path(*base),
        "alternativeHeadline" if article.title_is_editorial else "headline": article.title,
        "inLanguage": article.language,
        # articleBody belongs to Article and its kinds; a plain CreativeWork has text.
        "text" if article.sample else "articleBody": body,
        "hasPart": [
            {
                "@type": "WebPageElement",
                "@id": path(*base, "sections", section.id),
                "position": section.position,
                "name": section.heading or "Lead",
            }
            for section in article.sections
        ],
        "mentions": mentions,
    }
    if article.sample:
        node["genre"] = SAMPLE_GENRE
    if article.source_url:
        node["sameAs"] = article.source_url  # the publisher's page of the same article
    if article.published and article.published.value:
        node["datePublished"] = article.published.value
    if article.publisher:
        node["publisher"] = agent(article.publisher)
    if article.authors:
        node["author"] = [agent(author) for author in article.authors]
    if article.about:
        node["about"] = [{"@id": path("organizations", org_id)} for org_id in article.about]
    return node


def agent(item: Agent) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Organization", "name": item.name}
    if item.url:
        node["url"] = item.url
    return node


def organization_ref(org_id: str, name: str, path: Path) -> dict[str, Any]:
    """The shared node as an article embeds it: the same in every article."""
    return {"@type": "Organization", "@id": path("organizations", org_id), "name": name}


def role(org: ArticleOrganization, article_id: str, path: Path) -> dict[str, Any]:
    """An organization as one article presents it: a Role around the shared node."""
    return {
        "@type": "Role",
        "@id": path("articles", article_id, "organizations", org.id),
        "roleName": org.role,
        "description": org.description,
        "mentions": organization_ref(org.id, org.name, path),
    }


def organization(org: Organization, alternate_names: tuple[str, ...], path: Path) -> dict[str, Any]:
    """The shared Organization node, across the corpus: names (never descriptive
    references) and sameAs links."""
    node = organization_ref(org.id, org.name, path)
    if alternate_names:
        node["alternateName"] = list(alternate_names)
    if org.same_as:
        node["sameAs"] = list(org.same_as)
    return node


def event(item: Event, article_id: str, path: Path) -> dict[str, Any]:
    """An Event, linked to the article that reports it."""
    precision = f" Dated to the {item.date.precision}." if item.date.precision else ""
    node: dict[str, Any] = {
        "@type": "Event",
        "@id": path("articles", article_id, "timeline", item.id),
        "name": item.title,
        "description": item.description,
        "disambiguatingDescription": f"Status: {item.status}.{precision}",
        "about": [{"@id": path("organizations", org_id)} for org_id in item.organizations],
        "subjectOf": {"@id": path("articles", article_id)},
    }
    if item.date.value is not None:
        node["startDate"] = item.date.value
    return node


def standalone(node: dict[str, Any]) -> dict[str, Any]:
    """A node as a document of its own, with the context."""
    return {"@context": CONTEXT, **node}
