"""RFC 9457 problem details for every error, and their place in the OpenAPI document."""

from __future__ import annotations

import http
import logging
from typing import Any

from flask import Flask, Response, current_app, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from article_data_api.encoding import encode
from article_data_api.negotiation import JSON, PROBLEM_JSON
from article_data_api.query import invalid_params
from article_data_api.schemas.resources import ProblemSchema
from article_data_api.store import RETRY_AFTER, current_store
from article_data_api.store.layout import SnapshotError
from article_data_api.store.snapshot import DamagedRecords, PageError

log = logging.getLogger(__name__)


def problem_document(
    status: int, detail: str, instance: str | None = None, **extensions: Any
) -> bytes:
    """The JSON bytes of a problem for ``status``."""
    problem: dict[str, Any] = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        problem["instance"] = instance
    return encode(problem | extensions)


def problem_response(
    status: int, detail: str, headers: dict[str, str] | None = None, **extensions: Any
) -> Response:
    """An ``application/problem+json`` response for ``status``."""
    document = problem_document(status, detail, request.script_root + request.path, **extensions)
    return Response(document, status=status, headers=headers, mimetype=PROBLEM_JSON)


def invalid_detail(params: list[dict[str, Any]]) -> str:
    """The detail of a 400 that lists ``params``: ``Invalid parameters: limit, q.``, a
    parameter with no name (``?=1``) shown as ``''``."""
    return "Invalid parameters: " + ", ".join(p["name"] or "''" for p in params) + "."


def bad_parameter(error: PageError) -> Response:
    """A query parameter that parsed, but that the data cannot honour."""
    params = [{"name": error.parameter, "location": "query", "reason": error.reason}]
    return problem_response(400, invalid_detail(params), invalid_params=params)


def snapshot_gone(error: SnapshotError) -> Response:
    """A file of the snapshot a request began on, gone before the request could open it:
    the snapshot was removed while served. The next request finds the current one."""
    log.error("a request's snapshot is gone: %s", error)
    detail = "The snapshot this request read is no longer on disk: ask again."
    return problem_response(503, detail, {"Retry-After": RETRY_AFTER})


def records_damaged(error: DamagedRecords) -> Response:
    """A records file of the served snapshot that cannot be read: no answer from it can be
    trusted, and only a rebuild mends it."""
    log.error("the snapshot's records cannot be read: %s", error)
    detail = f"The snapshot's records cannot be read ({error}): the operator must rebuild it."
    return problem_response(503, detail)


def _detail(status: int, error: HTTPException) -> str:
    """Our own words for errors raised without a message (never Werkzeug's stock text)."""
    path = request.script_root + request.path
    if status == 404:
        detail = f"There is no resource at {path}."
        nearby = _nearby_route()
        return detail + (f" Did you mean {request.script_root + nearby}?" if nearby else "")
    if status == 405:
        allowed = ", ".join(
            sorted(getattr(error, "valid_methods", None) or ["GET", "HEAD", "OPTIONS"])
        )
        return f"{request.method} is not allowed at {path}: use {allowed}."
    return http.HTTPStatus(status).description


def _nearby_route() -> str | None:
    """The path this one was probably meant to be: without a trailing slash, or in lower
    case (ids are lower-case slugs), if that path has a route and what it names exists."""
    adapter = current_app.url_map.bind("localhost", request.script_root)
    path = request.path
    for candidate in dict.fromkeys([path.rstrip("/"), path.lower(), path.lower().rstrip("/")]):
        if candidate and candidate != path:
            try:
                _, ids = adapter.match(candidate, "GET")
            except HTTPException:
                continue
            return candidate if _names_something(ids) else None
    return None


def _names_something(ids: dict[str, str]) -> bool:
    """Whether every id of a route's path is in the store: a suggested path that only
    leads to another 404 helps nobody."""
    article_id, organization_id = ids.get("article_id"), ids.get("organization_id")
    try:
        store = current_store()
        if article_id is None:
            return organization_id is None or store.has_organization(organization_id)
        return store.has_article(article_id) and (
            ("section_id" not in ids or store.section(article_id, ids["section_id"]) is not None)
            and (
                "event_id" not in ids or store.event(article_id, ids["event_id"], JSON) is not None
            )
            and (
                organization_id is None
                or store.article_organization(article_id, organization_id, JSON) is not None
            )
        )
    except (SnapshotError, DamagedRecords):  # the 404 stands; an unchecked guess does not
        return False


class ProblemApi(Api):
    """flask-smorest's Api, answering every HTTP error with problem details."""

    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app: Flask, *args: Any, **kwargs: Any) -> None:
        super().init_app(app, *args, **kwargs)
        app.register_error_handler(PageError, bad_parameter)
        app.register_error_handler(SnapshotError, snapshot_gone)
        app.register_error_handler(DamagedRecords, records_damaged)

    def handle_http_exception(self, error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        headers = dict(data.get("headers") or {})
        if getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        status = error.code or 500
        if "messages" in data:
            params = [
                entry
                for messages in data["messages"].values()
                for entry in invalid_params(messages, {})
            ]
            return problem_response(status, invalid_detail(params), headers, invalid_params=params)
        detail = data.get("message") or _detail(status, error)
        return problem_response(status, detail, headers)

    def _register_responses(self) -> None:
        """Document every error response as ``application/problem+json``.

        Overrides flask-smorest's hook, which would give them its own content type.
        """
        errors = [(status.name, status.phrase) for status in http.HTTPStatus if status >= 400]
        for name, description in [*errors, ("DEFAULT_ERROR", "Any other error")]:
            response: dict[str, Any] = {"description": description, "schema": self.ERROR_SCHEMA}
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(name, response, lazy=True)

    def _register_etag_headers(self) -> None:
        """The conditional headers every GET honours, both optional (flask-smorest's own
        If-Match is required, as for its writes)."""
        conditions = {
            "IF_NONE_MATCH": (
                "If-None-Match",
                "An ETag (or a list, or *): a 304 while it is current",
            ),
            "IF_MATCH": ("If-Match", "An ETag (or a list, or *): a 412 unless it is current"),
        }
        for component, (name, description) in conditions.items():
            header = {"name": name, "description": description, "schema": {"type": "string"}}
            self.spec.components.parameter(component, "header", header, lazy=True)

    def _register_pagination_header(self) -> None:
        """Skip flask-smorest's X-Pagination header: pages link in the body and Link."""
