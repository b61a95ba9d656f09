"""Liveness and readiness for orchestrators and load balancers."""

import logging

from flask import current_app
from flask.views import MethodView
from flask_caching import Cache
from flask_smorest import abort

from article_data_api.blueprint import Blueprint
from article_data_api.cache_backends import log_cache_failure
from article_data_api.encoding import encode
from article_data_api.response_cache import backend_name, cache_of
from article_data_api.responses import json_response
from article_data_api.schemas.resources import HealthSchema, ReadinessSchema
from article_data_api.store import current_store, unservable
from article_data_api.store.layout import SnapshotError

blp = Blueprint("health", __name__, description="Health checks", reads_store=False)
log = logging.getLogger(__name__)
READINESS_KEY = "readyz"  # under the cache's own key prefix


@blp.route("/healthz")
class Health(MethodView):
    @blp.read(HealthSchema, operation_id="getHealth")
    def get(self):
        """Check that the process runs

        Answers 200 while the process can serve requests.
        """
        return json_response(encode({"status": "ok"}), cacheable=False)


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.read(ReadinessSchema, operation_id="getReadiness")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self):
        """Check that a snapshot is served and the cache answers

        Answers 503 with a problem while no snapshot can be opened or the cache backend
        does not answer. `cache.warnings` lists what an operator should fix though the
        cache answers, such as a Redis without `maxmemory`.
        """
        try:
            store = current_store()
        except SnapshotError as error:
            abort(503, message=unservable(error))
        backend = backend_name(current_app)
        if backend != "NullCache" and not cache_answers(cache_of(current_app), store.version):
            abort(503, message=f"The cache backend ({backend}) does not answer.")
        counts = store.counts
        snapshot = {
            "version": store.version,
            "articles": counts["articles"],
            "organizations": counts["organizations"],
            "events": counts["events"],
        }
        warnings = memory_warnings(cache_of(current_app))
        status = {
            "status": "ready",
            "snapshot": snapshot,
            "cache": {"backend": backend, "ok": True, "warnings": warnings},
        }
        return json_response(encode(status), cacheable=False)


def memory_warnings(cache: Cache) -> list[str]:
    """The backend's own warnings about its memory cap, if it has any to give."""
    check = getattr(cache.cache, "memory_warnings", None)
    return check() if check is not None else []


def cache_answers(cache: Cache, value: str) -> bool:
    """Whether the cache backend stores and returns a value now."""
    try:
        cache.set(READINESS_KEY, value.encode())
        return cache.get(READINESS_KEY) == value.encode()
    except Exception as error:  # any backend failure means "not ready", never a 500
        log_cache_failure(log, "cache backend did not answer", error)
        return False
