"""The Blueprint every API resource uses: strict query parsing, content negotiation,
shared lookups, and the documentation every read operation shares."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, NamedTuple, TypeVar

import flask_smorest
from flask import Flask, g, request
from marshmallow import RAISE, Schema, fields
from webargs.flaskparser import FlaskParser
from werkzeug.routing import BaseConverter, MapAdapter, Rule, ValidationError

from article_data_api.errors import ProblemApi
from article_data_api.negotiation import HTML, JSON, LD_JSON, PROBLEM_JSON
from article_data_api.query import QueryParser
from article_data_api.schemas.fields import SLUG_MAX_LENGTH, SLUG_PATTERN, SLUG_REGEX, is_slug
from article_data_api.schemas.resources import LinkedDataSchema

V = TypeVar("V")

HEADER_COMPONENTS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "Strong validator: a hash of the exact bytes of the body",
        "schema": {"type": "string"},
    },
    "CacheControl": {
        "description": "public, max-age=N for API data (N is CACHE_MAX_AGE);"
        " no-store for health checks",
        "schema": {"type": "string"},
        "example": "public, max-age=300",
    },
    "RetryAfter": {
        "description": "Seconds to wait before asking again: the server looks for a newly"
        " published snapshot this often",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "example": "1",
    },
    "Link": {
        "description": "RFC 8288 links to this page (rel=self) and its neighbours"
        " (rel=next, rel=prev), the same as the body's links",
        "schema": {"type": "string"},
        "example": '</v1/articles?limit=1&offset=1>; rel="self", '
        '</v1/articles?limit=1&offset=0>; rel="prev"',
    },
}


# Where the HTTP layer leaves what it parsed and negotiated, for the view.
ARGS_KEY = "article_data_api.args"
MEDIA_TYPE_KEY = "article_data_api.media_type"
BASE_URL_KEY = "article_data_api.base_url"
# What the HTTP layer matched (a ``Match``), so that Flask does not match it again.
MATCH_KEY = "article_data_api.match"
# A view's own function as ``view_of`` makes it: called with the parsed arguments (None
# for a view that takes no query) and the path's values.
ViewFunction = Callable[[Mapping[str, Any] | None, Mapping[str, Any]], Any]


class Route(NamedTuple):
    """What the HTTP layer needs to know of an endpoint before Flask runs it."""

    query: QueryParser | None
    offered: tuple[str, ...]
    reads_store: bool
    static: bool
    # Whether the body holds absolute URLs (an HTML page's JSON-LD and oEmbed links), so
    # that it depends on the API's own URL, like JSON-LD does.
    absolute: bool = False
    # The view's own code, called with the parsed arguments and the path's values (see
    # ``view_of``); None for static routes.
    view: ViewFunction | None = None


class Match(NamedTuple):
    """A request as the HTTP layer matched it: the routes bound to its mount point, the
    rule, the path's values, and the route's own view (None for static routes)."""

    adapter: MapAdapter
    rule: Rule
    view_args: dict[str, Any]
    view: ViewFunction | None


class ParsedQueryParser(FlaskParser):
    """Hands the view the arguments the HTTP layer already parsed and validated (the
    very values its cache key is made of), instead of parsing the query a second time."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict[str, str | None]] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
    }

    def parse(self, argmap: Any, req: Any = None, **kwargs: Any) -> Any:
        parsed = request.environ.get(ARGS_KEY)
        return parsed if parsed is not None else super().parse(argmap, req, **kwargs)


class Blueprint(flask_smorest.Blueprint):
    """A resource's routes: JSON (and JSON-LD where declared), read from the store unless
    ``reads_store`` is False."""

    ARGUMENTS_PARSER = ParsedQueryParser()

    def __init__(self, *args: Any, reads_store: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads_store = reads_store
        self.before_request(negotiate_representation)

    def query(self, schema: type[Schema]) -> Callable:
        """The validated query string, as one ``args`` mapping, the view's argument.

        The schema is remembered on the view, so that the response cache can validate and
        normalize a query before it looks for a cached response.
        """
        # One instance for every request: given a class, webargs would build one per request.
        instance = schema()
        decorate = super().arguments(instance, location="query")

        def decorator(view: Callable) -> Callable:
            wrapped = decorate(view)
            wrapped.query_schema = instance
            return wrapped

        return decorator

    def route(self, rule: str, *, parameters: list | None = None, **options: Any) -> Callable:
        """flask-smorest's route, documenting the If-Match and If-None-Match headers every
        GET honours."""
        conditions = ["IF_MATCH", "IF_NONE_MATCH"]
        return super().route(rule, parameters=[*(parameters or []), *conditions], **options)

    def read(
        self,
        schema: type[Schema],
        *,
        operation_id: str,
        collection: bool = False,
        not_found: bool = False,
        linked_data: bool = False,
        absolute: bool = False,
    ) -> Callable:
        """Document a GET: its 200 (``schema``, headers, and JSON-LD when ``linked_data``),
        304, 406, 412, 414, 431, when ids can be unknown 404, and when it reads the store 503.
        Its examples are added by operation id when the document is rendered
        (api.openapi), so that importing a view loads no data."""
        headers = {"ETag": "ETag", "Cache-Control": "CacheControl"}
        if collection:
            headers["Link"] = "Link"

        def decorator(view: Callable) -> Callable:
            view.reads_store = self.reads_store
            view.offered = (JSON,)
            view.absolute = absolute  # the body holds this API's own absolute URLs
            if linked_data:
                view = self.alt_response(
                    200,
                    schema=LinkedDataSchema,
                    content_type=LD_JSON,
                    description="The schema.org representation, for Accept: application/ld+json",
                    success=True,
                )(view)
                view.offered = (JSON, LD_JSON)
            # Documented with doc() rather than alt_response(): each alt_response adds a
            # wrapper that runs on every request, and these need no code at all.
            responses: dict[int, Any] = {
                304: {
                    "description": "Not Modified: If-None-Match holds the current ETag",
                    "headers": {"ETag": "ETag"},
                },
                406: "NOT_ACCEPTABLE",
                412: "PRECONDITION_FAILED",
                # The HTTP layer answers these before the request is routed.
                414: "REQUEST_URI_TOO_LONG",
                431: "REQUEST_HEADER_FIELDS_TOO_LARGE",
            }
            if not_found:
                responses[404] = "NOT_FOUND"
            if self.reads_store:  # no snapshot can be served, or the request's was removed
                responses[503] = {
                    "description": "Service Unavailable: no snapshot of the archive can be"
                    " served, or the one this request read was removed; ask again after"
                    " Retry-After seconds",
                    "headers": {"Retry-After": "RetryAfter"},
                    "content": {PROBLEM_JSON: {"schema": "Problem"}},
                }
            view = self.doc(operationId=operation_id, responses=responses)(view)
            return self.response(200, schema, headers=headers)(view)

        return decorator


def page(query: type[Schema] | None = None, *, absolute: bool = True) -> Callable:
    """Declare an HTML page's GET (a MethodView's ``get``) to the HTTP layer: served as
    text/html from the store, its query parsed by ``query`` (arriving whole as ``args``),
    its body holding absolute URLs unless ``absolute`` is False. Pages are not API
    operations: they stay out of the OpenAPI document."""
    instance = query() if query is not None else None

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def with_args(self: Any, *args: Any, **kwargs: Any) -> Any:
            if instance is None:
                return view(self, *args, **kwargs)
            return view(self, request.environ[ARGS_KEY], *args, **kwargs)

        with_args.offered = (HTML,)
        with_args.reads_store = True
        with_args.query_schema = instance
        with_args.absolute = absolute
        return with_args

    return decorator


def _get_method(view: Callable | None) -> Callable | None:
    """The decorated ``get`` of a MethodView's view function, where its contract is kept."""
    return getattr(getattr(view, "view_class", None), "get", None)


def query_schema_of(app: Flask, endpoint: str | None) -> Schema:
    """The query schema of an endpoint's GET."""
    return _get_method(app.view_functions.get(endpoint)).query_schema


def routes_of(app: Flask) -> dict[str, Route]:
    """Each endpoint's contract, by endpoint name. Endpoints not declared with ``read``
    (documentation, assets) are static: they take any query and serve any Accept."""
    found = {}
    for endpoint, view in app.view_functions.items():
        get = _get_method(view)
        if hasattr(get, "offered"):
            schema = getattr(get, "query_schema", None)
            parser = None if schema is None else QueryParser(schema)
            absolute = getattr(get, "absolute", False)
            found[endpoint] = Route(
                parser, get.offered, get.reads_store, False, absolute, view_of(view)
            )
        else:
            found[endpoint] = Route(None, (), False, True)
    return found


def view_of(view: Callable) -> ViewFunction:
    """A declared GET's own function, without the wrappers of its contract.

    At run time those wrappers only hand the view its arguments (which the HTTP layer has
    already parsed and validated) and pass its Response through; the decorators stay the
    contract's declaration, read for the OpenAPI document. Called as
    ``view(args, view_args)``, with ``args`` None for a view that takes no query.
    """
    get = inspect.unwrap(_get_method(view))
    instance = view.view_class()  # a MethodView keeps no state between requests

    def call(args: Mapping[str, Any] | None, view_args: Mapping[str, Any]) -> Any:
        if args is None:
            return get(instance, **view_args)
        return get(instance, args, **view_args)

    return call


def negotiate_representation() -> None:
    """The representation chosen for this request (``g.media_type``), negotiated by the
    HTTP layer among those the route offers."""
    g.media_type = request.environ.get(MEDIA_TYPE_KEY) or JSON


class SlugConverter(BaseConverter):
    """Path ids: anything that is not a slug never reaches a view and is a 404."""

    regex = SLUG_REGEX

    def to_python(self, value: str) -> str:
        if not is_slug(value):  # the regex matched; the length is the rest of the rule
            raise ValidationError()
        return value


def init_app(app: Flask) -> ProblemApi:
    """flask-smorest's Api on ``app``, with slug ids in paths and the shared headers."""
    app.url_map.converters["slug"] = SlugConverter
    api = ProblemApi(app)
    api.register_converter(
        SlugConverter,
        lambda _: {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX_LENGTH},
    )
    api.register_field(fields.Url, "string", "uri")
    for name, header in HEADER_COMPONENTS.items():
        api.spec.components.header(name, header)
    return api
