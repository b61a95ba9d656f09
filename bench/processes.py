"""Servers that the benchmarks and the tests start: each on a free loopback port, waited
for until it answers, and stopped by its PID. One copy of each step, for both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerExited(RuntimeError):
    """A server's process ended before the server answered."""


def wait_until_answering(
    url: str, processes: Sequence[subprocess.Popen], timeout: float, interval: float = 0.1
) -> None:
    """Poll ``url`` until it answers 200. Raise ServerExited as soon as one of
    ``processes`` has ended, and TimeoutError once ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise ServerExited(f"the server at {url} exited while starting")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet
        time.sleep(interval)
    raise TimeoutError(f"the server at {url} did not answer within {timeout:g} s")


def stop(process: subprocess.Popen, grace: float = 30) -> None:
    """Stop ``process`` by its PID: SIGTERM, then SIGKILL if it has not ended after
    ``grace`` seconds. Safe to call on a process that has ended."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (a server's workers), read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue  # not a process, or one that has just ended
        # The parent's pid is the second field after the command, which is in parentheses.
        if entry.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return children
