"""What tests share besides fixtures: the seed's ids and routes, corpus copies, a live server."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from article_data_api.config import bundled_corpus
from bench.processes import ServerExited, child_pids, free_port, stop, wait_until_answering

PROJECT = Path(__file__).resolve().parents[1]
# Facts a test measured for the run's summary (the image's size, say), not asserted on.
REPORTS = pytest.StashKey[list[str]]()
BUNDLED_CORPUS = bundled_corpus()
SEED_ID = "mistral-ai-joins-nvidia-nemotron-coalition"
SAMPLE_ID = "sample-harbour-city-libraries-shared-search"
SEED_URL = f"/v1/articles/{SEED_ID}"
CONSOLE_SCRIPT = Path(sys.executable).parent / "article-data-api"
HEADINGS = [
    "What the Coalition Is and What It's For",
    "What Mistral Brings to the Partnership",
    "NVIDIA Is More Than Just “Hardware” Here",
    "Openness as a Strategy, Not Just an Ideology",
    "What This Means in Practice",
]
# One URL for every GET operation in the API.
ROUTES = [
    "/v1/articles",
    SEED_URL,
    f"{SEED_URL}/sections",
    f"{SEED_URL}/sections/lead",
    f"{SEED_URL}/organizations",
    f"{SEED_URL}/organizations/nvidia",
    f"{SEED_URL}/timeline",
    f"{SEED_URL}/timeline/nemotron-coalition-launched",
    "/v1/organizations",
    "/v1/organizations/meta",
    "/healthz",
    "/readyz",
]


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


class LiveServer:
    """``article-data-api serve`` on a free 127.0.0.1 port, stopped by its PID.

    Its output goes to a file, not a pipe: a pipe nobody reads would fill up with
    access-log lines and stall the server.
    """

    def __init__(
        self,
        env: dict[str, str] | None = None,
        port_from_env: bool = False,
        workers: int | None = 2,
    ) -> None:
        """``workers=None`` leaves the count to the server's default."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Kept open for the server's life; closed by stop().
        self.output = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        port_args = [] if port_from_env else ["--port", str(self.port)]
        worker_args = [] if workers is None else ["--workers", str(workers)]
        self.process = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "serve", "--host", "127.0.0.1", *worker_args, *port_args],
            env={**os.environ, "PORT": str(self.port), **(env or {})},
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def printed(self) -> str:
        """What the server has printed so far."""
        self.output.seek(0)
        return self.output.read()

    def worker_pids(self) -> list[int]:
        """The worker processes: the server's children."""
        return child_pids(self.process.pid)

    def wait_until_healthy(self, timeout: float = 20) -> None:
        try:
            wait_until_answering(f"{self.url}/healthz", [self.process], timeout)
        except ServerExited as error:
            raise ServerExited(f"server exited: {self.printed()}") from error

    def stop(self) -> str:
        """Stop the server by its PID; return what it printed. Safe to call twice."""
        if self.output.closed:
            return self.final_output
        stop(self.process)
        self.final_output = self.printed()
        self.output.close()
        return self.final_output


def run_cli(
    *args: object, stdin: str | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """``article-data-api ARGS...``, its output captured as text."""
    return subprocess.run(
        [CONSOLE_SCRIPT, *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@contextlib.contextmanager
def serving(env: dict[str, str] | None = None, **options: Any) -> Iterator[LiveServer]:
    """A healthy LiveServer for the ``with`` block, stopped by its PID after it."""
    server = LiveServer(env, **options)
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()


def write_article(
    root: Path, article_id: str, paragraphs: list[str], annotations: dict | None = None
) -> Path:
    """A minimal valid article folder: a lead of ``paragraphs`` (``## `` starts a heading)."""
    folder = root / "articles" / article_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "article.md").write_text("\n\n".join(paragraphs) + "\n", "utf-8")
    data = {"title": article_id.replace("-", " ").capitalize(), "organizations": [], "events": []}
    (folder / "annotations.json").write_text(
        json.dumps({**data, **(annotations or {})}, ensure_ascii=False, indent=2), "utf-8"
    )
    return folder


PORT_ID = "sample-northwind-tools-for-the-port"
