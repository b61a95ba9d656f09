"""The snapshot store: build, publish, copy unchanged articles, reload live, refuse what is
broken with a clear message, and never publish a failed build."""

import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from article_data_api import create_app
from article_data_api.corpus.loader import CorpusError
from article_data_api.store import SnapshotStore
from article_data_api.store.build import Builder
from article_data_api.store.layout import (
    BUILDING_PREFIX,
    FORMAT,
    BuildFailed,
    BuildLocked,
    SnapshotDir,
    SnapshotError,
)
from article_data_api.store.records import shard_file, shard_of
from article_data_api.store.snapshot import Snapshot
from bench.make_corpus import write_corpus
from tests.helpers import (
    CONSOLE_SCRIPT,
    SAMPLE_ID,
    SEED_ID,
    SEED_URL,
    LiveServer,
    run_cli,
    serving,
)


@pytest.fixture()
def snapshots(tmp_path) -> SnapshotDir:
    return SnapshotDir(tmp_path / "snapshots")


def build(corpus_copy, snapshots, **options):
    return Builder(corpus_copy.root, snapshots, **options).build()


def test_a_build_publishes_a_snapshot_that_serves_every_resource(corpus_copy, snapshots):
    report = build(corpus_copy, snapshots)
    assert (report.articles, report.changed, report.copied, report.removed) == (3, 3, 0, 0)
    assert snapshots.current_version() == report.version
    snapshot = Snapshot(snapshots.folder(report.version))
    assert snapshot.counts == {
        "articles": 3,
        "sections": 11,
        "organizations": 8,
        "mentions": 38,
        "events": 16,
    }
    article = json.loads(snapshot.article(SEED_ID, "application/json"))
    assert article["counts"]["sections"] == 6
    assert snapshot.article("no-such-article", "application/json") is None


def test_an_unchanged_article_is_copied_and_a_changed_one_rebuilt(corpus_copy, snapshots):
    first = build(corpus_copy, snapshots)
    corpus_copy.edit_annotations(lambda d: d.update(title="A retitled zeppelin"), SAMPLE_ID)
    second = build(corpus_copy, snapshots)
    assert (second.changed, second.copied) == (1, 2)
    assert second.version != first.version
    snapshot = Snapshot(snapshots.folder(second.version))
    title = json.loads(snapshot.article(SAMPLE_ID, "application/json"))["title"]
    assert title == "A retitled zeppelin"
    found = snapshot.articles({"q": "zeppelin", "limit": 5})
    assert [json.loads(item)["id"] for item in found.items] == [SAMPLE_ID]
    # The seed was copied, not indexed again, and is still found.
    assert snapshot.articles({"q": "nemotron", "limit": 5}).total == 1


def test_a_build_with_nothing_changed_publishes_nothing(corpus_copy, snapshots):
    first = build(corpus_copy, snapshots)
    (corpus_copy.folder() / "article.md").touch()  # a new mtime, the same content
    again = build(corpus_copy, snapshots)
    assert again.published is False and again.version == first.version
    assert snapshots.current_version() == first.version


def test_a_removed_article_leaves_the_snapshot_and_the_organization_index(corpus_copy, snapshots):
    build(corpus_copy, snapshots)
    shutil.rmtree(corpus_copy.folder(SAMPLE_ID))
    report = build(corpus_copy, snapshots)
    assert (report.articles, report.removed) == (2, 1)
    snapshot = Snapshot(snapshots.folder(report.version))
    northwind = json.loads(snapshot.organization("northwind-data-cooperative", "application/json"))
    assert northwind["article_count"] == 1
    assert snapshot.organization("kestrel-language-labs", "application/json") is None


def test_a_build_that_fails_validation_publishes_nothing(corpus_copy, snapshots):
    good = build(corpus_copy, snapshots)
    corpus_copy.edit_annotations(lambda d: d["events"][5]["evidence"].update(quote="nowhere"))
    with pytest.raises(CorpusError, match=r"events\[5\]\.evidence\.quote: not found"):
        build(corpus_copy, snapshots)
    assert snapshots.current_version() == good.version
    assert [p.name for p in snapshots.versions.iterdir()] == [good.version]


def test_a_build_that_fails_validation_stops_before_sorting_what_it_staged(
    corpus_copy, snapshots, monkeypatch
):
    # The index's lookups are made once the staged rows are sorted in: a lookup that
    # cannot be made shows whether a failed build got that far.
    monkeypatch.setattr(
        "article_data_api.store.build.INDEX_LOOKUPS", ("SELECT no_such_function()",)
    )
    corpus_copy.edit_annotations(lambda d: d["events"][5]["evidence"].update(quote="nowhere"))
    with pytest.raises(CorpusError, match=r"events\[5\]\.evidence\.quote: not found"):
        build(corpus_copy, snapshots)
    assert snapshots.current_version() is None


def _file_size_limit(limit: int):
    """For a child process: writes past ``limit`` bytes fail, as on a full disk."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write, not the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limited


@pytest.mark.parametrize("limit", [20_000, 100_000], ids=["the index", "a worker's shard"])
def test_a_build_that_cannot_write_says_so_and_publishes_nothing(corpus_copy, tmp_path, limit):
    out = tmp_path / "out"
    built = subprocess.run(
        [CONSOLE_SCRIPT, "build", corpus_copy.root, "--out", out],
        capture_output=True,
        text=True,
        preexec_fn=_file_size_limit(limit),
    )
    assert built.returncode == 1
    assert "Traceback" not in built.stderr
    assert f"{out}: the build could not write its snapshot" in built.stderr
    assert "Is the disk full?" in built.stderr
    assert SnapshotDir(out).current_version() is None


def test_a_build_whose_folder_cannot_be_made_raises_build_failed(corpus_copy, snapshots):
    # A file where this process's build folder goes: making the folder fails, as it would
    # on a full disk, after the lock was taken.
    snapshots.versions.mkdir(parents=True)
    (snapshots.versions / f"{BUILDING_PREFIX}{os.getpid()}").write_text("in the way")
    with pytest.raises(BuildFailed, match="no snapshot can be built there"):
        build(corpus_copy, snapshots)
    assert snapshots.current_version() is None


def test_a_server_whose_first_build_cannot_write_says_so(corpus_copy, tmp_path):
    served = subprocess.run(
        [CONSOLE_SCRIPT, "serve", "--host", "127.0.0.1", "--port", "1"],
        env={
            **os.environ,
            "ARTICLE_DATA_DIR": str(corpus_copy.root),
            "SNAPSHOT_DIR": str(tmp_path / "out"),
        },
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_file_size_limit(20_000),
    )
    assert served.returncode == 1
    assert "Traceback" not in served.stderr
    assert "cannot start:" in served.stderr
    assert "the build could not write its snapshot" in served.stderr


def test_a_server_whose_snapshot_folder_cannot_be_made_says_so(corpus_copy):
    # No folder can be made in /proc, whoever runs the test (root ignores permissions).
    unmakeable = "/proc/article-data-api-test/snapshots"
    served = subprocess.run(
        [CONSOLE_SCRIPT, "serve", "--host", "127.0.0.1", "--port", "1"],
        env={**os.environ, "ARTICLE_DATA_DIR": str(corpus_copy.root), "SNAPSHOT_DIR": unmakeable},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 1
    assert served.stderr == (
        f"article-data-api: cannot start: {unmakeable}: no snapshot can be built there"
        " (No such file or directory)\n"
    )


@pytest.mark.parametrize("inside", [".", "snapshots", "articles/snapshots"])
def test_a_build_into_the_corpus_folder_is_refused_and_writes_nothing(corpus_copy, inside):
    # The corpus is the reviewed source; a snapshot under articles/ would even read as a
    # broken article folder, so every later check and build would fail.
    before = sorted(p.relative_to(corpus_copy.root) for p in corpus_copy.root.rglob("*"))
    out = corpus_copy.root / inside
    built = run_cli("build", corpus_copy.root, "--out", out)
    assert built.returncode == 1
    assert built.stderr == (
        f"article-data-api build: {out}: a snapshot folder cannot be inside the corpus"
        f" folder {corpus_copy.root}, which holds only reviewed articles: build outside it\n"
    )
    assert sorted(p.relative_to(corpus_copy.root) for p in corpus_copy.root.rglob("*")) == before


def test_the_build_command_lists_the_same_problems_as_check(corpus_copy, tmp_path):
    corpus_copy.edit_annotations(lambda d: d["events"][2]["evidence"].update(quote="nowhere"))
    corpus_copy.edit_annotations(
        lambda d: d["organizations"][0].update(aliases=["Zeta"]), SAMPLE_ID
    )
    checked = run_cli("check", corpus_copy.root)
    built = run_cli("build", corpus_copy.root, "--out", tmp_path / "out")
    assert checked.returncode == built.returncode == 1
    assert built.stderr == checked.stderr and "2 problem(s)" in built.stderr
    assert not (tmp_path / "out" / "CURRENT").exists()


def test_a_second_build_at_once_is_refused_with_a_clear_message(corpus_copy, snapshots):
    with snapshots.build_lock(), pytest.raises(BuildLocked, match="another build is running"):
        build(corpus_copy, snapshots)
    assert snapshots.current_version() is None


def test_two_builds_racing_publish_whole_snapshots(corpus_copy, snapshots):
    outcomes = []

    def run() -> None:
        try:
            outcomes.append(build(corpus_copy, snapshots).version)
        except BuildLocked as refused:
            outcomes.append(refused)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and any(isinstance(o, str) for o in outcomes)
    snapshot = Snapshot(snapshots.folder(snapshots.current_version()))
    assert snapshot.counts["articles"] == 3


def test_old_snapshots_are_pruned_to_keep(corpus_copy, snapshots):
    for n in range(4):
        corpus_copy.edit_annotations(lambda d, n=n: d.update(title=f"Title {n}"), SAMPLE_ID)
        build(corpus_copy, snapshots, keep=2)
    kept = sorted(p.name for p in snapshots.versions.iterdir())
    assert len(kept) == 2 and snapshots.current_version() == kept[-1]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda folder: (folder / "records" / "index.sqlite").write_bytes(b"x" * 100),
            "has 100 bytes",
        ),
        (lambda folder: (folder / "manifest.json").unlink(), "no manifest.json"),
        (lambda folder: (folder / "manifest.json").write_text("{", "utf-8"), "unreadable"),
        (
            lambda folder: (folder / "manifest.json").write_text(
                json.dumps({**json.loads((folder / "manifest.json").read_text()), "format": 0}),
                "utf-8",
            ),
            f"snapshot format 0, but this server reads format {FORMAT}",
        ),
        (lambda folder: shutil.rmtree(folder / "search"), "is missing"),
    ],
)
def test_a_broken_snapshot_is_refused_with_a_clear_message(corpus_copy, snapshots, damage, message):
    report = build(corpus_copy, snapshots)
    damage(snapshots.folder(report.version))
    with pytest.raises(SnapshotError, match=message):
        Snapshot(snapshots.folder(report.version))


def test_a_broken_snapshot_is_rebuilt_when_the_corpus_is_at_hand(corpus_copy, snapshots):
    report = build(corpus_copy, snapshots)
    (snapshots.folder(report.version) / "manifest.json").unlink()
    app = create_app(
        {"ARTICLE_DATA_DIR": str(corpus_copy.root), "SNAPSHOT_DIR": str(snapshots.root)}
    )
    assert app.test_client().get(SEED_URL).status_code == 200
    assert snapshots.current_version() != report.version


def test_an_unreadable_current_pointer_is_a_clear_error(tmp_path):
    snapshots = SnapshotDir(tmp_path / "snapshots")
    snapshots.root.mkdir()
    (snapshots.root / "CURRENT").write_text("../../etc\n")
    with pytest.raises(SnapshotError, match="does not name a version"):
        snapshots.current_version()


def test_serve_refuses_a_broken_snapshot_folder_without_a_traceback(tmp_path):
    folder = tmp_path / "snapshots"
    (folder / "versions" / "v1").mkdir(parents=True)
    (folder / "CURRENT").write_text("v1\n")
    result = subprocess.run(
        [CONSOLE_SCRIPT, "serve", "--port", "1"],
        env={**os.environ, "SNAPSHOT_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    # A snapshot folder named alone is served as it is; a broken one is refused at start.
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot start" in result.stderr and "manifest.json" in result.stderr


def test_the_store_switches_to_a_new_snapshot_and_keeps_the_old_one_for_requests_in_flight(
    corpus_copy, snapshots
):
    build(corpus_copy, snapshots)
    now = [0.0]
    store = SnapshotStore(snapshots, clock=lambda: now[0])
    in_flight = store.current()
    corpus_copy.edit_annotations(lambda d: d.update(title="Live title"), SAMPLE_ID)
    build(corpus_copy, snapshots)
    assert store.current() is in_flight  # not looked for again within the second
    now[0] += 1.5
    switched = store.current()
    assert switched is not in_flight
    assert json.loads(switched.article(SAMPLE_ID, "application/json"))["title"] == "Live title"
    # The request that began before the switch still reads its own snapshot.
    assert "Live title" not in in_flight.article(SAMPLE_ID, "application/json").decode()


def test_a_new_snapshot_that_cannot_be_opened_is_logged_and_the_old_one_kept(
    corpus_copy, snapshots, caplog
):
    build(corpus_copy, snapshots)
    now = [0.0]
    store = SnapshotStore(snapshots, clock=lambda: now[0])
    serving = store.current()
    corpus_copy.edit_annotations(lambda d: d.update(title="Broken"), SAMPLE_ID)
    report = build(corpus_copy, snapshots)
    (snapshots.folder(report.version) / "records" / "index.sqlite").write_bytes(b"")
    now[0] += 1.5
    assert store.current() is serving
    assert "kept serving snapshot" in caplog.text
    # Said once, not with a traceback a second for as long as it is published: each
    # worker now looks every second, busy or idle.
    for _ in range(3):
        now[0] += 1.5
        assert store.current() is serving
    assert caplog.text.count("kept serving snapshot") == 1


def test_a_snapshot_removed_under_the_store_is_not_served_on(corpus_copy, snapshots):
    """Pruned by builds in quick succession, or deleted by hand: its open files would
    still answer some requests, and the connections it has yet to open none."""
    build(corpus_copy, snapshots)
    now = [0.0]
    store = SnapshotStore(snapshots, clock=lambda: now[0])
    store.current()
    shutil.rmtree(snapshots.root)
    now[0] += 1.5
    with pytest.raises(SnapshotError, match="no snapshot is published"):
        store.current()


def test_requests_to_a_removed_snapshot_are_503_problems(corpus_copy, tmp_path, caplog):
    app = create_app(
        {"ARTICLE_DATA_DIR": str(corpus_copy.root), "SNAPSHOT_DIR": str(tmp_path / "s")}
    )
    client = app.test_client()
    assert client.get(f"{SEED_URL}/sections").status_code == 200
    shutil.rmtree(tmp_path / "s")
    # Before the store looks again: the request's snapshot cannot open a file it needs.
    pinned = client.get("/v1/events")
    time.sleep(1.2)  # and after: there is nothing to serve
    later = [client.get(url) for url in ("/v1/events", "/readyz", SEED_URL)]
    for response in [pinned, *later]:
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
    assert "no longer on disk" in pinned.get_json()["detail"]
    assert pinned.headers["Retry-After"] == "1"
    # One line an answer, saying why: a traceback a request would flood the log.
    unserved = [r for r in caplog.records if r.getMessage().startswith("no snapshot can be")]
    assert len(unserved) == 3  # /v1/events, /readyz and the article
    assert all(
        r.exc_info is None and "no snapshot is published" in r.getMessage() for r in unserved
    )
    assert later[0].get_json()["detail"] == "No snapshot of the archive can be served yet."


def test_records_damaged_in_place_are_a_503_problem_not_a_500(corpus_copy, snapshots, caplog):
    # Same size, other bytes (a bad disk, a careless copy): the file passes the size check
    # at open, and SQLite only finds the damage as it reads.
    report = build(corpus_copy, snapshots)
    shard = snapshots.folder(report.version) / shard_file(shard_of(SEED_ID))
    damaged = bytearray(shard.read_bytes())
    damaged[4096::7] = b"\xab" * len(damaged[4096::7])
    shard.write_bytes(damaged)
    client = create_app({"SNAPSHOT_DIR": str(snapshots.root)}).test_client()
    response = client.get(SEED_URL)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == (
        "The snapshot's records cannot be read (database disk image is malformed):"
        " the operator must rebuild it."
    )
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.getMessage() for r in logged] == [
        "the snapshot's records cannot be read: database disk image is malformed"
    ]
    assert logged[0].exc_info is None
    assert client.get(f"/v1/articles/{SAMPLE_ID}").status_code == 200  # other shards serve


def test_records_are_read_only_for_the_server(corpus_copy, snapshots):
    report = build(corpus_copy, snapshots)
    snapshot = Snapshot(snapshots.folder(report.version))
    with pytest.raises(sqlite3.OperationalError):
        snapshot._db().execute("DELETE FROM articles")


def private_clean_kib() -> int:
    rollup = Path("/proc/self/smaps_rollup").read_text()
    return int(re.search(r"^Private_Clean:\s+(\d+) kB", rollup, re.M).group(1))


def test_reading_every_record_leaves_the_files_in_the_page_cache_not_in_the_process(tmp_path):
    # Memory-mapped, every page a worker read alone counted as its private memory
    # (2.9 GiB after walking 5,000 pages of 100,000 articles); read with pread, the
    # records stay in the OS page cache, shared, and each connection's cache is small.
    corpus, snapshots = tmp_path / "corpus", SnapshotDir(tmp_path / "snapshots")
    write_corpus(corpus, 300)
    report = Builder(corpus, snapshots).build()
    snapshot = Snapshot(snapshots.folder(report.version))
    before = private_clean_kib()
    for article_id in sorted(os.listdir(corpus / "articles")):
        for media_type in ("application/json", "application/ld+json"):
            assert snapshot.article(article_id, media_type) is not None
    records = sum(
        f.stat().st_size for f in (snapshots.folder(report.version) / "records").iterdir()
    )
    assert records > 8 * 2**20  # enough to show if it were mapped
    assert private_clean_kib() - before < 2048


@pytest.fixture()
def corpus_server(corpus_copy, tmp_path) -> Iterator[tuple[LiveServer, Path]]:
    """A live server of the corpus copy, and the snapshot folder it serves."""
    snapshot_dir = tmp_path / "snapshots"
    env = {"ARTICLE_DATA_DIR": str(corpus_copy.root), "SNAPSHOT_DIR": str(snapshot_dir)}
    with serving(env) as server:
        yield server, snapshot_dir


@pytest.mark.e2e
def test_import_review_and_build_show_a_new_article_on_a_live_server(
    corpus_copy, corpus_server, tmp_path
):
    server, snapshot_dir = corpus_server
    assert requests.get(f"{server.url}/v1/articles", timeout=5).json()["total"] == 3
    text = tmp_path / "depot.txt"
    text.write_text(
        "Riverside Transit Cooperative opened its first solar depot on Monday.\n", "utf-8"
    )
    env = {"ARTICLE_DATA_DIR": str(corpus_copy.root)}
    imported = run_cli("import", text, "--id", "solar-depot", "--corpus", corpus_copy.root, env=env)
    assert imported.returncode == 0, imported.stderr
    reviewed = run_cli(
        "review", "solar-depot", "--corpus", corpus_copy.root, "--publish", stdin="a\n" * 20
    )  # accept every suggestion
    assert "Published." in reviewed.stdout, reviewed.stdout + reviewed.stderr
    built = run_cli("build", corpus_copy.root, "--out", snapshot_dir)
    assert built.returncode == 0, built.stderr
    assert "1 built, 3 copied unchanged" in built.stdout
    # Each worker switches on its own within a second: within 5 s every answer is new.
    statuses, found = [], []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and found[-4:] != [True] * 4:
        item = requests.get(f"{server.url}/v1/articles/solar-depot", timeout=5)
        listed = requests.get(f"{server.url}/v1/articles?q=solar", timeout=5)
        statuses += [item.status_code, listed.status_code]
        found.append(
            item.status_code == 200 and [a["id"] for a in listed.json()["items"]] == ["solar-depot"]
        )
        time.sleep(0.05)
    assert found[-4:] == [True] * 4, statuses
    assert set(statuses) <= {200, 404}  # never a failed request while it switches


@pytest.mark.e2e
def test_idle_workers_switch_to_a_new_snapshot_on_their_own(corpus_copy, corpus_server):
    # A worker looked for a new snapshot (and gave back the index pages it had mapped)
    # only as a request came in: an idle one held its old snapshot, and up to 83 MiB of
    # mapped pages counted as its private memory, until the next request.
    server, snapshot_dir = corpus_server
    corpus_copy.edit_annotations(lambda data: data.update(title="A new title"))
    built = run_cli("build", corpus_copy.root, "--out", snapshot_dir)
    assert built.returncode == 0, built.stderr
    deadline = time.monotonic() + 5  # no request meanwhile
    while time.monotonic() < deadline and server.printed().count('"snapshot switched"') < 2:
        time.sleep(0.1)
    assert server.printed().count('"snapshot switched"') == 2  # one line a worker


def test_a_snapshot_made_by_other_code_is_rebuilt_when_its_corpus_is_at_hand(
    corpus_copy, snapshots
):
    # A bug: a snapshot made before a change of representation kept being served, and
    # the OpenAPI examples were taken from it.
    report = build(corpus_copy, snapshots)
    manifest = snapshots.folder(report.version) / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "code": "older"}))
    config = {"ARTICLE_DATA_DIR": str(corpus_copy.root), "SNAPSHOT_DIR": str(snapshots.root)}
    create_app(config)
    assert snapshots.current_version() != report.version
    # Named alone, a snapshot folder is served as it is, whoever made it.
    rebuilt = snapshots.current_version()
    manifest = snapshots.folder(rebuilt) / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "code": "older"}))
    create_app({"SNAPSHOT_DIR": str(snapshots.root)})
    assert snapshots.current_version() == rebuilt


def test_a_snapshot_on_a_read_only_file_system_is_searched(corpus_copy, snapshots):
    # Tantivy's reader wants to write a lock file into the index folder; on a read-only
    # file system (an image run with --read-only) that failed, and every search was a 503.
    # The snapshot is mounted read-only in a mount namespace of its own.
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare(1) to mount a folder read-only")
    folder = snapshots.folder(build(corpus_copy, snapshots).version)
    search = (
        "from pathlib import Path; from article_data_api.store.snapshot import Snapshot;"
        f"page = Snapshot(Path({str(folder)!r})).articles("
        "{'q': 'coalition', 'limit': 5, 'offset': 0}); print(page.total)"
    )
    script = (
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && touch "$1/x"'
        ' 2>/dev/null; "$2" -c "$3"'
    )
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(folder), sys.executable, search],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "1"
    assert not (folder / "x").exists()  # it was read-only indeed


def test_a_snapshot_folder_named_alone_and_empty_is_a_clear_error(tmp_path):
    # It used to build the bundled corpus into it: into a compose volume the build job
    # had yet to fill (and that the replicas mount read-only), or anyone's folder.
    empty = tmp_path / "snapshots"
    with pytest.raises(SnapshotError, match="no snapshot is published there yet"):
        create_app({"SNAPSHOT_DIR": str(empty)})
    assert not empty.exists() or not any(empty.iterdir())


def mapped_kib(folder: Path) -> int:
    """This process's resident pages of the files under ``folder``, from its smaps."""
    prefix, total, counting = f"{folder.resolve()}/", 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            counting = line.split(maxsplit=5)[-1].startswith(prefix)
        elif counting and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


def test_the_store_gives_back_the_search_index_pages_it_has_mapped(tmp_path):
    # Tantivy maps its files; the pages a worker alone had read counted as its private
    # memory (68 MiB for one worker after the benchmark at 100,000 articles). At each
    # look for a new snapshot, the store drops them from the process; they stay in the
    # page cache and searches read them again.
    corpus, snapshots = tmp_path / "corpus", SnapshotDir(tmp_path / "snapshots")
    write_corpus(corpus, 300)
    Builder(corpus, snapshots).build()
    now = [0.0]
    store = SnapshotStore(snapshots, clock=lambda: now[0])
    snapshot = store.current()
    index = snapshot.folder / "search"
    first = min((corpus / "articles").iterdir())
    words = sorted(set(re.findall(r"[a-z]{5,}", (first / "article.md").read_text())))[:40]
    args = {"limit": 20, "offset": 0, "cursor": None, "sort": None}
    found = {w: snapshot.articles({**args, "q": w}).items for w in words}
    before = mapped_kib(index)
    assert before > 256  # the searches mapped pages of the index
    now[0] += 2  # the next request looks for a new snapshot
    assert store.current() is snapshot
    assert mapped_kib(index) < 64
    assert {w: snapshot.articles({**args, "q": w}).items for w in words} == found
