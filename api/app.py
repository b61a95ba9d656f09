"""The application factory: each part of the app registers itself, in order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.ctx import RequestContext

from article_data_api import blueprint, http_layer, logs, openapi, response_cache, store
from article_data_api.blueprint import MATCH_KEY
from article_data_api.config import base_config, settings_from_env
from article_data_api.resources import docs, pages, register_resources


class MatchedRequestContext(RequestContext):
    """Flask's request context, taking the route the HTTP layer has already matched
    (api.http_layer) instead of matching it a second time: a cold request's largest
    cost after the view itself."""

    def match_request(self) -> None:
        matched = self.request.environ.get(MATCH_KEY)
        if matched is None:
            super().match_request()
        else:
            self.request.url_rule, self.request.view_args = matched


class ArticleDataApp(Flask):
    def request_context(self, environ: dict) -> RequestContext:
        return MatchedRequestContext(self, environ)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by ``config``.

    When the snapshot folder has no snapshot of the corpus yet, one is built first, so
    an invalid corpus raises CorpusError here.
    """
    # The pages' assets are served by api.resources.pages, cached like every response.
    app = ArticleDataApp(__name__, static_folder=None)
    app.config.from_mapping(base_config())
    app.config.from_mapping(settings_from_env())
    app.config.from_mapping(config or {})
    store.init_app(app)
    response_cache.init_app(app)
    api = blueprint.init_app(app)
    register_resources(api)
    openapi.init_app(app, api)
    docs.init_app(app)
    pages.init_app(app)
    http_layer.init_app(app)
    logs.init_app(app)
    return app
