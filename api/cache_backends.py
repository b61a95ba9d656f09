"""flask-caching backends for the response cache: bounded in bytes, storing only bytes.

The HTTP layer stores each response as bytes in a fixed layout (http_layer.Rendered), so
no backend needs to pickle: an entry written into a shared Redis by anyone can at worst
be unreadable (a miss), never run code in a worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask
from flask_caching.backends.base import BaseCache
from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

from article_data_api.config import DEFAULT_CACHE_MAX_BYTES

# What a backend raises while its server is down or unreachable: an outage, logged in one
# line. Anything else is a fault in the backend's code, logged with its traceback.
CACHE_OUTAGES = (RedisError, OSError)


def log_cache_failure(logger: logging.Logger, what: str, error: Exception, after: str = "") -> None:
    """Log a failed cache call as ``what (Error: message)after``, in one line for an
    outage, with the traceback for anything else."""
    logger.warning(
        "%s (%s: %s)%s",
        what,
        type(error).__name__,
        error,
        after,
        exc_info=not isinstance(error, CACHE_OUTAGES),
    )


class MemoryCache(BaseCache):
    """A worker's own cache of bytes: least recently used entries go first once the
    values pass ``max_bytes`` in all."""

    def __init__(
        self, default_timeout: int = 300, max_bytes: int = DEFAULT_CACHE_MAX_BYTES
    ) -> None:
        super().__init__(default_timeout)
        self.max_bytes = max_bytes
        self.used_bytes = 0
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def factory(cls, app: Flask, config: dict[str, Any], args: list, kwargs: dict) -> MemoryCache:
        return cls(
            config.get("CACHE_DEFAULT_TIMEOUT", 300),
            config.get("CACHE_MAX_BYTES", DEFAULT_CACHE_MAX_BYTES),
        )

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires and expires < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, timeout: int | None = None) -> bool:
        if not isinstance(value, bytes):
            raise TypeError("the response cache stores bytes")
        size = len(key) + len(value)
        if size > self.max_bytes:
            return False
        seconds = self._normalize_timeout(timeout)
        expires = time.monotonic() + seconds if seconds else 0.0
        with self._lock:
            self._drop(key)
            self._entries[key] = (expires, value)
            self.used_bytes += size
            while self.used_bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))
        return True

    def add(self, key: str, value: bytes, timeout: int | None = None) -> bool:
        return False if self.has(key) else self.set(key, value, timeout)

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._drop(key)

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def clear(self) -> bool:
        with self._lock:
            self._entries.clear()
            self.used_bytes = 0
        return True

    def _drop(self, key: str) -> bool:
        entry = self._entries.pop(key, None)
        if entry is None:
            return False
        self.used_bytes -= len(key) + len(entry[1])
        return True


class RawBytes:
    """A cachelib serializer that stores bytes as they are, and nothing else."""

    def dumps(self, value: Any, protocol: int | None = None) -> bytes:
        if not isinstance(value, bytes):
            raise TypeError("the response cache stores bytes")
        return value

    def loads(self, value: bytes | None) -> bytes | None:
        return value


# Policies that evict entries when Redis is full; the others refuse writes instead.
EVICTING_POLICIES = ("allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu")


class BytesRedisCache(RedisCache):
    """flask-caching's Redis backend, storing raw bytes instead of pickles."""

    serializer = RawBytes()

    def memory_warnings(self) -> list[str]:
        """What is wrong with the server's memory cap: without ``maxmemory`` a response
        cache grows until Redis (or its host) runs out of memory."""
        try:
            config = self._write_client.config_get("maxmemory*")
        except Exception:  # managed Redis often disables CONFIG: say so, not fail
            return ["cannot read maxmemory (CONFIG GET refused): make sure one is set"]
        warnings = []
        if int(config.get("maxmemory", 0)) == 0:
            warnings.append(
                "maxmemory is not set: Redis will grow without bound;"
                " set maxmemory and maxmemory-policy allkeys-lru"
            )
        policy = config.get("maxmemory-policy", "")
        if policy not in EVICTING_POLICIES:
            warnings.append(
                f"maxmemory-policy is {policy!r}: when full, Redis refuses new entries;"
                " set allkeys-lru"
            )
        return warnings
