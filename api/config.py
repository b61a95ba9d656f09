"""Settings, read from the environment when the app is created (never at import)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

DEFAULT_CACHE_MAX_AGE = 300
# Published snapshots a build keeps, the current one among them: older ones are pruned.
DEFAULT_KEEP = 3
DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024
# The documented names of the response cache's backends, and the classes behind them.
# NullCache turns the response cache off (the benchmark measures first requests with it).
CACHE_BACKENDS = {
    "SimpleCache": "article_data_api.cache_backends.MemoryCache",
    "RedisCache": "article_data_api.cache_backends.BytesRedisCache",
    "NullCache": "NullCache",
}
# A Redis that hangs must not hold requests up: they are served uncached instead.
REDIS_TIMEOUTS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}
REDIS_SCHEMES = ("redis", "rediss", "unix")
DEFAULT_PORTS = {"http": 80, "https": 443}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """An environment variable holds a value the API cannot use."""


def bundled_corpus() -> Path:
    """The corpus shipped inside the package as data (``fixtures/`` in the repository)."""
    installed = Path(__file__).parent / "fixtures"
    # In an editable install the package is api/ and the data stays in fixtures/ beside it:
    # setuptools' editable finder cannot resolve a data-only folder mapped from elsewhere.
    return installed if installed.is_dir() else Path(__file__).parents[1] / "fixtures"


def corpus_dir(config: Mapping[str, Any]) -> Path:
    """The corpus folder: ARTICLE_DATA_DIR, or the bundled corpus."""
    configured = config.get("ARTICLE_DATA_DIR")
    return Path(configured) if configured else bundled_corpus()


def settings_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Flask config from the documented environment variables; raise ConfigError."""
    settings: dict[str, Any] = {
        "CACHE_MAX_AGE": _non_negative_int(
            environ, "CACHE_MAX_AGE", DEFAULT_CACHE_MAX_AGE, "seconds"
        ),
        "CACHE_MAX_BYTES": _non_negative_int(
            environ, "CACHE_MAX_BYTES", DEFAULT_CACHE_MAX_BYTES, "bytes"
        ),
        "LOG_LEVEL": log_level(environ),
        "ALLOW_OUTSIDE_LINKS": flag(environ, "ALLOW_OUTSIDE_LINKS"),
        "SERVE_DRAFTS": flag(environ, "SERVE_DRAFTS"),
    }
    for name in ("ARTICLE_DATA_DIR", "SNAPSHOT_DIR"):
        if environ.get(name):
            settings[name] = environ[name]
    if environ.get("PUBLIC_BASE_URL"):
        settings["PUBLIC_BASE_URL"] = public_base_url(environ["PUBLIC_BASE_URL"])
    if environ.get("CACHE_TYPE"):
        if environ["CACHE_TYPE"] not in CACHE_BACKENDS:
            raise ConfigError(
                f"CACHE_TYPE={environ['CACHE_TYPE']!r}: must be one of {tuple(CACHE_BACKENDS)}"
            )
        settings["CACHE_TYPE"] = environ["CACHE_TYPE"]
    if environ.get("CACHE_REDIS_URL"):
        settings["CACHE_REDIS_URL"] = redis_url(environ["CACHE_REDIS_URL"])
    return settings


def cache_backend(configured: str | None, url: str | None) -> str:
    """The response cache's backend class from CACHE_TYPE (a name of CACHE_BACKENDS, or a
    class of flask-caching's) and CACHE_REDIS_URL, which alone means RedisCache. Raise
    ConfigError when they disagree, or RedisCache has no URL: flask-caching would go to
    localhost:6379, with none of our timeouts."""
    named = configured or ("RedisCache" if url else "SimpleCache")
    backend = CACHE_BACKENDS.get(named, named)
    redis = backend == CACHE_BACKENDS["RedisCache"]
    if redis and not url:
        raise ConfigError(
            f"CACHE_TYPE={named!r} needs CACHE_REDIS_URL, the Redis to use"
            " (such as redis://cache:6379/0)"
        )
    if url and not redis:
        raise ConfigError(
            f"CACHE_TYPE={named!r} and CACHE_REDIS_URL disagree: CACHE_REDIS_URL means"
            " RedisCache, so unset one of them"
        )
    return backend


def flag(environ: Mapping[str, str], name: str) -> bool:
    """An on/off setting: ALLOW_OUTSIDE_LINKS (the corpus may hold symbolic links to files
    outside it) or SERVE_DRAFTS (drafts are built in and served, for review)."""
    value = environ.get(name, "").lower()
    if value not in ("", "0", "1", "false", "true"):
        raise ConfigError(f"{name}={environ[name]!r}: must be 1 or 0 (or true or false)")
    return value in ("1", "true")


def positive_count(value: str, source: str) -> int:
    """A count (of workers, of snapshots kept) given as ``source``; raise ConfigError
    unless it is 1 or more."""
    if not (_digits(value) and int(value) > 0):
        raise ConfigError(f"{source}={value!r}: must be a whole number, 1 or more")
    return int(value)


def port_number(value: str, source: str) -> int:
    """A TCP port given as ``source``; raise ConfigError unless it is 1 to 65535."""
    if not (_digits(value) and 0 < int(value) < 65536):
        raise ConfigError(f"{source}={value!r}: must be a port number, 1 to 65535")
    return int(value)


def bind_address(value: str, source: str) -> str:
    """The IP address the server binds, given as ``source``; raise ConfigError unless it
    is one (granian takes no host name, and answered one with a traceback)."""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ConfigError(
            f"{source}={value!r}: must be an IP address to bind, such as 0.0.0.0 (every"
            " interface), 127.0.0.1 (this machine only) or ::"
        ) from None


def origin(parts: SplitResult) -> tuple[str, str | None, int | None]:
    """A URL's scheme, host and port as RFC 3986 (6.2.2, 6.2.3) compares them: in any
    case, and its scheme's default port the same as none. Raise ValueError on a port
    that is not one."""
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, parts.port or DEFAULT_PORTS.get(scheme)


def public_base_url(value: str) -> str:
    """PUBLIC_BASE_URL, which every absolute URL the API writes starts with, in its
    normal form (lower-case scheme and host, no default port, no trailing slash); raise
    ConfigError unless it is an http(s) URL with a host and nothing after its path."""
    try:
        parts = urlsplit(value)
        valid = parts.port is None or parts.port > 0
    except ValueError:
        valid = False
    if not (
        valid
        and parts.scheme in ("http", "https")
        and parts.hostname
        and "@" not in parts.netloc
        and not (parts.query or parts.fragment or value.endswith(("?", "#")))
    ):
        raise ConfigError(
            f"PUBLIC_BASE_URL={value!r}: must be the API's public URL, http or https with a"
            " host and no query or fragment, such as https://api.example.com or"
            " https://example.com/news-api"
        )
    scheme, host, port = origin(parts)
    netloc = f"[{host}]" if ":" in host else host
    if port != DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))


def _digits(value: str) -> bool:
    """Whether ``value`` is ASCII digits only: str.isdigit also passes "²", which int()
    refuses."""
    return value.isascii() and value.isdigit()


def log_level(environ: Mapping[str, str]) -> str:
    level = environ.get("LOG_LEVEL", "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={environ['LOG_LEVEL']!r}: must be one of {LOG_LEVELS}")
    return level


def redis_url(url: str) -> str:
    """``url`` if redis-py can connect with it, else ConfigError saying why."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError as error:
        raise ConfigError(f"CACHE_REDIS_URL={url!r}: {error}") from error
    if parts.scheme not in REDIS_SCHEMES:
        raise ConfigError(
            f"CACHE_REDIS_URL={url!r}: must start with redis://, rediss:// or unix://"
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError(f"CACHE_REDIS_URL={url!r}: names no host")
    return url


def _non_negative_int(environ: Mapping[str, str], name: str, default: int, unit: str) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    if not _digits(raw):
        raise ConfigError(f"{name}={raw!r}: must be a whole number of {unit}, 0 or more")
    return int(raw)


def base_config() -> dict[str, Any]:
    """The settings that do not come from the environment."""
    return {
        "API_TITLE": "Article Data API",
        "API_VERSION": version("article-data-api"),
        "OPENAPI_VERSION": "3.1.0",
        "API_SPEC_OPTIONS": {
            "info": {
                "summary": "Structured data about news articles",
                "description": "Sections (every paragraph verbatim), the organizations an"
                " article names (every mention located in the text) and a timeline of the"
                " events it reports or anticipates, each dated only as precisely as its"
                " evidence allows and backed by a verbatim quote. Errors are RFC 9457"
                " problem details.",
                "license": {"name": "MIT", "identifier": "MIT"},
                "contact": {"name": "Article Data API maintainers"},
            },
            "servers": [{"url": "/", "description": "This server"}],
        },
        "JSON_SORT_KEYS": False,
        "ARTICLE_DATA_DIR": None,
        "SNAPSHOT_DIR": None,
        "PUBLIC_BASE_URL": None,
        "LOG_LEVEL": "INFO",
        "CACHE_TYPE": None,  # SimpleCache, or RedisCache with CACHE_REDIS_URL
        # A day: keys of a replaced snapshot or version then leave a shared Redis by
        # themselves. Each worker's own cache holds at most CACHE_MAX_BYTES.
        "CACHE_DEFAULT_TIMEOUT": 86400,
    }
