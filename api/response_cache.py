"""The response cache backend (flask-caching), shared by workers and replicas with Redis."""

from __future__ import annotations

from flask import Flask
from flask_caching import Cache

EXTENSION = "article_data_cache"


def init_app(app: Flask, corpus_fingerprint: str) -> None:
    """The cache, its keys prefixed with the code version and the corpus, so that no
    deployment ever reads another's entries from a shared Redis."""
    app.config["CACHE_KEY_PREFIX"] = (
        f"article-data-api:{app.config['API_VERSION']}:{corpus_fingerprint}:"
    )
    app.extensions[EXTENSION] = Cache(app)


def cache_of(app: Flask) -> Cache:
    return app.extensions[EXTENSION]
