"""The ``article-data-api`` command: serve the API, check a corpus, import an article."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from article_data_api.config import bundled_corpus
from article_data_api.corpus.corpus import Corpus
from article_data_api.corpus.importer import (
    CANDIDATES_FILE,
    HEADING_RULE,
    ImportRefused,
    import_article,
)
from article_data_api.corpus.loader import ANNOTATIONS_FILE, CorpusError
from article_data_api.corpus.text import TextFormatError
from article_data_api.logs import configure_logging


def check(corpus_dir: Path) -> int:
    """Validate a corpus as start-up does; print each problem; 0 when valid."""
    try:
        corpus = Corpus.load(corpus_dir)
    except CorpusError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) in {corpus_dir}", file=sys.stderr)
        return 1
    print(
        f"{corpus_dir}: {len(corpus.articles)} article(s) valid, fingerprint {corpus.fingerprint}"
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


def serve(host: str | None, port: int | None, workers: int | None) -> int:
    """Run the production server until it is stopped; options override the environment."""
    # Imported here: check and import need neither Flask nor the server.
    from article_data_api import create_app
    from article_data_api.config import ConfigError
    from article_data_api.server import Server, server_settings

    try:
        settings = server_settings(os.environ)
        app = create_app()
    except (CorpusError, ConfigError) as error:
        print(f"article-data-api: cannot start: {error}", file=sys.stderr)
        return 1
    if host is not None or port is not None:
        default_host, default_port = settings["bind"].rsplit(":", 1)
        settings["bind"] = f"{host or default_host}:{port or default_port}"
    if workers is not None:
        settings["workers"] = workers
    Server(app, settings).run()
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
    serve_parser = commands.add_parser("serve", help="run the API with gunicorn")
    serve_parser.add_argument("--host", help="address to bind (default: $HOST or 0.0.0.0)")
    serve_parser.add_argument("--port", type=int, help="port to bind (default: $PORT or 8000)")
    serve_parser.add_argument(
        "--workers", type=int, help="worker processes (default: $WORKERS or 2 x CPUs + 1)"
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
    openapi_parser = commands.add_parser(
        "openapi", help="write the OpenAPI document (what `make openapi` runs)"
    )
    openapi_parser.add_argument("output", type=Path, help="where to write it, as YAML")
    args = parser.parse_args(argv)
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    if args.command == "check":
        return check(args.corpus_dir)
    if args.command == "import":
        return import_text(
            args.text_file, args.id, args.corpus, args.title, args.heading_line, args.force
        )
    if args.command == "openapi":
        return write_openapi(args.output)
    return serve(args.host, args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())
