"""JSON responses with strong ETags, conditional GETs and Cache-Control."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Response, current_app, request

from api.catalog import Representation, page

T = TypeVar("T")

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"


def encode(payload: Any) -> bytes:
    """Compact UTF-8 JSON, the exact bytes the API sends."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def strong_etag(body: bytes) -> str:
    """A strong validator: a hash of the exact bytes sent."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def collection_response(
    found: Sequence[T],
    represent: Callable[[T], Representation],
    limit: int,
    offset: int,
    **filters: Any,
) -> Response:
    """A page of ``found`` at the current URL, with its links also in a ``Link`` header."""
    body = page(found, represent, request.script_root + request.path, limit, offset, **filters)
    response = json_response(body)
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in body["links"].items() if url is not None
    )
    return response


def json_response(payload: Any, *, cacheable: bool = True) -> Response:
    """A 200 with a strong ETag, or a 304 when ``If-None-Match`` already holds it.

    ``cacheable=False`` is for live status that no cache may keep.
    """
    return bytes_response(encode(payload), JSON, cacheable=cacheable)


def bytes_response(body: bytes, mimetype: str, *, cacheable: bool = True) -> Response:
    """``body`` as ``mimetype`` with a strong ETag; a 304 when ``If-None-Match`` holds it."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(strong_etag(body))
    if cacheable:
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["CACHE_MAX_AGE"]
    else:
        response.cache_control.no_store = True
    return response.make_conditional(request)
