"""The ``article-data-api`` command: serve the API or check a corpus."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from api.corpus.corpus import Corpus
from api.corpus.loader import CorpusError
from fixtures import BUNDLED_CORPUS


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


def serve(host: str, port: int, workers: int) -> int:
    """Run the production server (gunicorn) until it is stopped."""
    from gunicorn.app.base import BaseApplication

    from api import create_app
    from api.config import ConfigError

    try:
        app = create_app()
    except (CorpusError, ConfigError) as error:
        print(f"article-data-api: cannot start: {error}", file=sys.stderr)
        return 1

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)

        def load(self):
            return app

    Server().run()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="article-data-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the API with gunicorn")
    serve_parser.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")
    serve_parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "8000")),
        help="port to bind (default: $PORT or 8000)",
    )
    serve_parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WORKERS", "2")),
        help="gunicorn worker processes (default: $WORKERS or 2)",
    )
    check_parser = commands.add_parser("check", help="validate a corpus and print every problem")
    check_parser.add_argument(
        "corpus_dir",
        nargs="?",
        type=Path,
        default=Path(os.environ.get("ARTICLE_DATA_DIR") or BUNDLED_CORPUS),
        help="corpus folder (default: $ARTICLE_DATA_DIR or the bundled fixtures)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper())
    if args.command == "check":
        return check(args.corpus_dir)
    return serve(args.host, args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())
