"""Settings, read from the environment once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

DEFAULT_CACHE_MAX_AGE = 300
# NullCache turns the response cache off (the benchmark measures first requests with it).
CACHE_TYPES = ("SimpleCache", "RedisCache", "NullCache")
# A Redis that hangs must not hold requests up: they are served uncached instead.
REDIS_TIMEOUTS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}


class ConfigError(ValueError):
    """An environment variable holds a value the API cannot use."""


def bundled_corpus() -> Path:
    """The corpus shipped inside the package as data (``fixtures/`` in the repository)."""
    installed = Path(__file__).parent / "fixtures"
    # In an editable install the package is api/ and the data stays in fixtures/ beside it:
    # setuptools' editable finder cannot resolve a data-only folder mapped from elsewhere.
    return installed if installed.is_dir() else Path(__file__).parents[1] / "fixtures"


def settings_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Flask config from the documented environment variables."""
    settings: dict[str, Any] = {
        "ARTICLE_DATA_DIR": environ.get("ARTICLE_DATA_DIR") or str(bundled_corpus()),
        "CACHE_MAX_AGE": _non_negative_int(environ, "CACHE_MAX_AGE", DEFAULT_CACHE_MAX_AGE),
    }
    if environ.get("CACHE_TYPE"):
        if environ["CACHE_TYPE"] not in CACHE_TYPES:
            raise ConfigError(f"CACHE_TYPE={environ['CACHE_TYPE']!r}: must be one of {CACHE_TYPES}")
        settings["CACHE_TYPE"] = environ["CACHE_TYPE"]
    if environ.get("CACHE_REDIS_URL"):
        settings |= {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": environ["CACHE_REDIS_URL"],
            "CACHE_OPTIONS": REDIS_TIMEOUTS,
        }
    return settings


def _non_negative_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name}={raw!r}: must be a whole number of seconds, 0 or more")
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
                "description": "Sections (every paragraph verbatim), the organizations an article"
                " names (every mention located in the text) and a timeline of the events it"
                " reports or anticipates, each dated only as precisely as its evidence allows"
                " and backed by a verbatim quote. Errors are RFC 9457 problem details.",
                "license": {"name": "MIT", "identifier": "MIT"},
                "contact": {"name": "Article Data API maintainers"},
            },
            "servers": [{"url": "/", "description": "This server"}],
        },
        "JSON_SORT_KEYS": False,
        "CACHE_TYPE": "SimpleCache",
        # A day: keys of a replaced corpus or version then leave a shared Redis by themselves.
        "CACHE_DEFAULT_TIMEOUT": 86400,
        "CACHE_THRESHOLD": 5000,
    }
