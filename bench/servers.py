"""Choose the server by measurement: slow clients held open, and throughput, side by side.

    python bench/servers.py                       # every candidate server
    python bench/servers.py --servers default     # only what `article-data-api serve` runs

**Slow clients.** The script holds connections open the way slow or hostile clients do,
and times normal requests meanwhile.

Four kinds of client, a quarter of the held connections each, all on 127.0.0.1:

- slow headers: a request line, then one more header line a second, never the blank line;
- unfinished request line: ``GET /v1/arti`` and nothing more;
- idle keep-alive: a complete request, its answer read, then silence on the open socket;
- TLS hello: a TLS ClientHello sent to the plain HTTP port, then silence.

A held connection that the server closes is opened again (at most once a second), so the
pressure lasts. Meanwhile one client sends normal requests, each on a new connection, and
the latency of each is recorded; a request that gets no answer within ``--timeout``
counts as that long. Every loop is bounded in count and time, and every server started is
stopped by its PID. The test suite imports :func:`hold_and_measure` for its p99 check.

**Throughput.** Then wrk loads the seed's sections (a warm cache hit) for ``--duration``
seconds with 16 connections, once reusing connections (keep-alive) and once with a new
connection per request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

# Run as a script, the repository is not on the path. Its neighbour is imported as
# bench.processes, as the tests import both: under a second name it would be loaded
# twice, with an exception class of its own that the tests' could not catch.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.processes import free_port, stop, wait_until_answering

KINDS = ("slow headers", "unfinished request line", "idle keep-alive", "TLS hello")
NORMAL_PATHS = (
    "/v1/articles",
    "/v1/articles/mistral-ai-joins-nvidia-nemotron-coalition/sections",
    "/v1/organizations/nvidia",
    "/healthz",
)
BIN = Path(sys.executable).parent


def client_hello() -> bytes:
    """The bytes a TLS client sends first, made by Python's own TLS stack."""
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    # The hello is written; the handshake then waits for a server that never answers.
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


async def _hold(kind: str, host: str, port: int, until: float, opened: list[int]) -> None:
    """Keep one connection of ``kind`` open until ``until``, reopening it if closed."""
    hello = client_hello() if kind == "TLS hello" else b""
    while time.monotonic() < until:
        started = time.monotonic()
        writer = None
        try:
            reader, writer = await asyncio.open_connection(host, port)
            opened[0] += 1
            if kind == "slow headers":
                writer.write(b"GET /v1/articles HTTP/1.1\r\nHost: localhost\r\n")
                while time.monotonic() < until and not reader.at_eof():
                    await writer.drain()
                    await asyncio.sleep(1)
                    writer.write(b"X-Slow: 1\r\n")
            else:
                if kind == "unfinished request line":
                    writer.write(b"GET /v1/arti")
                elif kind == "idle keep-alive":
                    writer.write(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                else:
                    writer.write(hello)
                await writer.drain()
                # Read what comes (an answer, then the close, if the server closes it).
                while time.monotonic() < until:
                    remaining = until - time.monotonic()
                    chunk = await asyncio.wait_for(reader.read(65536), timeout=remaining)
                    if not chunk:
                        break
        except (TimeoutError, OSError):
            pass
        finally:
            if writer is not None:
                writer.close()
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def _attack(host: str, port: int, connections: int, seconds: float, opened: list[int]) -> None:
    async def all_of_them() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(_hold(KINDS[i % len(KINDS)], host, port, until, opened) for i in range(connections))
        )

    asyncio.run(all_of_them())


@dataclass
class Outcome:
    held: int
    opened: int
    requests: int
    failed: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    def row(self) -> str:
        return (
            f"| {self.held} | {self.opened} | {self.requests} | {self.failed} | "
            f"{self.p50_ms:.0f} | {self.p99_ms:.0f} | {self.max_ms:.0f} |"
        )


def hold_and_measure(
    url: str,
    connections: int = 200,
    requests_count: int = 200,
    timeout: float = 2.0,
    settle: float = 3.0,
    seconds: float = 40.0,
) -> Outcome:
    """Hold ``connections`` open against the server at ``url`` while sending
    ``requests_count`` normal requests; at most ``seconds`` in all."""
    host, port = url.removeprefix("http://").split(":")
    opened = [0]
    attackers = threading.Thread(
        target=_attack, args=(host, int(port), connections, seconds, opened), daemon=True
    )
    attackers.start()
    time.sleep(settle)  # every connection opened and holding before the first request
    deadline = time.monotonic() + seconds - settle - timeout
    latencies: list[float] = []
    failed = 0
    for i in range(requests_count):
        if time.monotonic() > deadline:
            break
        started = time.monotonic()
        try:
            response = requests.get(
                url + NORMAL_PATHS[i % len(NORMAL_PATHS)],
                timeout=timeout,
                headers={"Connection": "close"},
            )
            ok = response.status_code == 200
        except requests.RequestException:
            ok = False
        latencies.append(time.monotonic() - started if ok else timeout)
        failed += not ok
        time.sleep(0.02)
    attackers.join(timeout=seconds + 5)
    ordered = sorted(latencies) or [timeout]

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return Outcome(connections, opened[0], len(latencies), failed, at(0.5), at(0.99), at(1.0))


NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log stderr error;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_header_timeout 10s;
    keepalive_timeout 5s;
    upstream app {{ server 127.0.0.1:{upstream}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}
}}
"""


@contextmanager
def candidate(name: str, workers: int) -> Iterator[str]:
    """Start the server called ``name`` on a free port; yield its URL; stop it by PID."""
    port = free_port()
    env = {**os.environ, "WORKERS": str(workers), "HOST": "127.0.0.1", "PORT": str(port)}
    gunicorn = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    app = "article_data_api.app:create_app()"
    processes = []
    with tempfile.TemporaryDirectory() as scratch:
        commands = {
            "default": [[str(BIN / "article-data-api"), "serve"]],
            "gunicorn sync": [[*gunicorn, app]],
            "gunicorn gthread": [[*gunicorn, "--worker-class", "gthread", "--threads", "8", app]],
            "gunicorn gevent": [[*gunicorn, "--worker-class", "gevent", app]],
            "granian": [
                [
                    str(BIN / "granian"),
                    "--interface",
                    "wsgi",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    str(workers),
                    "--no-access-log",
                    "--factory",
                    "article_data_api.app:create_app",
                ]
            ],
        }
        if name == "nginx + gunicorn sync":
            upstream = free_port()
            Path(scratch, "nginx.conf").write_text(
                NGINX_CONF.format(dir=scratch, port=port, upstream=upstream)
            )
            commands[name] = [
                [*gunicorn[:2], f"127.0.0.1:{upstream}", *gunicorn[3:], app],
                ["nginx", "-c", f"{scratch}/nginx.conf", "-p", scratch],
            ]
        try:
            for command in commands[name]:
                processes.append(
                    subprocess.Popen(
                        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                    )
                )
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(url + "/healthz", processes, 120)
            yield url
        finally:
            for process in processes:
                stop(process)


CANDIDATES = (
    "gunicorn sync",
    "gunicorn gthread",
    "gunicorn gevent",
    "nginx + gunicorn sync",
    "granian",
    "default",
)


def missing(name: str) -> str | None:
    """Why candidate ``name`` cannot run here, or None."""
    if name.startswith(("gunicorn", "nginx")) and shutil.which(str(BIN / "gunicorn")) is None:
        return "gunicorn is not installed (pip install -e '.[bench]')"
    if name == "gunicorn gevent":
        try:
            import gevent  # noqa: F401
        except ImportError:
            return "gevent is not installed"
    if name.startswith("nginx") and shutil.which("nginx") is None:
        return "nginx is not installed"
    return None


def throughput(url: str, duration: int, keep_alive: bool) -> float:
    """Requests per second from wrk, 16 connections, every answer a 200."""
    command = ["wrk", "-t1", "-c16", f"-d{duration}s"]
    if not keep_alive:
        command += ["-H", "Connection: close"]
    output = subprocess.run(
        [*command, url + NORMAL_PATHS[1]], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default=",".join(CANDIDATES))
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=5)
    args = parser.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0))}; workers: {args.workers}")
    print(
        "| server | held | opened | requests | failed | p50 ms | p99 ms | max ms |"
        " keep-alive req/s | new connection req/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in args.servers.split(","):
        reason = missing(name)
        if reason:
            print(f"| {name} | skipped: {reason} |")
            continue
        with candidate(name, args.workers) as url:
            outcome = hold_and_measure(url, args.connections, args.requests)
            time.sleep(2)  # the held connections closed
            kept = throughput(url, args.duration, keep_alive=True)
            fresh = throughput(url, args.duration, keep_alive=False)
        print(f"| {name} {outcome.row()} {kept:.0f} | {fresh:.0f} |", flush=True)


if __name__ == "__main__":
    main()
