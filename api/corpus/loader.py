"""Load and validate a corpus: ``<root>/articles/<article-id>/{article.md,annotations.json}``.

Everything beyond the curated annotations is derived here: sections from the
text, organization mentions by matching names and aliases, and the location of
every event's quote. Every problem found is reported with its file and field path.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from marshmallow import ValidationError

from article_data_api.corpus.model import (
    Article,
    ArticleOrganization,
    DateInfo,
    Event,
    Section,
    TextSpan,
)
from article_data_api.corpus.text import ParsedSection, TextFormatError, parse_sections
from article_data_api.dumping import NotPlain, compile_loader
from article_data_api.schemas.annotations import AnnotationsSchema
from article_data_api.schemas.fields import SLUG_ERROR, is_slug

TEXT_FILE = "article.md"
ANNOTATIONS_FILE = "annotations.json"
_annotations_schema = AnnotationsSchema()
# Valid annotations load through the compiled loader; anything it does not vouch for goes
# through marshmallow itself, which gives the messages.
_load_plain_annotations = compile_loader(_annotations_schema)


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.path}: {self.message}"
            if self.path
            else f"{self.file}: {self.message}"
        )


class CorpusError(Exception):
    """The corpus is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("invalid corpus:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


def flatten_errors(messages: dict | list, path: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested error messages into (``a.b[2].c``, message) pairs."""
    if isinstance(messages, list):
        return [(path, str(message)) for message in messages]
    pairs = []
    for key, value in messages.items():
        if key == "_schema":
            child = path
        elif isinstance(key, int):
            child = f"{path}[{key}]"
        else:
            child = f"{path}.{key}" if path else str(key)
        pairs.extend(flatten_errors(value, child))
    return pairs


def load_article(folder: Path, display_root: Path) -> Article:
    """Load one article folder; raise CorpusError listing all of its problems."""

    def shown(name: str) -> str:
        return _shown(display_root, folder / name)

    problems: list[Problem] = []
    if not is_slug(folder.name):
        problems.append(
            Problem(shown(""), "", f"the folder name is the article id: it {SLUG_ERROR}")
        )
    try:
        parsed = parse_sections((folder / TEXT_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CorpusError([*problems, Problem(shown(TEXT_FILE), "", str(error))]) from error
    except TextFormatError as error:
        problems.append(Problem(shown(TEXT_FILE), f"line {error.line}", error.message))
        parsed = []
    try:
        raw = json.loads((folder / ANNOTATIONS_FILE).read_text(encoding="utf-8"))
        try:
            data = _load_plain_annotations(raw)
        except NotPlain:
            data = _annotations_schema.load(raw)
    except (OSError, UnicodeDecodeError) as error:
        raise CorpusError([*problems, Problem(shown(ANNOTATIONS_FILE), "", str(error))]) from error
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise CorpusError(
            [*problems, Problem(shown(ANNOTATIONS_FILE), where, error.msg)]
        ) from error
    except ValidationError as error:
        raise CorpusError(
            problems
            + [Problem(shown(ANNOTATIONS_FILE), p, m) for p, m in flatten_errors(error.messages)]
        ) from error
    if not parsed:
        raise CorpusError(problems)
    article, text_problems = _build_article(folder.name, parsed, data)
    problems += [Problem(shown(ANNOTATIONS_FILE), p, m) for p, m in text_problems]
    if problems:
        raise CorpusError(problems)
    return article


def _build_article(
    article_id: str, parsed: list[ParsedSection], data: dict
) -> tuple[Article, list[tuple[str, str]]]:
    """Derive sections, mentions and evidence spans; return them with text problems."""
    problems: list[tuple[str, str]] = []
    sections = tuple(
        Section(p.id, position, p.heading, p.paragraphs) for position, p in enumerate(parsed, 1)
    )
    mentions = _find_mentions(sections, data["organizations"])
    organizations = []
    for i, org in enumerate(data["organizations"]):
        found = mentions.get(org["id"], [])
        if not found:
            problems.append((f"organizations[{i}]", "never mentioned in the article text"))
        matched = {span.text for span in found}
        problems += [
            (f"organizations[{i}].aliases[{j}]", f"{alias!r} never occurs in the article text")
            for j, alias in enumerate(org["aliases"])
            if alias not in matched
        ]
        organizations.append(
            ArticleOrganization(
                **org
                | {
                    "aliases": tuple(org["aliases"]),
                    "same_as": tuple(org["same_as"]),
                    "mentions": tuple(found),
                }
            )
        )
    events = []
    for i, event in enumerate(data["events"]):
        spans = _find_all(sections, event["evidence"]["quote"])
        if len(spans) != 1:
            problems.append(
                (
                    f"events[{i}].evidence.quote",
                    "not found in the article text"
                    if not spans
                    else f"occurs {len(spans)} times in the article text: quote more of it",
                )
            )
            continue
        events.append(
            Event(
                **event
                | {
                    "date": _date(event["date"]),
                    "organizations": tuple(event["organizations"]),
                    "evidence": spans[0],
                }
            )
        )
    article = Article(
        id=article_id,
        title=data["title"],
        title_is_editorial=data["title_is_editorial"],
        language=data["language"],
        source_url=data["source_url"],
        published=None if data["published"] is None else _date(data["published"]),
        sample=data["sample"],
        sections=sections,
        organizations=tuple(organizations),
        events=tuple(events),
        about=tuple(data["about"]),
    )
    return article, problems


def _shown(root: Path, path: Path) -> str:
    """A path as problems show it: from the corpus folder's name down."""
    return str(path.relative_to(root.parent))


def _date(data: dict) -> DateInfo:
    return DateInfo(value=data["value"], label=data["label"], sources=tuple(data["sources"]))


_WORD_CHAR = re.compile(r"\w")


def _find_mentions(
    sections: tuple[Section, ...], organizations: list[dict]
) -> dict[str, list[TextSpan]]:
    """Match every name and alias on word boundaries, leftmost and longest first, without
    overlaps: the semantics of one alternation regex, without compiling one per article.

    The headings and paragraphs are searched as one text, joined by newlines (no name
    spans a line, and a newline is a word boundary), then each match is located.
    """
    owner = {org["name"]: org["id"] for org in organizations}
    owner |= {alias: org["id"] for org in organizations for alias in org["aliases"]}
    places = [
        (section.id, paragraph, text)
        for section in sections
        for paragraph, text in [
            *([(None, section.heading)] if section.heading is not None else []),
            *enumerate(section.paragraphs),
        ]
    ]
    joined = "\n".join(text for _, _, text in places)
    offsets = list(itertools.accumulate((len(text) + 1 for _, _, text in places), initial=0))
    candidates = sorted(
        (start, -len(form), form)
        for form in owner
        for start in _occurrences(joined, form)
        if not (start and _WORD_CHAR.match(joined, start - 1))
        and not _WORD_CHAR.match(joined, start + len(form))
    )
    found: dict[str, list[TextSpan]] = {}
    taken_until = 0
    for start, negative_length, form in candidates:
        if start >= taken_until:
            taken_until = start - negative_length
            at = bisect.bisect_right(offsets, start) - 1
            section_id, paragraph, _ = places[at]
            local = start - offsets[at]
            found.setdefault(owner[form], []).append(
                TextSpan(section_id, paragraph, local, local + len(form), form)
            )
    return found


def _occurrences(text: str, part: str) -> list[int]:
    """Every start of ``part`` in ``text``, overlapping ones included."""
    starts = []
    start = text.find(part)
    while start != -1:
        starts.append(start)
        start = text.find(part, start + 1)
    return starts


def _find_all(sections: tuple[Section, ...], quote: str) -> list[TextSpan]:
    """Every occurrence of ``quote`` inside a single paragraph."""
    return [
        TextSpan(section.id, paragraph, start, start + len(quote), quote)
        for section in sections
        for paragraph, text in enumerate(section.paragraphs)
        for start in _occurrences(text, quote)
    ]


def corpus_fingerprint(root: Path) -> str:
    """A short hash of every article file, so caches can tell corpora apart."""
    digest = hashlib.sha256()
    for path in sorted((root / "articles").glob("*/*")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def article_folders(root: Path) -> list[Path]:
    """The article folders of the corpus at ``root``; raise CorpusError if there are none."""
    articles_dir = root / "articles"
    if not articles_dir.is_dir():
        raise CorpusError([Problem(str(articles_dir), "", "no such folder")])
    folders = sorted(p for p in articles_dir.iterdir() if p.is_dir())
    if not folders:
        raise CorpusError([Problem(str(articles_dir), "", "the corpus has no articles")])
    return folders


def load_articles(root: Path) -> list[Article]:
    """Load every article under ``root/articles``; raise CorpusError listing all problems."""
    articles, problems = [], []
    for folder in article_folders(root):
        try:
            articles.append(load_article(folder, root))
        except CorpusError as error:
            problems += error.problems
    problems += organization_disagreements(
        [
            OrganizationUse(article.id, i, org.id, org.name, org.kind)
            for article in articles
            for i, org in enumerate(article.organizations)
        ],
        root,
    )
    if problems:
        raise CorpusError(problems)
    return articles


@dataclass(frozen=True)
class OrganizationUse:
    """Organization ``organization_id`` as ``organizations[position]`` of an article."""

    article_id: str
    position: int
    organization_id: str
    name: str
    kind: str


def organization_disagreements(uses: Iterable[OrganizationUse], root: Path) -> list[Problem]:
    """An organization id names one organization: its name and kind agree across articles.

    Each use is compared with the organization's first use, in article id order; the
    problems come in article order.
    """
    first_seen: dict[str, OrganizationUse] = {}
    problems = []
    for use in sorted(uses, key=lambda u: (u.article_id, u.position)):
        first = first_seen.setdefault(use.organization_id, use)
        for attribute in ("name", "kind"):
            value, expected = getattr(use, attribute), getattr(first, attribute)
            if value != expected:
                problems.append(
                    Problem(
                        _shown(root, root / "articles" / use.article_id / ANNOTATIONS_FILE),
                        f"organizations[{use.position}].{attribute}",
                        f"{value!r} differs from {expected!r} in article {first.article_id!r}",
                    )
                )
    return problems
