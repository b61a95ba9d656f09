"""A snapshot folder on disk: immutable versions, the CURRENT pointer, the build lock.

    SNAPSHOT_DIR/
      CURRENT                  the name of the version servers serve, replaced atomically
      .build.lock              held (flock) by the one build that may run
      versions/<version>/      one immutable snapshot:
        manifest.json          format, version, corpus, counts, and the size of each file
        records/index.sqlite   what lists, sort keys, filters and organizations need
        records/shard-*.sqlite every resource's JSON, by article (api/store/records.py)
        search/articles/       the Tantivy index of articles
        search/events/         the Tantivy index of events
      versions/.building-*     a build in progress (removed when it fails)

A snapshot is a folder of files that never change once published: ship it to other
machines with rsync or an image layer, then replace CURRENT last.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 2  # 2: drafts are recorded apart, and the manifest says if they are served
CURRENT = "CURRENT"
LOCK = ".build.lock"
VERSIONS = "versions"
BUILDING_PREFIX = ".building-"
MANIFEST = "manifest.json"
SEARCH = "search"


class SnapshotError(Exception):
    """A snapshot folder that cannot be served, with a message that says why and what to do."""


class BuildLocked(SnapshotError):
    """Another build holds the folder's lock."""


class BuildFailed(SnapshotError):
    """A build that could not write its snapshot (most often, a full disk); it published
    nothing."""


@dataclass(frozen=True)
class Manifest:
    format: int
    version: str
    corpus: str
    code: str
    built_at: str
    counts: dict[str, int]
    files: dict[str, int]
    drafts: bool = False  # whether draft articles were built in, for SERVE_DRAFTS=1

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data: Any = json.loads(path.read_text("utf-8"))
            manifest = cls(**data)
        except FileNotFoundError as error:
            raise SnapshotError(f"{folder}: no {MANIFEST}: the snapshot is incomplete") from error
        except (OSError, ValueError, TypeError) as error:
            raise SnapshotError(f"{path}: unreadable ({error})") from error
        if manifest.format != FORMAT:
            raise SnapshotError(
                f"{folder}: snapshot format {manifest.format}, but this server reads format"
                f" {FORMAT}: run `article-data-api build` to make a new one"
            )
        return manifest


def files_of(folder: Path) -> dict[str, int]:
    """Every file of a snapshot with its size, as the manifest records them."""
    return {
        str(path.relative_to(folder)): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def check_files(folder: Path, manifest: Manifest) -> None:
    """Raise SnapshotError if a file is missing or has another size than recorded: a
    truncated copy is refused in constant time per file, without reading it."""
    for name, size in manifest.files.items():
        try:
            actual = (folder / name).stat().st_size
        except OSError as error:
            raise SnapshotError(f"{folder}: {name} is missing: the copy is incomplete") from error
        if actual != size:
            raise SnapshotError(
                f"{folder}: {name} has {actual} bytes, the manifest says {size}: the copy is"
                " truncated or changed"
            )


class SnapshotDir:
    """The folder that holds a corpus's snapshots."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.versions = root / VERSIONS

    def current_version(self) -> str | None:
        """The published version, or None when nothing is published yet."""
        try:
            name = (self.root / CURRENT).read_text("utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise SnapshotError(f"{self.root / CURRENT}: unreadable ({error})") from error
        if not name or "/" in name or name.startswith("."):
            raise SnapshotError(f"{self.root / CURRENT}: does not name a version")
        return name

    def folder(self, version: str) -> Path:
        return self.versions / version

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[None]:
        """Hold the folder's build lock, or raise BuildLocked at once (BuildFailed if the
        folder cannot be made or written)."""
        with self._building():
            self.versions.mkdir(parents=True, exist_ok=True)
            opened = open(self.root / LOCK, "a+")  # noqa: SIM115 (closed by the with below)
        with opened as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise BuildLocked(
                    f"{self.root}: another build is running; try again when it has finished"
                ) from error
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def new_build_folder(self) -> Path:
        """An empty folder to build into, named so that readers never take it for a version."""
        for stale in self.versions.glob(BUILDING_PREFIX + "*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by a build that was killed
        folder = self.versions / f"{BUILDING_PREFIX}{os.getpid()}"
        with self._building():
            folder.mkdir()
        return folder

    @contextlib.contextmanager
    def _building(self) -> Iterator[None]:
        """Make the folders a build needs; an OSError (no such parent, a full disk, a file
        in the way) is a BuildFailed naming this folder."""
        try:
            yield
        except OSError as error:
            raise BuildFailed(
                f"{self.root}: no snapshot can be built there ({error.strerror or error})"
            ) from error

    def publish(self, built: Path, version: str, keep: int) -> Path:
        """Move a finished build into place, point CURRENT at it, prune old versions.

        Readers see the old version or the new one: the folder is renamed into place
        before CURRENT is replaced by an atomic rename.
        """
        final = self.folder(version)
        _sync_tree(built)
        built.rename(final)
        pointer = self.root / f".{CURRENT}.{os.getpid()}"
        with open(pointer, "w", encoding="utf-8") as out:
            out.write(version + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(pointer, self.root / CURRENT)
        _sync_dir(self.root)
        self.prune(keep)
        return final

    def prune(self, keep: int) -> list[str]:
        """Remove all but the newest ``keep`` (1 or more) versions, never the current one."""
        current = self.current_version()
        published = sorted(
            p.name for p in self.versions.iterdir() if not p.name.startswith(".") and p.is_dir()
        )
        removed = [name for name in published[:-keep] if name != current]
        for name in removed:
            shutil.rmtree(self.folder(name), ignore_errors=True)
        return removed


def _sync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
