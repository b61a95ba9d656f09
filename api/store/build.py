"""``article-data-api build``: compile the corpus folder into a new snapshot and publish it.

Every article is validated exactly as ``check`` validates it, then every resource is
dumped once into SQLite and indexed in Tantivy. Worker processes (one per core) each take
whole shards: they validate and dump the shard's articles and write its SQLite file
themselves, sending back only what the index and the search index need. The build is
incremental: an article whose files have the same content hash as in the current
snapshot is not validated or indexed again, and a shard with no changed article is a
hard link to the current snapshot's file. It publishes atomically and only when every
article is valid: a failed build leaves the current snapshot serving.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tantivy

import article_data_api
import article_data_api.schemas
from article_data_api import linked_data, representations
from article_data_api.config import DEFAULT_KEEP
from article_data_api.corpus.loader import (
    ArticleFiles,
    ArticleFolder,
    CorpusError,
    OrganizationUse,
    Problem,
    load_article,
    organization_disagreements,
    scan_corpus,
)
from article_data_api.corpus.model import Article, Organization
from article_data_api.corpus.text import alphabetical
from article_data_api.encoding import encode
from article_data_api.store import search
from article_data_api.store.keys import (
    TIE_MASK,
    ascending_key,
    day_range,
    descending_key,
    event_tie,
    tie_of,
)
from article_data_api.store.layout import (
    FORMAT,
    SEARCH,
    BuildFailed,
    Manifest,
    SnapshotDir,
    SnapshotError,
    check_files,
    files_of,
)
from article_data_api.store.records import (
    INDEX_FILE,
    INDEX_LOOKUPS,
    INDEX_SCHEMA,
    SHARD_SCHEMA,
    SHARDS,
    ArticleIndex,
    DraftLeftOut,
    EventIndex,
    shard_file,
    shard_of,
)

log = logging.getLogger(__name__)
# Below this many changed articles, starting worker processes costs more than it saves.
POOL_THRESHOLD = 64
INDEX_HEAP_BYTES = 128_000_000
# Articles listed under each organization in its own representation; the rest are paged
# at /v1/organizations/{id}/articles.
FIRST_ARTICLES = 5


@dataclass
class ShardTask:
    """One shard's share of a build: its records file, the articles to (re)write in it
    (with their content hash, when the build has had to compute it) and the ids whose old
    records go."""

    shard: int
    path: Path
    corpus: Path
    include_drafts: bool
    changed: list[tuple[ArticleFolder, str | None]] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


ShardResult = list[tuple[str, "ArticleIndex | DraftLeftOut | list[Problem]"]]


@dataclass(frozen=True)
class BuildReport:
    version: str
    folder: Path
    articles: int
    changed: int
    copied: int
    removed: int
    seconds: float
    published: bool = True


def code_fingerprint() -> str:
    """A hash of the package's code: a snapshot made by other code is rebuilt in full,
    since validation rules or representations may have changed."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for package in (article_data_api, article_data_api.schemas):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _month(value: str | None) -> str | None:
    """The month of a date known at least to the month, for the ``month`` facet."""
    return value[:7] if value is not None and len(value) >= 7 else None


def write_shard(task: ShardTask) -> ShardResult:
    """Validate and dump a shard's changed articles into its records file (the old
    records of replaced articles removed first); return what the index needs of each,
    or its problems. Runs in a worker process."""
    db = _connect_for_writing(task.path, None)  # made, or copied, by the build
    for table in ("articles", "sections", "article_organizations", "events"):
        column = "id" if table == "articles" else "article_id"
        db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in task.replaced])
    results: ShardResult = []
    for source, known_digest in task.changed:
        folder = source.folder
        files = ArticleFiles.read(folder)
        digest = known_digest or files.content_hash()
        try:
            article = load_article(folder, task.corpus, files)
        except CorpusError as error:
            results.append((source.id, error.problems))
            continue
        if article.status == "draft" and not task.include_drafts:
            results.append((source.id, DraftLeftOut(source.id, digest, source.stat)))
            continue
        _write_article(db, article)
        results.append((source.id, _index_of(article, digest, source.stat)))
    db.commit()
    db.close()
    return results


def _write_article(db: sqlite3.Connection, article: Article) -> None:
    path = representations.path
    roles = [linked_data.role(org, article.id, path) for org in article.organizations]
    events = [linked_data.event(event, article.id, path) for event in article.events]
    db.execute(
        "INSERT INTO articles VALUES (?,?,?,?)",
        (
            article.id,
            encode(representations.article_summary(article)),
            encode(representations.article(article)),
            encode(linked_data.news_article(article, path, roles + events)),
        ),
    )
    db.executemany(
        "INSERT INTO sections VALUES (?,?,?,?)",
        [
            (article.id, s.position, s.id, encode(representations.section(article.id, s)))
            for s in article.sections
        ],
    )
    db.executemany(
        "INSERT INTO article_organizations VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                article.id,
                org.id,
                org.name,
                org.kind,
                org.mention_count,
                encode(representations.article_organization(article.id, org)),
                encode(linked_data.standalone(role)),
                encode(entry),
            )
            for org, role, entry in zip(
                article.organizations,
                roles,
                representations.organization_articles(article),
                strict=True,
            )
        ],
    )
    db.executemany(
        "INSERT INTO events VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                article.id,
                i,
                event.id,
                event.status,
                encode(event.organizations).decode(),
                encode(representations.event(article.id, event)),
                encode(linked_data.standalone(node)),
                encode(representations.corpus_event(article, event)),
            )
            for i, (event, node) in enumerate(zip(article.events, events, strict=True))
        ],
    )


def _index_of(article: Article, digest: str, stat: str) -> ArticleIndex:
    published = article.published.value if article.published else None
    first_day, last_day = day_range(published)
    return ArticleIndex(
        id=article.id,
        content_hash=digest,
        source_stat=stat,
        first_day=first_day,
        last_day=last_day,
        month=_month(published),
        sample=article.sample,
        sections=len(article.sections),
        title=article.title,
        headings=tuple(s.heading for s in article.sections if s.heading),
        paragraphs=tuple(p for s in article.sections for p in s.paragraphs),
        organizations=tuple(
            (
                i,
                org.id,
                org.name,
                org.kind,
                encode(org.aliases).decode(),
                encode(org.same_as).decode(),
                org.mention_count,
            )
            for i, org in enumerate(article.organizations)
        ),
        events=tuple(
            (
                i,
                event.organizations,
                event.status,
                *day_range(event.date.value),
                event_tie(article.id, i),
                _month(event.date.value),
                " ".join([event.title, event.description, event.evidence.text]),
            )
            for i, event in enumerate(article.events)
        ),
    )


def uses_of(source: ArticleFolder, corpus: Path) -> list[OrganizationUse] | list[Problem]:
    """Validate one article as the build does, keeping only what the cross-article rule
    needs: the organizations it names."""
    try:
        article = load_article(source.folder, corpus)
    except CorpusError as error:
        return error.problems
    return [
        OrganizationUse(article.id, i, org.id, org.name, org.kind)
        for i, org in enumerate(article.organizations)
    ]


def validate_corpus(
    corpus: Path, workers: int | None = None, allow_outside_links: bool = False
) -> int:
    """Validate every article, with every core, exactly as a full build does; return the
    number of articles, or raise CorpusError listing every problem."""
    sources = scan_corpus(corpus, allow_outside_links)
    uses: list[OrganizationUse] = []
    problems: list[Problem] = []
    count = workers or len(os.sched_getaffinity(0))
    with _Pool(count if len(sources) >= POOL_THRESHOLD else 1) as pool:
        for result in pool.map(uses_of, sources, [corpus] * len(sources), chunksize=64):
            if result and isinstance(result[0], Problem):
                problems += result
            else:
                uses += result
    problems += organization_disagreements(uses, corpus)
    if problems:
        raise CorpusError(problems)
    return len(sources)


class Builder:
    """One build of ``corpus`` into ``snapshots``."""

    def __init__(
        self,
        corpus: Path,
        snapshots: SnapshotDir,
        *,
        keep: int = DEFAULT_KEEP,
        workers: int | None = None,
        allow_outside_links: bool = False,
        include_drafts: bool = False,
    ) -> None:
        self.corpus = corpus
        self.allow_outside_links = allow_outside_links
        self.include_drafts = include_drafts
        self.snapshots = snapshots
        self.keep = keep
        self.workers = workers or len(os.sched_getaffinity(0))
        self.code = code_fingerprint()

    def build(self) -> BuildReport:
        """Build and publish a snapshot; raise CorpusError (publishing nothing) when the
        corpus is invalid, BuildLocked when another build is running, BuildFailed when
        the snapshot cannot be written."""
        started = time.monotonic()
        self._refuse_a_folder_inside_the_corpus()
        with self.snapshots.build_lock():
            sources = scan_corpus(self.corpus, self.allow_outside_links)
            previous = self._previous()
            folder = self.snapshots.new_build_folder()
            try:
                report = self._build_into(folder, sources, previous, started)
            except (sqlite3.Error, OSError) as error:  # a worker's error arrives as it was
                raise BuildFailed(
                    f"{self.snapshots.root}: the build could not write its snapshot"
                    f" ({error}), so it published nothing. Is the disk full? SQLite also"
                    " sorts in its temporary folder (SQLITE_TMPDIR or TMPDIR)."
                ) from error
            finally:
                shutil.rmtree(folder, ignore_errors=True)  # gone once published, or failed
        log.info(
            "snapshot published" if report.published else "snapshot up to date",
            extra={"fields": {k: str(v) for k, v in report.__dict__.items()}},
        )
        return report

    def _refuse_a_folder_inside_the_corpus(self) -> None:
        """The corpus holds only reviewed articles (a folder under articles/ would even
        read as a broken article), so no snapshot is built there: checked before the
        build makes any folder."""
        root, corpus = self.snapshots.root.resolve(), self.corpus.resolve()
        if root == corpus or corpus in root.parents:
            raise BuildFailed(
                f"{self.snapshots.root}: a snapshot folder cannot be inside the corpus folder"
                f" {self.corpus}, which holds only reviewed articles: build outside it"
            )

    def _previous(self) -> Path | None:
        """The current snapshot, if the build may copy from it: same format, same code,
        same corpus, drafts in or out alike, and whole."""
        version = self.snapshots.current_version()
        if version is None:
            return None
        folder = self.snapshots.folder(version)
        try:
            manifest = Manifest.read(folder)
            check_files(folder, manifest)
        except SnapshotError as error:
            log.warning("building in full: the current snapshot is unusable: %s", error)
            return None
        if (
            manifest.code != self.code
            or manifest.corpus != str(self.corpus.resolve())
            or manifest.drafts != self.include_drafts
        ):
            return None
        return folder

    def _build_into(
        self, folder: Path, sources: list[ArticleFolder], previous: Path | None, started: float
    ) -> BuildReport:
        (folder / "records").mkdir()
        index = self._index(folder, previous)
        known = {
            row[0]: (row[1], row[2])
            for table in ("articles", "drafts")
            for row in index.execute(f"SELECT id, content_hash, source_stat FROM {table}")
        }
        tasks = {
            shard: ShardTask(shard, folder / shard_file(shard), self.corpus, self.include_drafts)
            for shard in range(SHARDS)
        }
        changed = 0
        for source in sources:
            old = known.get(source.id)
            if old is None:  # new: its worker hashes the files it reads anyway
                tasks[shard_of(source.id)].changed.append((source, None))
                changed += 1
                continue
            # Touched files may hold the same bytes: only a new hash means a change.
            digest = (
                old[0] if old[1] == source.stat else ArticleFiles.read(source.folder).content_hash()
            )
            if old[0] != digest:
                task = tasks[shard_of(source.id)]
                task.changed.append((source, digest))
                task.replaced.append(source.id)
                changed += 1
        removed = sorted(set(known) - {source.id for source in sources})
        for article_id in removed:
            tasks[shard_of(article_id)].replaced.append(article_id)
        if previous is not None and not changed and not removed:
            index.close()
            return BuildReport(
                previous.name,
                previous,
                len(sources),
                0,
                len(sources),
                0,
                round(time.monotonic() - started, 3),
                published=False,
            )
        touched_tasks = [t for t in tasks.values() if t.changed or t.replaced]
        self._prepare_shards(folder, previous, touched_tasks)
        articles_index, events_index = self._indexes(folder, previous)
        article_writer = articles_index.writer(INDEX_HEAP_BYTES, 1)
        event_writer = events_index.writer(INDEX_HEAP_BYTES // 2, 1)
        replaced = [article_id for task in touched_tasks for article_id in task.replaced]
        touched_organizations = self._forget(index, folder, replaced, article_writer, event_writer)
        problems: dict[str, list[Problem]] = {}
        with _organizations_sorted(index):
            for article_id, result in itertools.chain.from_iterable(
                self._run(touched_tasks, changed)
            ):
                if isinstance(result, list):
                    problems[article_id] = result
                elif isinstance(result, DraftLeftOut):
                    index.execute(
                        "INSERT INTO drafts VALUES (?, ?, ?)",
                        (result.id, result.content_hash, result.source_stat),
                    )
                elif not problems:  # once one article fails, the rest are only validated
                    touched_organizations.update(org_id for _, org_id, *_ in result.organizations)
                    self._insert(index, result, article_writer, event_writer)
            if problems:  # raised within: the staged rows are dropped, never sorted
                found = [p for article_id in sorted(problems) for p in problems[article_id]]
                raise _abandoned(found, index, article_writer, event_writer)
        found = self._disagreements(index, touched_organizations)
        if found:
            raise _abandoned(found, index, article_writer, event_writer)
        self._organizations(folder, index, touched_organizations)
        for writer in (article_writer, event_writer):
            writer.commit()
            writer.garbage_collect_files()
            writer.wait_merging_threads()
        counts = self._counts(index)
        version = self._version(index)
        index.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [("version", version), ("counts", json.dumps(counts))],
        )
        index.commit()
        index.execute("PRAGMA optimize")
        index.close()
        manifest = Manifest(
            format=FORMAT,
            version=version,
            corpus=str(self.corpus.resolve()),
            code=self.code,
            built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            counts=counts,
            files=files_of(folder),
            drafts=self.include_drafts,
        )
        (folder / "manifest.json").write_text(manifest.to_json(), "utf-8")
        final = self.snapshots.publish(folder, version, self.keep)
        return BuildReport(
            version=version,
            folder=final,
            articles=counts["articles"],
            changed=changed,
            copied=len(sources) - changed,
            removed=len(removed),
            seconds=round(time.monotonic() - started, 3),
        )

    def _index(self, folder: Path, previous: Path | None) -> sqlite3.Connection:
        path = folder / INDEX_FILE
        if previous is not None:
            shutil.copyfile(previous / INDEX_FILE, path)
        index = _connect_for_writing(path, None if previous else INDEX_SCHEMA)
        # Sorting the organizations' rows and making the lookups runs once the workers
        # are done: SQLite's sorter may then use every core (1.2 s less at 100,000).
        index.execute(f"PRAGMA threads = {self.workers}")
        return index

    def _prepare_shards(
        self, folder: Path, previous: Path | None, touched: list[ShardTask]
    ) -> None:
        """Shards that change are copied (or made); the others are the previous
        snapshot's files, hard-linked."""
        touched_shards = {task.shard for task in touched}
        for shard in range(SHARDS):
            target = folder / shard_file(shard)
            if previous is None:
                _connect_for_writing(target, SHARD_SCHEMA).close()
            elif shard in touched_shards:
                shutil.copyfile(previous / shard_file(shard), target)
            else:
                _link_or_copy(previous / shard_file(shard), target)

    def _indexes(self, folder: Path, previous: Path | None) -> tuple[tantivy.Index, tantivy.Index]:
        made = []
        schemas = (("articles", search.articles_schema()), ("events", search.events_schema()))
        for name, schema in schemas:
            target = folder / SEARCH / name
            target.mkdir(parents=True)
            if previous is not None:
                # Segment files never change once written, so the new index can share
                # them: hard links cost nothing, and the writer only adds files.
                for old in (previous / SEARCH / name).iterdir():
                    if old.is_file() and not old.name.endswith(".lock"):
                        _link_or_copy(old, target / old.name)
            made.append(tantivy.Index(schema, str(target), reuse=previous is not None))
        return made[0], made[1]

    def _run(self, tasks: list[ShardTask], changed: int) -> Iterator[ShardResult]:
        """Each shard's results, in shard order: in worker processes when there are many
        changed articles (both cores), in this process when there are few."""
        workers = self.workers if changed >= POOL_THRESHOLD else 1
        with _Pool(workers) as pool:
            yield from pool.map(write_shard, tasks)

    @staticmethod
    def _forget(
        index: sqlite3.Connection,
        folder: Path,
        article_ids: list[str],
        article_writer: tantivy.IndexWriter,
        event_writer: tantivy.IndexWriter,
    ) -> set[str]:
        """Remove replaced articles from the index and the search index; return the
        organizations they named. Their shards, still as the previous snapshot left
        them, say which: the index has no lookup of its organizations' rows by article,
        as making one cost every full build 1.4 s at 100,000 articles."""
        touched: set[str] = set()
        by_shard: dict[int, list[str]] = {}
        for article_id in article_ids:
            by_shard.setdefault(shard_of(article_id), []).append(article_id)
        for shard, ids in by_shard.items():
            with contextlib.closing(sqlite3.connect(folder / shard_file(shard))) as records:
                named = {
                    article_id: [
                        row[0]
                        for row in records.execute(
                            "SELECT organization_id FROM article_organizations"
                            " WHERE article_id = ?",
                            (article_id,),
                        )
                    ]
                    for article_id in ids
                }
            for article_id, organizations in named.items():
                touched.update(organizations)
                index.executemany(
                    "DELETE FROM article_organizations WHERE organization_id = ?"
                    " AND newest_key = (SELECT newest_key FROM articles WHERE id = ?)",
                    [(org_id, article_id) for org_id in organizations],
                )
                for table in ("articles", "drafts", "events"):
                    column = "article_id" if table == "events" else "id"
                    index.execute(f"DELETE FROM {table} WHERE {column} = ?", (article_id,))
                article_writer.delete_documents_by_term("id", article_id)
                event_writer.delete_documents_by_term("article", article_id)
        return touched

    def _insert(
        self,
        index: sqlite3.Connection,
        article: ArticleIndex,
        article_writer: tantivy.IndexWriter,
        event_writer: tantivy.IndexWriter,
    ) -> None:
        newest, oldest = _insert_keyed(
            index,
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)",
            article.first_day,
            tie_of(article.id),
            lambda descending, ascending: (
                article.id,
                article.content_hash,
                article.source_stat,
                article.first_day,
                article.last_day,
                descending,
                ascending,
                int(article.sample),
                article.sections,
                sum(mentions for *_, mentions in article.organizations),
            ),
        )
        index.executemany(
            f"INSERT INTO {_STAGED_ORGANIZATIONS} VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (org_id, newest, article.id, position, name, kind, aliases, same_as, mentions)
                for position, org_id, name, kind, aliases, same_as, mentions in (
                    article.organizations
                )
            ],
        )
        document = tantivy.Document()
        document.add_text("id", article.id)
        document.add_text("title", article.title)
        for heading in article.headings:
            document.add_text("headings", heading)
        for paragraph in article.paragraphs:
            document.add_text("body", paragraph)
        for _, org_id, *_ in article.organizations:
            document.add_text("organization", org_id)
        for kind in sorted({kind for _, _, _, kind, *_ in article.organizations}):
            document.add_text("kind", kind)
        if article.month:
            document.add_text("month", article.month)
        document.add_unsigned("sample", int(article.sample))
        if article.first_day is not None:
            document.add_unsigned("first_day", article.first_day)
            document.add_unsigned("last_day", article.last_day)
        document.add_unsigned("newest_key", newest)
        document.add_unsigned("oldest_key", oldest)
        article_writer.add_document(document)
        for event in article.events:
            self._insert_event(index, article.id, event, event_writer)

    @staticmethod
    def _insert_event(
        index: sqlite3.Connection, article_id: str, event: EventIndex, writer: tantivy.IndexWriter
    ) -> None:
        position, organizations, status, first_day, last_day, tie, month, text = event
        down, up = _insert_keyed(
            index,
            "INSERT INTO events VALUES (?,?,?,?,?,?)",
            first_day,
            tie,
            lambda descending, ascending: (
                ascending,
                descending,
                article_id,
                position,
                first_day,
                last_day,
            ),
        )
        document = tantivy.Document()
        document.add_text("article", article_id)
        document.add_text("text", text)
        document.add_text("status", status)
        for org in organizations:
            document.add_text("organization", org)
        if month:
            document.add_text("month", month)
        if first_day is not None:
            document.add_unsigned("first_day", first_day)
            document.add_unsigned("last_day", last_day)
        document.add_unsigned("ascending_key", up)
        document.add_unsigned("descending_key", down)
        writer.add_document(document)

    def _disagreements(self, index: sqlite3.Connection, touched: set[str]) -> list[Problem]:
        """The cross-article rule, over every article that names a touched organization
        (all of them in a full build): the same check, and messages, as ``check``. SQL
        finds the organizations whose names or kinds differ; only theirs are compared."""
        _temporary_ids(index, touched)
        differing = [
            row[0]
            for row in index.execute(
                "SELECT organization_id FROM article_organizations"
                " WHERE organization_id IN (SELECT id FROM touched)"
                " GROUP BY organization_id"
                " HAVING COUNT(DISTINCT name) > 1 OR COUNT(DISTINCT kind) > 1"
            )
        ]
        uses = [
            OrganizationUse(*row)
            for org_id in differing
            for row in index.execute(
                "SELECT article_id, position, organization_id, name, kind"
                " FROM article_organizations WHERE organization_id = ?",
                (org_id,),
            )
        ]
        return organization_disagreements(uses, self.corpus)

    def _organizations(self, folder: Path, index: sqlite3.Connection, touched: set[str]) -> None:
        """Recompute each touched organization across the corpus: its counts in one pass,
        then the few newest articles of each, whose entries the shards hold."""
        _temporary_ids(index, touched)
        index.execute("DELETE FROM organizations WHERE id IN (SELECT id FROM touched)")
        totals = index.execute(
            "SELECT organization_id, COUNT(*), SUM(mention_count) FROM article_organizations"
            " WHERE organization_id IN (SELECT id FROM touched) GROUP BY organization_id"
        ).fetchall()
        # Links and other names, gathered from every article (newest first), without repeats.
        same_as: dict[str, dict[str, None]] = {}
        aliases: dict[str, dict[str, None]] = {}
        for org_id, names, urls in index.execute(
            "SELECT organization_id, aliases, same_as FROM article_organizations"
            " WHERE (same_as != '[]' OR aliases != '[]')"
            " AND organization_id IN (SELECT id FROM touched)"
            " ORDER BY organization_id, newest_key DESC"
        ):
            same_as.setdefault(org_id, {}).update(dict.fromkeys(json.loads(urls)))
            aliases.setdefault(org_id, {}).update(dict.fromkeys(json.loads(names)))
        newest = {
            org_id: index.execute(
                "SELECT name, kind, article_id FROM article_organizations"
                " WHERE organization_id = ? ORDER BY newest_key DESC LIMIT ?",
                (org_id, FIRST_ARTICLES),
            ).fetchall()
            for org_id, _, _ in totals
        }
        entries = _entries(
            folder,
            [(article_id, org_id) for org_id, rows in newest.items() for _, _, article_id in rows],
        )
        for org_id, article_count, mention_count in totals:
            org = Organization(
                id=org_id,
                name=newest[org_id][0][0],
                kind=newest[org_id][0][1],
                same_as=tuple(same_as.get(org_id, ())),
                article_count=article_count,
                mention_count=mention_count,
            )
            body = representations.organization(
                org, [entries[article_id, org_id] for _, _, article_id in newest[org_id]]
            )
            ld = linked_data.standalone(
                linked_data.organization(org, tuple(aliases.get(org_id, ())), representations.path)
            )
            index.execute(
                "INSERT INTO organizations VALUES (?,?,?,?,?,?,?,?)",
                (
                    org.id,
                    org.name,
                    org.kind,
                    alphabetical(org.name),
                    org.article_count,
                    org.mention_count,
                    encode(body),
                    encode(ld),
                ),
            )

    @staticmethod
    def _counts(index: sqlite3.Connection) -> dict[str, int]:
        articles, sections, mentions = index.execute(
            "SELECT COUNT(*), SUM(sections), SUM(mentions) FROM articles"
        ).fetchone()
        return {
            "articles": articles,
            "sections": sections or 0,
            "organizations": index.execute("SELECT COUNT(*) FROM organizations").fetchone()[0],
            "mentions": mentions or 0,
            "events": index.execute("SELECT COUNT(*) FROM events").fetchone()[0],
        }

    @staticmethod
    def _version(index: sqlite3.Connection) -> str:
        """When it was built, then a hash of what it holds: sortable and unique."""
        digest = hashlib.sha256()
        for (article_hash,) in index.execute("SELECT content_hash FROM articles ORDER BY id"):
            digest.update(article_hash.encode())
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return f"{stamp}-{digest.hexdigest()[:12]}"


def _entries(folder: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """The entry (an article as an organization lists it) of each (article, organization)
    in ``wanted``, read shard by shard and in article order, as the shards store them:
    in the order of the organizations, 50,000 reads hopped between 128 files and took
    four times as long."""
    by_shard: dict[int, list[tuple[str, str]]] = {}
    for pair in wanted:
        by_shard.setdefault(shard_of(pair[0]), []).append(pair)
    found = {}
    for shard, pairs in by_shard.items():
        db = sqlite3.connect(folder / shard_file(shard))
        try:
            for pair in sorted(pairs):
                found[pair] = db.execute(
                    "SELECT entry FROM article_organizations"
                    " WHERE article_id = ? AND organization_id = ?",
                    pair,
                ).fetchone()[0]
        finally:
            db.close()
    return found


class _Pool:
    """Worker processes for the changed shards or articles, or this process alone."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None

    def __enter__(self) -> _Pool:
        if self.workers > 1:
            # forkserver: the Tantivy writers run threads, which a plain fork would copy.
            self.executor = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("forkserver")
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)

    def map(self, work: Callable, *arguments: Iterable, chunksize: int = 1) -> Iterator:
        if self.executor is None:
            return map(work, *arguments)
        return self.executor.map(work, *arguments, chunksize=chunksize)


def _connect_for_writing(path: Path, schema: str | None) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    # Durability comes from publishing: every file is synced before it is published.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -65536")
    if schema is not None:
        db.executescript(schema)
    db.execute("BEGIN")
    return db


# Where the parent puts an article's organizations until the workers are done.
_STAGED_ORGANIZATIONS = "temp.new_article_organizations"


@contextlib.contextmanager
def _organizations_sorted(index: sqlite3.Connection) -> Iterator[None]:
    """Stage the organizations inserted within into the index's table sorted by its key,
    then make the index's lookups by article. Articles arrive in shard order, random in
    that key: 17 rows an article inserted one by one into the B-tree took most of the
    parent's SQLite time; into a staging table without a key, then in one sorted INSERT,
    about a third of it."""
    index.execute(
        f"CREATE TABLE {_STAGED_ORGANIZATIONS} AS SELECT * FROM main.article_organizations WHERE 0"
    )
    yield
    index.execute(
        f"INSERT INTO main.article_organizations SELECT * FROM {_STAGED_ORGANIZATIONS}"
        " ORDER BY organization_id, newest_key"
    )
    index.execute(f"DROP TABLE {_STAGED_ORGANIZATIONS}")
    for statement in INDEX_LOOKUPS:
        index.execute(statement)


def _abandoned(
    problems: list[Problem], index: sqlite3.Connection, *writers: tantivy.IndexWriter
) -> CorpusError:
    """The error that ends a failed build, once what it wrote is let go (the build's
    folder is removed after)."""
    for writer in writers:
        writer.rollback()
    index.close()
    return CorpusError(problems)


def _insert_keyed(
    db: sqlite3.Connection,
    sql: str,
    first_day: int | None,
    tie: int,
    row: Callable[[int, int], tuple],
) -> tuple[int, int]:
    """Insert the row made for the sort keys of ``first_day`` and ``tie``; return its
    (descending, ascending) keys. Keys are unique: when two items of the same day have
    hashes that collide, the later one takes the next tie."""
    while True:
        descending, ascending = descending_key(first_day, tie), ascending_key(first_day, tie)
        try:
            db.execute(sql, row(descending, ascending))
            return descending, ascending
        except sqlite3.IntegrityError as error:
            if "_key" not in str(error):  # only a sort key may collide
                raise
            tie = (tie + 1) & TIE_MASK


def _temporary_ids(db: sqlite3.Connection, ids: set[str]) -> None:
    """The table ``touched``, holding ``ids``, for queries over many organizations."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS touched (id TEXT PRIMARY KEY)")
    db.execute("DELETE FROM touched")
    db.executemany("INSERT INTO touched VALUES (?)", [(i,) for i in ids])


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
