"""The application factory: each part of the app registers itself, in order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Request, Response, request
from flask.ctx import RequestContext
from flask.typing import ResponseReturnValue
from werkzeug.routing import MapAdapter

from article_data_api import blueprint, http_layer, logs, openapi, response_cache, store
from article_data_api.blueprint import ARGS_KEY, MATCH_KEY
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
            self.request.url_rule, self.request.view_args = matched.rule, matched.view_args


class ArticleDataApp(Flask):
    def request_context(self, environ: dict) -> RequestContext:
        return MatchedRequestContext(self, environ)

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """The routes bound to the request's mount point, as the HTTP layer bound them to
        match it, rather than bound again for every request. ``url_for`` builds the same
        paths with it; the API never asks it for an absolute URL (those come from
        PUBLIC_BASE_URL or the request, in api.http_layer)."""
        matched = request.environ.get(MATCH_KEY) if request is not None else None
        if matched is None:
            return super().create_url_adapter(request)
        return matched.adapter

    def start_worker(self) -> None:
        """What a server worker starts as it begins to serve this app: the store's own
        look for new snapshots."""
        store.store_of(self).keep_fresh()

    def respond(self, environ: dict) -> Response:
        """Flask's ``wsgi_app``, returning the response instead of calling it: the HTTP
        layer keeps responses whole (to cache them and set their ETags), and a WSGI round
        trip to get one cost a tenth of an uncached request."""
        context = self.request_context(environ)
        error: Exception | None = None
        try:
            context.push()
            return self.full_dispatch_request()
        except Exception as caught:
            error = caught
            return self.handle_exception(caught)
        finally:
            if error is not None and self.should_ignore_error(error):
                error = None
            context.pop(error)

    def dispatch_request(self) -> ResponseReturnValue:
        """Call the view the HTTP layer matched with the arguments it parsed, without its
        contract's wrappers (api.blueprint.view_of): they would only parse those arguments
        again and pass the Response through, yet cost a fifth of an uncached request."""
        matched = request.environ.get(MATCH_KEY)
        if matched is None or matched.view is None or request.routing_exception is not None:
            return super().dispatch_request()
        return matched.view(request.environ.get(ARGS_KEY), request.view_args)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by ``config``.

    When the snapshot folder has no snapshot of the corpus yet, one is built first, so
    an invalid corpus raises CorpusError here.
    """
    # The pages' assets are served by api.resources.pages, cached like every response.
    app = ArticleDataApp(__name__, static_folder=None)
    # Werkzeug would redirect /v1/articles//sections to /v1/articles/sections, another
    # resource (the article "sections"): a doubled slash is a 404 instead.
    app.url_map.merge_slashes = False
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
