"""The SQLite half of a snapshot: a small index of the whole corpus, and the articles'
own records spread over shards by a hash of their id.

Each article's resources (its JSON and JSON-LD) live in one shard. A build writes the
shards in parallel, one worker per shard, and an incremental build copies only the
shards its changed articles fall in: the others are hard links to the previous
snapshot's files, which never change. The index holds what lists, sort keys, filters
and the organization index need across articles; it stays small, so copying it is
cheap too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

SHARDS = 128
INDEX_FILE = "records/index.sqlite"


def shard_of(article_id: str) -> int:
    """The shard that holds an article's records."""
    return int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=4).digest()) % SHARDS


def shard_file(shard: int) -> str:
    return f"records/shard-{shard:03d}.sqlite"


# Tables of large JSON values keep their rowid: WITHOUT ROWID suits small rows only.
INDEX_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- Draft articles a build left out (it was not asked to serve drafts): known, so an
-- unchanged draft is not validated again by the next build.
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    source_stat TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    source_stat TEXT NOT NULL,
    first_day INTEGER,
    last_day INTEGER,
    newest_key INTEGER NOT NULL UNIQUE,
    oldest_key INTEGER NOT NULL UNIQUE,
    sample INTEGER NOT NULL,
    sections INTEGER NOT NULL,
    mentions INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE article_organizations (
    organization_id TEXT NOT NULL,
    newest_key INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    aliases TEXT NOT NULL,
    same_as TEXT NOT NULL,
    mention_count INTEGER NOT NULL,
    PRIMARY KEY (organization_id, newest_key)
) WITHOUT ROWID;
CREATE TABLE events (
    ascending_key INTEGER PRIMARY KEY,
    descending_key INTEGER NOT NULL UNIQUE,
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    first_day INTEGER,
    last_day INTEGER
);
CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    name_key TEXT NOT NULL,
    article_count INTEGER NOT NULL,
    mention_count INTEGER NOT NULL,
    body BLOB NOT NULL,
    ld BLOB NOT NULL
);
CREATE INDEX organizations_by_kind ON organizations (kind, id);
CREATE INDEX organizations_by_name ON organizations (name_key, id);
CREATE INDEX organizations_by_articles ON organizations (-article_count, id);
CREATE INDEX organizations_by_mentions ON organizations (-mention_count, id);
"""

# The index's lookups by article, made once a build's rows are in: made from the whole
# table at once, they cost a fraction of growing them row by row in random order. An
# incremental build's copy of the index has them already. (An article's organizations
# need none: its shard lists them.)
INDEX_LOOKUPS = ("CREATE INDEX IF NOT EXISTS events_by_article ON events (article_id)",)

SHARD_SCHEMA = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    summary BLOB NOT NULL,
    article BLOB NOT NULL,
    article_ld BLOB NOT NULL
);
CREATE TABLE sections (
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    id TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE TABLE article_organizations (
    article_id TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    mention_count INTEGER NOT NULL,
    body BLOB NOT NULL,
    ld BLOB NOT NULL,
    entry BLOB NOT NULL,
    PRIMARY KEY (article_id, organization_id)
);
CREATE TABLE events (
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    id TEXT NOT NULL,
    status TEXT NOT NULL,
    organizations TEXT NOT NULL,
    body BLOB NOT NULL,
    ld BLOB NOT NULL,
    corpus_body BLOB NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE UNIQUE INDEX events_by_id ON events (article_id, id);
"""


# What the index and the search index keep of an event: (position, organizations, status,
# first_day, last_day, tie, month, text). This and an organization's part are plain
# tuples, not named ones: an article has some 22 of them, and pickling them to the parent
# as named tuples cost the two processes 77 µs an article, as plain tuples 38.
EventIndex = tuple[int, tuple[str, ...], str, int | None, int | None, int, str | None, str]
# An organization as ``organizations[position]`` of an article, for the index: (position,
# organization_id, name, kind, aliases, same_as, mention_count).
OrganizationInArticle = tuple[int, str, str, str, str, str, int]


@dataclass(frozen=True)
class DraftLeftOut:
    """A draft article a worker validated but did not write: the build was not asked to
    serve drafts."""

    id: str
    content_hash: str
    source_stat: str


class ArticleIndex(NamedTuple):
    """What a worker sends back of an article it wrote into its shard: what the index and
    the search index need, and no JSON. It is a named tuple because it crosses to the
    parent pickled, and unpickling a dataclass cost twice as much."""

    id: str
    content_hash: str
    source_stat: str
    first_day: int | None
    last_day: int | None
    month: str | None
    sample: bool
    sections: int
    title: str
    headings: tuple[str, ...]
    paragraphs: tuple[str, ...]
    organizations: tuple[OrganizationInArticle, ...]
    events: tuple[EventIndex, ...]
