"""Structured logs: every record one JSON line on stdout, and one line per request."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

access_log = logging.getLogger("api.access")
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: str) -> None:
    """Send every log record to stdout as a JSON line."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)


class AccessLog:
    """WSGI middleware: an ``X-Request-ID`` on every response, and one log line per request.

    The client's request id is kept when it is a sane token, so a trace can cross
    services; otherwise a new one is made.
    """

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        status: list[str] = []

        def start_with_id(code: str, headers: list, exc_info: Any = None) -> Callable:
            status.append(code)
            return start_response(code, [*headers, ("X-Request-ID", request_id)], exc_info)

        body = list(self.wsgi_app(environ, start_with_id))
        access_log.info(
            "request",
            extra={
                "fields": {
                    "method": environ["REQUEST_METHOD"],
                    "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
                    "query": environ.get("QUERY_STRING", ""),
                    "status": int(status[0].split(" ", 1)[0]),
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "bytes": sum(map(len, body)),
                    "request_id": request_id,
                    "user_agent": environ.get("HTTP_USER_AGENT", ""),
                }
            },
        )
        return body
