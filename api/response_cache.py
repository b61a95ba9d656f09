"""The response cache backend (flask-caching), shared by workers and replicas with Redis."""

from __future__ import annotations

from flask import Flask
from flask_caching import Cache

from article_data_api.config import CACHE_BACKENDS, REDIS_TIMEOUTS, cache_backend

EXTENSION = "article_data_cache"


def init_app(app: Flask) -> None:
    """The cache. Its keys carry the code version (here) and the snapshot version (in each
    key, see http_layer), so no deployment or snapshot ever reads another's entries."""
    app.config["CACHE_TYPE"] = cache_backend(
        app.config["CACHE_TYPE"], app.config.get("CACHE_REDIS_URL")
    )
    if app.config["CACHE_TYPE"] == CACHE_BACKENDS["RedisCache"]:
        # Ours unless the app says otherwise: redis-py's own wait seconds per request.
        app.config["CACHE_OPTIONS"] = REDIS_TIMEOUTS | (app.config.get("CACHE_OPTIONS") or {})
    app.config["CACHE_KEY_PREFIX"] = f"article-data-api:{app.config['API_VERSION']}:"
    app.extensions[EXTENSION] = Cache(app)


def cache_of(app: Flask) -> Cache:
    return app.extensions[EXTENSION]


def backend_name(app: Flask) -> str:
    """The backend as the settings name it: SimpleCache, RedisCache or NullCache."""
    configured = app.config["CACHE_TYPE"]
    named = [name for name, backend in CACHE_BACKENDS.items() if backend == configured]
    return named[0] if named else configured.rsplit(".", 1)[-1]
