"""Liveness and readiness for orchestrators and load balancers."""

import logging

from flask import current_app
from flask.views import MethodView
from flask_caching import Cache
from flask_smorest import abort

from article_data_api.blueprint import Blueprint
from article_data_api.encoding import encode
from article_data_api.representations import current_corpus
from article_data_api.responses import json_response
from article_data_api.schemas.resources import HealthSchema, ReadinessSchema

blp = Blueprint("health", __name__, description="Health checks")
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
        """Check that the corpus is loaded and the cache answers

        Answers 503 with a problem while the cache backend does not answer.
        """
        corpus = current_corpus()
        backend = current_app.config["CACHE_TYPE"]
        if not cache_answers(current_app.extensions["article_data_cache"], corpus.fingerprint):
            abort(503, message=f"The cache backend ({backend}) does not answer.")
        return json_response(
            encode(
                {
                    "status": "ready",
                    "corpus": {"articles": len(corpus.articles), "fingerprint": corpus.fingerprint},
                    "cache": {"backend": backend, "ok": True},
                }
            ),
            cacheable=False,
        )


def cache_answers(cache: Cache, value: str) -> bool:
    """Whether the cache backend stores and returns a value now."""
    try:
        cache.set(READINESS_KEY, value)
        return cache.get(READINESS_KEY) == value
    except Exception:  # any backend failure means "not ready", never a 500
        log.warning("cache backend did not answer", exc_info=True)
        return False
