"""JSON responses and their Cache-Control."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from flask import Response, current_app, g, request

from article_data_api.encoding import Encoded
from article_data_api.negotiation import JSON, LD_JSON
from article_data_api.representations import page

T = TypeVar("T")


def collection_response(
    found: Sequence[T], represent: Callable[[T], Encoded], args: Mapping[str, Any]
) -> Response:
    """The page of ``found`` that ``args`` asks for, at the current URL, with its links
    (which keep ``args``) also in a ``Link`` header."""
    path = request.script_root + request.path
    body, links = page(found, represent, path, args)
    response = json_response(body)
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if url is not None
    )
    return response


def json_response(body: bytes, media_type: str = JSON, *, cacheable: bool = True) -> Response:
    """A 200 of JSON bytes. ``cacheable=False`` is for live status no cache may keep.

    ETags, 304s and compression are added in front of Flask, by api.http_layer.
    """
    return bytes_response(body, media_type, cacheable=cacheable)


def negotiated_response(
    as_json: Callable[[], Encoded], as_linked_data: Callable[[], Encoded]
) -> Response:
    """The representation negotiated for this request: the API's JSON or schema.org JSON-LD."""
    if g.media_type == LD_JSON:
        return json_response(as_linked_data().json, LD_JSON)
    return json_response(as_json().json)


def bytes_response(body: bytes, mimetype: str, *, cacheable: bool = True) -> Response:
    # The header is written as a string: werkzeug's cache_control object costs more to
    # build than the rest of the response on an uncached request.
    cache_control = f"public, max-age={current_app.config['CACHE_MAX_AGE']}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Cache-Control": cache_control if cacheable else "no-store"},
    )
