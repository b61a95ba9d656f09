"""Each run of the scale benchmark's cold item loads, not just their median: how widely
one server's throughput swings from run to run on this machine.

    python bench/items_spread.py [--work WORK] [--runs 8] [sections article organization]

Serves the snapshots that bench/run.py left in WORK (1,000 and 100,000 articles) with the
response cache off, as the scale benchmark does, and prints the requests per second of
every 3-second run of each size, interleaved, for the kinds of item asked for.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from measure import Server, wrk
from scale import ITEM_ENDPOINTS, WARM_UP_SECONDS, Corpus, cold_server, item_paths

SIZES = (1_000, 100_000)
DURATION, CONNECTIONS = 3, 4


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kinds", nargs="*", choices=list(ITEM_ENDPOINTS), default=["sections"])
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "article-data-api-bench"
    )
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    corpora = [Corpus(n, args.work / f"corpus-{n}", args.work / f"snapshots-{n}") for n in SIZES]
    servers: dict[int, Server] = {}
    try:
        for corpus in corpora:
            servers[corpus.articles] = cold_server(corpus)
        print("| item | run | " + " | ".join(f"{n} req/s" for n in SIZES) + " |")
        print("| --- | --- | " + " | ".join("---" for _ in SIZES) + " |")
        for kind in args.kinds:
            paths = {
                c.articles: item_paths(c, servers[c.articles], ITEM_ENDPOINTS[kind])
                for c in corpora
            }
            for n in SIZES:
                wrk(servers[n].url, WARM_UP_SECONDS, CONNECTIONS, paths=paths[n])
            for run in range(1, args.runs + 1):
                rates = [
                    wrk(servers[n].url, DURATION, CONNECTIONS, paths=paths[n]).requests_per_second
                    for n in SIZES
                ]
                print(f"| {kind} | {run} | " + " | ".join(f"{r:.0f}" for r in rates) + " |")
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    main()
