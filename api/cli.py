"""The ``article-data-api`` command: serve the API, check and build a corpus, import an
article as a draft and review it."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from article_data_api.config import (
    DEFAULT_KEEP,
    ConfigError,
    bind_address,
    bundled_corpus,
    flag,
    log_level,
    port_number,
    positive_count,
)
from article_data_api.corpus.importer import HEADING_RULE, ImportRefused, import_article
from article_data_api.corpus.loader import CorpusError, UnreadableFile
from article_data_api.corpus.review import Review, ReviewStopped
from article_data_api.corpus.web_page import MissingExtra
from article_data_api.logs import configure_logging

T = TypeVar("T")


def print_problems(error: CorpusError, corpus_dir: Path) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(f"{len(error.problems)} problem(s) in {corpus_dir}", file=sys.stderr)
    return 1


def check(corpus_dir: Path) -> int:
    """Validate a corpus exactly as a build does; print each problem; 0 when valid."""
    from article_data_api.store.build import validate_corpus

    try:
        count = validate_corpus(
            corpus_dir, allow_outside_links=flag(os.environ, "ALLOW_OUTSIDE_LINKS")
        )
    except ConfigError as error:
        print(f"article-data-api check: {error}", file=sys.stderr)
        return 1
    except CorpusError as error:
        return print_problems(error, corpus_dir)
    print(f"{corpus_dir}: {count} article(s) valid")
    return 0


def build(corpus_dir: Path, out: Path | None, keep: int, drafts: bool) -> int:
    """Validate the corpus and publish a new snapshot of it (with its drafts, if
    ``drafts`` or SERVE_DRAFTS); 1 (publishing nothing) when it is invalid or another build
    holds the folder."""
    from article_data_api.store import snapshot_dir
    from article_data_api.store.build import Builder
    from article_data_api.store.layout import SnapshotDir, SnapshotError

    try:
        drafts = drafts or flag(os.environ, "SERVE_DRAFTS")
        config = {"ARTICLE_DATA_DIR": str(corpus_dir), "SERVE_DRAFTS": drafts}
        snapshots = SnapshotDir(out) if out else snapshot_dir(config)
        builder = Builder(
            corpus_dir,
            snapshots,
            keep=keep,
            allow_outside_links=flag(os.environ, "ALLOW_OUTSIDE_LINKS"),
            include_drafts=drafts,
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


def corpus_option(given: Path | None, command: str) -> Path:
    """The corpus an import or a review writes to: named, never assumed."""
    if given is not None:
        return given
    if os.environ.get("ARTICLE_DATA_DIR"):
        return Path(os.environ["ARTICLE_DATA_DIR"])
    raise ImportRefused(
        f"{command} writes into a corpus: name it with --corpus DIR or ARTICLE_DATA_DIR"
    )


def import_source(
    source: Path,
    article_id: str | None,
    corpus: Path | None,
    title: str | None,
    heading_lines: list[int] | None,
    force: bool,
) -> int:
    """Import a web page, Markdown or plain text as a draft with suggestions."""
    try:
        corpus = corpus_option(corpus, "import")
        imported = import_article(
            source,
            corpus,
            article_id=article_id,
            title=title,
            heading_lines=set(heading_lines) if heading_lines else None,
            force=force,
        )
    except (ImportRefused, MissingExtra, OSError) as error:
        print(f"article-data-api import: {error}", file=sys.stderr)
        return 1
    if imported.backup:
        print(f"kept the previous folder as {imported.backup}")
    annotations = imported.annotations
    headings = [s.heading for s in imported.sections if s.heading]
    print(
        f"wrote {imported.folder} (a draft): {len(imported.sections)} sections;"
        f" headings: {headings}"
    )
    print(
        f"title: {annotations['title']!r};"
        f" published: {(annotations['published'] or {}).get('value')};"
        f" source: {annotations['source_url']}"
    )
    print(f"suggested organizations ({len(annotations['organizations'])}):")
    for org in annotations["organizations"]:
        print(f"  {org['name']} ({org['kind']}): {org['reason']}")
    print(f"suggested events ({len(annotations['events'])}):")
    for event in annotations["events"]:
        when = event["date"]["value"] or "undated"
        print(f"  [{event['status']}, {when}, {event['date']['label']!r}] {event['title']}")
    for note in imported.dropped:
        print(f"  left out, as it would not validate: {note}")
    for part in imported.left_out:
        print(f"left out of the text, as it has none to keep: {part}")
    print(f"next: article-data-api review {imported.folder.name} --corpus {corpus} --publish")
    return 0


def review(article_id: str, corpus: Path | None, publish: bool) -> int:
    """Walk a draft's suggestions on the terminal; 0 when done (and published, if asked)."""
    try:
        corpus = corpus_option(corpus, "review")
        folder = corpus / "articles" / article_id
        if not folder.is_dir():
            raise ImportRefused(f"no article {article_id!r} in {corpus}: no folder {folder}")
        session = Review(folder, sys.stdin, sys.stdout)
        published = session.run(publish)
    except CorpusError as error:
        print_problems(error, corpus)
        print("article-data-api review: fix the draft, then review it", file=sys.stderr)
        return 1
    except (ImportRefused, UnreadableFile, ReviewStopped, ValueError) as error:
        print(f"article-data-api review: {error}", file=sys.stderr)
        return 1
    return 0 if published or not publish else 1


def checked_option(check: Callable[[str, str], T], option: str) -> Callable[[str], T]:
    """The argparse type of ``option``, checked as its environment variable is: a bad
    value is refused with the same message before anything starts (granian itself
    answered ``--port 70000`` with a traceback)."""

    def parse(value: str) -> T:
        try:
            return check(value, option)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


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
    try:
        run(app, settings, "article_data_api:create_app")
    except (OSError, RuntimeError) as error:
        # granian's own errors as it binds and starts (a port in use, too many open
        # files) arrive as these, with a Rust backtrace the operator cannot act on.
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(
            f"article-data-api: cannot start: {settings.host}:{settings.port}: {reason}",
            file=sys.stderr,
        )
        return 1
    return 0


def write_openapi(output: Path) -> int:
    """Write the OpenAPI document exactly as the server serves it at its root."""
    from article_data_api import create_app
    from article_data_api.openapi import YAML, documents

    document = documents(create_app()).document("", YAML)
    try:
        output.write_bytes(document)
    except OSError as error:
        print(f"article-data-api openapi: {output}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="article-data-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the API with granian")
    serve_parser.add_argument(
        "--host",
        type=checked_option(bind_address, "--host"),
        help="IP address to bind (default: $HOST or 0.0.0.0)",
    )
    serve_parser.add_argument(
        "--port",
        type=checked_option(port_number, "--port"),
        help="port to bind (default: $PORT or 8000)",
    )
    serve_parser.add_argument(
        "--workers",
        type=checked_option(positive_count, "--workers"),
        help="worker processes (default: $WORKERS, or the CPUs this process may use)",
    )
    import_parser = commands.add_parser(
        "import",
        help="import a web page, Markdown or plain text as a draft with suggestions",
        description="Import an article into CORPUS/articles/ID/ as a draft: article.md"
        " (a web page's body is extracted; Markdown and plain text keep their headings) and"
        " annotations.json with the page's metadata and suggested organizations and events,"
        " each with its reason. A draft is validated like any article but served only with"
        " SERVE_DRAFTS=1; `review` walks the suggestions and publishes it. Plain text: one"
        f" paragraph per line. Headings: {HEADING_RULE} Use --heading-line to choose them.",
    )
    import_parser.add_argument("source", type=Path, help="a .html page, a .md file or text")
    import_parser.add_argument(
        "--id", help="the new article's id, a slug (default: made from the title)"
    )
    import_parser.add_argument(
        "--corpus",
        type=Path,
        help="the corpus folder to write to (default: $ARTICLE_DATA_DIR; one is required)",
    )
    import_parser.add_argument("--title", help="the title (default: the page's, else editorial)")
    import_parser.add_argument(
        "--heading-line",
        type=int,
        action="append",
        metavar="N",
        help="plain text: line N (from 1, blank lines not counted) is a heading; repeat it"
        " for each heading, instead of the rule",
    )
    import_parser.add_argument(
        "--force", action="store_true", help="replace an existing article, backing it up"
    )
    review_parser = commands.add_parser(
        "review",
        help="walk a draft's suggestions: accept, edit, reject",
        description="Show each suggested organization, then each suggested event, and ask"
        " whether to accept, edit, reject or skip it. With --publish, the draft becomes"
        " published once no suggestion is left.",
    )
    review_parser.add_argument("id", help="the article's id")
    review_parser.add_argument(
        "--corpus", type=Path, help="the corpus folder (default: $ARTICLE_DATA_DIR)"
    )
    review_parser.add_argument(
        "--publish", action="store_true", help="publish it when nothing suggested is left"
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
        "--keep",
        type=checked_option(positive_count, "--keep"),
        default=DEFAULT_KEEP,
        help=f"published snapshots to keep, the current one too (default: {DEFAULT_KEEP})",
    )
    build_parser.add_argument(
        "--drafts",
        action="store_true",
        help="build draft articles in too, for a server started with SERVE_DRAFTS=1"
        " (default: $SERVE_DRAFTS)",
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
        return import_source(
            args.source, args.id, args.corpus, args.title, args.heading_line, args.force
        )
    if args.command == "review":
        return review(args.id, args.corpus, args.publish)
    if args.command == "openapi":
        return write_openapi(args.output)
    if args.command == "build":
        return build(args.corpus_dir, args.out, args.keep, args.drafts)
    return serve(args.host, args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())
