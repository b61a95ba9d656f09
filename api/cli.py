"""The ``article-data-api`` command: serve the API, check a corpus, import an article."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from article_data_api.config import (
    ConfigError,
    allow_outside_links,
    bundled_corpus,
    log_level,
    positive_workers,
)
from article_data_api.corpus.importer import (
    CANDIDATES_FILE,
    HEADING_RULE,
    ImportRefused,
    import_article,
)
from article_data_api.corpus.loader import ANNOTATIONS_FILE, CorpusError
from article_data_api.corpus.text import TextFormatError
from article_data_api.logs import configure_logging


def print_problems(error: CorpusError, corpus_dir: Path) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(f"{len(error.problems)} problem(s) in {corpus_dir}", file=sys.stderr)
    return 1


def check(corpus_dir: Path) -> int:
    """Validate a corpus exactly as a build does; print each problem; 0 when valid."""
    from article_data_api.store.build import validate_corpus

    try:
        count = validate_corpus(corpus_dir, allow_outside_links=allow_outside_links(os.environ))
    except ConfigError as error:
        print(f"article-data-api check: {error}", file=sys.stderr)
        return 1
    except CorpusError as error:
        return print_problems(error, corpus_dir)
    print(f"{corpus_dir}: {count} article(s) valid")
    return 0


def build(corpus_dir: Path, out: Path | None, keep: int) -> int:
    """Validate the corpus and publish a new snapshot of it; 1 (publishing nothing) when
    it is invalid or another build holds the folder."""
    from article_data_api.store import snapshot_dir
    from article_data_api.store.build import Builder
    from article_data_api.store.layout import SnapshotDir, SnapshotError

    snapshots = SnapshotDir(out) if out else snapshot_dir({"ARTICLE_DATA_DIR": str(corpus_dir)})
    try:
        builder = Builder(
            corpus_dir, snapshots, keep=keep, allow_outside_links=allow_outside_links(os.environ)
        )
        report = builder.build()
    except CorpusError as error:
        return print_problems(error, corpus_dir)
    except (SnapshotError, OSError, ConfigError) as error:
        print(f"article-data-api build: {error}", file=sys.stderr)
        return 1
    if not report.published:
        print(f"{snapshots.root}: {report.version} is up to date ({report.articles} article(s))")
        return 0
    print(
        f"published {report.version} in {snapshots.root}: {report.articles} article(s),"
        f" {report.changed} built, {report.copied} copied unchanged, {report.removed} removed,"
        f" in {report.seconds:.1f} s"
    )
    return 0


def import_text(
    text_file: Path,
    article_id: str,
    corpus: Path,
    title: str | None,
    heading_lines: list[int] | None,
    force: bool,
) -> int:
    """Import a plain-text article, propose organizations, then validate the corpus."""
    try:
        imported = import_article(
            text_file,
            article_id,
            corpus,
            title=title,
            heading_lines=set(heading_lines) if heading_lines else None,
            force=force,
        )
    except (ImportRefused, TextFormatError, OSError) as error:
        print(f"article-data-api import: {error}", file=sys.stderr)
        return 1
    if imported.backup:
        print(f"kept the previous folder as {imported.backup}")
    headings = [s.heading for s in imported.sections if s.heading]
    print(f"wrote {imported.folder}: {len(imported.sections)} sections; headings: {headings}")
    print(f"organization candidates ({CANDIDATES_FILE}), to confirm into {ANNOTATIONS_FILE}:")
    for candidate in imported.candidates:
        print(f"  {candidate['occurrences']:3d}  {candidate['name']}")
    return check(corpus)


def workers_option(value: str) -> int:
    """``--workers``: refused unless 1 or more, before anything starts."""
    try:
        return positive_workers(value, "--workers")
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def serve(host: str | None, port: int | None, workers: int | None) -> int:
    """Run the production server until it is stopped; options override the environment."""
    # Imported here: check and import need neither Flask nor the server.
    import dataclasses

    from article_data_api import create_app
    from article_data_api.server import run, server_settings
    from article_data_api.store.layout import SnapshotError

    try:
        settings = server_settings(os.environ)
        app = create_app()
    except (CorpusError, ConfigError, SnapshotError) as error:
        print(f"article-data-api: cannot start: {error}", file=sys.stderr)
        return 1
    overrides = {"host": host, "port": port, "workers": workers}
    settings = dataclasses.replace(
        settings, **{name: value for name, value in overrides.items() if value is not None}
    )
    run(app, settings, "article_data_api:create_app")
    return 0


def write_openapi(output: Path) -> int:
    """Write the OpenAPI document exactly as the server serves it at its root."""
    from article_data_api import create_app
    from article_data_api.openapi import YAML, documents

    output.write_bytes(documents(create_app()).document("", YAML))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="article-data-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the API with granian")
    serve_parser.add_argument("--host", help="address to bind (default: $HOST or 0.0.0.0)")
    serve_parser.add_argument("--port", type=int, help="port to bind (default: $PORT or 8000)")
    serve_parser.add_argument(
        "--workers",
        type=workers_option,
        help="worker processes (default: $WORKERS, or the CPUs this process may use)",
    )
    import_parser = commands.add_parser(
        "import",
        help="turn a plain-text article into a corpus folder",
        description="Turn a plain-text article (one paragraph per line) into"
        " CORPUS/articles/ID/: article.md with headings marked, an annotations.json"
        f" skeleton, and {CANDIDATES_FILE} (capitalized names found by rule, with their"
        " positions, for you to confirm). Then validate the corpus as `check` does."
        f" Headings: {HEADING_RULE} Use --heading-line to choose them yourself.",
    )
    import_parser.add_argument("text_file", type=Path)
    import_parser.add_argument("--id", required=True, help="the new article's id, a slug")
    import_parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("ARTICLE_DATA_DIR") or bundled_corpus()),
        help="corpus folder (default: $ARTICLE_DATA_DIR or the bundled fixtures)",
    )
    import_parser.add_argument("--title", help="the title (default: made from the id, editorial)")
    import_parser.add_argument(
        "--heading-line",
        type=int,
        action="append",
        metavar="N",
        help="line N (from 1, blank lines not counted) is a heading; repeat it for each"
        " heading, instead of the rule",
    )
    import_parser.add_argument(
        "--force", action="store_true", help="replace an existing article, moving it to backups/"
    )
    check_parser = commands.add_parser("check", help="validate a corpus and print every problem")
    check_parser.add_argument(
        "corpus_dir",
        nargs="?",
        type=Path,
        default=Path(os.environ.get("ARTICLE_DATA_DIR") or bundled_corpus()),
        help="corpus folder (default: $ARTICLE_DATA_DIR or the bundled fixtures)",
    )
    build_parser = commands.add_parser(
        "build",
        help="validate the corpus and publish a new snapshot of it for servers to serve",
        description="Validate every article as `check` does, then write a snapshot"
        " (SQLite records and a Tantivy index) and publish it atomically: running servers"
        " switch to it within seconds. Unchanged articles are copied from the current"
        " snapshot. Nothing is published when the corpus is invalid.",
    )
    build_parser.add_argument(
        "corpus_dir",
        nargs="?",
        type=Path,
        default=Path(os.environ.get("ARTICLE_DATA_DIR") or bundled_corpus()),
        help="corpus folder (default: $ARTICLE_DATA_DIR or the bundled fixtures)",
    )
    build_parser.add_argument(
        "--out",
        type=Path,
        default=Path(os.environ["SNAPSHOT_DIR"]) if os.environ.get("SNAPSHOT_DIR") else None,
        help="snapshot folder (default: $SNAPSHOT_DIR, or a folder of the corpus's own"
        " under ~/.cache/article-data-api)",
    )
    build_parser.add_argument(
        "--keep", type=int, default=3, help="published snapshots to keep (default: 3)"
    )
    openapi_parser = commands.add_parser(
        "openapi", help="write the OpenAPI document (what `make openapi` runs)"
    )
    openapi_parser.add_argument("output", type=Path, help="where to write it, as YAML")
    args = parser.parse_args(argv)
    try:
        configure_logging(log_level(os.environ))
    except ConfigError as error:
        print(f"article-data-api: cannot start: {error}", file=sys.stderr)
        return 1
    if args.command == "check":
        return check(args.corpus_dir)
    if args.command == "import":
        return import_text(
            args.text_file, args.id, args.corpus, args.title, args.heading_line, args.force
        )
    if args.command == "openapi":
        return write_openapi(args.output)
    if args.command == "build":
        return build(args.corpus_dir, args.out, args.keep)
    return serve(args.host, args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())
