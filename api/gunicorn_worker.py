"""gunicorn's sync worker, answering its own request errors as RFC 9457 problems."""

from __future__ import annotations

import http
from typing import Any

from gunicorn.http.errors import (
    ConfigurationProblem,
    InvalidResponseHeader,
    InvalidResponseHeaderName,
    LimitRequestHeaders,
    LimitRequestLine,
    ParseException,
    UnsupportedTransferCoding,
)
from gunicorn.util import write_nonblock
from gunicorn.workers.sync import SyncWorker

from article_data_api.encoding import encode

STATUS_OF_ERROR = {
    LimitRequestLine: 414,
    LimitRequestHeaders: 431,
    UnsupportedTransferCoding: 501,
}
NOT_THE_CLIENTS_FAULT = (ConfigurationProblem, InvalidResponseHeader, InvalidResponseHeaderName)


class ProblemWorker(SyncWorker):
    """Requests gunicorn rejects before the app sees them (a request line over the limit,
    malformed headers) get ``application/problem+json`` like every other error, never
    gunicorn's HTML page."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        if not isinstance(exc, ParseException) or isinstance(exc, NOT_THE_CLIENTS_FAULT):
            super().handle_error(req, client, addr, exc)
            return
        status = next((s for kind, s in STATUS_OF_ERROR.items() if isinstance(exc, kind)), 400)
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            write_problem(client, status, str(exc))
        except OSError:
            self.log.debug("Failed to send error message.")


def write_problem(client: Any, status: int, detail: str) -> None:
    phrase = http.HTTPStatus(status).phrase
    body = encode({"type": "about:blank", "title": phrase, "status": status, "detail": detail})
    head = (
        f"HTTP/1.1 {status} {phrase}\r\nConnection: close\r\n"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n"
        "X-Content-Type-Options: nosniff\r\nAccess-Control-Allow-Origin: *\r\n\r\n"
    )
    write_nonblock(client, head.encode("latin-1") + body)
