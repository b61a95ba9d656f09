"""``article-data-api build``: compile the corpus folder into a new snapshot and publish it.

Every article is validated exactly as ``check`` validates it, then every resource is
dumped once into SQLite and indexed in Tantivy. The build is incremental: an article whose
files have the same content hash as in the current snapshot is copied, not validated or
indexed again. It publishes atomically and only when every article is valid: a failed
build leaves the current snapshot serving.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import tantivy

import article_data_api
import article_data_api.schemas
from article_data_api import linked_data, representations
from article_data_api.corpus.loader import (
    ANNOTATIONS_FILE,
    TEXT_FILE,
    CorpusError,
    OrganizationUse,
    Problem,
    article_folders,
    load_article,
    organization_disagreements,
)
from article_data_api.corpus.model import Article, Organization
from article_data_api.encoding import encode
from article_data_api.store import search
from article_data_api.store.keys import (
    TIE_MASK,
    ascending_key,
    day_range,
    descending_key,
    tie_of,
)
from article_data_api.store.layout import (
    FORMAT,
    RECORDS,
    SEARCH,
    Manifest,
    SnapshotDir,
    SnapshotError,
    check_files,
    files_of,
)
from article_data_api.store.records import (
    SCHEMA,
    ArticleRows,
    EventRow,
    OrganizationRow,
    SectionRow,
)

log = logging.getLogger(__name__)
DEFAULT_KEEP = 3
# Below this many changed articles, starting worker processes costs more than it saves.
POOL_THRESHOLD = 64
INDEX_HEAP_BYTES = 128_000_000
# Articles listed under each organization in its own representation; the rest are paged
# at /v1/organizations/{id}/articles.
FIRST_ARTICLES = 5


@dataclass(frozen=True)
class Source:
    """An article folder and what its files look like now."""

    id: str
    folder: Path
    stat: str


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


def scan(corpus: Path) -> list[Source]:
    """Every article folder, with the size and modification time of its two files."""
    return [Source(folder.name, folder, _stat_of(folder)) for folder in article_folders(corpus)]


def _stat_of(folder: Path) -> str:
    parts = []
    for name in (TEXT_FILE, ANNOTATIONS_FILE):
        try:
            stat = (folder / name).stat()
            parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append("missing")
    return " ".join(parts)


def content_hash(folder: Path) -> str:
    """A hash of the article's two files; unreadable files hash as empty (the validation
    that follows reports them)."""
    digest = hashlib.sha256()
    for name in (TEXT_FILE, ANNOTATIONS_FILE):
        try:
            digest.update((folder / name).read_bytes())
        except OSError:
            digest.update(b"\xff")
        digest.update(b"\0")
    return digest.hexdigest()


def code_fingerprint() -> str:
    """A hash of the package's code: a snapshot made by other code is rebuilt in full,
    since validation rules or representations may have changed."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for package in (article_data_api, article_data_api.schemas):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def render(source: Source, corpus: Path, digest: str) -> ArticleRows | list[Problem]:
    """Validate one article as ``check`` does and dump every resource it holds."""
    try:
        article = load_article(source.folder, corpus)
    except CorpusError as error:
        return error.problems
    return rows_of(article, digest, source.stat)


def rows_of(article: Article, digest: str, stat: str) -> ArticleRows:
    path = representations.path
    first_day, last_day = day_range(article.published.value if article.published else None)
    texts = [article.title, [[s.id, s.heading, list(s.paragraphs)] for s in article.sections]]
    return ArticleRows(
        id=article.id,
        content_hash=digest,
        source_stat=stat,
        first_day=first_day,
        last_day=last_day,
        month=_month(article.published.value if article.published else None),
        sample=article.sample,
        summary=encode(representations.article_summary(article)),
        article=encode(representations.article(article)),
        article_ld=encode(linked_data.news_article(article, path)),
        texts=encode(texts),
        title=article.title,
        headings=tuple(s.heading for s in article.sections if s.heading),
        paragraphs=tuple(p for s in article.sections for p in s.paragraphs),
        sections=tuple(
            SectionRow(s.position, s.id, encode(representations.section(article.id, s)))
            for s in article.sections
        ),
        organizations=tuple(
            OrganizationRow(
                position=i,
                organization_id=org.id,
                name=org.name,
                kind=org.kind,
                same_as=json.dumps(list(org.same_as)),
                mention_count=org.mention_count,
                body=encode(representations.article_organization(article.id, org)),
                ld=encode(linked_data.standalone(linked_data.organization(org, path))),
                entry=encode(representations.organization_article(article, org)),
            )
            for i, org in enumerate(article.organizations)
        ),
        events=tuple(
            EventRow(
                position=i,
                id=event.id,
                status=event.status,
                organizations=event.organizations,
                first_day=day_range(event.date.value)[0],
                last_day=day_range(event.date.value)[1],
                tie=tie_of(f"{article.id}/{event.id}"),
                month=_month(event.date.value),
                text=" ".join([event.title, event.description, event.evidence.text]),
                body=encode(representations.event(article.id, event)),
                ld=encode(linked_data.standalone(linked_data.event(event, article.id, path))),
                corpus_body=encode(representations.corpus_event(article, event)),
            )
            for i, event in enumerate(article.events)
        ),
    )


def _month(value: str | None) -> str | None:
    """The month of a date known at least to the month, for the ``month`` facet."""
    return value[:7] if value is not None and len(value) >= 7 else None


def uses_of(source: Source, corpus: Path, digest: str) -> list[OrganizationUse] | list[Problem]:
    """Validate one article as the build does (``render``'s signature), keeping only what
    the cross-article rule needs: the organizations it names."""
    try:
        article = load_article(source.folder, corpus)
    except CorpusError as error:
        return error.problems
    return [
        OrganizationUse(article.id, i, org.id, org.name, org.kind)
        for i, org in enumerate(article.organizations)
    ]


def validate_corpus(corpus: Path, workers: int | None = None) -> int:
    """Validate every article, with both cores, exactly as a full build does; return the
    number of articles, or raise CorpusError listing every problem."""
    sources = scan(corpus)
    uses: list[OrganizationUse] = []
    problems: list[Problem] = []
    count = workers or len(os.sched_getaffinity(0))
    with _Renderer(corpus, count if len(sources) >= POOL_THRESHOLD else 1, uses_of) as run:
        for result in run([(source, "") for source in sources]):
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
    ) -> None:
        self.corpus = corpus
        self.snapshots = snapshots
        self.keep = keep
        self.workers = workers or len(os.sched_getaffinity(0))
        self.code = code_fingerprint()

    def build(self) -> BuildReport:
        """Build and publish a snapshot; raise CorpusError (publishing nothing) when the
        corpus is invalid, BuildLocked when another build is running."""
        started = time.monotonic()
        with self.snapshots.build_lock():
            sources = scan(self.corpus)
            previous = self._previous()
            folder = self.snapshots.new_build_folder()
            try:
                report = self._build_into(folder, sources, previous, started)
            finally:
                shutil.rmtree(folder, ignore_errors=True)  # gone once published, or failed
        log.info(
            "snapshot published" if report.published else "snapshot up to date",
            extra={"fields": {k: str(v) for k, v in report.__dict__.items()}},
        )
        return report

    def _previous(self) -> Path | None:
        """The current snapshot, if the build may copy from it: same format, same code,
        same corpus, and whole."""
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
        with sqlite3.connect(f"file:{folder / RECORDS}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("code") != self.code or meta.get("corpus") != str(self.corpus.resolve()):
            return None
        return folder

    def _build_into(
        self, folder: Path, sources: list[Source], previous: Path | None, started: float
    ) -> BuildReport:
        db = self._records(folder, previous)
        known = dict(
            (row[0], (row[1], row[2]))
            for row in db.execute("SELECT id, content_hash, source_stat FROM articles")
        )
        changed: list[tuple[Source, str]] = []
        for source in sources:
            old = known.get(source.id)
            digest = old[0] if old and old[1] == source.stat else content_hash(source.folder)
            if old is None or old[0] != digest:
                changed.append((source, digest))
            elif old[1] != source.stat:  # touched, same content: remember the new stat
                db.execute("UPDATE articles SET source_stat=? WHERE id=?", (source.stat, source.id))
        listed = {source.id for source in sources}
        removed = sorted(set(known) - listed)
        if previous is not None and not changed and not removed:
            db.close()
            return BuildReport(
                version=previous.name,
                folder=previous,
                articles=len(sources),
                changed=0,
                copied=len(sources),
                removed=0,
                seconds=round(time.monotonic() - started, 3),
                published=False,
            )
        replaced = removed + [source.id for source, _ in changed if source.id in known]
        articles_index, events_index = self._indexes(folder, previous)
        problems: list[Problem] = []
        touched = self._organizations_of(db, replaced)
        with self._renderer(len(changed)) as render_all:
            article_writer = articles_index.writer(INDEX_HEAP_BYTES, 1)
            event_writer = events_index.writer(INDEX_HEAP_BYTES // 2, 1)
            for article_id in replaced:
                article_writer.delete_documents_by_term("id", article_id)
                event_writer.delete_documents_by_term("article", article_id)
            self._delete(db, replaced)
            for result in render_all(changed):
                if isinstance(result, list):
                    problems += result
                    continue
                touched.update(org.organization_id for org in result.organizations)
                if not problems:  # once one article fails, the rest are only validated
                    self._insert(db, result, article_writer, event_writer)
        problems += self._disagreements(db, touched)
        if problems:
            article_writer.rollback()
            event_writer.rollback()
            raise CorpusError(problems)
        self._organizations(db, touched)
        for writer in (article_writer, event_writer):
            writer.commit()
            writer.garbage_collect_files()
            writer.wait_merging_threads()
        counts = self._counts(db)
        version = self._version(db)
        db.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [
                ("version", version),
                ("code", self.code),
                ("corpus", str(self.corpus.resolve())),
                ("counts", json.dumps(counts)),
            ],
        )
        db.commit()
        db.execute("PRAGMA optimize")
        db.close()
        manifest = Manifest(
            format=FORMAT,
            version=version,
            corpus=str(self.corpus.resolve()),
            built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            counts=counts,
            files=files_of(folder),
        )
        (folder / "manifest.json").write_text(manifest.to_json(), "utf-8")
        final = self.snapshots.publish(folder, version, self.keep)
        return BuildReport(
            version=version,
            folder=final,
            articles=counts["articles"],
            changed=len(changed),
            copied=len(sources) - len(changed),
            removed=len(removed),
            seconds=round(time.monotonic() - started, 3),
        )

    def _records(self, folder: Path, previous: Path | None) -> sqlite3.Connection:
        path = folder / RECORDS
        if previous is not None:
            shutil.copyfile(previous / RECORDS, path)
        db = sqlite3.connect(path, isolation_level=None)
        # Durability comes from publishing: the file is synced before it is published.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -65536")
        if previous is None:
            db.executescript(SCHEMA)
        db.execute("BEGIN")
        return db

    def _indexes(self, folder: Path, previous: Path | None) -> tuple[tantivy.Index, tantivy.Index]:
        made = []
        for name, schema in (
            ("articles", search.articles_schema()),
            ("events", search.events_schema()),
        ):
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

    def _renderer(self, changed: int) -> _Renderer:
        return _Renderer(self.corpus, self.workers if changed >= POOL_THRESHOLD else 1)

    def _delete(self, db: sqlite3.Connection, article_ids: list[str]) -> None:
        for table, column in (
            ("articles", "id"),
            ("sections", "article_id"),
            ("article_organizations", "article_id"),
            ("events", "article_id"),
        ):
            db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in article_ids])

    def _insert(
        self,
        db: sqlite3.Connection,
        rows: ArticleRows,
        article_writer: tantivy.IndexWriter,
        event_writer: tantivy.IndexWriter,
    ) -> None:
        newest, oldest = _insert_keyed(
            db,
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows.first_day,
            tie_of(rows.id),
            lambda tie, descending, ascending: (
                rows.id,
                rows.content_hash,
                rows.source_stat,
                rows.first_day,
                rows.last_day,
                tie,
                descending,
                ascending,
                int(rows.sample),
                rows.summary,
                rows.article,
                rows.article_ld,
                rows.texts,
            ),
        )
        db.executemany(
            "INSERT INTO sections VALUES (?,?,?,?)",
            [(rows.id, s.position, s.id, s.body) for s in rows.sections],
        )
        db.executemany(
            "INSERT INTO article_organizations VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    rows.id,
                    o.organization_id,
                    o.position,
                    o.name,
                    o.kind,
                    o.same_as,
                    o.mention_count,
                    newest,
                    o.body,
                    o.ld,
                    o.entry,
                )
                for o in rows.organizations
            ],
        )
        document = tantivy.Document()
        document.add_text("id", rows.id)
        document.add_text("title", rows.title)
        for heading in rows.headings:
            document.add_text("headings", heading)
        for paragraph in rows.paragraphs:
            document.add_text("body", paragraph)
        for org in rows.organizations:
            document.add_text("organization", org.organization_id)
        for kind in sorted({org.kind for org in rows.organizations}):
            document.add_text("kind", kind)
        if rows.month:
            document.add_text("month", rows.month)
        document.add_unsigned("sample", int(rows.sample))
        if rows.first_day is not None:
            document.add_unsigned("first_day", rows.first_day)
            document.add_unsigned("last_day", rows.last_day)
        document.add_unsigned("newest_key", newest)
        document.add_unsigned("oldest_key", oldest)
        article_writer.add_document(document)
        for event in rows.events:
            self._insert_event(db, rows.id, event, event_writer)

    def _insert_event(
        self, db: sqlite3.Connection, article_id: str, event: EventRow, writer: tantivy.IndexWriter
    ) -> None:
        down, up = _insert_keyed(
            db,
            "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            event.first_day,
            event.tie,
            lambda tie, descending, ascending: (
                article_id,
                event.position,
                event.id,
                event.status,
                json.dumps(list(event.organizations)),
                event.first_day,
                event.last_day,
                ascending,
                descending,
                event.body,
                event.ld,
                event.corpus_body,
            ),
        )
        document = tantivy.Document()
        document.add_text("article", article_id)
        document.add_text("text", event.text)
        document.add_text("status", event.status)
        for org in event.organizations:
            document.add_text("organization", org)
        if event.month:
            document.add_text("month", event.month)
        if event.first_day is not None:
            document.add_unsigned("first_day", event.first_day)
            document.add_unsigned("last_day", event.last_day)
        document.add_unsigned("ascending_key", up)
        document.add_unsigned("descending_key", down)
        writer.add_document(document)

    @staticmethod
    def _organizations_of(db: sqlite3.Connection, article_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for article_id in article_ids:
            found.update(
                row[0]
                for row in db.execute(
                    "SELECT organization_id FROM article_organizations WHERE article_id = ?",
                    (article_id,),
                )
            )
        return found

    def _disagreements(self, db: sqlite3.Connection, touched: set[str]) -> list[Problem]:
        """The cross-article rule, over every article that names a touched organization
        (all of them in a full build): the same check, and messages, as ``check``."""
        uses = [
            OrganizationUse(*row)
            for org_id in sorted(touched)
            for row in db.execute(
                "SELECT article_id, position, organization_id, name, kind"
                " FROM article_organizations WHERE organization_id = ?",
                (org_id,),
            )
        ]
        return organization_disagreements(uses, self.corpus)

    def _organizations(self, db: sqlite3.Connection, touched: set[str]) -> None:
        """Recompute each touched organization across the corpus."""
        for org_id in sorted(touched):
            uses = db.execute(
                "SELECT name, kind, same_as, mention_count, entry FROM article_organizations"
                " WHERE organization_id = ? ORDER BY newest_key DESC",
                (org_id,),
            ).fetchall()
            db.execute("DELETE FROM organizations WHERE id = ?", (org_id,))
            if not uses:
                continue
            same_as = list(dict.fromkeys(url for use in uses for url in json.loads(use[2])))
            org = Organization(
                id=org_id,
                name=uses[0][0],
                kind=uses[0][1],
                same_as=tuple(same_as),
                article_count=len(uses),
                mention_count=sum(use[3] for use in uses),
            )
            body = representations.organization(org, [use[4] for use in uses[:FIRST_ARTICLES]])
            ld = linked_data.standalone(linked_data.organization(org, representations.path))
            db.execute(
                "INSERT INTO organizations VALUES (?,?,?,?,?,?,?,?)",
                (
                    org.id,
                    org.name,
                    org.kind,
                    org.name.casefold(),
                    org.article_count,
                    org.mention_count,
                    encode(body),
                    encode(ld),
                ),
            )

    @staticmethod
    def _counts(db: sqlite3.Connection) -> dict[str, int]:
        def count(sql: str) -> int:
            return db.execute(sql).fetchone()[0] or 0

        return {
            "articles": count("SELECT COUNT(*) FROM articles"),
            "sections": count("SELECT COUNT(*) FROM sections"),
            "organizations": count("SELECT COUNT(*) FROM organizations"),
            "mentions": count("SELECT SUM(mention_count) FROM article_organizations"),
            "events": count("SELECT COUNT(*) FROM events"),
        }

    @staticmethod
    def _version(db: sqlite3.Connection) -> str:
        """When it was built, then a hash of what it holds: sortable and unique."""
        digest = hashlib.sha256()
        for (article_hash,) in db.execute("SELECT content_hash FROM articles ORDER BY id"):
            digest.update(article_hash.encode())
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return f"{stamp}-{digest.hexdigest()[:12]}"


class _Renderer:
    """Validates and dumps the changed articles, in order: in worker processes when there
    are many (both cores), in this process when there are few."""

    def __init__(self, corpus: Path, workers: int, work: Callable = render) -> None:
        self.corpus = corpus
        self.workers = workers
        self.work = work
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None

    def __enter__(self) -> Callable[[list[tuple[Source, str]]], Iterator]:
        if self.workers > 1:
            # forkserver: the Tantivy writers run threads, which a plain fork would copy.
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("forkserver")
            )
        return self.render_all

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def render_all(self, changed: list[tuple[Source, str]]) -> Iterator:
        sources = [source for source, _ in changed]
        corpora = [self.corpus] * len(changed)
        digests = [digest for _, digest in changed]
        if self.pool is None:
            return map(self.work, sources, corpora, digests)
        return self.pool.map(self.work, sources, corpora, digests, chunksize=32)


def _insert_keyed(
    db: sqlite3.Connection,
    sql: str,
    first_day: int | None,
    tie: int,
    row: Callable[[int, int, int], tuple],
) -> tuple[int, int]:
    """Insert the row made for the sort keys of ``first_day`` and ``tie``; return its
    (descending, ascending) keys. Keys are unique: when two items of the same day have
    hashes that collide, the later one takes the next tie."""
    while True:
        descending, ascending = descending_key(first_day, tie), ascending_key(first_day, tie)
        try:
            db.execute(sql, row(tie, descending, ascending))
            return descending, ascending
        except sqlite3.IntegrityError as error:
            if "_key" not in str(error):  # only a sort key may collide
                raise
            tie = (tie + 1) & TIE_MASK


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
