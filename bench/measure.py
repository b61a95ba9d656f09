"""What bench/run.py and bench/scale.py both use: servers on loopback ports, stopped by
their PIDs, wrk loads, the median of interleaved runs and table rows."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from processes import child_pids, free_port, stop, wait_until_answering

BIN = Path(sys.executable).parent
WORKERS = "2"


class Server:
    """A server (granian, as `article-data-api serve` runs it) on a free loopback port,
    stopped by its PID.

    ``{port}`` in the command is replaced by the port.
    """

    def __init__(
        self, command: list[str], env: dict[str, str] | None = None, ready_path: str = "/"
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        started = time.monotonic()
        self.process = subprocess.Popen(
            [part.format(port=self.port) for part in command],
            env={**os.environ, **{k: v.format(port=self.port) for k, v in (env or {}).items()}},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # Polled often: the time to the first 200 is the start-up figure.
            wait_until_answering(self.url + ready_path, [self.process], 600, interval=0.02)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def worker_pids(self) -> list[int]:
        """The worker processes, once all of them have started."""
        children: list[int] = []
        for _ in range(100):
            children = child_pids(self.process.pid)
            if len(children) >= int(WORKERS):
                break
            time.sleep(0.1)
        return children

    def stop(self) -> None:
        stop(self.process)


def api_server(env: dict[str, str] | None = None, ready_path: str = "/") -> Server:
    command = [str(BIN / "article-data-api"), "serve", "--host", "127.0.0.1", "--port", "{port}"]
    return Server([*command, "--workers", WORKERS], env, ready_path)


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str,
    duration: int,
    connections: int,
    headers: dict[str, str] | None = None,
    paths: list[str] | None = None,
) -> Load:
    """Load ``url`` with wrk; with ``paths``, each request asks for the next of them, in
    turn, on ``url``'s server."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if paths:
            listed = ", ".join(json.dumps(path) for path in paths)
            script.write(
                f"local paths = {{{listed}}}\nlocal i = 0\n"
                "request = function()\n  i = i % #paths + 1\n"
                "  return wrk.format(nil, paths[i])\nend\n"
            )
            script.flush()
            command += ["-s", script.name]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{output}")
    return Load(
        float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        _ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        _ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
    )


def row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def median_load(loads: list[Load]) -> Load:
    """The middle run: on two shared cores one run can be far off."""
    return sorted(loads, key=lambda load: load.requests_per_second)[len(loads) // 2]
