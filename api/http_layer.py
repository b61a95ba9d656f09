"""HTTP semantics and the response cache, in one WSGI layer in front of Flask's dispatch.

Every request passes through here first. It is matched to its route, its query string is
parsed once (the view receives exactly these arguments, and the cache key is made of
them), its representation is negotiated among those the route offers, and the snapshot
it reads is pinned, so that a request finishes on the snapshot it began with. Then strong
ETags and 304s, gzip, CORS, ``Vary`` and ``nosniff`` are applied in one place. A cached
response is served without entering Flask at all.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

import orjson
from flask_caching.backends import NullCache
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.routing import Map, MapAdapter, RequestRedirect

from article_data_api.blueprint import (
    ARGS_KEY,
    BASE_URL_KEY,
    MATCH_KEY,
    MEDIA_TYPE_KEY,
    Match,
    routes_of,
)
from article_data_api.cache_backends import log_cache_failure
from article_data_api.config import public_base_url
from article_data_api.errors import invalid_detail, problem_document
from article_data_api.negotiation import HTML, LD_JSON, PROBLEM_JSON, negotiate
from article_data_api.page_responses import problem_page
from article_data_api.query import InvalidQuery, parse_query_string
from article_data_api.response_cache import cache_of
from article_data_api.store import (
    ENVIRON_KEY,
    RETRY_AFTER,
    SnapshotStore,
    store_of,
    unservable,
)
from article_data_api.store.layout import SnapshotError

if TYPE_CHECKING:
    from article_data_api.app import ArticleDataApp

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
ALLOWED_REQUEST_HEADERS = "Accept, If-Match, If-None-Match, X-Request-ID"
HTML_UTF8 = f"{HTML}; charset=utf-8"
COMMON_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
    ("Vary", "Accept, Accept-Encoding"),
]
# Every HTML response's Content-Security-Policy. The pages run no script at all (the
# JSON-LD block is data, which a policy does not govern) and may be framed by no one;
# embeds, made to be framed, by anyone. Swagger UI runs its own files and styles itself
# inline.
_POLICY = (
    "default-src 'none'; script-src {script}; style-src {style}; img-src 'self' data:;"
    " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
)
PAGE_POLICY = _POLICY.format(script="'none'", style="'self'", ancestors="'none'")
EMBED_POLICY = _POLICY.format(script="'none'", style="'self'", ancestors="*")
DOCS_POLICY = _POLICY.format(script="'self'", style="'self' 'unsafe-inline'", ancestors="'none'")
RETRY_CACHE_AFTER_SECONDS = 1.0
MOUNT_POINTS_KEPT = 8
# Longer Accept headers are refused: parsing one costs in proportion to its length.
MAX_ACCEPT_CHARACTERS = 1024
# The request's own limits, checked before anything else reads it (the server's buffer
# holds a head of up to 64 KiB; see api.server).
MAX_REQUEST_TARGET_BYTES = 4094  # path and query string, percent-encoding decoded
MAX_HEADER_FIELDS = 50
MAX_HEADER_FIELD_BYTES = 8190  # name, ": " and value
# The layout of a cached response: magic, then the length of a JSON head, then the head,
# the body and the gzip body. Nothing in it can execute, unlike a pickle.
CACHE_MAGIC = b"ADA1"

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

    @classmethod
    def problem(
        cls,
        status: int,
        detail: str,
        instance: str | None,
        headers: Sequence[tuple[str, str]] = (),
        **extensions: Any,
    ) -> Rendered:
        document = problem_document(status, detail, instance, **extensions)
        line = f"{status} {json.loads(document)['title']}"
        return cls(line, [("Content-Type", PROBLEM_JSON), *headers], document, None)

    @property
    def cacheable(self) -> bool:
        return self.etag is not None and any(
            k.lower() == "cache-control" and "public" in v for k, v in self.headers
        )

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "content-type"), "")

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith(HTML)

    @property
    def is_problem(self) -> bool:
        return self.content_type == PROBLEM_JSON

    @property
    def compressible(self) -> bool:
        return len(self.body) >= GZIP_MIN_BYTES and self.content_type.startswith(COMPRESSIBLE)

    def with_gzip(self) -> Rendered:
        zipped = gzip.compress(self.body, compresslevel=6, mtime=0)  # mtime=0: same bytes anywhere
        return self._replace(gzip_body=zipped, gzip_etag=self.etag and _etag(zipped))

    def to_bytes(self) -> bytes:
        head = orjson.dumps([self.status, self.headers, self.etag, self.gzip_etag, len(self.body)])
        return b"".join(
            [CACHE_MAGIC, struct.pack(">I", len(head)), head, self.body, self.gzip_body or b""]
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Rendered:
        """Raise ValueError unless ``data`` is a response this layer cached."""
        if not isinstance(data, bytes) or data[:4] != CACHE_MAGIC or len(data) < 8:
            raise ValueError("not a cached response")
        (head_length,) = struct.unpack(">I", data[4:8])
        status, headers, etag, gzip_etag, body_length = orjson.loads(data[8 : 8 + head_length])
        start = 8 + head_length
        body = data[start : start + body_length]
        zipped = data[start + body_length :]
        if len(body) != body_length or (gzip_etag is None) != (not zipped):
            raise ValueError("truncated cached response")
        return cls(
            status,
            [(str(k), str(v)) for k, v in headers],
            body,
            etag,
            zipped or None,
            gzip_etag,
        )


def _etag(body: bytes) -> str:
    # SHA-256 runs in the CPU's SHA instructions: faster than BLAKE2 on a page's bytes.
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _accepts_gzip(accept_encoding: str) -> bool:
    if "gzip" not in accept_encoding and "*" not in accept_encoding:
        return False
    if ";" not in accept_encoding:  # no weights: listed means accepted
        return True
    return parse_accept_header(accept_encoding)["gzip"] > 0


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison, a list of tags, or ``*``."""
    tags = parse_etags(if_none_match)
    return tags.star_tag or tags.contains_weak(etag.strip('"'))


def _matches_strongly(if_match: str, etag: str) -> bool:
    """RFC 9110 If-Match: strong comparison (a weak tag never matches), a list, or ``*``.
    A list of no tags at all (an empty header) states no condition: what a client sends
    before it holds a tag."""
    if not if_match.strip(", \t"):
        return True
    tags = parse_etags(if_match)
    return tags.star_tag or tags.contains(etag.strip('"'))


class HttpLayer:
    """WSGI middleware: routing, query parsing, negotiation, the response cache, ETags,
    gzip and CORS."""

    def __init__(self, app: ArticleDataApp, cache: Any, store: SnapshotStore) -> None:
        self.app = app
        self.respond = app.respond
        configured = app.config.get("PUBLIC_BASE_URL")
        self.public_base_url = public_base_url(configured) if configured else ""
        self.url_map: Map = app.url_map
        self.routes = routes_of(app)
        # None when caching is off (NullCache): nothing is looked up or serialized.
        self.cache = None if isinstance(cache, NullCache) else cache
        self.store = store
        self.cache_retry_at = 0.0
        self.adapters: dict[str, MapAdapter] = {}

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        over = _over_limits(environ) or _bad_host(environ)
        if over is not None:
            return self._send(over, environ, start_response)
        method = environ["REQUEST_METHOD"]
        if method == "OPTIONS":
            return self._options(environ, start_response)
        if method not in ("GET", "HEAD"):
            return self._send(self._render(environ), environ, start_response)  # 405
        rendered, key = self._prepare(environ)
        if rendered is not None:
            return self._send(rendered, environ, start_response)
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

    def _prepare(self, environ: dict) -> tuple[Rendered | None, str | None]:
        """Match, parse and negotiate; pin the snapshot. Return a problem to answer at
        once, or the cache key (None: let Flask answer, uncached)."""
        script_name, path = environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "")
        instance = script_name + path
        adapter = self._adapter(script_name)
        try:
            rule, view_args = adapter.match(path, "GET", return_rule=True)
        except RequestRedirect as redirect:
            return _redirect(redirect, environ), None
        except HTTPException:
            return None, None  # Flask answers the 404
        route = self.routes.get(rule.endpoint)
        if route is None:
            return None, None
        environ[MATCH_KEY] = Match(adapter, rule, view_args, route.view)
        query = environ.get("QUERY_STRING", "")
        if route.static:
            query_key = ""  # an asset's cache-busting query changes nothing
        elif route.query is None:
            if query:
                return self._invalid(_no_parameters(query), instance), None
            query_key = ""
        else:
            try:
                args = route.query.load(query)
            except InvalidQuery as error:
                return self._invalid(error, instance), None
            environ[ARGS_KEY] = args
            query_key = route.query.key(args)
        accept = environ.get("HTTP_ACCEPT", "")
        if route.static:
            return None, f"static {instance}"
        if len(accept) > MAX_ACCEPT_CHARACTERS:
            detail = f"The Accept header is over {MAX_ACCEPT_CHARACTERS} characters."
            return Rendered.problem(400, detail, instance), None
        media_type = negotiate(accept, route.offered)
        if media_type is None:
            detail = f"This resource is available as {' or '.join(route.offered)}."
            return Rendered.problem(406, detail, instance), None
        environ[MEDIA_TYPE_KEY] = media_type
        base = ""
        if media_type == LD_JSON or route.absolute:
            # JSON-LD ids (and a page's links) are absolute: the cached bytes depend on
            # the API's own URL.
            base = environ[BASE_URL_KEY] = self.public_base_url or _base_url(environ)
        version = ""
        if route.reads_store:
            try:
                snapshot = self.store.current()
            except SnapshotError as error:
                retry = [("Retry-After", RETRY_AFTER)]
                return Rendered.problem(503, unservable(error), instance, retry), None
            environ[ENVIRON_KEY] = snapshot
            version = snapshot.version
        return None, f"{version} {media_type}{base} {instance}?{query_key}"

    def _adapter(self, script_name: str) -> MapAdapter:
        """The routes bound to a mount point, made once per mount point (an app is mounted
        at one or two; the server, never the client, sets SCRIPT_NAME)."""
        adapter = self.adapters.get(script_name)
        if adapter is None:
            if len(self.adapters) >= MOUNT_POINTS_KEPT:
                self.adapters.clear()
            adapter = self.adapters[script_name] = self.url_map.bind("localhost", script_name)
        return adapter

    @staticmethod
    def _invalid(error: InvalidQuery, instance: str) -> Rendered:
        detail = invalid_detail(error.params)
        return Rendered.problem(400, detail, instance, invalid_params=error.params)

    @staticmethod
    def _wants_gzip(environ: dict, rendered: Rendered) -> bool:
        return rendered.compressible and _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))

    def _cache_get(self, key: str) -> Rendered | None:
        if self.cache is None or time.monotonic() < self.cache_retry_at:
            return None
        try:
            data = self.cache.get(key)
        except Exception as error:  # any backend failure: serve uncached rather than fail
            self._cache_failed("get", error)
            return None
        if data is None:
            return None
        try:
            return Rendered.from_bytes(data)
        except (ValueError, TypeError, struct.error):
            log.warning(
                "ignored an unreadable response cache entry", extra={"fields": {"key": key}}
            )
            return None

    def _cache_set(self, key: str, rendered: Rendered) -> None:
        if self.cache is None or time.monotonic() < self.cache_retry_at:
            return
        try:
            self.cache.set(key, rendered.to_bytes())
        except Exception as error:  # any backend failure: the response is still correct
            self._cache_failed("set", error)

    def _cache_failed(self, operation: str, error: Exception) -> None:
        """Serve uncached for a moment rather than wait on a failing backend every request."""
        log_cache_failure(
            log,
            f"response cache {operation} failed",
            error,
            f"; serving uncached for {RETRY_CACHE_AFTER_SECONDS:.0f}s",
        )
        self.cache_retry_at = time.monotonic() + RETRY_CACHE_AFTER_SECONDS

    def _render(self, environ: dict) -> Rendered:
        """Run the Flask app and keep the whole response."""
        response = self.respond(environ)
        if not response.is_streamed:
            # Bytes in memory, which is what every view but the files' returns: taken as
            # they are (werkzeug's WSGI conversion only adds a Content-Length, set later).
            headers = response.headers.to_wsgi_list()
            return Rendered.from_app(response.status, headers, response.get_data())
        chunks, status, headers = response.get_wsgi_response(environ)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return Rendered.from_app(status, headers, body)

    def _send(self, rendered: Rendered, environ: dict, start_response: StartResponse) -> list:
        if rendered.is_problem and self._answers_a_person(environ):
            rendered = self._as_page(rendered, environ)
        body, etag = rendered.body, rendered.etag
        headers = [*rendered.headers, *COMMON_HEADERS]
        if rendered.is_html:
            headers.append(("Content-Security-Policy", _policy(environ.get("PATH_INFO", ""))))
        if rendered.gzip_body is not None and self._wants_gzip(environ, rendered):
            body, etag = rendered.gzip_body, rendered.gzip_etag
            headers.append(("Content-Encoding", "gzip"))
        if etag is not None:
            # RFC 9110 13.2.2: If-Match first, then If-None-Match; both only on a 200,
            # so an error keeps its own answer.
            if_match = environ.get("HTTP_IF_MATCH")
            if if_match is not None and not _matches_strongly(if_match, etag):
                detail = "If-Match holds no current ETag of this resource: it has changed since."
                instance = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
                return self._send(Rendered.problem(412, detail, instance), environ, start_response)
            headers.append(("ETag", etag))
            if_none_match = environ.get("HTTP_IF_NONE_MATCH")
            if if_none_match and _matches(if_none_match, etag):
                kept = [(k, v) for k, v in headers if k.lower() != "content-type"]
                start_response("304 Not Modified", kept)
                return []
        headers.append(("Content-Length", str(len(body))))
        start_response(rendered.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _answers_a_person(self, environ: dict) -> bool:
        """Whether the request was for an HTML page (or embed) by a client that takes
        HTML: a person who followed a link, or an iframe, is shown a page, not JSON. A
        client that asks for JSON, and every API route, keep the problem as it is."""
        match = environ.get(MATCH_KEY)
        route = self.routes.get(match.rule.endpoint) if match is not None else None
        accept = environ.get("HTTP_ACCEPT", "")
        return (
            route is not None
            and HTML in route.offered
            and len(accept) <= MAX_ACCEPT_CHARACTERS
            and negotiate(accept, (HTML, PROBLEM_JSON)) == HTML
        )

    def _as_page(self, rendered: Rendered, environ: dict) -> Rendered:
        """The problem drawn as a page, its status and other headers kept."""
        with self.app.app_context():
            body = problem_page(orjson.loads(rendered.body), environ.get("SCRIPT_NAME", ""))
        headers = [(k, v) for k, v in rendered.headers if k.lower() != "content-type"]
        return rendered._replace(headers=[("Content-Type", HTML_UTF8), *headers], body=body)

    def _options(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        """Answer CORS preflights (and plain OPTIONS) for every route that exists."""
        try:
            self._adapter(environ.get("SCRIPT_NAME", "")).match(environ.get("PATH_INFO", ""), "GET")
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


def _policy(path: str) -> str:
    if path.startswith("/embed/"):
        return EMBED_POLICY
    return DOCS_POLICY if path.startswith("/docs/") else PAGE_POLICY


def _redirect(redirect: RequestRedirect, environ: dict) -> Rendered:
    """The routing's redirect (``/docs`` to ``/docs/``) as a relative Location: the
    client's Host header never becomes part of an answer."""
    location = urlsplit(redirect.new_url).path
    query = environ.get("QUERY_STRING", "")
    return Rendered(
        "308 Permanent Redirect",
        [("Location", location + (f"?{query}" if query else ""))],
        b"",
        None,
    )


def _over_limits(environ: dict) -> Rendered | None:
    """A 414 or 431 problem for a request over the documented limits, or None."""
    path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
    if len(path) + len(query) > MAX_REQUEST_TARGET_BYTES:
        detail = f"The path and query string are over {MAX_REQUEST_TARGET_BYTES} bytes."
        return Rendered.problem(414, detail, None)
    fields = [
        (name, value)
        for name, value in environ.items()
        if name.startswith("HTTP_") or name in ("CONTENT_TYPE", "CONTENT_LENGTH")
    ]
    if len(fields) > MAX_HEADER_FIELDS:
        detail = f"The request has over {MAX_HEADER_FIELDS} header fields."
        return Rendered.problem(431, detail, None)
    for name, value in fields:
        if len(name.removeprefix("HTTP_")) + 2 + len(value) > MAX_HEADER_FIELD_BYTES:
            shown = name.removeprefix("HTTP_").replace("_", "-").title()
            detail = f"The {shown} header field is over {MAX_HEADER_FIELD_BYTES} bytes."
            return Rendered.problem(431, detail, None)
    return None


# A Host the API writes into its absolute URLs as it came: a DNS name, an IPv4 or a
# bracketed IPv6 address, and a port. Any other valid one (a name with "_", say) gets
# the server's own name instead.
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
# RFC 3986's host (a registered name, an IPv4 or a bracketed IP literal) and port, less
# the comma: the server joins two Host fields with one, and no real name holds it.
_VALID_HOST = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+;=%-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?")


def _bad_host(environ: dict) -> Rendered | None:
    """The 400 problem RFC 9112 (3.2) requires for an HTTP/1.1 request with no Host, and
    for any request with two Host fields or one that is not a host: otherwise absolute
    URLs would name a host the client never asked for."""
    host = environ.get("HTTP_HOST", "")  # the server gives a missing Host as empty
    if _VALID_HOST.fullmatch(host):
        return None
    if host:
        detail = "The request has two Host header fields, or one that is not a host and port."
        return Rendered.problem(400, detail, None)
    if environ.get("SERVER_PROTOCOL") == "HTTP/1.1":  # HTTP/1.0 and HTTP/2 need none
        return Rendered.problem(400, "The Host header field is missing.", None)
    return None


def _base_url(environ: dict) -> str:
    """The URL the API is reached at, from the request: its scheme, its Host (when it is
    a host name, an IPv4 or a bracketed IPv6 address, with an optional port; else the
    server's own name) and the mount point."""
    host = environ.get("HTTP_HOST", "")
    if not _HOST.fullmatch(host):
        host = f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('SCRIPT_NAME', '')}"


def _no_parameters(query: str) -> InvalidQuery:
    """The problem with any query given to a resource that takes no parameters."""
    try:
        names = dict.fromkeys(parse_query_string(query).keys())
    except InvalidQuery as error:
        return error
    reason = "unknown parameter: this resource takes no query parameters"
    return InvalidQuery([{"name": name, "location": "query", "reason": reason} for name in names])


def init_app(app: ArticleDataApp) -> None:
    """Put the HTTP layer in front of Flask's dispatch, once every route is registered:
    it takes the place of Flask's ``wsgi_app`` and runs the dispatch itself."""
    app.wsgi_app = HttpLayer(app, cache_of(app).cache, store_of(app))
