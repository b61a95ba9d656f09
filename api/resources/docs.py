"""The OpenAPI document (JSON and YAML) and its Swagger UI, served with no network."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import (
    Blueprint,
    Flask,
    current_app,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from article_data_api.openapi import documents
from article_data_api.responses import bytes_response, static_file

# Swagger UI's files as the flask-swagger-ui package installs them: no CDN.
SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
YAML = "application/yaml"
JSON = "application/json"

blp = Blueprint("docs", __name__)


@blp.get("/openapi.json")
def openapi_json() -> Response:
    return bytes_response(openapi_document(JSON), JSON)


@blp.get("/openapi.yaml")
def openapi_yaml() -> Response:
    return bytes_response(openapi_document(YAML), YAML)


def openapi_document(media_type: str) -> bytes:
    """The document for where this app is mounted."""
    return documents(current_app).document(request.script_root, media_type)


@blp.get("/")
def home() -> Response:
    """The root leads to the documentation: a relative Location, and no body."""
    return Response(status=302, headers={"Location": url_for("docs.swagger_ui")})


@blp.get("/docs/")
def swagger_ui() -> str:
    return render_template(
        "docs.html",
        title=current_app.config["API_TITLE"],
        version=current_app.config["API_VERSION"],
    )


@blp.get("/docs/<path:filename>")
def swagger_ui_asset(filename: str) -> Response:
    return static_file(SWAGGER_UI_DIST, filename)


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
