"""Benchmark the API against bare Flask on the same server settings, on 127.0.0.1.

    python bench/run.py [--duration 5] [--rounds 3] [--small 1000] [--large 100000]
    python bench/run.py --smoke     # a short run that only proves the script works

For every endpoint of the seed article it loads, in turn, the API with a warm response
cache, the API with no response cache (what a first request costs), the API answering
304s, and bare Flask returning a precomputed body of the same size, with wrk, whose
connections are kept alive; then the warm API and bare Flask again with
``Connection: close`` (a new connection per request). It prints requests/s, p50, p99 and
the ratio to bare Flask. Then (bench/scale.py) it builds and
serves two synthetic corpora (bench/make_corpus.py) side by side: build speed, snapshot
size, start-up, cold item throughput, query latencies and memory per worker.

Speed is never asserted: this prints numbers for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from measure import (  # noqa: E402
    WORKERS,
    Load,
    Server,
    api_server,
    median_load,
    row,
    wrk,
)
from scale import WARM_UP_SECONDS, scale_tables  # noqa: E402

SEED = "/v1/articles/mistral-ai-joins-nvidia-nemotron-coalition"
ENDPOINTS = [
    "/v1/articles",
    SEED,
    f"{SEED}/sections",
    f"{SEED}/sections/what-mistral-brings-to-the-partnership",
    f"{SEED}/organizations",
    f"{SEED}/organizations/nvidia",
    f"{SEED}/timeline",
    f"{SEED}/timeline/nemotron-coalition-launched",
    "/v1/organizations",
    "/v1/organizations/mistral-ai",
    # The HTML page of the seed: served through the same cache, so it is loaded alike.
    "/articles/mistral-ai-joins-nvidia-nemotron-coalition",
]
# Pages of two, so both corpora return as many items and only the lookup differs.
SCALE_QUERIES = {
    "q": "/v1/articles?q={q}&limit=2",
    "organization": "/v1/articles?organization={organization}&limit=2",
    "deep offset": "/v1/articles?offset={deep}&limit=2",
}
BUNDLED_VALUES = {"q": "open+models", "organization": "mistral-ai", "deep": 0}
CLOSE = {"Connection": "close"}


def bare_server(sizes: list[int]) -> Server:
    # The API's own server settings (worker class, limits, preload), with the same bind.
    command = [sys.executable, "-m", "article_data_api.server", "bare_app:app"]
    return Server(
        command,
        ready_path=f"/bytes/{sizes[0]}",
        env={
            "BENCH_SIZES": ",".join(map(str, sizes)),
            "PYTHONPATH": str(BENCH_DIR),
            "HOST": "127.0.0.1",
            "PORT": "{port}",
            "WORKERS": WORKERS,
        },
    )


def endpoint_table(
    duration: int, connections: int, rounds: int, endpoints: list[str] = ENDPOINTS
) -> list[str]:
    warm = api_server()
    cold = api_server({"CACHE_TYPE": "NullCache"})
    try:
        probes = {
            url: requests.get(warm.url + url, headers={"Accept-Encoding": "identity"}, timeout=5)
            for url in endpoints
        }
        bare = bare_server(sorted({len(p.content) for p in probes.values()}))
        lines = [
            row(
                "endpoint",
                "bytes",
                "bare req/s",
                "warm req/s",
                "warm ×",
                "warm p50/p99 ms",
                "cold req/s",
                "cold ×",
                "304 req/s",
                "304 ×",
                "close: bare / warm req/s",
                "close ×",
            ),
            row(*["---"] * 12),
        ]
        try:
            for url, probe in probes.items():
                runs: dict[str, list[Load]] = {
                    "bare": [],
                    "hot": [],
                    "first": [],
                    "unchanged": [],
                    "bare, closing": [],
                    "hot, closing": [],
                }
                bare_url = f"{bare.url}/bytes/{len(probe.content)}"
                for warm_up_url in (bare_url, warm.url + url, cold.url + url):
                    wrk(warm_up_url, WARM_UP_SECONDS, connections)
                for _ in range(rounds):  # interleaved, so drift in the machine hits them all
                    runs["bare"].append(wrk(bare_url, duration, connections))
                    runs["hot"].append(wrk(warm.url + url, duration, connections))
                    runs["first"].append(wrk(cold.url + url, duration, connections))
                    etag = {"If-None-Match": probe.headers["ETag"]}
                    runs["unchanged"].append(wrk(warm.url + url, duration, connections, etag))
                    runs["bare, closing"].append(wrk(bare_url, duration, connections, CLOSE))
                    runs["hot, closing"].append(wrk(warm.url + url, duration, connections, CLOSE))
                baseline, hot, first, unchanged, bare_closing, hot_closing = map(
                    median_load, runs.values()
                )
                base = baseline.requests_per_second
                closing = bare_closing.requests_per_second
                lines.append(
                    row(
                        url.replace(SEED, "{seed}"),
                        len(probe.content),
                        f"{base:.0f}",
                        f"{hot.requests_per_second:.0f}",
                        f"{hot.requests_per_second / base:.2f}",
                        f"{hot.p50_ms:.2f} / {hot.p99_ms:.2f}",
                        f"{first.requests_per_second:.0f}",
                        f"{first.requests_per_second / base:.2f}",
                        f"{unchanged.requests_per_second:.0f}",
                        f"{unchanged.requests_per_second / base:.2f}",
                        f"{closing:.0f} / {hot_closing.requests_per_second:.0f}",
                        f"{hot_closing.requests_per_second / closing:.2f}",
                    )
                )
        finally:
            bare.stop()
    finally:
        warm.stop()
        cold.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="runs per cell; the median is shown")
    parser.add_argument("--small", type=int, default=1_000, help="the smaller synthetic corpus")
    parser.add_argument("--large", type=int, default=100_000, help="the larger synthetic corpus")
    parser.add_argument("--samples", type=int, default=300, help="requests per kind of query")
    parser.add_argument("--deep", type=int, default=5_000, help="the deep page, by cursor")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "article-data-api-bench",
        help="where the synthetic corpora are written and kept between runs",
    )
    parser.add_argument("--smoke", action="store_true", help="1 s runs, 50 and 200 articles")
    parser.add_argument(
        "--endpoint",
        action="append",
        choices=ENDPOINTS,
        metavar="PATH",
        help="measure only this endpoint (repeatable), to measure a row again",
    )
    parser.add_argument(
        "--part",
        choices=("all", "endpoints", "scale"),
        default="all",
        help="the endpoint table against bare Flask, the scale tables, or both",
    )
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.rounds, args.small, args.large = 1, 1, 50, 200
        args.samples, args.deep = 10, 3
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    versions = "granian " + importlib.metadata.version("granian")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[
        0
    ]
    print(
        f"cores: {os.cpu_count()}; workers: {WORKERS}; {versions}; {wrk_version}; "
        f"Python {sys.version.split()[0]}; {args.duration} s per run,"
        f" {args.connections} connections, median of {args.rounds} interleaved runs"
    )
    print(flush=True)
    if args.part in ("all", "endpoints"):
        endpoints = args.endpoint or ENDPOINTS
        table = endpoint_table(args.duration, args.connections, args.rounds, endpoints)
        print("\n".join(table))
        print(flush=True)
    if args.part in ("all", "scale"):
        for line in scale_tables(
            args.work,
            (args.small, args.large),
            args.samples,
            args.deep,
            args.duration,
            args.connections,
            args.rounds,
        ):
            print(line, flush=True)


if __name__ == "__main__":
    main()
