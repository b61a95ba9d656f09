"""The SQLite half of a snapshot: the tables, and one article's rows as the build makes them."""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    source_stat TEXT NOT NULL,
    first_day INTEGER,
    last_day INTEGER,
    tie INTEGER NOT NULL,
    newest_key INTEGER NOT NULL UNIQUE,
    oldest_key INTEGER NOT NULL UNIQUE,
    sample INTEGER NOT NULL,
    summary BLOB NOT NULL,
    article BLOB NOT NULL,
    article_ld BLOB NOT NULL,
    texts BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE sections (
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    id TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE TABLE article_organizations (
    article_id TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    same_as TEXT NOT NULL,
    mention_count INTEGER NOT NULL,
    newest_key INTEGER NOT NULL,
    body BLOB NOT NULL,
    ld BLOB NOT NULL,
    entry BLOB NOT NULL,
    PRIMARY KEY (article_id, organization_id)
) WITHOUT ROWID;
CREATE INDEX article_organizations_newest
    ON article_organizations (organization_id, newest_key DESC);
CREATE TABLE events (
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    id TEXT NOT NULL,
    status TEXT NOT NULL,
    organizations TEXT NOT NULL,
    first_day INTEGER,
    last_day INTEGER,
    ascending_key INTEGER NOT NULL UNIQUE,
    descending_key INTEGER NOT NULL UNIQUE,
    body BLOB NOT NULL,
    ld BLOB NOT NULL,
    corpus_body BLOB NOT NULL,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE UNIQUE INDEX events_by_id ON events (article_id, id);
CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    name_key TEXT NOT NULL,
    article_count INTEGER NOT NULL,
    mention_count INTEGER NOT NULL,
    body BLOB NOT NULL,
    ld BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX organizations_by_kind ON organizations (kind, id);
CREATE INDEX organizations_by_name ON organizations (name_key, id);
CREATE INDEX organizations_by_articles ON organizations (-article_count, id);
CREATE INDEX organizations_by_mentions ON organizations (-mention_count, id);
"""


@dataclass(frozen=True)
class SectionRow:
    position: int
    id: str
    body: bytes


@dataclass(frozen=True)
class OrganizationRow:
    position: int
    organization_id: str
    name: str
    kind: str
    same_as: str
    mention_count: int
    body: bytes
    ld: bytes
    entry: bytes


@dataclass(frozen=True)
class EventRow:
    position: int
    id: str
    status: str
    organizations: tuple[str, ...]
    first_day: int | None
    last_day: int | None
    tie: int
    month: str | None
    text: str
    body: bytes
    ld: bytes
    corpus_body: bytes


@dataclass(frozen=True)
class ArticleRows:
    """Everything a snapshot holds about one article, made once by the build."""

    id: str
    content_hash: str
    source_stat: str
    first_day: int | None
    last_day: int | None
    month: str | None
    sample: bool
    summary: bytes
    article: bytes
    article_ld: bytes
    texts: bytes
    title: str
    headings: tuple[str, ...]
    paragraphs: tuple[str, ...]
    sections: tuple[SectionRow, ...]
    organizations: tuple[OrganizationRow, ...]
    events: tuple[EventRow, ...]
