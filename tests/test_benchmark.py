"""The benchmark runs end to end, briefly, so the script cannot rot. It asserts no speed."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "run.py"


@pytest.mark.e2e
@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (.ci/run installs it)"
)
def test_smoke_benchmark_prints_every_table():
    result = subprocess.run(
        [sys.executable, BENCH, "--smoke"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("cores: ")
    endpoint_rows = [
        line for line in lines if line.startswith("| /v1/") or line.startswith("| {seed}")
    ]
    assert len(endpoint_rows) == 10
    for size in ("50", "200"):  # the build table, then start-up and memory
        assert sum(line.startswith(f"| {size} | ") for line in lines) == 3
    for kind in ("article", "sections", "organization"):
        assert any(line.startswith(f"| {kind} |") for line in lines)
    for query in ("relevance, 1-3 words", "phrase", "events, organization + dates", "first page"):
        assert any(line.startswith(f"| {query} |") for line in lines)


def test_the_slow_client_bench_shares_the_tests_process_helpers():
    """Loaded under a second name, bench.processes would be two modules, and a server
    that exits would raise a ServerExited that the tests' except clauses do not match."""
    import bench.processes
    import bench.servers

    assert bench.servers.stop is bench.processes.stop
