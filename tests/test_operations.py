"""Running it: server settings, structured logs, request ids, graceful shutdown, limits."""

import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from article_data_api import create_app
from article_data_api.cli import main
from article_data_api.config import ConfigError, settings_from_env
from article_data_api.response_cache import cache_of
from article_data_api.server import server_settings, usable_cpus
from tests.helpers import CONSOLE_SCRIPT, SEED_URL, LiveServer


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_server_settings_come_from_the_environment():
    settings = server_settings({"PORT": "9123"})
    assert (settings.host, settings.port) == ("0.0.0.0", 9123)
    assert settings.workers == usable_cpus() and settings.log_level == "INFO"
    assert server_settings({"WORKERS": "3"}).workers == 3
    for workers in ("many", "0", "-1"):
        with pytest.raises(ConfigError, match=f"WORKERS='{workers}': must be a whole number"):
            server_settings({"WORKERS": workers})
    with pytest.raises(ConfigError, match="PORT='http'"):
        server_settings({"PORT": "http"})


def write_cgroup(root: Path, membership: str, files: dict[str, str]) -> Path:
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/self/cgroup").write_text(membership)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    ("membership", "files", "expected"),
    [
        ("0::/\n", {"sys/fs/cgroup/cpu.max": "max 100000\n"}, None),
        ("0::/\n", {"sys/fs/cgroup/cpu.max": "50000 100000\n"}, 1),
        ("0::/pod/app\n", {"sys/fs/cgroup/pod/app/cpu.max": "150000 100000\n"}, 2),
        (
            "4:cpu,cpuacct:/docker/abc\n",
            {
                "sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us": "100000\n",
                "sys/fs/cgroup/cpu/docker/abc/cpu.cfs_period_us": "100000\n",
            },
            1,
        ),
        ("4:cpu,cpuacct:/\n", {"sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n"}, None),
        ("", {}, None),
    ],
)
def test_default_workers_follow_the_cpu_quota_not_the_hosts_count(
    tmp_path, membership, files, expected
):
    affinity = len(os.sched_getaffinity(0))
    cpus = usable_cpus(write_cgroup(tmp_path, membership, files))
    assert cpus == (affinity if expected is None else min(expected, affinity))


@pytest.mark.parametrize(
    ("command", "option", "given", "reason"),
    [
        *[
            ("serve", "--workers", given, "must be a whole number, 1 or more")
            for given in ["0", "-2", "two", "²"]
        ],
        *[
            ("serve", "--port", given, "must be a port number, 1 to 65535")
            for given in ["0", "70000", "http"]
        ],
        *[("build", "--keep", given, "must be a whole number, 1 or more") for given in ["0", "-1"]],
        *[
            ("serve", "--host", given, "must be an IP address to bind, such as 0.0.0.0")
            for given in ["not-a-host", "999.1.1.1", ""]
        ],
    ],
)
def test_a_bad_option_is_refused_before_anything_starts(capsys, command, option, given, reason):
    with pytest.raises(SystemExit) as exit_:
        main([command, option, given])
    assert exit_.value.code == 2
    assert f"{option}={given!r}: {reason}" in capsys.readouterr().err


def test_a_port_in_use_is_one_line_not_a_traceback(corpus_copy, tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    env = {
        **os.environ,
        "ARTICLE_DATA_DIR": str(corpus_copy.root),
        "SNAPSHOT_DIR": str(tmp_path / "snapshots"),
    }
    try:
        served = subprocess.run(
            [CONSOLE_SCRIPT, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        taken.close()
    assert served.returncode == 1
    assert served.stderr == (
        f"article-data-api: cannot start: 127.0.0.1:{port}: Address already in use (os error 98)\n"
    )


def test_the_app_never_runs_in_debug_mode(app):
    assert app.debug is False and app.testing is True
    assert not os.environ.get("FLASK_DEBUG")


@pytest.fixture(scope="module")
def server():
    running = LiveServer()
    running.wait_until_healthy()
    yield running
    running.stop()


@pytest.mark.e2e
def test_each_request_is_one_json_log_line_with_its_request_id(server):
    response = requests.get(
        f"{server.url}{SEED_URL}/timeline?status=past",
        headers={"X-Request-ID": "trace-42.a", "User-Agent": "log-test/1"},
        timeout=5,
    )
    assert response.headers["X-Request-ID"] == "trace-42.a"
    time.sleep(0.2)
    [line] = [
        entry for entry in json_lines(server.printed()) if entry.get("request_id") == "trace-42.a"
    ]
    assert line["logger"] == "article_data_api.access" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["query"]) == (
        "GET",
        f"{SEED_URL}/timeline",
        "status=past",
    )
    assert (line["status"], line["bytes"]) == (200, int(response.headers["Content-Length"]))
    assert line["user_agent"] == "log-test/1"
    assert isinstance(line["duration_ms"], float) and line["time"].endswith("+00:00")


@pytest.mark.e2e
@pytest.mark.parametrize("given", ["has spaces", "x" * 129, "semi;colon", ""])
def test_an_insane_request_id_is_replaced(server, given):
    response = requests.get(f"{server.url}/healthz", headers={"X-Request-ID": given}, timeout=5)
    assert response.headers["X-Request-ID"] != given
    assert len(response.headers["X-Request-ID"]) == 32


@pytest.mark.e2e
def test_every_line_the_server_prints_is_json(server):
    lines = server.printed().splitlines()
    assert lines and all(json.loads(line)["message"] for line in lines)
    assert any(json.loads(line)["logger"] == "_granian" for line in lines)


@pytest.mark.e2e
def test_start_up_logs_the_snapshot_it_serves(server):
    [serving] = [
        entry for entry in json_lines(server.printed()) if entry["message"] == "serving snapshot"
    ]
    counts = (serving["articles"], serving["sections"], serving["organizations"], serving["events"])
    assert counts == (3, 11, 8, 16)
    ready = requests.get(f"{server.url}/readyz", timeout=5).json()
    assert serving["version"] == ready["snapshot"]["version"]


CLOSE = b"Connection: close\r\n\r\n"


def raw_request(server, request: bytes) -> bytes:
    """Send bytes as they are, for requests no well-behaved client would make."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("request_bytes", "status", "detail"),
    [
        (
            b"GET /v1/articles?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n" + CLOSE,
            414,
            "The path and query string are over 4094 bytes.",
        ),
        (
            b"GET /v1/articles HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-Big-%d: y\r\n" % i for i in range(60))
            + CLOSE,
            431,
            "The request has over 50 header fields.",
        ),
        (
            b"GET /v1/articles HTTP/1.1\r\nHost: x\r\nX-Long: " + b"y" * 9000 + b"\r\n" + CLOSE,
            431,
            "The X-Long header field is over 8190 bytes.",
        ),
    ],
)
def test_requests_over_the_limits_are_problems_too(server, request_bytes, status, detail):
    head, _, body = raw_request(server, request_bytes).partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"content-type: application/problem+json" in head.lower()
    problem = json.loads(body)
    assert (problem["status"], problem["detail"]) == (status, detail)
    assert b"aaaa" not in body  # the over-long request is not echoed back


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        # Over granian's 64 KiB buffer for a request's head: it answers before the app.
        (b"GET /v1/articles?q=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),
        (b"GET /v1/articles HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400),
        (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 64, 400),
    ],
)
def test_requests_the_server_cannot_parse_get_a_bare_status_and_a_close(
    server, request_bytes, status
):
    head, _, body = raw_request(server, request_bytes).partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"connection: close" in head.lower() and body == b""


@pytest.mark.e2e
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT"])
def test_only_get_head_and_options_are_allowed(server, method):
    response = requests.request(method, f"{server.url}{SEED_URL}", timeout=5)
    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.e2e
@pytest.mark.parametrize(
    "path",
    [
        "/v1/articles/..%2F..%2Fetc%2Fpasswd",
        "/v1/articles/%00",
        "/v1/articles/" + "a" * 200,
        "/v1/articles/../../etc/passwd",
        "/v1/articles/a%2Fb/sections",
    ],
)
def test_ids_that_are_not_slugs_are_404_problems(server, path):
    response = raw_request(
        server, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] in (b"400", b"404"), head
    assert json.loads(body)["type"] == "about:blank"
    assert b"Traceback" not in body and b"<html" not in body


@pytest.mark.e2e
def test_sigterm_lets_the_request_in_flight_finish_then_exits_zero():
    server = LiveServer()
    server.wait_until_healthy()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"GET {SEED_URL}/timeline HTTP/1.1\r\nHost: x\r\n".encode())  # in flight
        time.sleep(0.3)
        os.kill(server.process.pid, signal.SIGTERM)
        time.sleep(1.0)
        sock.sendall(b"Connection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    assert response.startswith(b"HTTP/1.1 200 OK")
    assert json.loads(response.partition(b"\r\n\r\n")[2])["total"] == 9
    assert server.process.wait(timeout=25) == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/healthz", timeout=2)
    server.stop()


def test_environment_settings_are_checked():
    assert settings_from_env({"CACHE_MAX_AGE": "60"})["CACHE_MAX_AGE"] == 60
    with pytest.raises(ConfigError, match="CACHE_MAX_AGE='soon'"):
        settings_from_env({"CACHE_MAX_AGE": "soon"})
    with pytest.raises(ConfigError, match="CACHE_TYPE='Memcached'"):
        settings_from_env({"CACHE_TYPE": "Memcached"})
    redis = settings_from_env({"CACHE_REDIS_URL": "redis://cache:6379/0"})
    assert redis["CACHE_REDIS_URL"] == "redis://cache:6379/0"


REDIS = "redis://127.0.0.1:6390/0"  # nothing answers there: creating the app connects not


@pytest.mark.parametrize(
    ("config", "backend"),
    [
        ({}, "MemoryCache"),
        ({"CACHE_TYPE": "NullCache"}, "NullCache"),
        ({"CACHE_REDIS_URL": REDIS}, "BytesRedisCache"),
        ({"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS}, "BytesRedisCache"),
    ],
)
def test_the_cache_backend_follows_its_settings_and_redis_gets_short_timeouts(config, backend):
    # An app given its Redis in create_app's config (not the environment) got redis-py's
    # 5 s timeouts: in an outage each request waited for them.
    cache = cache_of(create_app(config)).cache
    assert type(cache).__name__ == backend
    if backend == "BytesRedisCache":
        options = cache._write_client.connection_pool.connection_kwargs
        assert (options["socket_timeout"], options["socket_connect_timeout"]) == (0.25, 0.25)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        # Without a URL, RedisCache went to localhost:6379 with redis-py's defaults, so in
        # an outage every request waited for its retries (4 s here).
        (
            {"CACHE_TYPE": "RedisCache"},
            "CACHE_TYPE='RedisCache' needs CACHE_REDIS_URL, the Redis to use",
        ),
        # The URL silently won: the cache an operator had turned off stayed on.
        (
            {"CACHE_TYPE": "NullCache", "CACHE_REDIS_URL": REDIS},
            "CACHE_TYPE='NullCache' and CACHE_REDIS_URL disagree: CACHE_REDIS_URL means"
            " RedisCache, so unset one of them",
        ),
        (
            {"CACHE_TYPE": "SimpleCache", "CACHE_REDIS_URL": REDIS},
            "CACHE_TYPE='SimpleCache' and CACHE_REDIS_URL disagree",
        ),
    ],
)
def test_cache_settings_that_contradict_each_other_are_refused(
    monkeypatch, capsys, config, message
):
    with pytest.raises(ConfigError, match=re.escape(message)):
        create_app(config)
    for variable, value in config.items():
        monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 1
    assert f"cannot start: {message}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CACHE_MAX_AGE", "-1", "CACHE_MAX_AGE='-1': must be a whole number of seconds"),
        ("CACHE_MAX_AGE", "²", "CACHE_MAX_AGE='²': must be a whole number of seconds"),
        ("CACHE_MAX_BYTES", "lots", "CACHE_MAX_BYTES='lots': must be a whole number of bytes"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD': must be one of"),
        ("CACHE_REDIS_URL", "http://cache:6379", "CACHE_REDIS_URL='http://cache:6379'"),
        ("CACHE_REDIS_URL", "redis://cache:99999/0", "CACHE_REDIS_URL='redis://cache:99999/0'"),
        ("CACHE_REDIS_URL", "redis://[::1/0", "CACHE_REDIS_URL='redis://[::1/0'"),
        ("WORKERS", "0", "WORKERS='0': must be a whole number, 1 or more"),
        ("WORKERS", "²", "WORKERS='²': must be a whole number, 1 or more"),
        ("PORT", "eighty", "PORT='eighty'"),
        ("PORT", "8⁰", "PORT='8⁰': must be a port number"),
        ("ALLOW_OUTSIDE_LINKS", "sure", "ALLOW_OUTSIDE_LINKS='sure'"),
        ("HOST", "localhost", "HOST='localhost': must be an IP address to bind"),
        *[
            ("PUBLIC_BASE_URL", url, f"PUBLIC_BASE_URL={url!r}: must be the API's public URL")
            for url in [
                "example.com",
                "ftp://example.com",
                "https://",
                "https://example.com/api?x=1",
                "https://example.com/api#top",
                "https://user@example.com",
            ]
        ],
    ],
)
def test_serve_refuses_bad_settings_with_a_message(monkeypatch, capsys, variable, value, message):
    monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 1
    assert f"cannot start: {message}" in capsys.readouterr().err
