"""The store: what views read, behind one small interface, and the snapshot that backs it.

Views never see SQLite or Tantivy: they ask the request's store for items (JSON bytes, or
None when there is no such id) and for pages of collections. The only backend is the
snapshot store (``snapshot``: SQLite records and a Tantivy index, built by ``build``);
another would implement ``ArticleStore`` and be chosen by the ``STORE`` setting.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app, request

from article_data_api.config import corpus_dir
from article_data_api.store.build import Builder, code_fingerprint
from article_data_api.store.layout import Manifest, SnapshotDir, SnapshotError
from article_data_api.store.snapshot import Page, PageError, Snapshot

log = logging.getLogger(__name__)
EXTENSION = "article_data_store"
ENVIRON_KEY = "article_data_api.store"
# How often a worker looks for a newly published snapshot, and gives back the pages of
# the search index it has mapped (api.store.mapped).
RELOAD_CHECK_SECONDS = 1.0
# What a 503 for want of a snapshot tells clients: the store looks for one this often, so
# no retry sooner can be served.
RETRY_AFTER = str(math.ceil(RELOAD_CHECK_SECONDS))

__all__ = ["ArticleStore", "Page", "PageError", "SnapshotStore", "current_store", "init_app"]


class ArticleStore(Protocol):
    """What a request reads: one version of the data, unchanged while the request runs."""

    version: str
    counts: dict[str, int]

    def has_article(self, article_id: str) -> bool: ...
    def has_organization(self, organization_id: str) -> bool: ...
    def suggest(self, kind: str, wanted: str, article_id: str | None = None) -> list[str]: ...
    def article(self, article_id: str, media_type: str) -> bytes | None: ...
    def section(self, article_id: str, section_id: str) -> bytes | None: ...
    def article_organization(
        self, article_id: str, organization_id: str, media_type: str
    ) -> bytes | None: ...
    def event(self, article_id: str, event_id: str, media_type: str) -> bytes | None: ...
    def organization(self, organization_id: str, media_type: str) -> bytes | None: ...
    def sections(self, article_id: str, args: Mapping[str, Any]) -> Page: ...
    def article_organizations(self, article_id: str, args: Mapping[str, Any]) -> Page: ...
    def timeline(self, article_id: str, args: Mapping[str, Any]) -> Page: ...
    def articles(self, args: Mapping[str, Any]) -> Page: ...
    def events(self, args: Mapping[str, Any]) -> Page: ...
    def organizations(self, args: Mapping[str, Any]) -> Page: ...
    def organization_articles(self, organization_id: str, args: Mapping[str, Any]) -> Page: ...


class SnapshotStore:
    """The current snapshot of a folder. It looks for a newly published one at most once
    a second, and switches to it between requests; a request keeps the snapshot it began
    with. A snapshot that cannot be opened is logged and the old one keeps serving. At
    each look, the worker gives back the search index's pages it has mapped."""

    def __init__(self, snapshots: SnapshotDir, clock: Callable[[], float] = time.monotonic) -> None:
        self.snapshots = snapshots
        self.clock = clock
        self._snapshot: Snapshot | None = None
        self._next_check = 0.0
        self._unopened: str | None = None  # the newest version that could not be opened
        self._lock = threading.Lock()

    def keep_fresh(self) -> None:
        """Look once a second on a thread of this process, not only as requests come in:
        an idle worker then switches to a new snapshot, and gives back the index pages it
        mapped, on its own. Called in each server worker as it starts (threads do not
        survive a fork)."""

        def look() -> None:
            while True:
                with contextlib.suppress(SnapshotError):  # each request says it meanwhile
                    self.current()
                time.sleep(RELOAD_CHECK_SECONDS)

        threading.Thread(target=look, name="snapshot-store", daemon=True).start()

    def current(self) -> Snapshot:
        now = self.clock()
        if self._snapshot is None or now >= self._next_check:
            with self._lock:
                if self._snapshot is None or now >= self._next_check:
                    self._next_check = now + RELOAD_CHECK_SECONDS
                    self._switch()
                    assert self._snapshot is not None
                    self._snapshot.release_mapped_pages()
        assert self._snapshot is not None
        return self._snapshot

    def _switch(self) -> None:
        """Open the published snapshot if it is new. The one served is kept while no other
        can be opened, unless its folder is gone (pruned, or deleted by hand): its open
        files would answer some requests, and the files it has yet to open none."""
        if self._snapshot is not None and not self._snapshot.folder.is_dir():
            log.error("snapshot %s was removed while served", self._snapshot.version)
            self._snapshot = None
        version = self.snapshots.current_version()
        if version is None:
            if self._snapshot is None:
                raise SnapshotError(f"{self.snapshots.root}: no snapshot is published")
            return
        if self._snapshot is not None and version in (self._snapshot.version, self._unopened):
            return
        try:
            opened = Snapshot(self.snapshots.folder(version))
        except SnapshotError:
            if self._snapshot is None:
                raise
            log.exception(
                "kept serving snapshot %s: the new one cannot be opened", self._snapshot.version
            )
            self._unopened = version  # logged once, not at every look
            return
        if self._snapshot is not None:
            log.info(
                "snapshot switched",
                extra={"fields": {"from": self._snapshot.version, "to": opened.version}},
            )
        self._snapshot = opened


def default_snapshot_dir(corpus: Path) -> Path:
    """Where a corpus's snapshots go when SNAPSHOT_DIR is not set: one folder per corpus
    path under the user's cache, or under the temp folder when the cache is read-only."""
    resolved = corpus.resolve()
    name = f"{resolved.name}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:12]}"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    preferred = cache / "article-data-api" / "snapshots" / name
    if (preferred / "CURRENT").exists() or _writable(preferred):
        return preferred
    return Path(tempfile.gettempdir()) / f"article-data-api-{os.getuid()}" / "snapshots" / name


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def snapshot_dir(config: Mapping[str, Any]) -> SnapshotDir:
    """SNAPSHOT_DIR, or the default folder for the configured corpus (a folder of its own
    when drafts are served, so a review server never shares snapshots with the public)."""
    configured = config.get("SNAPSHOT_DIR")
    if configured:
        return SnapshotDir(Path(configured))
    default = default_snapshot_dir(corpus_dir(config))
    return SnapshotDir(
        default.with_name(default.name + "-drafts") if config.get("SERVE_DRAFTS") else default
    )


def ensure_published(config: Mapping[str, Any]) -> SnapshotDir:
    """The snapshot folder to serve, built first from the corpus when it has no snapshot
    yet, or when its snapshot is of another corpus than ARTICLE_DATA_DIR names.

    Raises CorpusError when that build finds the corpus invalid.
    """
    snapshots = snapshot_dir(config)
    corpus = corpus_dir(config)
    # A snapshot folder named alone is served as it is: its corpus may not even be on this
    # machine, so a broken one is an error, not a reason to build another corpus.
    named_alone = bool(config.get("SNAPSHOT_DIR")) and not config.get("ARTICLE_DATA_DIR")
    version = snapshots.current_version()
    if version is None and named_alone:
        # Its builder is elsewhere (a build job, a CI step): never build another corpus
        # into a folder that is someone else's to fill.
        raise SnapshotError(
            f"{snapshots.root}: no snapshot is published there yet: run"
            f" `article-data-api build CORPUS --out {snapshots.root}`, or set ARTICLE_DATA_DIR"
        )
    if version is not None:
        try:
            manifest = Manifest.read(snapshots.folder(version))
        except SnapshotError as error:
            if named_alone:
                raise
            log.warning("rebuilding: %s", error)
        else:
            # With its corpus at hand, a snapshot made by other code (whose validation or
            # representations may differ) is rebuilt; named alone, it is served as it is.
            drafts = bool(config.get("SERVE_DRAFTS"))
            if named_alone or (
                manifest.corpus == str(corpus.resolve())
                and manifest.code == code_fingerprint()
                and manifest.drafts == drafts
            ):
                if manifest.drafts != drafts:
                    log.warning(
                        "SERVE_DRAFTS=%d, but the snapshot was built with drafts %s",
                        drafts,
                        "in" if manifest.drafts else "left out",
                    )
                return snapshots
    log.info("building a snapshot before serving", extra={"fields": {"corpus": str(corpus)}})
    Builder(
        corpus,
        snapshots,
        allow_outside_links=config.get("ALLOW_OUTSIDE_LINKS", False),
        include_drafts=bool(config.get("SERVE_DRAFTS")),
    ).build()
    return snapshots


def init_app(app: Flask) -> None:
    """Make sure a snapshot is published, and serve the current one (opened lazily, in
    each worker process: Tantivy's threads must not cross a fork)."""
    snapshots = ensure_published(app.config)
    version = snapshots.current_version()
    manifest = Manifest.read(snapshots.folder(version)) if version else None
    log.info(
        "serving snapshot",
        extra={
            "fields": {
                "snapshot_dir": str(snapshots.root),
                "version": version,
                **(manifest.counts if manifest else {}),
            }
        },
    )
    app.extensions[EXTENSION] = SnapshotStore(snapshots)


def unservable(error: SnapshotError) -> str:
    """Log why no snapshot can be served, in one line (through an outage, a traceback a
    request would flood the log), and return what the 503 says."""
    log.error("no snapshot can be served: %s", error)
    return "No snapshot of the archive can be served yet."


def store_of(app: Flask) -> SnapshotStore:
    return app.extensions[EXTENSION]


def current_store() -> ArticleStore:
    """The snapshot this request reads, pinned by the HTTP layer when it began."""
    pinned = request.environ.get(ENVIRON_KEY)
    return pinned if pinned is not None else store_of(current_app).current()
