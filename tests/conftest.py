"""Fixtures: the app on the bundled corpus, editable corpus copies, a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from article_data_api import create_app
from tests.helpers import CorpusCopy, LiveServer, free_port


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
    server = LiveServer()
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()
