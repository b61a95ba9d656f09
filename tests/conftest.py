"""Fixtures: the app on the bundled corpus, editable corpus copies, a live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from article_data_api import create_app
from tests.helpers import REPORTS, CorpusCopy, LiveServer, free_port, serving


@pytest.fixture(scope="session", autouse=True)
def snapshot_cache(tmp_path_factory) -> Iterator[Path]:
    """Every snapshot the tests build goes under one temp folder (servers the tests start
    inherit it), not into the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(scope="session")
def app():
    return create_app({"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> CorpusCopy:
    return CorpusCopy(tmp_path / "corpus")


@pytest.fixture()
def unused_redis_url() -> str:
    """A Redis URL where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    with serving() as server:
        yield server


def pytest_terminal_summary(terminalreporter, config) -> None:
    """What tests measured without asserting on it, at the end of the run."""
    for line in config.stash.get(REPORTS, []):
        terminalreporter.write_line(line)
