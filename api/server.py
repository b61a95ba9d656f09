"""The production server behind ``article-data-api serve``: granian, configured in code.

Why granian (measured, see docs/server.md): it reads and writes connections in Rust,
outside the Python workers, so slow, idle or hostile clients hold sockets, never the
workers that answer requests; and it keeps connections alive between requests.

``python -m article_data_api.server MODULE:APP`` serves any WSGI app with exactly these
settings: the benchmark serves its bare Flask baseline that way.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import os
import resource
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels

from article_data_api.app import ArticleDataApp
from article_data_api.config import bind_address, log_level, port_number, positive_count

# Python threads per worker that run the app. Requests are short and CPU-bound; a second
# thread only contends for the worker's GIL, which SQLite and Tantivy drop and must then
# win back on every query: uncached items served 1.3x to 1.7x faster with one thread
# (docs/server.md).
THREADS_PER_WORKER = 1
# A client must send its request's head within this time, or its connection is closed.
HEADER_READ_TIMEOUT_MS = 10_000
# The most a request's head may take in granian's buffer. Anything over the app's own
# limits (api.limits) but under this gets the app's problem+json; over it, granian
# answers a bare 431 before the app is involved.
HEAD_BUFFER_BYTES = 65_536
# On SIGTERM, requests in flight get this long to finish before workers are killed.
GRACEFUL_TIMEOUT_SECONDS = 20
# Connections a worker holds open at once, idle or slow ones included (granian's
# "backpressure" counts connections, not requests in progress); more wait in the kernel's
# backlog. Each costs a file descriptor and a few KiB of Rust memory, no Python thread.
CONNECTIONS_PER_WORKER = 1024
BACKLOG = 2048


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    workers: int
    log_level: str


def usable_cpus(root: Path = Path("/")) -> int:
    """The CPUs this process may use: its affinity, capped by its cgroup's CPU quota
    (a container limited to 1.5 CPUs gets 2), never the host's count."""
    cpus = len(os.sched_getaffinity(0))
    quota = _cgroup_quota(root)
    return max(1, min(cpus, math.ceil(quota))) if quota is not None else cpus


def _cgroup_quota(root: Path) -> float | None:
    """CPUs allowed by the cgroup quota (v2 ``cpu.max`` or v1 ``cpu.cfs_*``), or None."""
    try:
        membership = (root / "proc/self/cgroup").read_text().splitlines()
    except OSError:
        membership = []
    for line in membership:
        _, controllers, path = line.split(":", 2)
        relative = path.lstrip("/")
        if controllers == "":  # cgroup v2
            candidates = [root / "sys/fs/cgroup" / relative, root / "sys/fs/cgroup"]
            for folder in candidates:
                try:
                    quota, period = (folder / "cpu.max").read_text().split()
                except (OSError, ValueError):
                    continue
                return None if quota == "max" else int(quota) / int(period)
        elif "cpu" in controllers.split(","):  # cgroup v1
            for folder in (root / "sys/fs/cgroup/cpu" / relative, root / "sys/fs/cgroup/cpu"):
                try:
                    quota = int((folder / "cpu.cfs_quota_us").read_text())
                    period = int((folder / "cpu.cfs_period_us").read_text())
                except (OSError, ValueError):
                    continue
                return None if quota <= 0 else quota / period
    return None


def server_settings(environ: Mapping[str, str]) -> ServerSettings:
    """The server's settings, from the documented environment variables."""
    workers = environ.get("WORKERS", "")
    return ServerSettings(
        host=bind_address(environ.get("HOST") or "0.0.0.0", "HOST"),
        port=port_number(environ.get("PORT", "8000"), "PORT"),
        workers=positive_count(workers, "WORKERS") if workers else usable_cpus(),
        log_level=log_level(environ),
    )


def logging_config(level: str) -> dict[str, Any]:
    """granian's own messages as JSON lines, like the app's."""
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stdout",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "article_data_api.logs.JsonFormatter"}},
        "handlers": {"stdout": handler},
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            "_granian": {"level": level, "handlers": ["stdout"], "propagate": False},
            "granian.access": {"level": "WARNING", "handlers": ["stdout"], "propagate": False},
        },
    }


def _in_worker(app: Callable) -> Callable:
    """The preloaded app, as each forked worker starts serving it, with what the app
    starts in each worker.

    granian builds every request's environ on top of a copy of the process environment,
    so a variable such as ``HTTP_IF_NONE_MATCH`` would read as a header the client never
    sent. Settings are read by now; those names go.
    """
    for name in [n for n in os.environ if n.startswith("HTTP_") or n.startswith("CONTENT_")]:
        del os.environ[name]
    if isinstance(app, ArticleDataApp):  # the benchmark's bare Flask starts nothing
        app.start_worker()
    return app


def connections_per_worker() -> int:
    """CONNECTIONS_PER_WORKER, or fewer where the open-file limit (raised to its hard
    maximum first) leaves less room."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    limit = hard if hard != resource.RLIM_INFINITY else CONNECTIONS_PER_WORKER * 2
    return max(16, min(CONNECTIONS_PER_WORKER, limit - 64))  # room for files and sockets


def run(app: Callable, settings: ServerSettings, name: str) -> None:
    """Serve the loaded WSGI ``app`` until SIGTERM or SIGINT; SIGHUP restarts the workers
    gracefully."""
    # Workers are forked from this process, so they share what it loaded (the app, its
    # validated settings) instead of each loading it again.
    multiprocessing.set_start_method("fork", force=True)
    level = settings.log_level.lower()
    server = Granian(
        name,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.workers,
        blocking_threads=THREADS_PER_WORKER,
        backlog=BACKLOG,
        backpressure=connections_per_worker(),
        http1_settings=HTTP1Settings(
            header_read_timeout=HEADER_READ_TIMEOUT_MS,
            keep_alive=True,
            max_buffer_size=HEAD_BUFFER_BYTES,
        ),
        log_level=LogLevels(level),
        log_dictconfig=logging_config(settings.log_level),
        # The app logs every request as one JSON line (article_data_api.logs).
        log_access=False,
        workers_kill_timeout=GRACEFUL_TIMEOUT_SECONDS,
        respawn_failed_workers=True,
    )
    server.serve(target_loader=partial(_in_worker, app), wrap_loader=False)


def main(argv: list[str]) -> None:
    """Serve ``MODULE:APP`` with the API's settings, from the environment."""
    module, _, name = argv[0].partition(":")
    app = getattr(importlib.import_module(module), name)
    run(app, server_settings(os.environ), argv[0])


if __name__ == "__main__":
    main(sys.argv[1:])
