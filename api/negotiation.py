"""Content negotiation, shared by the HTTP layer (for cache keys) and the views."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

JSON = "application/json"
LD_JSON = "application/ld+json"
PROBLEM_JSON = "application/problem+json"
HTML = "text/html"
ALL_REPRESENTATIONS = (JSON, LD_JSON)


def negotiate(accept: str, offered: tuple[str, ...] = ALL_REPRESENTATIONS) -> str | None:
    """The offered media type the ``Accept`` header prefers, the first one when there is
    no header, or None when it rules them all out."""
    if accept in ("", "*/*"):  # most clients: no parsing needed
        return offered[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    if not parsed:
        return offered[0]
    # Werkzeug matches a range's parameters too, yet none changes what is sent: JSON is
    # UTF-8 whatever the charset asked, and the JSON-LD is compacted with its context,
    # whatever the profile. Each range is matched on its type alone.
    bare = MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in parsed])
    return bare.best_match(offered)
