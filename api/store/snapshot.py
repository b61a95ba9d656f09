"""One published snapshot, opened read-only: every lookup the API's views make.

SQLite holds each resource's JSON as the build dumped it; Tantivy finds, filters, ranks
and counts. Nothing is loaded up front: opening a snapshot reads its manifest and checks
its files' sizes, so it costs the same for ten articles as for ten million, and the OS
page cache shares the files between worker processes.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import tantivy

from article_data_api.corpus.model import utf16_offset
from article_data_api.corpus.text import alphabetical
from article_data_api.encoding import encode
from article_data_api.negotiation import LD_JSON
from article_data_api.store import search
from article_data_api.store.keys import Cursor, CursorError, day_range
from article_data_api.store.layout import SEARCH, Manifest, SnapshotError, check_files
from article_data_api.store.mapped import release_mapped_pages
from article_data_api.store.records import INDEX_FILE, shard_file, shard_of

# Relevance order is paged by offset (scores are not keys), as deep as this.
MAX_RELEVANCE_DEPTH = 10_000
MAX_OFFSET = 10_000
FACET_SIZE = 20
HIGHLIGHTS_PER_HIT = 3
# Each thread's own SQLite page cache: the index file (keyset pages, facets' rows) is
# read all over; a shard only for point lookups, and a thread may hold all 128 of them.
# Bounded so: 4 MiB + 128 x 128 KiB = 20 MiB a thread at most (a worker runs one thread,
# api.server).
INDEX_CACHE_KIB = 4096
SHARD_CACHE_KIB = 128
ARTICLE_FACETS = {"organization": "organization", "kind": "kind", "month": "month"}
EVENT_FACETS = {"organization": "organization", "status": "status", "month": "month"}


# What a read of a records file damaged in place raises (it passed the size check at open;
# SQLite finds the damage only as it reads): answered as a problem without the error
# handlers knowing the backend.
DamagedRecords = sqlite3.DatabaseError


class PageError(ValueError):
    """A paging argument that cannot be honoured: names the parameter and says why."""

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(reason)
        self.parameter = parameter
        self.reason = reason


@dataclass
class Page:
    """One page of a collection: the items' JSON, the total, and where its neighbours
    are, as the ``cursor`` (or ``offset``) that reaches each."""

    items: list[bytes]
    total: int
    offset: int | None
    next: dict[str, Any] | None
    prev: dict[str, Any] | None
    facets: dict[str, list[dict[str, Any]]] | None = None


@dataclass(frozen=True)
class Position:
    """Where a page starts, from the query's ``cursor`` or ``offset``."""

    cursor: Cursor | None = None
    offset: int = 0

    @classmethod
    def of(cls, args: Mapping[str, Any], sort: str) -> Position:
        """The cursor, if any, and the items to skip after it (or from the start)."""
        offset = args.get("offset") or 0
        if offset > MAX_OFFSET:
            raise PageError(
                "offset", f"goes at most {MAX_OFFSET} items deep: follow the links' cursor instead"
            )
        token = args.get("cursor")
        if token is None:
            return cls(None, offset)
        try:
            cursor = Cursor.decode(token)
        except CursorError as error:
            raise PageError("cursor", str(error)) from error
        if cursor.sort != sort:
            raise PageError("cursor", f"was made for sort={cursor.sort}, not sort={sort}")
        return cls(cursor, offset)


@dataclass
class _Window:
    """A page asked for before or after a key, or at an offset: ``rows`` fetched one past
    the limit in the order asked, from which the page and its neighbours follow."""

    rows: list[tuple[Any, bytes]]
    limit: int
    position: Position
    sort: str
    total: int
    facets: dict | None = None
    extra: list[Any] = field(default_factory=list)

    def page(self) -> Page:
        cursor = self.position.cursor
        before = cursor is not None and cursor.before
        more = len(self.rows) > self.limit
        rows = self.rows[: self.limit]
        if before:
            rows.reverse()
        items = [body for _, body in rows]
        offset = self.position.offset if cursor is None else None
        if cursor is None:
            has_prev, has_next = self.position.offset > 0, more
        elif before:
            has_prev, has_next = more, True
        else:
            has_prev, has_next = True, more
        if not rows:
            # An offset past the end leads back to the last page. A cursor's page emptied
            # by a new snapshot gets no prev: a cursor before its own key would skip the
            # item it follows, and it has no other key to go back from.
            back = {"offset": max(self.total - self.limit, 0)} if cursor is None else None
            return Page(items, self.total, offset, None, back if has_prev else None, self.facets)
        next_cursor = {"cursor": Cursor(self.sort, rows[-1][0]).encode()} if has_next else None
        prev_cursor = (
            {"cursor": Cursor(self.sort, rows[0][0], before=True).encode()} if has_prev else None
        )
        return Page(items, self.total, offset, next_cursor, prev_cursor, self.facets)


def page_in_memory(keyed: Sequence[tuple[Any, bytes]], args: Mapping[str, Any], sort: str) -> Page:
    """A page of a short list sorted by its keys (an article's sections, organizations or
    events), with the same cursors as the long lists."""
    position = Position.of(args, sort)
    limit = args["limit"]
    rows = list(keyed)
    cursor = position.cursor
    if cursor is None:
        window = rows[position.offset : position.offset + limit + 1]
    else:
        try:
            after = [
                row
                for row in rows
                if (row[0] < cursor.key if cursor.before else row[0] > cursor.key)
            ]
        except TypeError as error:
            raise PageError(
                "cursor", "was made for another list: follow the links it sends"
            ) from error
        start = position.offset
        window = (after[::-1] if cursor.before else after)[start : start + limit + 1]
    return _Window(window, limit, position, sort, len(rows)).page()


def _open_index(folder: Path, shadows: list[Path]) -> tantivy.Index:
    """A Tantivy index, opened for searching even where its folder is read-only.

    Tantivy's reader takes a lock file in the index folder, with write access, even to
    search (quickwit-oss/tantivy#557), so an index on a read-only file system (a
    snapshot baked into an image run with --read-only, or mounted :ro) cannot be opened
    as it is. There, it is opened through a folder of symbolic links to its files, in
    the temp folder, where the lock file can be made; the files themselves are only read.
    """
    if os.access(folder, os.W_OK):
        return tantivy.Index.open(str(folder))
    shadow = Path(tempfile.mkdtemp(prefix=f"article-data-api-{folder.name}-"))
    shadows.append(shadow)
    for path in folder.iterdir():
        if not path.name.startswith(".tantivy-"):  # lock files: made afresh in the shadow
            (shadow / path.name).symlink_to(path)
    return tantivy.Index.open(str(shadow))


def _remove_folders(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


class Snapshot:
    """A published snapshot, open for reading from any thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manifest = Manifest.read(folder)
        check_files(folder, self.manifest)
        self.version = self.manifest.version
        self.counts = self.manifest.counts
        try:
            shadows: list[Path] = []
            # The shadow folders go when the snapshot does (a switch, or the exit).
            weakref.finalize(self, _remove_folders, shadows)
            self._articles = _open_index(folder / SEARCH / "articles", shadows)
            self._events = _open_index(folder / SEARCH / "events", shadows)
        except (OSError, ValueError) as error:
            raise SnapshotError(f"{folder}: the search index cannot be opened: {error}") from error
        self._stemmer = search.analyzer()
        self._local = threading.local()
        self._db()  # fail now, not on the first request, if SQLite cannot open it

    def release_mapped_pages(self) -> int:
        """Give back this process's mapped pages of the search index (api.store.mapped);
        return the bytes of mappings released."""
        return release_mapped_pages(self.folder / SEARCH)

    def _connect(self, name: str, probe: str, cache_kib: int) -> sqlite3.Connection:
        """A read-only connection to one of the records files: immutable, so SQLite takes
        no locks. Not memory-mapped: the OS page cache, outside every process, is what
        the workers share, and each connection keeps only a small cache of its own
        (mapped, the pages a worker alone had read counted as its private memory: 2.9 GiB
        after walking 5,000 pages of 100,000 articles)."""
        uri = f"file:{self.folder / name}?mode=ro&immutable=1"
        try:
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            db.execute(f"PRAGMA cache_size = -{cache_kib}")
            db.execute("PRAGMA mmap_size = 0")
            db.execute(probe).fetchone()
        except sqlite3.DatabaseError as error:
            raise SnapshotError(f"{self.folder / name}: unreadable: {error}") from error
        return db

    def _db(self) -> sqlite3.Connection:
        """This thread's connection to the index."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect(
                INDEX_FILE, "SELECT value FROM meta LIMIT 1", INDEX_CACHE_KIB
            )
        return db

    def _shard(self, article_id: str) -> sqlite3.Connection:
        """This thread's connection to the shard that holds an article's records."""
        shards = getattr(self._local, "shards", None)
        if shards is None:
            shards = self._local.shards = {}
        shard = shard_of(article_id)
        if shard not in shards:
            shards[shard] = self._connect(
                shard_file(shard), "SELECT 1 FROM articles LIMIT 1", SHARD_CACHE_KIB
            )
        return shards[shard]

    def _one(self, sql: str, *params: Any) -> Any:
        row = self._db().execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _from_shard(self, article_id: str, sql: str, *params: Any) -> Any:
        row = self._shard(article_id).execute(sql, (article_id, *params)).fetchone()
        return None if row is None else row[0]

    # Items

    def has_article(self, article_id: str) -> bool:
        return self._one("SELECT 1 FROM articles WHERE id = ?", article_id) is not None

    def has_organization(self, organization_id: str) -> bool:
        return self._one("SELECT 1 FROM organizations WHERE id = ?", organization_id) is not None

    def suggest(self, kind: str, wanted: str, article_id: str | None = None) -> list[str]:
        """The known ids closest to ``wanted``, best first: ``kind`` is article or
        organization (across the corpus), or section, event or organization_in_article
        (within ``article_id``)."""
        if kind in ("article", "organization"):
            table = f"{kind}s"
            candidates: list[str] = []
            for prefix in (wanted[:2], wanted[:1]):  # ids that begin alike, then fewer alike
                candidates = [
                    row[0]
                    for row in self._db().execute(
                        f"SELECT id FROM {table} WHERE id >= ? AND id < ? LIMIT ?",
                        (prefix, prefix + "\uffff", SUGGESTION_CANDIDATES),
                    )
                ]
                found = difflib.get_close_matches(wanted.lower(), candidates, n=3, cutoff=0.6)
                found = found or [c for c in candidates if c.startswith(wanted)][:3]  # cut short
                if found:
                    return found
            return []
        table, column = _ARTICLE_PARTS[kind]
        candidates = [
            row[0]
            for row in self._shard(article_id).execute(
                f"SELECT {column} FROM {table} WHERE article_id = ?", (article_id,)
            )
        ]
        return difflib.get_close_matches(wanted.lower(), candidates, n=3, cutoff=0.6)

    def _known_organizations(self, args: Mapping[str, Any]) -> None:
        """A filter naming an organization the corpus does not hold is a typo: a 400 that
        offers the closest ids, never a silently empty result."""
        unknown = [org for org in args.get("organization") or () if not self.has_organization(org)]
        if unknown:
            raise PageError(
                "organization",
                "; ".join(
                    _unknown("organization", o, self.suggest("organization", o)) for o in unknown
                ),
            )

    def article(self, article_id: str, media_type: str) -> bytes | None:
        column = "article_ld" if media_type == LD_JSON else "article"
        return self._from_shard(article_id, f"SELECT {column} FROM articles WHERE id = ?")

    def section(self, article_id: str, section_id: str) -> bytes | None:
        return self._from_shard(
            article_id, "SELECT body FROM sections WHERE article_id = ? AND id = ?", section_id
        )

    def article_organization(
        self, article_id: str, organization_id: str, media_type: str
    ) -> bytes | None:
        column = "ld" if media_type == LD_JSON else "body"
        return self._from_shard(
            article_id,
            f"SELECT {column} FROM article_organizations"
            " WHERE article_id = ? AND organization_id = ?",
            organization_id,
        )

    def event(self, article_id: str, event_id: str, media_type: str) -> bytes | None:
        column = "ld" if media_type == LD_JSON else "body"
        return self._from_shard(
            article_id, f"SELECT {column} FROM events WHERE article_id = ? AND id = ?", event_id
        )

    def organization(self, organization_id: str, media_type: str) -> bytes | None:
        column = "ld" if media_type == LD_JSON else "body"
        return self._one(f"SELECT {column} FROM organizations WHERE id = ?", organization_id)

    # An article's own lists: short, so sorted and filtered here.

    def sections(self, article_id: str, args: Mapping[str, Any]) -> Page:
        rows = self._shard(article_id).execute(
            "SELECT position, body FROM sections WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return page_in_memory([([position], body) for position, body in rows], args, "position")

    def article_organizations(self, article_id: str, args: Mapping[str, Any]) -> Page:
        sort, kinds = args["sort"], args.get("kind")
        rows = self._shard(article_id).execute(
            "SELECT organization_id, name, kind, mention_count, body FROM article_organizations"
            " WHERE article_id = ?",
            (article_id,),
        )
        keyed = []
        for org_id, name, org_kind, mentions, body in rows:
            if kinds is None or org_kind in kinds:
                by_name = [alphabetical(name), org_id]
                keyed.append((by_name if sort == "name" else [-mentions, *by_name], body))
        return page_in_memory(sorted(keyed), args, sort)

    def timeline(self, article_id: str, args: Mapping[str, Any]) -> Page:
        self._known_organizations(args)
        statuses = args.get("status")
        organizations = set(args["organization"]) if args.get("organization") else None
        rows = self._shard(article_id).execute(
            "SELECT position, status, organizations, body FROM events WHERE article_id = ?"
            " ORDER BY position",
            (article_id,),
        )
        keyed = [
            ([position], body)
            for position, status, involved, body in rows
            if (statuses is None or status in statuses)
            and (organizations is None or not organizations.isdisjoint(json.loads(involved)))
        ]
        return page_in_memory(keyed, args, "position")

    # The corpus's long lists: keyset pages on indexed keys.

    def organizations(self, args: Mapping[str, Any]) -> Page:
        """Every organization, of the kinds asked for, sorted by id, name, articles or
        mentions (most first); ties by id."""
        sort, kinds, limit = args["sort"], args.get("kind"), args["limit"]
        position = Position.of(args, sort)
        key_sql = _ORGANIZATION_KEYS[sort]
        where, params = ["1"], []
        if kinds:
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params += list(kinds)
        total = self._organization_total(kinds)
        order = "ASC"
        cursor = position.cursor
        if cursor is not None:
            key = list(cursor.key) if isinstance(cursor.key, list) else [cursor.key]
            width = len(key_sql)
            if len(key) != width:
                raise PageError("cursor", "was made for another list: follow the links it sends")
            columns = f"({', '.join(key_sql)})"
            where.append(f"{columns} {'<' if cursor.before else '>'} ({', '.join('?' * width)})")
            params += key
            order = "DESC" if cursor.before else "ASC"
        ordering = ", ".join(f"{column} {order}" for column in key_sql)
        rows = (
            self._db()
            .execute(
                f"SELECT {', '.join(key_sql)}, body FROM organizations WHERE {' AND '.join(where)}"
                f" ORDER BY {ordering} LIMIT ? OFFSET ?",
                (*params, limit + 1, position.offset),
            )
            .fetchall()
        )
        keyed = [(list(row[:-1]), row[-1]) for row in rows]
        return _Window(keyed, limit, position, sort, total).page()

    def _organization_total(self, kinds: Sequence[str] | None) -> int:
        if not kinds:
            return self.counts["organizations"]
        return self._one(
            f"SELECT COUNT(*) FROM organizations WHERE kind IN ({','.join('?' * len(kinds))})",
            *kinds,
        )

    def organization_articles(self, organization_id: str, args: Mapping[str, Any]) -> Page:
        """The articles that name an organization, newest first, with its mention count in
        each and a link to where the mentions are."""
        limit = args["limit"]
        position = Position.of(args, "newest")
        where, params, order = "organization_id = ?", [organization_id], "DESC"
        if position.cursor is not None:
            where += " AND newest_key " + (">" if position.cursor.before else "<") + " ?"
            params.append(_integer_key(position.cursor))
            order = "ASC" if position.cursor.before else "DESC"
        found = self._db().execute(
            f"SELECT newest_key, article_id FROM article_organizations WHERE {where}"
            f" ORDER BY newest_key {order} LIMIT ? OFFSET ?",
            (*params, limit + 1, position.offset),
        )
        rows = [
            (
                key,
                self._from_shard(
                    article_id,
                    "SELECT entry FROM article_organizations"
                    " WHERE article_id = ? AND organization_id = ?",
                    organization_id,
                ),
            )
            for key, article_id in found
        ]
        total = self._one("SELECT article_count FROM organizations WHERE id = ?", organization_id)
        return _Window(rows, limit, position, "newest", total or 0).page()

    # Articles and events: found, filtered, ranked and counted by Tantivy.

    def articles(self, args: Mapping[str, Any]) -> Page:
        """Articles matching ``args``: ``q`` ranked by BM25 (or sorted by date), the
        filters, facets over the whole result, and highlights on every hit."""
        parsed = self._parsed(args, self._articles, "body", "articles")
        sort = args.get("sort") or ("relevance" if parsed else "newest")
        if sort == "relevance" and parsed is None:
            sort = "newest"  # with nothing to rank by, every article ranks alike
        self._known_organizations(args)
        filters = _article_filters(self._articles.schema, args)
        if parsed is None and not filters and not args.get("facets"):
            key = "newest_key" if sort == "newest" else "oldest_key"
            window = self._keyset_rows(
                "articles", key, ("id",), args, sort, self.counts["articles"], sort == "newest"
            )
            window.rows = [(k, self._summary(article_id)) for k, (article_id,) in window.rows]
            return window.page()
        text = (
            None
            if parsed is None
            else search.to_query(parsed, self._articles.schema, search.ARTICLE_FIELDS)
        )
        window = self._search(
            self._articles,
            _all(filters + ([text] if text else [])),
            args,
            sort,
            {"newest": ("newest_key", True), "oldest": ("oldest_key", False)},
            ARTICLE_FACETS,
        )
        found = self._rows_by_key("articles", "newest_key", ("id",), window.extra)
        # One finder for every hit, so a word is stemmed once a search.
        marks_in = None if parsed is None else search.QueryMarks(parsed, self._stemmer)
        rows = []
        for (order_key, score), newest in zip(window.rows, window.extra, strict=True):
            (article_id,) = found[newest]
            body = self._summary(article_id)
            if marks_in is not None:
                hit = {
                    "score": None if score is None else round(score, 4),
                    "highlights": self._highlights(body, article_id, marks_in),
                }
                body = body[:-1] + b"," + encode(hit)[1:]
            rows.append((order_key, body))
        window.rows = rows
        return window.page()

    def events(self, args: Mapping[str, Any]) -> Page:
        """Events of the whole corpus in chronological order (or newest first), with
        the filters, facets, and how a date filter's range holds each event."""
        parsed = self._parsed(args, self._events, "text", "events")
        sort = args.get("sort") or "oldest"
        self._known_organizations(args)
        if args.get("article") and not self.has_article(args["article"]):
            wanted = args["article"]
            raise PageError("article", _unknown("article", wanted, self.suggest("article", wanted)))
        dated = _day_filter(args, "date_from", "date_to")
        filters = _event_filters(self._events.schema, args, dated)
        located = ("article_id", "position", "first_day", "last_day")
        if parsed is None and not filters and not args.get("facets"):
            key = "descending_key" if sort == "newest" else "ascending_key"
            window = self._keyset_rows(
                "events", key, located, args, sort, self.counts["events"], sort == "newest"
            )
            window.rows = [(k, self._corpus_event(*place, None)) for k, place in window.rows]
            return window.page()
        text = (
            None
            if parsed is None
            else search.to_query(parsed, self._events.schema, search.EVENT_FIELDS)
        )
        window = self._search(
            self._events,
            _all(filters + ([text] if text else [])),
            args,
            sort,
            {"oldest": ("ascending_key", False), "newest": ("descending_key", True)},
            EVENT_FACETS,
            key_field="ascending_key",
        )
        found = self._rows_by_key("events", "ascending_key", located, window.extra)
        window.rows = [
            (order_key, self._corpus_event(*found[key], dated))
            for (order_key, _), key in zip(window.rows, window.extra, strict=True)
        ]
        return window.page()

    def _summary(self, article_id: str) -> bytes:
        return self._from_shard(article_id, "SELECT summary FROM articles WHERE id = ?")

    def _corpus_event(
        self,
        article_id: str,
        position: int,
        first: int | None,
        last: int | None,
        dated: tuple[int, int] | None,
    ) -> bytes:
        """An event as the corpus timeline lists it; with a date filter, flagged with how
        the filter's range holds its date."""
        body = self._from_shard(
            article_id,
            "SELECT corpus_body FROM events WHERE article_id = ? AND position = ?",
            position,
        )
        if dated is None:
            return body
        within = dated[0] <= first and last <= dated[1]
        return body[:-1] + b',"date_overlap":' + (b'"full"}' if within else b'"partial"}')

    def _rows_by_key(
        self, table: str, key: str, columns: Sequence[str], keys: Sequence[int]
    ) -> dict[int, tuple]:
        """Rows of the index's ``table`` by their unique integer ``key``: where a page of
        hits is found in the shards."""
        if not keys:
            return {}
        rows = self._db().execute(
            f"SELECT {key}, {', '.join(columns)} FROM {table}"
            f" WHERE {key} IN ({','.join('?' * len(keys))})",
            list(keys),
        )
        return {row[0]: row[1:] for row in rows}

    def _parsed(
        self, args: Mapping[str, Any], index: tantivy.Index, field: str, what: str
    ) -> search.ParsedQuery | None:
        """``q`` parsed, unless it cannot be searched, or its phrases would cost a search
        more than MAX_PHRASE_WORK (``field`` is where their words are most frequent)."""
        if args.get("q") is None:
            return None
        try:
            parsed = search.parse_query(args["q"], self._stemmer)
        except search.QueryError as error:
            raise PageError("q", f"q {error}") from error
        searcher = index.searcher()
        work = search.phrase_work(
            parsed, lambda token: searcher.doc_freq(field, token), searcher.num_docs
        )
        if work > search.MAX_PHRASE_WORK:
            raise PageError(
                "q",
                f"q quotes phrases of words so common that a search for them would read"
                f" {work:.1f} times as many {what} as the archive holds"
                f" (at most {search.MAX_PHRASE_WORK}): quote fewer of them",
            )
        return parsed

    def _keyset_rows(
        self,
        table: str,
        key: str,
        columns: Sequence[str],
        args: Mapping[str, Any],
        sort: str,
        total: int,
        descending: bool,
    ) -> _Window:
        """A window on a whole index table in the order of one of its unique integer
        keys: rows of (key, the row's ``columns``)."""
        limit = args["limit"]
        position = Position.of(args, sort)
        where, params = "", []
        forward = descending
        if position.cursor is not None:
            if position.cursor.before:
                forward = not descending
            where = f"WHERE {key} {'<' if forward else '>'} ?"
            params.append(_integer_key(position.cursor))
        rows = self._db().execute(
            f"SELECT {key}, {', '.join(columns)} FROM {table} {where}"
            f" ORDER BY {key} {'DESC' if forward else 'ASC'} LIMIT ? OFFSET ?",
            (*params, limit + 1, position.offset),
        )
        return _Window([(row[0], row[1:]) for row in rows], limit, position, sort, total)

    def _search(
        self,
        index: tantivy.Index,
        query: tantivy.Query,
        args: Mapping[str, Any],
        sort: str,
        orders: dict[str, tuple[str, bool]],
        facet_fields: dict[str, str],
        key_field: str | None = None,
    ) -> _Window:
        """Run ``query``: one page of (order key, score) rows in ``window.rows`` and the
        identity key of each hit in ``window.extra``."""
        limit = args["limit"]
        position = Position.of(args, sort)
        searcher = index.searcher()
        identity = key_field or orders[next(iter(orders))][0]
        if sort == "relevance":
            offset = position.offset
            if position.cursor is not None:
                if position.cursor.version != self.version:
                    raise PageError(
                        "cursor",
                        "ranks results of an earlier snapshot of the archive, which has"
                        " changed since: start again from the first page",
                    )
                offset = (position.cursor.offset or 0) + position.offset
            # Ranked results go MAX_RELEVANCE_DEPTH deep; a page past that is empty.
            wanted = max(0, min(limit + 1, MAX_RELEVANCE_DEPTH - offset))
            result = searcher.search(query, max(wanted, 1), count=True, offset=offset)
            hits = result.hits[:wanted]
            addresses = [address for _, address in hits]
            window = _RelevanceWindow(
                [(None, score) for score, _ in hits],
                limit,
                position,
                sort,
                result.count,
                offset=offset,
                version=self.version,
            )
        else:
            field_name, descending = orders[sort]
            paged = query
            cursor = position.cursor
            if cursor is not None:
                # Newest first, next page: smaller keys; a prev page looks the other way.
                smaller = descending != cursor.before
                bound = _integer_key(cursor)
                unsigned = tantivy.FieldType.Unsigned
                past = (
                    tantivy.Query.range_query(
                        index.schema, field_name, unsigned, upper_bound=bound, include_upper=False
                    )
                    if smaller
                    else tantivy.Query.range_query(
                        index.schema, field_name, unsigned, lower_bound=bound, include_lower=False
                    )
                )
                paged = _all([query, past])
                descending = smaller
            result = searcher.search(
                paged,
                limit + 1,
                count=cursor is None,
                order_by_field=field_name,
                offset=position.offset,
                order=tantivy.Order.Desc if descending else tantivy.Order.Asc,
            )
            total = result.count if cursor is None else searcher.search(query, 1).count
            addresses = [address for _, address in result.hits]
            window = _Window([(key, None) for key, _ in result.hits], limit, position, sort, total)
        window.extra = searcher.fast_field_values(identity, addresses) if addresses else []
        if args.get("facets"):
            window.facets = _facets(searcher, query, args["facets"], facet_fields)
        return window

    def _highlights(
        self, summary: bytes, article_id: str, marks_in: search.QueryMarks
    ) -> list[dict[str, Any]]:
        """Up to three passages that show why an article matched, in the article's order."""

        def places() -> Iterator[tuple[str, str | None, int | None, str]]:
            """The title, then each heading and paragraph, read only as far as needed."""
            yield "title", None, None, orjson.loads(summary)["title"]
            for (body,) in self._shard(article_id).execute(
                "SELECT body FROM sections WHERE article_id = ? ORDER BY position", (article_id,)
            ):
                section = orjson.loads(body)
                if section["heading"] is not None:
                    yield "heading", section["id"], None, section["heading"]
                for i, text in enumerate(section["paragraphs"]):
                    yield "paragraph", section["id"], i, text

        found: list[tuple] = []

        def mark(
            order: int, kind: str, section_id: str | None, paragraph: int | None, text: str
        ) -> int:
            """Add the passages of one place to ``found``; return how many of them hold
            every wanted word and phrase."""
            marks = marks_in(text)
            complete = 0
            for start, end in search.passages(text, marks):
                inside = [m for m in marks if start <= m.start and m.end <= end]
                if inside:
                    words = search.words_marked(inside)
                    complete += words == marks_in.phrase_count
                    found.append(
                        (-words, order, start, kind, section_id, paragraph, end, text, inside)
                    )
            return complete

        # Best: the passages (sentences) that hold the most of the query's words, earliest
        # first. No sentence holds more of them than a cheap bound for its paragraph.
        # Places that may hold every word are marked at once, in the article's order:
        # three passages that do hold every word are then the best, found without reading
        # the rest of the article (with a common word, its first paragraph or two).
        bounded = []
        complete = 0
        for order, (kind, section_id, paragraph, text) in enumerate(places()):
            most = marks_in.most_words(text)
            if most and most == marks_in.phrase_count:
                complete += mark(order, kind, section_id, paragraph, text)
                if complete >= HIGHLIGHTS_PER_HIT:
                    break
            elif most:
                bounded.append((-most, order, kind, section_id, paragraph, text))
        # Otherwise the other places, richest first, only until three passages rank above
        # every place left: with a common word, nearly every paragraph of every hit holds
        # a mark, and marking them all cost tens of milliseconds a search.
        if complete < HIGHLIGHTS_PER_HIT:
            for minus_most, order, kind, section_id, paragraph, text in sorted(
                bounded, key=lambda place: place[:2]
            ):
                best = sorted(found)[:HIGHLIGHTS_PER_HIT]
                if len(best) == HIGHLIGHTS_PER_HIT and best[-1][:2] < (minus_most, order):
                    break  # no passage of this paragraph, or of those left, ranks higher
                mark(order, kind, section_id, paragraph, text)
        best = sorted(found)[:HIGHLIGHTS_PER_HIT]
        return [
            {
                "field": kind,
                "section_id": section_id,
                "paragraph": paragraph,
                "start": start,
                "end": end,
                "start_utf16": utf16_offset(text, start),
                "end_utf16": utf16_offset(text, end),
                "text": text[start:end],
                "marks": [
                    {
                        "start": m.start,
                        "end": m.end,
                        "start_utf16": utf16_offset(text, m.start),
                        "end_utf16": utf16_offset(text, m.end),
                    }
                    for m in inside
                ],
            }
            for _, _, start, kind, section_id, paragraph, end, text, inside in sorted(
                best, key=lambda f: (f[1], f[2])
            )
        ]


SUGGESTION_CANDIDATES = 5000
# The parts of an article whose ids a "did you mean" looks among: table and id column.
_ARTICLE_PARTS = {
    "section": ("sections", "id"),
    "event": ("events", "id"),
    "organization_in_article": ("article_organizations", "organization_id"),
}


def _unknown(what: str, wanted: str, suggestions: list[str]) -> str:
    """``no organization with id 'nvidai': did you mean 'nvidia'?``"""
    message = f"no {what} with id {wanted!r}"
    if suggestions:
        message += ": did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
    return message


# Each sort of /v1/organizations as the SQL columns of its key (an index covers each).
_ORGANIZATION_KEYS = {
    "id": ("id",),
    "name": ("name_key", "id"),
    "articles": ("-article_count", "id"),
    "mentions": ("-mention_count", "id"),
}


def _integer_key(cursor: Cursor) -> int:
    if not isinstance(cursor.key, int) or isinstance(cursor.key, bool):
        raise PageError("cursor", "was made for another list: follow the links it sends")
    return cursor.key


class _RelevanceWindow(_Window):
    """A page of results in score order: paged by offset within one snapshot."""

    def __init__(self, rows, limit, position, sort, total, *, offset: int, version: str) -> None:
        super().__init__(rows, limit, position, sort, total)
        self.offset = offset
        self.version = version

    def page(self) -> Page:
        more = len(self.rows) > self.limit
        items = [body for _, body in self.rows[: self.limit]]
        following = self.offset + self.limit
        next_cursor = (
            {"cursor": Cursor(self.sort, offset=following, version=self.version).encode()}
            if more and following < MAX_RELEVANCE_DEPTH
            else None
        )
        # Past the end, the way back is the last page.
        preceding = max(min(self.offset, self.total) - self.limit, 0)
        prev_cursor = (
            {"cursor": Cursor(self.sort, offset=preceding, version=self.version).encode()}
            if self.offset > 0
            else None
        )
        offset = self.position.offset if self.position.cursor is None else None
        return Page(items, self.total, offset, next_cursor, prev_cursor, self.facets)


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    if not queries:
        return tantivy.Query.all_query()
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def _any_term(schema: tantivy.Schema, field_name: str, values: Sequence[Any]) -> tantivy.Query:
    return tantivy.Query.term_set_query(schema, field_name, list(values))


def _day_filter(args: Mapping[str, Any], start: str, end: str) -> tuple[int, int] | None:
    """The days a date filter covers: from the first day of ``start`` to the last day of
    ``end``, each at its own precision; None without a date filter. A range that ends
    before it starts could only match nothing: it is two dates typed the wrong way round."""
    if args.get(start) is None and args.get(end) is None:
        return None
    first = day_range(args[start])[0] if args.get(start) else 0
    last = day_range(args[end])[1] if args.get(end) else 99_999_999
    if first > last:
        raise PageError(
            end,
            f"ends before {start}={args[start]!r} starts, so nothing can match: swap the two dates",
        )
    return first, last


def _overlapping(schema: tantivy.Schema, days: tuple[int, int]) -> list[tantivy.Query]:
    """Items whose date range meets ``days``: undated items never do."""
    unsigned = tantivy.FieldType.Unsigned
    return [
        tantivy.Query.range_query(schema, "last_day", unsigned, lower_bound=days[0]),
        tantivy.Query.range_query(schema, "first_day", unsigned, upper_bound=days[1]),
    ]


def _article_filters(schema: tantivy.Schema, args: Mapping[str, Any]) -> list[tantivy.Query]:
    filters = []
    if args.get("organization"):
        filters.append(_any_term(schema, "organization", args["organization"]))
    if args.get("sample") is not None:
        filters.append(tantivy.Query.term_query(schema, "sample", int(args["sample"])))
    days = _day_filter(args, "published_after", "published_before")
    if days is not None:
        filters += _overlapping(schema, days)
    return filters


def _event_filters(
    schema: tantivy.Schema, args: Mapping[str, Any], days: tuple[int, int] | None
) -> list[tantivy.Query]:
    """The filters of ``args``, with ``days`` (the date filter's, found once a request)."""
    filters = []
    for name in ("organization", "status"):
        if args.get(name):
            filters.append(_any_term(schema, name, args[name]))
    if args.get("article"):
        filters.append(tantivy.Query.term_query(schema, "article", args["article"]))
    if days is not None:
        filters += _overlapping(schema, days)
    return filters


def _facets(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    names: Sequence[str],
    fields: dict[str, str],
) -> dict[str, list[dict[str, Any]]]:
    """The top values of each facet over the whole result, most frequent first."""
    wanted = {name: {"terms": {"field": fields[name], "size": FACET_SIZE}} for name in names}
    counted = searcher.aggregate(query, wanted)
    return {
        name: [
            {"value": bucket["key"], "count": bucket["doc_count"]}
            for bucket in counted[name]["buckets"]
        ]
        for name in names
    }
