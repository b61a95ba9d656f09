"""What the Docker image does, done without a Docker engine: build the wheel from the files
the builder stage copies, install it in a fresh venv, and run the runtime stage's command
with its environment, read from the Dockerfile itself."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pytest
import requests
import yaml
from dockerfile_parse import DockerfileParser

from tests.helpers import ROUTES, SEED_URL, CorpusCopy, free_port

PROJECT = Path(__file__).resolve().parents[1]
DOCKERFILE = PROJECT / "Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"
pytestmark = pytest.mark.e2e


def stages() -> list[list[dict]]:
    """The Dockerfile's instructions: those before the first FROM, then one list per stage."""
    found: list[list[dict]] = [[]]
    for instruction in DockerfileParser(str(DOCKERFILE)).structure:
        if instruction["instruction"] == "FROM":
            found.append([])
        if instruction["instruction"] != "COMMENT":
            found[-1].append(instruction)
    return found


def values(stage: list[dict], name: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == name]


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> dict:
    """A fresh venv holding the wheel, and the runtime stage's command and environment."""
    _, builder, runtime = stages()
    tmp = tmp_path_factory.mktemp("image")
    context = tmp / "context"
    context.mkdir()
    for copy in values(builder, "COPY"):
        *sources, _ = copy.split()
        for source in sources:
            (shutil.copytree if (PROJECT / source).is_dir() else shutil.copy)(
                PROJECT / source, context / source
            )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            tmp / "wheels",
            context,
        ],
        check=True,
    )
    [wheel] = (tmp / "wheels").glob("article_data_api-*.whl")
    subprocess.run([sys.executable, "-m", "venv", tmp / "venv"], check=True)
    subprocess.run([tmp / "venv" / "bin" / "pip", "install", "--quiet", wheel], check=True)
    parser = DockerfileParser(str(DOCKERFILE))
    [cmd] = values(runtime, "CMD")
    return {
        "venv": tmp / "venv",
        "env": parser.envs,
        "expose": values(runtime, "EXPOSE"),
        "command": json.loads(cmd),
        "healthcheck": values(runtime, "HEALTHCHECK")[0],
        "runtime": runtime,
        "labels": parser.labels,
        "wheel": wheel.name,
    }


class Container:
    """The image's command, run from the fresh venv with the image's environment."""

    def __init__(self, image: dict, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **image["env"],
            "PATH": f"{image['venv'] / 'bin'}:/usr/bin:/bin",
            "HOME": tempfile.gettempdir(),
            "PORT": str(self.port),  # as `docker run -e PORT=...` would
            "WORKERS": "2",
            # The image's /srv/cache, here a folder of this test's own.
            "XDG_CACHE_HOME": tempfile.mkdtemp(),
            **env,
        }
        self.process = subprocess.Popen(
            image["command"],
            env=self.env,
            cwd=tempfile.gettempdir(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read()
            try:
                requests.get(f"{self.url}/healthz", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def stop(self) -> int:
        os.kill(self.process.pid, signal.SIGTERM)
        return self.process.wait(timeout=30)


def test_the_dockerfile_is_clean_for_hadolint():
    result = subprocess.run([HADOLINT, DOCKERFILE], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_built_as_production_images_are(image):
    preamble, builder, runtime = stages()
    base = values(builder, "FROM")[0].split()[0]
    assert base == values(runtime, "FROM")[0] == "${PYTHON_IMAGE}"
    [python_image] = values(preamble, "ARG")
    tag = python_image.split(":", 1)[1]
    assert tag.startswith("3.11.") and tag.endswith("-slim-bookworm")  # pinned, slim
    [user] = values(runtime, "USER")
    assert user.split(":")[0].isdigit() and user.split(":")[0] != "0"
    assert image["expose"] == [image["env"]["PORT"]] == ["8000"]
    assert image["command"] == ["article-data-api", "serve"]
    version = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["version"]
    assert image["labels"]["org.opencontainers.image.version"] == version
    assert image["wheel"] == f"article_data_api-{version}-py3-none-any.whl"
    assert {"title", "source", "version", "licenses"} <= {
        label.rsplit(".", 1)[1] for label in image["labels"]
    }
    ignored = (PROJECT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests", "**/__pycache__"} <= set(ignored)


def test_the_image_serves_every_endpoint_and_answers_its_healthcheck(image):
    container = Container(image)
    try:
        container.wait_until_healthy()
        for url in [*ROUTES, "/openapi.json", "/docs/"]:
            response = requests.get(container.url + url, timeout=5)
            assert response.status_code == 200, url
        assert requests.get(container.url + "/v1/articles", timeout=5).json()["total"] == 3
        # HEALTHCHECK CMD, run as Docker would run it inside the container.
        command = json.loads(image["healthcheck"].split(" CMD ", 1)[1])
        command[0] = str(image["venv"] / "bin" / command[0])
        assert subprocess.run(command, env=container.env, timeout=10).returncode == 0
    finally:
        assert container.stop() == 0


def test_a_mounted_corpus_replaces_the_bundled_one(image, tmp_path):
    corpus = CorpusCopy(tmp_path / "corpus")
    corpus.edit_annotations(lambda d: d.update(title="My own title"))
    container = Container(image, ARTICLE_DATA_DIR=str(corpus.root))
    try:
        container.wait_until_healthy()
        assert requests.get(container.url + SEED_URL, timeout=5).json()["title"] == "My own title"
    finally:
        container.stop()


def test_an_invalid_corpus_stops_the_container_with_the_problem(image, tmp_path):
    corpus = CorpusCopy(tmp_path / "corpus")
    corpus.edit_annotations(lambda d: d["events"][1].update(status="someday"))
    container = Container(image, ARTICLE_DATA_DIR=str(corpus.root))
    assert container.process.wait(timeout=60) != 0
    assert f"{corpus.shown()}: events[1].status: Must be one of" in container.process.stderr.read()


def test_compose_builds_a_snapshot_then_runs_two_replicas_on_it_and_one_redis():
    services = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())["services"]
    replicas = [s for name, s in services.items() if name.startswith("api-")]
    assert len(replicas) == 2
    assert {s["environment"]["CACHE_REDIS_URL"] for s in replicas} == {"redis://redis:6379/0"}
    assert {s["environment"]["SNAPSHOT_DIR"] for s in replicas} == {"/snapshots"}
    assert {s["ports"][0] for s in replicas} == {"127.0.0.1:8001:8000", "127.0.0.1:8002:8000"}
    assert all(s["volumes"] == ["snapshots:/snapshots:ro"] for s in replicas)
    assert services["build"]["command"] == ["article-data-api", "build", "--out", "/snapshots"]
    for service in [services["redis"], *replicas]:
        assert service["restart"] == "unless-stopped" and service["healthcheck"]["test"]
    for replica in replicas:
        assert replica["depends_on"]["redis"]["condition"] == "service_healthy"
        assert replica["depends_on"]["build"]["condition"] == "service_completed_successfully"
