"""JSON as the API sends it, encoded once per representation."""

from __future__ import annotations

import json
from typing import Any, NamedTuple


def encode(payload: Any) -> bytes:
    """Compact UTF-8 JSON, the exact bytes the API sends."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class Encoded(NamedTuple):
    """A representation and its JSON bytes, so that pages splice bytes instead of encoding."""

    data: dict[str, Any]
    json: bytes

    @classmethod
    def of(cls, data: dict[str, Any]) -> Encoded:
        return cls(data, encode(data))
