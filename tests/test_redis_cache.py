"""The response cache on a real redis-server, shared by gunicorn workers, through an outage."""

import shutil
import subprocess
import threading
import time

import pytest
import redis
import requests

from article_data_api.store import RELOAD_CHECK_SECONDS
from article_data_api.store.build import Builder
from article_data_api.store.layout import SnapshotDir
from bench.processes import stop
from tests.helpers import SAMPLE_ID, SEED_URL, LiveServer, free_port, serving

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="redis-server is not installed (.ci/run installs it with apt-get)",
    ),
]
URLS = [
    f"{SEED_URL}/timeline",
    f"{SEED_URL}/sections",
    "/v1/organizations/mistral-ai",
    "/v1/articles",
]


class RedisServer:
    """A real redis-server on a loopback port, stopped by its PID."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        self.client = redis.Redis(port=port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        stop(self.process, grace=10)


@pytest.fixture()
def redis_server():
    server = RedisServer(free_port())
    yield server
    server.stop()


@pytest.fixture()
def api_on_redis(redis_server):
    server = LiveServer(env={"CACHE_REDIS_URL": redis_server.url})
    server.wait_until_healthy()
    yield server
    server.stop()


def test_workers_share_responses_in_redis_under_the_snapshot_version(api_on_redis, redis_server):
    bodies = {requests.get(api_on_redis.url + URLS[0], timeout=5).content for _ in range(6)}
    assert len(bodies) == 1
    keys = [key.decode() for key in redis_server.client.keys("article-data-api:*")]
    version = requests.get(api_on_redis.url + "/readyz", timeout=5).json()["snapshot"]["version"]
    key = f'article-data-api:0.1.0:{version} application/json {URLS[0]}?{{"limit":20,"offset":0}}'
    assert key in keys
    stored = redis_server.client.get(key)
    assert stored.startswith(b"ADA1")  # the fixed layout, never a pickle


def test_requests_survive_a_redis_outage_and_caching_resumes(api_on_redis, redis_server):
    expected = {url: requests.get(api_on_redis.url + url, timeout=5).content for url in URLS}
    results: list[tuple[int, bool]] = []
    stop = threading.Event()

    def load() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                for url in URLS:
                    response = session.get(api_on_redis.url + url, timeout=5)
                    results.append((response.status_code, response.content == expected[url]))

    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(0.5)
    redis_server.stop()
    time.sleep(2)
    ready = requests.get(api_on_redis.url + "/readyz", timeout=5)
    stop.set()
    loader.join(timeout=10)

    assert len(results) > 50
    assert set(results) == {(200, True)}
    assert ready.status_code == 503
    assert ready.headers["Content-Type"] == "application/problem+json"
    assert "does not answer" in ready.json()["detail"]

    revived = RedisServer(redis_server.port)
    try:
        time.sleep(1.5)  # past the retry interval of the failed backend
        deadline = time.monotonic() + 10
        while revived.client.dbsize() == 0 and time.monotonic() < deadline:
            requests.get(api_on_redis.url + f"{SEED_URL}/timeline?limit=3", timeout=5)
            time.sleep(0.1)
        assert revived.client.dbsize() > 0
        assert requests.get(api_on_redis.url + "/readyz", timeout=5).status_code == 200
    finally:
        revived.stop()
    log = api_on_redis.stop()
    # An outage is one line a second, saying why: not a traceback on every retry.
    assert "response cache get failed (ConnectionError: Error 111 connecting to" in log
    assert "Traceback" not in log


def test_a_new_snapshot_never_reads_the_old_ones_entries_from_redis(
    redis_server, corpus_copy, tmp_path
):
    snapshot_dir = tmp_path / "snapshots"
    env = {
        "CACHE_REDIS_URL": redis_server.url,
        "ARTICLE_DATA_DIR": str(corpus_copy.root),
        "SNAPSHOT_DIR": str(snapshot_dir),
    }
    with serving(env=env) as server:
        url = f"{server.url}/v1/articles/{SAMPLE_ID}"
        assert {requests.get(url, timeout=5).json()["title"] for _ in range(4)} == {
            "Sample article: Harbour City libraries open a shared catalogue search"
        }
        corpus_copy.edit_annotations(lambda d: d.update(title="After the switch"), SAMPLE_ID)
        Builder(corpus_copy.root, SnapshotDir(snapshot_dir)).build()
        time.sleep(RELOAD_CHECK_SECONDS + 0.5)
        assert {requests.get(url, timeout=5).json()["title"] for _ in range(4)} == {
            "After the switch"
        }
        versions = {key.decode().split(" ")[0] for key in redis_server.client.keys("*/v1/*")}
        assert len(versions) == 2  # each snapshot's entries under its own version
