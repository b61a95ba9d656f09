"""A Python client for Article Data API, built on requests.

    from article_data_api_client import ArticleClient

    client = ArticleClient("http://127.0.0.1:8000")
    article = client.get_article("mistral-ai-joins-nvidia-nemotron-coalition")
    for event in client.iter_timeline(article["id"], status="anticipated"):
        print(event["title"], event["date"]["label"])

It remembers the ETags of its most recent responses and revalidates them with
If-None-Match, follows paging links, retries idempotent GETs on connection errors and
503s with backoff, and raises ProblemError with the fields of the API's RFC 9457 problem
details.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote, urljoin

import requests

Resource = dict[str, Any]
RETRY_STATUSES = frozenset({503})
# The longest a 503's Retry-After may hold a call up: a caller is waiting.
MAX_RETRY_AFTER = 30
# The most items the API serves a page: an iterator asks for this many at a time.
MAX_PAGE_SIZE = 100
# Responses remembered for revalidation: a walk of the whole archive must not keep every
# page it read.
REMEMBERED_RESPONSES = 256


class ProblemError(Exception):
    """An error response from the API, with its RFC 9457 problem fields."""

    def __init__(self, problem: dict[str, Any], status: int) -> None:
        self.status = problem.get("status", status)
        self.type = problem.get("type", "about:blank")
        self.title = problem.get("title", "")
        self.detail = problem.get("detail", "")
        self.instance = problem.get("instance")
        self.invalid_params: list[dict[str, str]] = problem.get("invalid_params", [])
        super().__init__(f"{self.status} {self.title}: {self.detail}")


class ArticleClient:
    """Typed access to every endpoint of Article Data API."""

    def __init__(
        self,
        base_url: str,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.2,
        page_size: int = MAX_PAGE_SIZE,
        remembered: int = REMEMBERED_RESPONSES,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.page_size = page_size  # items per request of the iter_* methods
        self.remembered = remembered  # responses kept to revalidate, least recent out first
        # Accept and URL -> (ETag, body as received), least recently used first. The bytes,
        # not the decoded body: each caller gets its own copy to change as it likes.
        self._validated: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._validated_lock = threading.Lock()  # one client may serve many threads

    # Articles
    def list_articles(
        self,
        *,
        q: str | None = None,
        organization: str | Sequence[str] | None = None,
        sample: bool | None = None,
        published_after: str | None = None,
        published_before: str | None = None,
        sort: str | None = None,
        facets: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Resource:
        """One page of articles, filtered (and, with ``q``, ranked); ``facets`` counts the
        whole result by organization, kind or month."""
        return self._get(
            "v1/articles",
            q=q,
            organization=organization,
            sample=sample,
            published_after=published_after,
            published_before=published_before,
            sort=sort,
            facets=facets,
            limit=limit,
            offset=offset,
        )

    def search(self, q: str, **filters: Any) -> Resource:
        """The first page of articles matching ``q``, best first: each with its ``score``
        and ``highlights`` (the passages that matched, located in the text). Takes the
        filters of ``list_articles``."""
        return self.list_articles(q=q, **filters)

    def iter_articles(
        self,
        *,
        q: str | None = None,
        organization: str | Sequence[str] | None = None,
        sample: bool | None = None,
        published_after: str | None = None,
        published_before: str | None = None,
        sort: str | None = None,
    ) -> Iterator[Resource]:
        return self._iterate(
            "v1/articles",
            q=q,
            organization=organization,
            sample=sample,
            published_after=published_after,
            published_before=published_before,
            sort=sort,
        )

    def get_article(self, article_id: str) -> Resource:
        return self._get(_path("v1/articles/{}", article_id))

    def get_article_linked_data(self, article_id: str) -> Resource:
        """The article as a schema.org NewsArticle (JSON-LD)."""
        return self._get(_path("v1/articles/{}", article_id), accept="application/ld+json")

    # Events across the corpus
    def list_events(
        self,
        *,
        q: str | None = None,
        organization: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        article: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        sort: str | None = None,
        facets: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Resource:
        """One page of the corpus-wide timeline; ``facets`` counts the whole result by
        organization, status or month."""
        return self._get(
            "v1/events",
            q=q,
            organization=organization,
            status=status,
            article=article,
            date_from=date_from,
            date_to=date_to,
            sort=sort,
            facets=facets,
            limit=limit,
            offset=offset,
        )

    def iter_events(
        self,
        *,
        q: str | None = None,
        organization: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        article: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        sort: str | None = None,
    ) -> Iterator[Resource]:
        return self._iterate(
            "v1/events",
            q=q,
            organization=organization,
            status=status,
            article=article,
            date_from=date_from,
            date_to=date_to,
            sort=sort,
        )

    # Sections
    def list_sections(
        self, article_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> Resource:
        return self._get(_path("v1/articles/{}/sections", article_id), limit=limit, offset=offset)

    def iter_sections(self, article_id: str) -> Iterator[Resource]:
        return self._iterate(_path("v1/articles/{}/sections", article_id))

    def get_section(self, article_id: str, section_id: str) -> Resource:
        return self._get(_path("v1/articles/{}/sections/{}", article_id, section_id))

    # Organizations in an article
    def list_article_organizations(
        self,
        article_id: str,
        *,
        kind: str | None = None,
        sort: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Resource:
        return self._get(
            _path("v1/articles/{}/organizations", article_id),
            kind=kind,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    def iter_article_organizations(
        self, article_id: str, *, kind: str | None = None, sort: str | None = None
    ) -> Iterator[Resource]:
        return self._iterate(
            _path("v1/articles/{}/organizations", article_id), kind=kind, sort=sort
        )

    def get_article_organization(self, article_id: str, organization_id: str) -> Resource:
        return self._get(_path("v1/articles/{}/organizations/{}", article_id, organization_id))

    # Timeline
    def list_timeline(
        self,
        article_id: str,
        *,
        organization: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Resource:
        return self._get(
            _path("v1/articles/{}/timeline", article_id),
            organization=organization,
            status=status,
            limit=limit,
            offset=offset,
        )

    def iter_timeline(
        self, article_id: str, *, organization: str | None = None, status: str | None = None
    ) -> Iterator[Resource]:
        return self._iterate(
            _path("v1/articles/{}/timeline", article_id), organization=organization, status=status
        )

    def get_event(self, article_id: str, event_id: str) -> Resource:
        return self._get(_path("v1/articles/{}/timeline/{}", article_id, event_id))

    # The organization index
    def list_organizations(
        self,
        *,
        kind: str | Sequence[str] | None = None,
        sort: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Resource:
        return self._get("v1/organizations", kind=kind, sort=sort, limit=limit, offset=offset)

    def iter_organizations(
        self, *, kind: str | Sequence[str] | None = None, sort: str | None = None
    ) -> Iterator[Resource]:
        return self._iterate("v1/organizations", kind=kind, sort=sort)

    def get_organization(self, organization_id: str) -> Resource:
        return self._get(_path("v1/organizations/{}", organization_id))

    def list_organization_articles(
        self, organization_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> Resource:
        return self._get(
            _path("v1/organizations/{}/articles", organization_id), limit=limit, offset=offset
        )

    def iter_organization_articles(self, organization_id: str) -> Iterator[Resource]:
        """Every article that names the organization, newest first."""
        return self._iterate(_path("v1/organizations/{}/articles", organization_id))

    # Health
    def health(self) -> Resource:
        return self._get("healthz")

    def ready(self) -> Resource:
        return self._get("readyz")

    def _iterate(self, path: str, **params: Any) -> Iterator[Resource]:
        """Every item of a collection, ``page_size`` a request, following its ``next``
        links (which keep the page size)."""
        page = self._get(path, limit=self.page_size, **params)
        while True:
            yield from page["items"]
            if page["links"]["next"] is None:
                return
            page = self._get(page["links"]["next"])

    def _get(self, path: str, accept: str = "application/json", **params: Any) -> Any:
        """GET with revalidation of what was fetched before, retries and problem errors."""
        url = urljoin(self.base_url, path)  # a relative path, or a link's absolute path
        query = {
            name: _query_value(name, value) for name, value in params.items() if value is not None
        }
        request = requests.Request("GET", url, params=query).prepare()
        key = f"{accept} {request.url}"
        headers = {"Accept": accept}
        with self._validated_lock:
            remembered = self._validated.get(key)
            if remembered is not None:
                self._validated.move_to_end(key)
        if remembered is not None:
            headers["If-None-Match"] = remembered[0]
        response = self._send(request.url, headers)
        if response.status_code == 304 and remembered is not None:
            return json.loads(remembered[1])
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"title": response.reason, "detail": response.text[:200]}
            raise ProblemError(problem, response.status_code)
        body = response.json()
        if "ETag" in response.headers and self.remembered:
            with self._validated_lock:
                self._validated[key] = (response.headers["ETag"], response.content)
                self._validated.move_to_end(key)
                if len(self._validated) > self.remembered:
                    self._validated.popitem(last=False)
        return body

    def _send(self, url: str, headers: dict[str, str]) -> requests.Response:
        """One GET, retried with exponential backoff on connection errors and 503s; a
        503's Retry-After (in seconds, up to MAX_RETRY_AFTER) when it asks for longer."""
        attempt = 0
        while True:
            asked = 0
            try:
                response = self.session.get(url, headers=headers, timeout=self.timeout)
                if response.status_code not in RETRY_STATUSES or attempt == self.retries:
                    return response
                asked = _seconds(response.headers.get("Retry-After", ""))
            except requests.ConnectionError:
                if attempt == self.retries:
                    raise
            time.sleep(max(self.backoff * 2**attempt, asked))
            attempt += 1


def _path(template: str, *ids: str) -> str:
    """A path with each id in its place as one segment, a reserved character in it
    escaped, so that no id can ask for another resource than the one it names."""
    for i in ids:
        # URL resolution reads them as "here" and "up one", even escaped (RFC 3986 6.2.2).
        if i in (".", ".."):
            raise ValueError(f"{i!r} cannot be an id: a URL cannot carry it as one")
    return template.format(*(quote(i, safe="") for i in ids))


def _seconds(retry_after: str) -> int:
    """A Retry-After in seconds, at most MAX_RETRY_AFTER; 0 for none, or for a date (the
    backoff then decides)."""
    digits = retry_after.isascii() and retry_after.isdigit()
    return min(int(retry_after), MAX_RETRY_AFTER) if digits else 0


def _query_value(name: str, value: Any) -> Any:
    """How the API reads each kind of value: booleans as true/false, facets joined by
    commas, other lists as repeated parameters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name == "facets" and not isinstance(value, str):
        return ",".join(value)
    return value
