"""Article Data API: structured data about news articles as JSON over HTTP."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask_caching import Cache
from marshmallow import fields

from api.blueprint import HEADER_COMPONENTS, SlugConverter, query_schemas
from api.config import BASE_CONFIG, settings_from_env
from api.corpus.corpus import Corpus
from api.errors import ProblemApi
from api.http_layer import HttpLayer
from api.logs import AccessLog
from api.resources import (
    article_organizations,
    articles,
    docs,
    health,
    organizations,
    sections,
    timeline,
)
from schemas.fields import SLUG_MAX_LENGTH, SLUG_PATTERN

log = logging.getLogger(__name__)
BLUEPRINTS = (articles, sections, article_organizations, timeline, organizations, health)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by ``config``.

    Loads and validates the corpus, so an invalid corpus raises CorpusError here.
    """
    app = Flask(__name__)
    app.config.from_mapping(BASE_CONFIG)
    app.config.from_mapping(settings_from_env())
    app.config.from_mapping(config or {})

    corpus = Corpus.load(Path(app.config["ARTICLE_DATA_DIR"]))
    app.extensions["article_data_corpus"] = corpus
    # Keys name the code version and the corpus, so no deployment serves another's data.
    app.config["CACHE_KEY_PREFIX"] = (
        f"article-data-api:{app.config['API_VERSION']}:{corpus.fingerprint}:"
    )
    cache = Cache(app)
    app.extensions["article_data_cache"] = cache
    counts = [article.counts for article in corpus.articles]
    log.info(
        "corpus loaded",
        extra={
            "fields": {
                "corpus": app.config["ARTICLE_DATA_DIR"],
                "articles": len(corpus.articles),
                "sections": sum(c.sections for c in counts),
                "organizations": len(corpus.organizations),
                "events": sum(c.events for c in counts),
                "fingerprint": corpus.fingerprint,
            }
        },
    )

    app.url_map.converters["slug"] = SlugConverter
    api = ProblemApi(app)
    api.register_converter(
        SlugConverter,
        lambda _: {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX_LENGTH},
    )
    api.register_field(fields.Url, "string", "uri")
    for name, header in HEADER_COMPONENTS.items():
        api.spec.components.header(name, header)
    for module in BLUEPRINTS:
        api.register_blueprint(module.blp)
    app.register_blueprint(docs.blp)
    app.wsgi_app = AccessLog(HttpLayer(app.wsgi_app, app.url_map, query_schemas(app), cache.cache))
    app.extensions["article_data_openapi"] = OpenApiDocuments(api.spec.to_dict())
    return app


class OpenApiDocuments:
    """The OpenAPI document as served, by media type, rendered once per mount point.

    Its ``servers`` entry is where the API is mounted. At the root, the YAML is exactly
    what ``flask openapi write --format yaml`` writes (``make openapi``).
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.rendered = lru_cache(maxsize=8)(self._render)

    def _render(self, root: str) -> dict[str, bytes]:
        spec = self.spec
        if root:
            spec = {**spec, "servers": [{**spec["servers"][0], "url": root}]}
        return {
            "application/json": json.dumps(spec, indent=2).encode(),
            "application/yaml": yaml.dump(spec).encode(),
        }
