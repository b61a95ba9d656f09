"""Sort keys and paging cursors: integers and tokens that stay valid across snapshots.

Every listed item has a 64-bit sort key made only of its own data: the day its date
starts (YYYYMMDD) in the high bits and a hash of its id in the low bits. Two snapshots
give an item the same key, so a cursor (the key of the last item seen) resumes a walk in
a new snapshot exactly where it stopped, and the 10,000th page costs what the first does:
the next page is a range scan from the key, never an offset.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import json
from dataclasses import dataclass
from typing import Any

TIE_BITS = 36
TIE_MASK = (1 << TIE_BITS) - 1
EVENT_POSITION_BITS = 8
# Undated items sort after every date in both directions: last when oldest come first
# (a day after any YYYYMMDD) and last when newest come first (day 0).
UNDATED_LAST_ASCENDING = 99_999_999
UNDATED_LAST_DESCENDING = 0
CURSOR_FORMAT = 1


def day_range(value: str | None) -> tuple[int, int] | tuple[None, None]:
    """The first and last day (YYYYMMDD integers) of a partial ISO date."""
    if value is None:
        return None, None
    year, month, day = [*value.split("-"), None, None][:3]
    if day is not None:
        number = int(f"{year}{month}{day}")
        return number, number
    if month is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        return int(f"{year}{month}01"), int(f"{year}{month}{last:02d}")
    return int(f"{year}0101"), int(f"{year}1231")


def tie_of(identity: str) -> int:
    """A stable hash of an item's identity, the low bits of its sort keys."""
    return int.from_bytes(hashlib.blake2b(identity.encode(), digest_size=8).digest()) & TIE_MASK


def event_tie(article_id: str, position: int) -> int:
    """An event's tie: its article's hash, then its place in the article's timeline, so
    that events of one article on one day keep the order the article gives them."""
    return ((tie_of(article_id) >> EVENT_POSITION_BITS) << EVENT_POSITION_BITS) | (
        position & ((1 << EVENT_POSITION_BITS) - 1)
    )


def ascending_key(first_day: int | None, tie: int) -> int:
    """Oldest first, undated last."""
    return ((first_day or UNDATED_LAST_ASCENDING) << TIE_BITS) | tie


def descending_key(first_day: int | None, tie: int) -> int:
    """Newest first (the larger key first), undated last."""
    return ((first_day or UNDATED_LAST_DESCENDING) << TIE_BITS) | tie


class CursorError(ValueError):
    """A cursor this API did not make, or made for another query."""


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or before) the item with sort key ``key``, or, for
    relevance order, at ``offset`` within the results of snapshot ``version``."""

    sort: str
    key: Any = None
    before: bool = False
    offset: int | None = None
    version: str | None = None

    def encode(self) -> str:
        fields = [CURSOR_FORMAT, self.sort, self.key, self.before, self.offset, self.version]
        raw = json.dumps(fields, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            version, sort, key, before, offset, snapshot = json.loads(raw)
        except (binascii.Error, ValueError, TypeError) as error:
            raise CursorError("not a cursor this API made: follow the links it sends") from error
        if version != CURSOR_FORMAT or not isinstance(sort, str) or not isinstance(before, bool):
            raise CursorError("not a cursor this API made: follow the links it sends")
        if offset is not None and (not isinstance(offset, int) or offset < 0):
            raise CursorError("not a cursor this API made: follow the links it sends")
        parts = key if isinstance(key, list) else [key]
        if not all(_plain(part) for part in parts) or not isinstance(snapshot, str | None):
            raise CursorError("not a cursor this API made: follow the links it sends")
        return cls(sort, key, before, offset, snapshot)


def _plain(value: Any) -> bool:
    """A key part this API writes: text, or a whole number SQLite can hold."""
    if isinstance(value, bool):
        return False
    return (
        value is None
        or isinstance(value, str)
        or (isinstance(value, int) and -(2**63) <= value < 2**63)
    )
