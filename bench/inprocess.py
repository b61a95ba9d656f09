"""What a request costs the app itself, with no server and no network: microseconds per
request through the WSGI callable, for bare Flask and the API (response cache on and
off), on the bundled corpus.

    python bench/inprocess.py                    # the API as it ships
    python bench/inprocess.py --without-pages    # the same, with the HTML pages left out

The second form is how the pages were shown to cost the JSON nothing: run both and
compare. Each cell is the best of 7 rounds of 400 requests, after 200 to warm up.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug.test import EnvironBuilder

BENCH_DIR = Path(__file__).resolve().parent
SEED = "/v1/articles/mistral-ai-joins-nvidia-nemotron-coalition"
PATHS = ["/v1/articles", SEED, f"{SEED}/sections", f"{SEED}/timeline", "/v1/organizations"]
ROUNDS, REQUESTS, WARM_UP = 7, 400, 200


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--without-pages", action="store_true", help="leave the pages out")
    args = parser.parse_args()
    from article_data_api import create_app
    from article_data_api.resources import pages

    if args.without_pages:
        pages.init_app = lambda app: None  # the one step of create_app this leaves out
    cold = create_app({"CACHE_TYPE": "NullCache"})
    warm = create_app()
    os.environ["BENCH_SIZES"] = ""
    sys.path.insert(0, str(BENCH_DIR))
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
