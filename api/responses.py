"""JSON responses: items and pages from the store, their links and Cache-Control."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from flask import Response, current_app, g, request, send_from_directory, url_for
from flask_smorest import abort
from marshmallow import Schema
from werkzeug.utils import get_content_type

from article_data_api.blueprint import BASE_URL_KEY, query_schema_of
from article_data_api.encoding import encode
from article_data_api.negotiation import JSON, LD_JSON
from article_data_api.query import link_queries
from article_data_api.representations import absolute_ids, with_root
from article_data_api.store import Page, current_store


def item_response(
    body: bytes | None, what: str, item_id: str, article_id: str | None = None
) -> Response:
    """The item the store found, in the negotiated representation, or a 404 problem that
    offers the closest ids (of the article's parts, when ``article_id`` is given)."""
    if body is None:
        not_found(what, item_id, article_id)
    if g.media_type == LD_JSON:
        return json_response(absolute_ids(body, request.environ[BASE_URL_KEY]), LD_JSON)
    return json_response(with_root(body, request.script_root))


def require(found: bool, what: str, item_id: str) -> None:
    """A 404 problem unless the parent resource exists."""
    if not found:
        not_found(what, item_id)


# The collection that lists the ids of each kind of item, by its endpoint.
_LISTED_BY = {
    "article": "articles.Articles",
    "organization": "organizations.Organizations",
    "organization_in_article": "article_organizations.ArticleOrganizations",
    "section": "sections.Sections",
    "event": "timeline.Timeline",
}


def not_found(what: str, item_id: str, article_id: str | None = None) -> NoReturn:
    """Abort with a 404 problem naming the missing id and the closest known ones, or, when
    none is close, the collection that lists them (a client guessing ``sections/2`` learns
    where the real ids are)."""
    kind = "organization_in_article" if what == "organization" and article_id else what
    suggestions = current_store().suggest(kind, item_id, article_id)
    message = f"No {what} with id {item_id!r}."
    if suggestions:
        message += " Did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
    else:
        listed = {"article_id": article_id} if article_id else {}
        message += f" The ids are listed at {url_for(_LISTED_BY[kind], **listed)}."
    abort(404, message=message)


def page_response(page: Page, args: Mapping[str, Any]) -> Response:
    """A page at the current URL, with links that keep ``args`` (also in a ``Link``
    header) to its neighbours."""
    schema = query_schema_of(current_app, request.endpoint)
    body, links = page_document(
        page, args, schema, request.script_root + request.path, request.script_root
    )
    response = json_response(body)
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if url is not None
    )
    return response


def page_document(
    page: Page, args: Mapping[str, Any], schema: Schema, path: str, root: str = ""
) -> tuple[bytes, dict[str, str | None]]:
    """A page's JSON and its links. The items' bytes are spliced in as the build encoded
    them; only the envelope is new."""
    query_at = link_queries(
        schema, {k: v for k, v in args.items() if k not in ("offset", "cursor")}
    )

    def link(position: Mapping[str, Any]) -> str:
        return f"{path}?{query_at(position)}"

    here = {"cursor": args["cursor"]} if args.get("cursor") else {"offset": args["offset"]}
    links = {
        "self": link(here),
        "next": link(page.next) if page.next else None,
        "prev": link(page.prev) if page.prev else None,
    }
    envelope: dict[str, Any] = {
        "limit": args["limit"],
        "offset": page.offset,
        "total": page.total,
        "links": links,
    }
    if page.facets is not None:
        envelope["facets"] = page.facets
    items = b",".join(with_root(item, root) for item in page.items)
    return b'{"items":[' + items + b"]," + encode(envelope)[1:], links


def json_response(body: bytes, media_type: str = JSON, *, cacheable: bool = True) -> Response:
    """A 200 of JSON bytes. ``cacheable=False`` is for live status no cache may keep.

    ETags, 304s and compression are added in front of Flask, by api.http_layer.
    """
    return bytes_response(body, media_type, cacheable=cacheable)


def bytes_response(body: bytes, mimetype: str, *, cacheable: bool = True) -> Response:
    # The header is written as a string: werkzeug's cache_control object costs more to
    # build than the rest of the response on an uncached request.
    cache_control = f"public, max-age={current_app.config['CACHE_MAX_AGE']}"
    return Response(
        body,
        headers=[
            ("Content-Type", get_content_type(mimetype, "utf-8")),
            ("Cache-Control", cache_control if cacheable else "no-store"),
        ],
    )


def static_file(folder: Path, filename: str) -> Response:
    """A file shipped with the package, cacheable for the configured max-age. The HTTP
    layer adds the ETag (a hash of the bytes) and answers If-None-Match itself."""
    response = send_from_directory(folder, filename, etag=False, conditional=False)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["CACHE_MAX_AGE"]
    return response
