"""What a request costs the app itself, with no server and no network: microseconds per
request through the WSGI callable, for bare Flask and the API (response cache on and
off), on the bundled corpus.

    python bench/inprocess.py                    # the API as it ships
    python bench/inprocess.py --without-pages    # the same, with the HTML pages left out

The second form is how the pages were shown to cost the JSON nothing: run both and
compare. Each cell is the best of 7 rounds of 400 requests, after 200 to warm up.

    python bench/inprocess.py --search WORK/snapshots-100000 --articles 100000

times the scale benchmark's relevance searches (bench/scale.py draws them, 300 of 1 to 3
words) on a snapshot folder that bench/run.py made, response cache off: their p50, p90
and p99 in milliseconds, after one pass to warm up. Run it on two checkouts, one after the
other and again, to compare a change to the search.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug.test import EnvironBuilder

BENCH_DIR = Path(__file__).resolve().parent
SEED = "/v1/articles/mistral-ai-joins-nvidia-nemotron-coalition"
PATHS = ["/v1/articles", SEED, f"{SEED}/sections", f"{SEED}/timeline", "/v1/organizations"]
ROUNDS, REQUESTS, WARM_UP = 7, 400, 200
SEARCHES = 300


def microseconds(app: Callable, path: str) -> float:
    environ = EnvironBuilder(path=path).get_environ()

    def call() -> None:
        b"".join(app({**environ, "wsgi.input": io.BytesIO()}, lambda *_: None))

    for _ in range(WARM_UP):
        call()
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(REQUESTS):
            call()
        rounds.append((time.perf_counter() - started) / REQUESTS * 1e6)
    return min(rounds)


def search_milliseconds(snapshots: Path, articles: int) -> None:
    """Print the p50, p90 and p99 of the scale benchmark's relevance searches."""
    from scale import relevance_queries

    from article_data_api import create_app

    app = create_app({"SNAPSHOT_DIR": str(snapshots), "CACHE_TYPE": "NullCache"})
    paths = [f"/v1/articles?q={q}" for q in relevance_queries(articles, SEARCHES, random.Random(7))]
    environs = [EnvironBuilder(path=path).get_environ() for path in paths]
    with contextlib.redirect_stdout(io.StringIO()):  # the access log
        for _ in range(2):  # the second pass is measured: the first reads the index in
            times = []
            for environ in environs:
                started = time.perf_counter()
                b"".join(app({**environ, "wsgi.input": io.BytesIO()}, lambda *_: None))
                times.append((time.perf_counter() - started) * 1e3)
    times.sort()
    p50, p90, p99 = (times[int(len(times) * share)] for share in (0.5, 0.9, 0.99))
    print(f"{len(times)} searches on {snapshots}: p50 {p50:.1f}, p90 {p90:.1f}, p99 {p99:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--without-pages", action="store_true", help="leave the pages out")
    parser.add_argument(
        "--search", type=Path, metavar="SNAPSHOT_DIR", help="time searches on these snapshots"
    )
    parser.add_argument(
        "--articles", type=int, default=100_000, help="the size of the corpus, for --search"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH_DIR))
    if args.search:
        search_milliseconds(args.search, args.articles)
        return
    from article_data_api import create_app
    from article_data_api.resources import pages

    if args.without_pages:
        pages.init_app = lambda app: None  # the one step of create_app this leaves out
    cold = create_app({"CACHE_TYPE": "NullCache"})
    warm = create_app()
    os.environ["BENCH_SIZES"] = ""
    from bare_app import BODIES
    from bare_app import app as bare

    print("| path | bytes | bare Flask µs | API cold µs | API warm µs |")
    print("| --- | --- | --- | --- | --- |")
    with contextlib.redirect_stdout(io.StringIO()) as log:  # the access log
        rows = []
        for path in PATHS:
            size = len(warm.test_client().get(path, headers={"Accept-Encoding": "identity"}).data)
            BODIES[size] = b"x" * size
            rows.append(
                (
                    path.replace(SEED, "{seed}"),
                    size,
                    microseconds(bare, f"/bytes/{size}"),
                    microseconds(cold, path),
                    microseconds(warm, path),
                )
            )
            log.truncate(0)
    for path, size, bare_us, cold_us, warm_us in rows:
        print(f"| {path} | {size} | {bare_us:.0f} | {cold_us:.0f} | {warm_us:.0f} |")


if __name__ == "__main__":
    main()
