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
    assert any(line.startswith("| synthetic | 200 |") for line in lines)
    for query in ("q", "organization", "deep offset"):
        assert any(line.startswith(f"| {query} |") for line in lines)
