"""The image, built and run for real: with podman (configured by container/), or skipped,
saying why, where podman cannot run. Compose too, with podman-compose. Every container,
pod, volume and network a test starts is removed at the end, even when it fails.

The commands are the README's Docker section's, with podman in docker's place."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.helpers import BUNDLED_CORPUS, PROJECT, REPORTS, SEED_ID, SEED_URL, free_port

pytestmark = pytest.mark.e2e
HADOLINT = Path(sys.executable).parent / "hadolint"
PODMAN_COMPOSE = Path(sys.executable).parent / "podman-compose"
IMAGE = "article-data-api:0.1.0"
MAX_IMAGE_MB = 300
GRACEFUL_SECONDS = 25
PREFIX = f"ada-test-{os.getpid()}"
READ_ONLY = ("--read-only", "--tmpfs", "/tmp")


def test_the_dockerfile_is_clean_for_hadolint():
    result = subprocess.run([HADOLINT, PROJECT / "Dockerfile"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def podman_environment() -> dict[str, str]:
    """The environment container/podman-env.sh sets up, as the Makefile's scripts use it."""
    shown = subprocess.run(
        ["bash", "-c", "source container/podman-env.sh && env -0"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout
    return dict(item.split("=", 1) for item in shown.decode().split("\0") if "=" in item)


def why_podman_cannot_run() -> str | None:
    if shutil.which("podman") is None:
        return "podman is not installed (.ci/run installs it with apt-get)"
    info = subprocess.run(
        ["podman", "info"], capture_output=True, text=True, env=podman_environment()
    )
    if info.returncode != 0:
        return f"podman cannot run here: {info.stderr.strip()[-300:]}"
    return None


class Podman:
    """podman, with the project's settings, removing whatever a test started."""

    def __init__(self) -> None:
        self.env = podman_environment()
        self.started: list[str] = []

    def __call__(self, *args: str, check: bool = True, timeout: float = 120) -> str:
        result = subprocess.run(
            ["podman", *args], capture_output=True, text=True, env=self.env, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(f"podman {' '.join(args)}: {result.stderr[-2000:]}")
        return result.stdout

    def run(self, name: str, *args: str) -> tuple[str, str]:
        """Start a container (detached, its port published on 127.0.0.1); its URL."""
        port = free_port()
        self.started.append(name)
        self("run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8000", *args)
        return name, f"http://127.0.0.1:{port}"

    def logs(self, name: str) -> str:
        """What the container printed, on its standard output and error alike."""
        result = subprocess.run(
            ["podman", "logs", name], capture_output=True, text=True, env=self.env, timeout=60
        )
        return result.stdout + result.stderr

    def remove_all(self) -> None:
        for name in self.started:
            self("rm", "-f", "-t", "0", name, check=False)


@pytest.fixture(scope="module")
def podman() -> Iterator[Podman]:
    reason = why_podman_cannot_run()
    if reason:
        pytest.skip(reason)
    runner = Podman()
    try:
        yield runner
    finally:
        runner.remove_all()


@pytest.fixture(scope="module")
def image(podman: Podman, request) -> str:
    """`make image`: the image, built with podman (and a stand-in base if need be)."""
    built = subprocess.run(
        ["make", "--no-print-directory", "image"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    size_mb = int(podman("image", "inspect", IMAGE, "--format", "{{.Size}}")) / 1_000_000
    request.config.stash.setdefault(REPORTS, []).append(f"image {IMAGE}: {size_mb:.0f} MB")
    assert size_mb <= MAX_IMAGE_MB, f"the image is {size_mb:.0f} MB"
    return IMAGE


def wait_until_ready(url: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = requests.get(url + "/readyz", timeout=2)
            if response.status_code == 200:
                return response.json()
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never became ready")


def shared_copy(source: Path) -> Path:
    """A copy of a folder that the container's user (10001) can read: pytest's own temp
    folders are private to root."""
    parent = Path(tempfile.mkdtemp(prefix="ada-test-"))
    parent.chmod(0o755)
    target = parent / source.name
    shutil.copytree(source, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def test_the_image_runs_read_only_as_a_non_root_user_and_stops_cleanly(podman, image):
    name, url = podman.run(f"{PREFIX}-plain", *READ_ONLY, image)
    ready = wait_until_ready(url)
    assert ready["snapshot"]["articles"] == 3
    assert requests.get(url + "/healthz", timeout=5).json() == {"status": "ok"}
    sections = requests.get(url + f"{SEED_URL}/sections", timeout=5).json()
    assert [s["id"] for s in sections["items"]][:2] == [
        "lead",
        "what-the-coalition-is-and-what-its-for",
    ]
    assert podman("exec", name, "id", "-u").strip() == "10001"
    # The baked snapshot is served as it is: nothing is built at start.
    assert "building a snapshot" not in podman.logs(name)

    assert podman("healthcheck", "run", name, check=False).strip() in ("", "healthy")
    # Workers stopped inside (the server's process itself cannot be signalled from within
    # its own namespace), the health check times out: unhealthy.
    podman("exec", name, "sh", "-c", "kill -STOP -1")  # every process but PID 1 and itself
    unhealthy = subprocess.run(
        ["podman", "healthcheck", "run", name], capture_output=True, text=True, env=podman.env
    )
    assert unhealthy.returncode != 0 and "unhealthy" in unhealthy.stdout + unhealthy.stderr
    podman("exec", name, "sh", "-c", "kill -CONT -1")
    assert podman("healthcheck", "run", name, check=False).strip() in ("", "healthy")

    started = time.monotonic()
    podman("stop", "-t", str(GRACEFUL_SECONDS), name)
    assert time.monotonic() - started < GRACEFUL_SECONDS
    assert podman("inspect", name, "--format", "{{.State.ExitCode}}").strip() == "0"


def corpus_with(change: Callable[[dict], None]) -> Path:
    """A shared copy of the bundled corpus, the seed's annotations changed by ``change``."""
    corpus = shared_copy(BUNDLED_CORPUS)
    annotations = corpus / "articles" / SEED_ID / "annotations.json"
    data = json.loads(annotations.read_text("utf-8"))
    change(data)
    annotations.write_text(json.dumps(data), "utf-8")
    return corpus


def mounted(corpus: Path) -> tuple[str, ...]:
    """`podman run` options: the corpus mounted read-only, and named."""
    return ("-v", f"{corpus}:/data:ro", "-e", "ARTICLE_DATA_DIR=/data")


def test_a_corpus_mounted_read_only_is_built_at_start_and_served(podman, image):
    corpus = corpus_with(lambda data: data.update(title="My own title"))
    try:
        name, url = podman.run(f"{PREFIX}-corpus", *READ_ONLY, *mounted(corpus), image)
        wait_until_ready(url)
        assert requests.get(url + SEED_URL, timeout=5).json()["title"] == "My own title"
        assert "building a snapshot before serving" in podman.logs(name)
    finally:
        shutil.rmtree(corpus.parent)


def test_a_snapshot_mounted_read_only_is_served_with_no_build(podman, image):
    snapshots = shared_copy(BUNDLED_CORPUS).parent / "snapshots"
    built = subprocess.run(
        [
            Path(sys.executable).parent / "article-data-api",
            "build",
            BUNDLED_CORPUS,
            "--out",
            snapshots,
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    for path in [snapshots, *snapshots.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    try:
        name, url = podman.run(
            f"{PREFIX}-snapshot",
            *READ_ONLY,
            "-v",
            f"{snapshots}:/snapshots:ro",
            "-e",
            "SNAPSHOT_DIR=/snapshots",
            image,
        )
        ready = wait_until_ready(url)
        current = (snapshots / "CURRENT").read_text().strip()
        assert ready["snapshot"]["version"] == current
        assert requests.get(url + "/v1/events?q=coalition", timeout=5).json()["total"] >= 1
        assert "building a snapshot" not in podman.logs(name)
    finally:
        shutil.rmtree(snapshots.parent)


def test_an_invalid_corpus_stops_the_container_with_the_problem(podman, image):
    corpus = corpus_with(lambda data: data["events"][1].update(status="someday"))
    try:
        name, _ = podman.run(f"{PREFIX}-invalid", *READ_ONLY, *mounted(corpus), image)
        assert podman("wait", name, timeout=120).strip() == "1"
        logs = podman.logs(name)
        assert f"articles/{SEED_ID}/annotations.json: events[1].status: Must be one of" in logs
        assert "Traceback" not in logs
    finally:
        shutil.rmtree(corpus.parent)


@pytest.fixture()
def compose(podman: Podman, image: str) -> Iterator[tuple[dict[str, str], list[str]]]:
    """`podman-compose up -d` with the repository's compose file, then `down -v`."""
    redis = subprocess.run(
        ["container/redis-stand-in.sh"], cwd=PROJECT, capture_output=True, text=True, timeout=600
    )
    assert redis.returncode == 0, redis.stderr
    project = f"{PREFIX}-compose".replace("-", "")
    env = {**podman.env, "API_1_PORT": str(free_port()), "API_2_PORT": str(free_port())}
    command = [str(PODMAN_COMPOSE), "-p", project, "-f", "docker-compose.yml"]
    try:
        up = subprocess.run(
            [*command, "up", "-d"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-2000:]
        yield (
            env,
            [f"http://127.0.0.1:{env['API_1_PORT']}", f"http://127.0.0.1:{env['API_2_PORT']}"],
        )
    finally:
        subprocess.run(
            [*command, "down", "-v", "-t", "5"],
            cwd=PROJECT,
            capture_output=True,
            env=env,
            timeout=120,
        )
        # Whatever compose left behind (a failed up), by its project label.
        for kind in ("container", "pod", "volume", "network"):
            listed = podman(
                kind,
                "ls",
                "-q",
                "--filter",
                f"label=io.podman.compose.project={project}",
                check=False,
            )
            for item in listed.split():
                podman(kind, "rm", "-f", item, check=False)


def test_compose_runs_two_replicas_that_share_one_redis_cache(podman, compose):
    _, urls = compose
    # The build job and the replicas may start together (podman-compose cannot wait on a
    # health check here): a replica that found no snapshot yet restarts, then serves.
    versions = {wait_until_ready(url, timeout=120)["snapshot"]["version"] for url in urls}
    assert len(versions) == 1
    redis = next(
        name
        for name in podman("ps", "--format", "{{.Names}}").split()
        if name.startswith(f"{PREFIX}-compose".replace("-", "")) and "redis" in name
    )

    def redis_cli(*args: str) -> str:
        return podman("exec", redis, "redis-cli", *args).strip()

    def hits() -> int:
        stats = redis_cli("info", "stats")
        return int(
            next(x.split(":")[1] for x in stats.splitlines() if x.startswith("keyspace_hits"))
        )

    path = f"{SEED_URL}/timeline?status=past"
    first = requests.get(urls[0] + path, timeout=5)
    assert first.status_code == 200
    keys = redis_cli("--scan", "--pattern", "*timeline*").split()
    assert any("/timeline?" in key for key in keys)
    before_hits, before_keys = hits(), int(redis_cli("dbsize"))
    second = requests.get(urls[1] + path, timeout=5)
    assert second.content == first.content and second.headers["ETag"] == first.headers["ETag"]
    assert hits() > before_hits  # the other replica's entry, read from Redis
    assert int(redis_cli("dbsize")) == before_keys  # nothing new to store
