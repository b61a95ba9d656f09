"""The production server for ``article-data-api serve``: gunicorn, configured in code.

``python -m article_data_api.server MODULE:APP`` serves any WSGI app with exactly these
settings: the benchmark serves its bare Flask baseline that way.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from article_data_api.config import ConfigError


def server_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """gunicorn's settings, from the documented environment variables."""
    workers = environ.get("WORKERS", "")
    if workers and not (workers.isdigit() and int(workers) > 0):
        raise ConfigError(f"WORKERS={workers!r}: must be a whole number, 1 or more")
    loglevel = environ.get("LOG_LEVEL", "info").upper()
    return {
        "bind": f"{environ.get('HOST', '0.0.0.0')}:{environ.get('PORT', '8000')}",
        "workers": int(workers) if workers else multiprocessing.cpu_count() * 2 + 1,
        "worker_class": "article_data_api.gunicorn_worker.ProblemWorker",
        # Load the corpus once in the master: an invalid corpus stops start-up before any
        # worker forks, and workers share the loaded pages.
        "preload_app": True,
        "reload": False,
        "timeout": 30,
        # On SIGTERM, requests in flight get this long to finish before workers are killed.
        "graceful_timeout": 20,
        "keepalive": 5,
        "limit_request_line": 4094,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        # The app logs every request as one JSON line (article_data_api.logs); gunicorn's
        # own access log would say it twice.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": loglevel.lower(),
        "control_socket_disable": True,
        # gunicorn's own messages as JSON lines too, like the app's.
        "logconfig_dict": {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": "article_data_api.logs.JsonFormatter"}},
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "formatter": "json",
                    "stream": "ext://sys.stdout",
                }
            },
            "root": {"level": loglevel, "handlers": ["stdout"]},
            "loggers": {
                "gunicorn.error": {"level": loglevel, "handlers": ["stdout"], "propagate": False}
            },
        },
    }


class Server(BaseApplication):
    """gunicorn running ``app`` with ``settings``."""

    def __init__(self, app: Callable, settings: Mapping[str, Any]) -> None:
        self.app = app
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.settings.items():
            self.cfg.set(name, value)

    def load(self) -> Callable:
        return self.app


def main(argv: list[str]) -> None:
    """Serve ``MODULE:APP`` with the API's settings, from the environment."""
    module, _, name = argv[0].partition(":")
    app = getattr(importlib.import_module(module), name)
    Server(app, server_settings(os.environ)).run()


if __name__ == "__main__":
    main(sys.argv[1:])
