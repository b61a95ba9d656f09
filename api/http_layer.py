"""HTTP semantics and the response cache, in one WSGI layer in front of Flask's dispatch.

Every response passes through here: strong ETags and 304s, gzip, CORS, ``Vary`` and
``nosniff`` are applied in one place. A cached response is served without entering
Flask at all: the hot path is a dictionary lookup, a cache get and a write of bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

from flask import Flask
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.routing import Map, RequestRedirect

from article_data_api.blueprint import query_schemas
from article_data_api.negotiation import negotiate
from article_data_api.response_cache import cache_of

log = logging.getLogger(__name__)

GZIP_MIN_BYTES = 1024
COMPRESSIBLE = (
    "application/json",
    "application/ld+json",
    "application/problem+json",
    "application/yaml",
    "application/javascript",
    "text/",
)
EXPOSED_HEADERS = "ETag, Link, X-Request-ID"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PREFLIGHT_MAX_AGE = "86400"
ALLOWED_REQUEST_HEADERS = "Accept, If-None-Match, X-Request-ID"
COMMON_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
    ("Vary", "Accept, Accept-Encoding"),
]
RETRY_CACHE_AFTER_SECONDS = 1.0

StartResponse = Callable[..., Any]


class Rendered(NamedTuple):
    """A response as cached: its bytes and their ETag, and the gzip bytes and their ETag
    once a client has asked for them."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    gzip_body: bytes | None = None
    gzip_etag: str | None = None

    @classmethod
    def from_app(cls, status: str, headers: list[tuple[str, str]], body: bytes) -> Rendered:
        kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "etag", "vary")]
        return cls(status, kept, body, _etag(body) if status.startswith("200") else None)

    @property
    def cacheable(self) -> bool:
        return self.etag is not None and any(
            k.lower() == "cache-control" and "public" in v for k, v in self.headers
        )

    @property
    def compressible(self) -> bool:
        content_type = next((v for k, v in self.headers if k.lower() == "content-type"), "")
        return len(self.body) >= GZIP_MIN_BYTES and content_type.startswith(COMPRESSIBLE)

    def with_gzip(self) -> Rendered:
        zipped = gzip.compress(self.body, compresslevel=6, mtime=0)  # mtime=0: same bytes anywhere
        return self._replace(gzip_body=zipped, gzip_etag=self.etag and _etag(zipped))


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


@lru_cache(maxsize=256)
def _accepts_gzip(accept_encoding: str) -> bool:
    return parse_accept_header(accept_encoding)["gzip"] > 0


@lru_cache(maxsize=1024)
def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison, a list of tags, or ``*``."""
    tags = parse_etags(if_none_match)
    return tags.star_tag or tags.contains_weak(etag.strip('"'))


class HttpLayer:
    """WSGI middleware: conditional GETs, gzip, CORS and the shared response cache."""

    def __init__(
        self,
        wsgi_app: Callable,
        url_map: Map,
        query_schemas: dict[str, Schema],
        cache: Any,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.url_map = url_map
        self.query_schemas = query_schemas
        self.cache = cache
        self.cache_retry_at = 0.0
        self.cache_key = lru_cache(maxsize=4096)(self._cache_key)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method == "OPTIONS":
            return self._options(environ, start_response)
        if method not in ("GET", "HEAD"):
            return self._send(self._render(environ), environ, start_response)  # 405
        key = None
        media_type = negotiate(environ.get("HTTP_ACCEPT", ""))
        if media_type is not None:  # else Flask answers 406
            key = self.cache_key(
                media_type,
                environ.get("SCRIPT_NAME", ""),
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
            )
        rendered = self._cache_get(key) if key else None
        changed = rendered is None
        if rendered is None:
            rendered = self._render({**environ, "REQUEST_METHOD": "GET"})
        if self._wants_gzip(environ, rendered) and rendered.gzip_body is None:
            rendered = rendered.with_gzip()  # compressed once, on first demand, then cached
            changed = True
        if changed and key and rendered.cacheable:
            self._cache_set(key, rendered)
        return self._send(rendered, environ, start_response)

    @staticmethod
    def _wants_gzip(environ: dict, rendered: Rendered) -> bool:
        return rendered.compressible and _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))

    def _cache_key(self, media_type: str, script_name: str, path: str, query: str) -> str | None:
        """The key of a GET: the representation negotiated, the path and the query as its
        schema validates and normalizes it; None when the request is not a valid API read
        (Flask then answers it, uncached)."""
        try:
            endpoint, _ = self.url_map.bind("localhost", script_name).match(path, "GET")
        except (HTTPException, RequestRedirect):
            return None
        args = MultiDict(
            parse_qsl(query, keep_blank_values=True)
        ).to_dict()  # first values, as webargs
        schema = self.query_schemas.get(endpoint)
        if schema is None:
            return None if args else f"{media_type} {script_name}{path}"
        try:
            normalized = schema.dump(schema.load(args))
        except ValidationError:
            return None
        return f"{media_type} {script_name}{path}?{urlencode(sorted(normalized.items()))}"

    def _cache_get(self, key: str) -> Rendered | None:
        if time.monotonic() < self.cache_retry_at:
            return None
        try:
            return self.cache.get(key)
        except Exception:  # any backend failure: serve uncached rather than fail
            self._cache_failed("get")
            return None

    def _cache_set(self, key: str, rendered: Rendered) -> None:
        if time.monotonic() < self.cache_retry_at:
            return
        try:
            self.cache.set(key, rendered)
        except Exception:  # any backend failure: the response is still correct
            self._cache_failed("set")

    def _cache_failed(self, operation: str) -> None:
        """Serve uncached for a moment rather than wait on a failing backend every request."""
        log.warning(
            "response cache %s failed; serving uncached for %.0fs",
            operation,
            RETRY_CACHE_AFTER_SECONDS,
            exc_info=True,
        )
        self.cache_retry_at = time.monotonic() + RETRY_CACHE_AFTER_SECONDS

    def _render(self, environ: dict) -> Rendered:
        """Run the Flask app and keep the whole response."""
        captured: list = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured[:] = [status, headers]
            return lambda data: None

        chunks = self.wsgi_app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return Rendered.from_app(captured[0], captured[1], body)

    def _send(self, rendered: Rendered, environ: dict, start_response: StartResponse) -> list:
        body, etag = rendered.body, rendered.etag
        headers = [*rendered.headers, *COMMON_HEADERS]
        if rendered.gzip_body is not None and self._wants_gzip(environ, rendered):
            body, etag = rendered.gzip_body, rendered.gzip_etag
            headers.append(("Content-Encoding", "gzip"))
        if etag is not None:
            headers.append(("ETag", etag))
            if_none_match = environ.get("HTTP_IF_NONE_MATCH")
            if if_none_match and _matches(if_none_match, etag):
                kept = [(k, v) for k, v in headers if k.lower() != "content-type"]
                start_response("304 Not Modified", kept)
                return []
        headers.append(("Content-Length", str(len(body))))
        start_response(rendered.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _options(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        """Answer CORS preflights (and plain OPTIONS) for every route that exists."""
        try:
            self.url_map.bind("localhost", environ.get("SCRIPT_NAME", "")).match(
                environ.get("PATH_INFO", ""), "GET"
            )
        except (HTTPException, RequestRedirect):
            return self._send(self._render(environ), environ, start_response)
        start_response(
            "204 No Content",
            [
                *COMMON_HEADERS,
                ("Allow", ALLOWED_METHODS),
                ("Access-Control-Allow-Methods", ALLOWED_METHODS),
                ("Access-Control-Allow-Headers", ALLOWED_REQUEST_HEADERS),
                ("Access-Control-Max-Age", PREFLIGHT_MAX_AGE),
            ],
        )
        return []


def init_app(app: Flask) -> None:
    """Put the HTTP layer in front of Flask's dispatch, once every route is registered."""
    app.wsgi_app = HttpLayer(app.wsgi_app, app.url_map, query_schemas(app), cache_of(app).cache)
