"""RFC 9457 problem details for every error, and their place in the OpenAPI document."""

from __future__ import annotations

import http
from typing import Any

from flask import Response, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from article_data_api.encoding import encode
from article_data_api.negotiation import PROBLEM_JSON
from article_data_api.schemas.resources import ProblemSchema

UNKNOWN_FIELD = "Unknown field."


def invalid_params(messages: dict[str, dict[str, list[str]]]) -> list[dict[str, str]]:
    """webargs' ``{location: {name: [messages]}}`` as RFC 9457 ``invalid_params`` entries."""
    return [
        {
            "name": name,
            "location": location,
            "reason": "unknown parameter"
            if reasons == [UNKNOWN_FIELD]
            else "; ".join(str(reason) for reason in reasons),
        }
        for location, fields in messages.items()
        for name, reasons in sorted(fields.items())
    ]


def problem_response(
    status: int, detail: str, headers: dict[str, str] | None = None, **extensions: Any
) -> Response:
    """An ``application/problem+json`` response for ``status``."""
    problem = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extensions,
    }
    return Response(encode(problem), status=status, headers=headers, mimetype=PROBLEM_JSON)


class ProblemApi(Api):
    """flask-smorest's Api, answering every HTTP error with problem details."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        headers = dict(data.get("headers") or {})
        if getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        status = error.code or 500
        if "messages" in data:
            params = invalid_params(data["messages"])
            names = ", ".join(param["name"] for param in params)
            return problem_response(
                status, f"Invalid parameters: {names}.", headers, invalid_params=params
            )
        detail = data.get("message") or error.description or http.HTTPStatus(status).description
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

    def _register_pagination_header(self) -> None:
        """Skip flask-smorest's X-Pagination header: pages link in the body and Link."""
