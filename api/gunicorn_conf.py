"""gunicorn settings for ``article-data-api serve``, read from the environment.

Also usable as ``gunicorn -c python:api.gunicorn_conf``: the benchmark serves its bare
Flask baseline with exactly these settings.
"""

from __future__ import annotations

import multiprocessing
import os

from api.config import ConfigError

_workers = os.environ.get("WORKERS", "")
if _workers and not (_workers.isdigit() and int(_workers) > 0):
    raise ConfigError(f"WORKERS={_workers!r}: must be a whole number, 1 or more")

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(_workers) if _workers else multiprocessing.cpu_count() * 2 + 1
worker_class = "api.gunicorn_worker.ProblemWorker"
# Load the corpus once in the master: an invalid corpus stops start-up before any
# worker forks, and workers share the loaded pages.
preload_app = True
reload = False
timeout = 30
# On SIGTERM, requests in flight get this long to finish before workers are killed.
graceful_timeout = 20
keepalive = 5
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# The app logs every request as one JSON line (api.logs); gunicorn's own access log
# would say it twice.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
control_socket_disable = True
# gunicorn's own messages as JSON lines too, like the app's (api.logs).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "api.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"level": loglevel.upper(), "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False}
    },
}
