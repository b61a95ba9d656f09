"""The store and search at two corpus sizes, side by side in one run (bench/run.py calls it).

For each size: a full build (articles/s), an incremental build after one changed article,
the snapshot's size against the corpus's, start-up to the first 200 with the snapshot
present, the throughput of the cold item endpoints (response cache off), the latency of
each kind of query (relevance search on 1-3 words drawn by corpus frequency, phrases,
corpus-timeline filters, facets over a filtered result, a deep cursor page against the
first), and each worker's private memory afterwards.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import requests
from make_corpus import Writer, write_corpus
from measure import BIN, Load, Server, api_server, median_load, row, wrk

from article_data_api.store import RELOAD_CHECK_SECONDS

ITEM_ENDPOINTS = {
    "article": "/v1/articles/{article}",
    "sections": "/v1/articles/{article}/sections",
    "organization": "/v1/organizations/{organization}",
}


# Items per kind that the cold item throughput cycles through, spread over the corpus.
ITEM_SAMPLE = 50
# Each server answers a load for this long, unmeasured, before it is measured: a fresh
# worker's first requests open its SQLite connections and fill their caches.
WARM_UP_SECONDS = 1


def cold_server(corpus: Corpus) -> Server:
    """A server of ``corpus``'s snapshots with the response cache off, started."""
    env = {
        "ARTICLE_DATA_DIR": str(corpus.root),
        "SNAPSHOT_DIR": str(corpus.snapshots),
        "CACHE_TYPE": "NullCache",
    }
    return api_server(env, ready_path="/v1/articles?limit=1")


def item_paths(corpus: Corpus, server: Server, template: str) -> list[str]:
    """ITEM_SAMPLE paths of one kind of item, spread evenly over the corpus: articles by
    folder order, organizations as the API lists them."""
    articles = sorted(path.name for path in (corpus.root / "articles").iterdir())
    step = max(1, len(articles) // ITEM_SAMPLE)
    chosen = articles[step // 2 :: step][:ITEM_SAMPLE]
    organizations = [
        item["id"]
        for item in requests.get(
            f"{server.url}/v1/organizations?limit={ITEM_SAMPLE}&sort=articles", timeout=30
        ).json()["items"]
    ]
    return [
        template.format(article=article, organization=organization)
        for article, organization in zip(chosen, organizations, strict=False)
    ]


@dataclass
class Corpus:
    articles: int
    root: Path
    snapshots: Path


def prepare(work: Path, articles: int) -> Corpus:
    """A synthetic corpus of ``articles`` under ``work`` (kept between runs: writing a
    large one takes minutes)."""
    root = work / f"corpus-{articles}"
    marker = root / ".complete"
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        write_corpus(root, articles)
        marker.touch()
    return Corpus(articles, root, work / f"snapshots-{articles}")


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build(corpus: Corpus) -> tuple[float, float, int]:
    """Seconds for a full build and for an incremental one after one changed article,
    and the published snapshot's size in bytes."""
    shutil.rmtree(corpus.snapshots, ignore_errors=True)
    command = [
        str(BIN / "article-data-api"),
        "build",
        str(corpus.root),
        "--out",
        str(corpus.snapshots),
    ]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    full = time.monotonic() - started
    size = folder_bytes(
        corpus.snapshots / "versions" / (corpus.snapshots / "CURRENT").read_text().strip()
    )
    changed = (
        sorted((corpus.root / "articles").iterdir())[corpus.articles // 2] / "annotations.json"
    )
    original = changed.read_text()
    data = json.loads(original)
    changed.write_text(json.dumps({**data, "title": data["title"] + " (revised)"}, indent=1))
    try:
        started = time.monotonic()
        subprocess.run(command, check=True, capture_output=True)
        incremental = time.monotonic() - started
    finally:
        changed.write_text(original)
    return full, incremental, size


def private_mib(pid: int) -> tuple[float, float]:
    """A process's Private_Dirty and Private_Clean, from /proc/PID/smaps_rollup. Dirty is
    its own memory (heap, caches); clean is file pages it alone has mapped and read (the
    Tantivy index is memory-mapped): the kernel can drop them at any time, and once the
    other worker reads them too they count as shared."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    kib = dict(re.findall(r"^Private_(Clean|Dirty):\s+(\d+) kB", text, re.M))
    return int(kib["Dirty"]) / 1024, int(kib["Clean"]) / 1024


def latencies(url: str, paths: list[str]) -> list[float]:
    """Milliseconds for each request, one at a time on one keep-alive connection. The
    standard library's client adds about 0.1 ms; requests added over 1 ms a request,
    which is the client's time, not the server's."""
    took = []
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        for path in paths:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            took.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {body[:300]!r}")
    finally:
        connection.close()
    return took


def p(values: list[float], quantile: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def relevance_queries(articles: int, samples: int, rng: random.Random) -> list[str]:
    """Queries of 1 to 3 words, drawn by their frequency in the synthetic corpus of
    ``articles`` articles (the generator's vocabulary and its Zipf weights)."""
    writer = Writer(1, articles)
    return [
        "+".join(
            rng.choices(writer.vocabulary, cum_weights=writer.word_weights, k=rng.randint(1, 3))
        )
        for _ in range(samples)
    ]


def query_sets(corpus: Corpus, url: str, samples: int) -> dict[str, list[str]]:
    """The requests of each kind of query, drawn from the corpus."""
    rng = random.Random(7)
    words = relevance_queries(corpus.articles, samples, rng)
    folders = sorted((corpus.root / "articles").iterdir())
    phrases = []
    for _ in range(samples):
        # Two words in a row from a paragraph (not a heading's "##"), as a user would quote.
        paragraphs = (rng.choice(folders) / "article.md").read_text().split("\n\n")
        text = [w for w in rng.choice([p for p in paragraphs if p[0].isalpha()]).split()]
        at = rng.randrange(len(text) - 1)
        phrases.append(quote_plus('"' + " ".join(w.strip(".,;:") for w in text[at : at + 2]) + '"'))
    organizations = requests.get(
        f"{url}/v1/organizations?sort=articles&limit=100", timeout=30
    ).json()["items"]
    popular = [org["id"] for org in organizations[:20]]
    target = min(organizations, key=lambda org: abs(org["article_count"] - corpus.articles // 10))
    return {
        "relevance, 1-3 words": [f"/v1/articles?q={w}" for w in words],
        "phrase": [f"/v1/articles?q={ph}" for ph in phrases],
        "events, organization + dates": [
            f"/v1/events?organization={rng.choice(popular)}&date_from={y}&date_to={y}-06"
            for y in (rng.randint(2016, 2026) for _ in range(samples))
        ],
        "facets over a tenth of the corpus": [
            f"/v1/articles?organization={target['id']}&facets=organization,kind,month"
        ]
        * max(10, samples // 5),
    }


def deep_page(url: str, pages: int) -> tuple[str, str]:
    """The first page's path and the path of page ``pages`` (walked by cursor)."""
    first = path = "/v1/articles?limit=20"
    with requests.Session() as session:
        for _ in range(pages - 1):
            nxt = session.get(url + path, timeout=30).json()["links"]["next"]
            if nxt is None:
                break
            path = nxt
    return first, path


def scale_tables(
    work: Path,
    sizes: tuple[int, int],
    samples: int,
    deep: int,
    duration: int,
    connections: int,
    rounds: int,
) -> Iterator[str]:
    """The tables' lines, each as soon as it is measured."""
    corpora = [prepare(work, n) for n in sizes]
    yield row(
        "articles",
        "full build s",
        "articles/s",
        "incremental s",
        "corpus MB",
        "snapshot MB",
        "snapshot/corpus",
    )
    yield row(*["---"] * 7)
    for corpus in corpora:
        full, incremental, size = build(corpus)
        corpus_size = folder_bytes(corpus.root)
        yield (
            row(
                corpus.articles,
                f"{full:.1f}",
                f"{corpus.articles / full:.0f}",
                f"{incremental:.1f}",
                f"{corpus_size / 1e6:.0f}",
                f"{size / 1e6:.0f}",
                f"{size / corpus_size:.2f}",
            )
        )
    servers = {}
    started = {}
    for corpus in corpora:
        servers[corpus.articles] = cold_server(corpus)
        started[corpus.articles] = servers[corpus.articles].startup_seconds
    try:
        yield from ["", row("articles", "start-up to first 200, s"), row("---", "---")]
        yield from [row(n, f"{started[n]:.2f}") for n in sizes]
        # Cold item endpoints: the same kind of item at both sizes, as an average over
        # ITEM_SAMPLE items spread over each corpus (one item's size would decide the
        # ratio), each server warmed up, the runs of the two sizes interleaved.
        yield from [
            "",
            row("cold item endpoint", *[f"{n} req/s" for n in sizes], "ratio"),
            row(*["---"] * 4),
        ]
        for name, template in ITEM_ENDPOINTS.items():
            paths = {
                corpus.articles: item_paths(corpus, servers[corpus.articles], template)
                for corpus in corpora
            }
            runs: dict[int, list[Load]] = {n: [] for n in sizes}
            for n in sizes:
                wrk(servers[n].url, WARM_UP_SECONDS, connections, paths=paths[n])
            for _ in range(rounds):
                for n in sizes:
                    runs[n].append(wrk(servers[n].url, duration, connections, paths=paths[n]))
            rates = [median_load(runs[n]).requests_per_second for n in sizes]
            yield row(name, *[f"{r:.0f}" for r in rates], f"{rates[1] / rates[0]:.2f}")
        # Query latencies, one request at a time, response cache off.
        yield from [
            "",
            row("query (cache off)", *[f"{n}: p50 / p99 ms" for n in sizes]),
            row("---", "---", "---"),
        ]
        measured = {n: {} for n in sizes}
        for corpus in corpora:
            server = servers[corpus.articles]
            for name, paths in query_sets(corpus, server.url, samples).items():
                measured[corpus.articles][name] = latencies(server.url, paths)
            first, deepest = deep_page(server.url, deep)
            measured[corpus.articles]["first page"] = latencies(server.url, [first] * 50)
            measured[corpus.articles][f"page {deep} by cursor"] = latencies(
                server.url, [deepest] * 50
            )
        for name in measured[sizes[1]]:
            cells = [
                f"{p(measured[n][name], 0.5):.1f} / {p(measured[n][name], 0.99):.1f}" for n in sizes
            ]
            yield row(name, *cells)
        yield from [
            "",
            row("articles", "private MiB per worker after the run: dirty + clean (mapped)"),
            row("---", "---"),
        ]
        # After the run: each worker gives back the index pages it mapped once a second,
        # busy or idle (api.store.mapped), so what it holds is read once that has passed.
        time.sleep(2 * RELOAD_CHECK_SECONDS)
        for n in sizes:
            workers = servers[n].worker_pids()
            memory = [private_mib(pid) for pid in workers]
            yield row(n, " / ".join(f"{dirty:.0f} + {clean:.0f}" for dirty, clean in memory))
    finally:
        for server in servers.values():
            server.stop()
