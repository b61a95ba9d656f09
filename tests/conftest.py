"""Shared fixtures: the app on the bundled corpus, editable corpus copies, a live server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from api import create_app
from fixtures import BUNDLED_CORPUS

SEED_ID = "mistral-ai-joins-nvidia-nemotron-coalition"
SAMPLE_ID = "sample-harbour-city-libraries-shared-search"
SEED_URL = f"/v1/articles/{SEED_ID}"
CONSOLE_SCRIPT = Path(sys.executable).parent / "article-data-api"


@pytest.fixture(scope="session")
def app():
    return create_app({"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


class CorpusCopy:
    """A writable copy of the bundled corpus in a temp dir, to break on purpose."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(BUNDLED_CORPUS / "articles", root / "articles")

    def folder(self, article_id: str = SEED_ID) -> Path:
        return self.root / "articles" / article_id

    def annotations(self, article_id: str = SEED_ID) -> dict:
        return json.loads((self.folder(article_id) / "annotations.json").read_text("utf-8"))

    def edit_annotations(self, change: Callable[[dict], None], article_id: str = SEED_ID) -> None:
        data = self.annotations(article_id)
        change(data)
        path = self.folder(article_id) / "annotations.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")

    def shown(self, article_id: str = SEED_ID, name: str = "annotations.json") -> str:
        """The file name as problems show it."""
        return f"{self.root.name}/articles/{article_id}/{name}"


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> CorpusCopy:
    return CorpusCopy(tmp_path / "corpus")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def unused_redis_url() -> str:
    """A Redis URL where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


class LiveServer:
    """``article-data-api serve`` on a free 127.0.0.1 port, stopped by its PID."""

    def __init__(self, env: dict[str, str] | None = None, port_from_env: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        port_args = [] if port_from_env else ["--port", str(self.port)]
        self.process = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "serve", "--host", "127.0.0.1", *port_args],
            env={**os.environ, "PORT": str(self.port), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_until_healthy(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stdout.read()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def stop(self) -> str:
        """Stop the server by its PID; return what it printed."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.stdout.read()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer()
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()
