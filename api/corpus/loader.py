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
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from article_data_api.corpus.model import (
    Agent,
    Article,
    ArticleOrganization,
    DateInfo,
    Event,
    Mention,
    Section,
    TextSpan,
)
from article_data_api.corpus.text import ParsedSection, TextFormatError, parse_sections
from article_data_api.dumping import NotPlain, compile_loader
from article_data_api.schemas.annotations import AnnotationsSchema
from article_data_api.schemas.fields import SLUG_ERROR, is_slug

TEXT_FILE = "article.md"
ANNOTATIONS_FILE = "annotations.json"
# No article comes near this; a bigger file is a mistake, and never read whole.
MAX_FILE_BYTES = 8 * 1024 * 1024
# How much more is asked for at a time when a file holds more than its size said.
_GROWTH_CHUNK = 64 * 1024
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


class NotAnnotations(ValueError):
    """A file that Python's json reads but that cannot hold annotations."""


def _refuse_constant(name: str) -> float:
    raise NotAnnotations(f"{name} is not JSON: a number or null")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key repeats: a reviewer who edits one of the two
    values may be editing the one that is thrown away."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise NotAnnotations(f"{twice!r} is given twice in one object: one would be lost")
    return found


# Python's json reads NaN and Infinity, which JSON does not have and no field takes, and
# keeps the last of two values of one key.
_JSON = json.JSONDecoder(parse_constant=_refuse_constant, object_pairs_hook=_object)
_JSON_KINDS = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}


def _decoded(text: str) -> Any:
    """The JSON value of ``text``; raise JSONDecodeError, or NotAnnotations for what
    Python reads but annotations cannot hold."""
    try:
        return _JSON.decode(text)
    except (json.JSONDecodeError, NotAnnotations):
        raise
    except ValueError as error:  # json's only other error: an integer too long to convert
        raise NotAnnotations(f"a number of over {sys.get_int_max_str_digits()} digits") from error


class UnreadableFile(Exception):
    """An article's file cannot be read as one: missing, not a regular file, too big."""


class MissingFile(UnreadableFile):
    """The file is not there (its message says what an article folder holds)."""


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def read_article_file(path: Path) -> bytes:
    """The bytes of one of an article's two files; raise UnreadableFile saying why not.

    Opened without blocking, so a named pipe is refused rather than waited on forever,
    and read only up to MAX_FILE_BYTES, so /dev/zero or a huge file cannot fill memory.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        if path.is_symlink():
            message = f"a symbolic link to {os.readlink(path)}, which does not exist"
            raise UnreadableFile(message) from None
        raise MissingFile(
            f"missing: an article folder holds {TEXT_FILE} and {ANNOTATIONS_FILE}"
        ) from None
    except OSError as error:
        raise UnreadableFile(error.strerror or str(error)) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "other")
            raise UnreadableFile(f"not a regular file but {kind}")
        return _read_regular(descriptor, info.st_size)
    finally:
        os.close(descriptor)


def _read_regular(descriptor: int, size: int) -> bytes:
    """Read a regular file of about ``size`` bytes to its end, refusing it past
    MAX_FILE_BYTES.

    Each read asks for what the file should still hold, not for MAX_FILE_BYTES:
    ``read(n)`` allocates n bytes first, and 8 MiB per file made reading an article's
    two files cost 90 to 170 µs instead of 26 to 45. A file that grows while it is read is
    read on, a bounded piece at a time.
    """
    chunks = []
    total = 0
    wanted = min(size, MAX_FILE_BYTES) + 1  # one more, to see the end or the excess
    while chunk := os.read(descriptor, wanted):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise UnreadableFile(f"over {MAX_FILE_BYTES // (1024 * 1024)} MiB: not an article")
        wanted = min(MAX_FILE_BYTES + 1 - total, _GROWTH_CHUNK)
    return b"".join(chunks)


@dataclass(frozen=True)
class ArticleFiles:
    """An article's two files as read once: the bytes of each, or why it is unreadable."""

    text: bytes | UnreadableFile
    annotations: bytes | UnreadableFile

    @classmethod
    def read(cls, folder: Path) -> ArticleFiles:
        return cls(_read_or_why(folder / TEXT_FILE), _read_or_why(folder / ANNOTATIONS_FILE))

    def content_hash(self) -> str:
        """A hash of both files; an unreadable one hashes as the byte 0xFF, which no
        UTF-8 text holds (the validation that follows reports it)."""
        digest = hashlib.sha256()
        for data in (self.text, self.annotations):
            digest.update(b"\xff" if isinstance(data, UnreadableFile) else data)
            digest.update(b"\0")
        return digest.hexdigest()


def _read_or_why(path: Path) -> bytes | UnreadableFile:
    try:
        return read_article_file(path)
    except UnreadableFile as error:
        return error


class NotUtf8(ValueError):
    """A file that is not UTF-8: the line and byte where it stops being so, and what to do."""

    def __init__(self, data: bytes, error: UnicodeDecodeError) -> None:
        self.line = data.count(b"\n", 0, error.start) + 1
        super().__init__(
            f"not UTF-8: byte {error.start} is {data[error.start]:#04x}. Text in Latin-1 or"
            " Windows-1252 must be converted (iconv -f latin1 -t utf-8)"
        )


def decode_utf8(data: bytes) -> str:
    """``data`` as text; raise NotUtf8 where it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotUtf8(data, error) from None


def _bytes_of(data: bytes | UnreadableFile) -> bytes:
    if isinstance(data, UnreadableFile):
        raise data
    return data


def load_article(folder: Path, display_root: Path, files: ArticleFiles | None = None) -> Article:
    """Load one article folder, from ``files`` when they were read already; raise
    CorpusError listing all of its problems."""

    def shown(name: str) -> str:
        return _shown(display_root, folder / name)

    files = files or ArticleFiles.read(folder)
    problems: list[Problem] = []
    if not is_slug(folder.name):
        problems.append(
            Problem(shown(""), "", f"the folder name is the article id: it {SLUG_ERROR}")
        )
    try:
        parsed = parse_sections(decode_utf8(_bytes_of(files.text)))
    except UnreadableFile as error:
        raise CorpusError([*problems, Problem(shown(TEXT_FILE), "", str(error))]) from error
    except NotUtf8 as error:
        problem = Problem(shown(TEXT_FILE), f"line {error.line}", str(error))
        raise CorpusError([*problems, problem]) from error
    except TextFormatError as error:
        problems.append(Problem(shown(TEXT_FILE), f"line {error.line}", error.message))
        parsed = []
    try:
        raw = _decoded(decode_utf8(_bytes_of(files.annotations)))
        if not isinstance(raw, dict):
            raise NotAnnotations(
                "must be a JSON object (title, organizations, events...),"
                f" not {_JSON_KINDS.get(type(raw), 'a number')}"
            )
        try:
            data = _load_plain_annotations(raw)
        except NotPlain:
            data = _annotations_schema.load(raw)
    except (UnreadableFile, NotAnnotations) as error:
        raise CorpusError([*problems, Problem(shown(ANNOTATIONS_FILE), "", str(error))]) from error
    except NotUtf8 as error:
        problem = Problem(shown(ANNOTATIONS_FILE), f"line {error.line}", str(error))
        raise CorpusError([*problems, problem]) from error
    except RecursionError as error:
        message = "nested too deeply to be annotations"
        raise CorpusError([*problems, Problem(shown(ANNOTATIONS_FILE), "", message)]) from error
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
    sections = tuple(
        Section(p.id, position, p.heading, p.paragraphs) for position, p in enumerate(parsed, 1)
    )
    text = _ArticleText(sections)
    mentions, problems = _find_mentions(text, data["organizations"])
    organizations = []
    for i, org in enumerate(data["organizations"]):
        found = mentions.get(org["id"], [])
        problems += _naming_problems(i, org, found)
        organizations.append(
            ArticleOrganization(
                id=org["id"],
                name=org["name"],
                aliases=tuple(alias["text"] for alias in org["aliases"]),
                kind=org["kind"],
                description=org["description"],
                country=org["country"],
                role=org["role"],
                same_as=tuple(org["same_as"]),
                mentions=tuple(found),
                unnamed=org["unnamed"],
                suggested=org["suggested"],
            )
        )
    events = []
    for i, event in enumerate(data["events"]):
        spans = text.find(event["evidence"]["quote"], headings=False)
        if len(spans) != 1:
            problems.append((f"events[{i}].evidence.quote", _not_once(len(spans))))
            continue
        [evidence] = spans
        named = {
            org_id
            for org_id, found in mentions.items()
            for m in found
            if (m.section_id, m.paragraph) == (evidence.section_id, evidence.paragraph)
            and evidence.start <= m.start
            and m.end <= evidence.end
        }
        problems += [
            (
                f"events[{i}].organizations[{j}]",
                f"{org_id!r} is not mentioned in the quote: link only who the quote names",
            )
            for j, org_id in enumerate(event["organizations"])
            if org_id not in named
        ]
        events.append(
            Event(
                id=event["id"],
                title=event["title"],
                description=event["description"],
                status=event["status"],
                date=_date(event["date"]),
                organizations=tuple(event["organizations"]),
                evidence=evidence,
                suggested=event["suggested"],
            )
        )
    article = Article(
        id=article_id,
        title=data["title"],
        title_is_editorial=data["title_is_editorial"],
        language=data["language"],
        source_url=data["source_url"],
        published=None if data["published"] is None else _date(data["published"]),
        publisher=_agent(data["publisher"]),
        authors=tuple(_agent(author) for author in data["authors"]),
        sample=data["sample"],
        sections=sections,
        organizations=tuple(organizations),
        events=tuple(events),
        about=tuple(data["about"]),
        status=data["status"],
    )
    return article, problems


def _agent(data: dict | None) -> Agent | None:
    return None if data is None else Agent(data["name"], data["url"])


def _not_once(count: int) -> str:
    if count == 0:
        return "not found in the article text"
    return f"occurs {count} times in the article text: quote more of it"


def _naming_problems(i: int, org: dict, found: list[Mention]) -> list[tuple[str, str]]:
    """An organization is named in the text (unless marked unnamed), and each of its
    aliases occurs at least once."""
    problems = []
    if org["unnamed"]:
        if not found:
            problems.append((f"organizations[{i}]", "never mentioned in the article text"))
    elif not any(m.form == "name" for m in found):
        problems.append(
            (
                f"organizations[{i}].name",
                f"{org['name']!r} never occurs in the article text: mark the organization"
                " unnamed if the article only refers to it",
            )
        )
    for j, alias in enumerate(org["aliases"]):
        wanted = alias["text"].casefold() if alias["case_insensitive"] else alias["text"]
        matched = {m.text.casefold() if alias["case_insensitive"] else m.text for m in found}
        if not any(m.form == "alias" for m in found) or wanted not in matched:
            problems.append(
                (
                    f"organizations[{i}].aliases[{j}].text",
                    f"{alias['text']!r} never occurs in the article text",
                )
            )
    return problems


class _ArticleText:
    """An article's headings and paragraphs searched as one text, joined by newlines (no
    name or quote spans a line, and a newline is a word boundary); each match found in it
    is located in its own heading or paragraph."""

    def __init__(self, sections: tuple[Section, ...]) -> None:
        self.places = [
            (section.id, paragraph, text)
            for section in sections
            for paragraph, text in [
                *([(None, section.heading)] if section.heading is not None else []),
                *enumerate(section.paragraphs),
            ]
        ]
        self.joined = "\n".join(text for _, _, text in self.places)
        self.offsets = list(
            itertools.accumulate((len(text) + 1 for _, _, text in self.places), initial=0)
        )

    def span(self, start: int, end: int, form: str | None = None) -> TextSpan:
        """The span of ``joined[start:end]``, located in its own text."""
        at = bisect.bisect_right(self.offsets, start) - 1
        section_id, paragraph, text = self.places[at]
        local = start - self.offsets[at]
        if form is None:
            return TextSpan.within(section_id, paragraph, text, local, local + end - start)
        return Mention.within(section_id, paragraph, text, local, local + end - start, form=form)

    def find(self, part: str, *, headings: bool = True) -> list[TextSpan]:
        """Every occurrence of ``part``, overlapping ones included."""
        spans = [self.span(start, start + len(part)) for start in _occurrences(self.joined, part)]
        return spans if headings else [s for s in spans if s.paragraph is not None]

    def is_word(self, start: int, end: int) -> bool:
        """Whether ``joined[start:end]`` stands on word boundaries."""
        return not (start and _WORD_CHAR.match(self.joined, start - 1)) and not _WORD_CHAR.match(
            self.joined, end
        )


def _find_mentions(
    text: _ArticleText, organizations: list[dict]
) -> tuple[dict[str, list[Mention]], list[tuple[str, str]]]:
    """Every mention: curated references first, at their quotes; then every name and
    alias matched on word boundaries, leftmost and longest first, without overlaps (the
    semantics of one alternation regex) and never inside a reference. A name nested in a
    longer one (NVIDIA in "NVIDIA Nemotron coalition") counts for the longer only."""
    problems: list[tuple[str, str]] = []
    found: dict[str, list[tuple[int, Mention]]] = {}  # by position in the joined text
    taken: list[tuple[int, int]] = []
    for i, org in enumerate(organizations):
        for j, reference in enumerate(org["references"]):
            starts = _occurrences(text.joined, reference["quote"])
            if len(starts) != 1:
                problems.append(
                    (f"organizations[{i}].references[{j}].quote", _not_once(len(starts)))
                )
                continue
            start = starts[0] + reference["quote"].index(reference["text"])
            end = start + len(reference["text"])
            taken.append((start, end))
            found.setdefault(org["id"], []).append((start, text.span(start, end, "reference")))
    exact = {org["name"]: (org["id"], "name") for org in organizations}
    exact |= {
        alias["text"]: (org["id"], "alias")
        for org in organizations
        for alias in org["aliases"]
        if not alias["case_insensitive"]
    }
    candidates = [
        (start, -len(form), owner, kind)
        for form, (owner, kind) in exact.items()
        for start in _occurrences(text.joined, form)
    ]
    candidates += [
        (match.start(), -len(match.group()), org["id"], "alias")
        for org in organizations
        for alias in org["aliases"]
        if alias["case_insensitive"]
        for match in re.finditer(re.escape(alias["text"]), text.joined, re.IGNORECASE)
    ]
    taken_until = 0
    for start, negative_length, owner, kind in sorted(candidates):
        end = start - negative_length
        if start < taken_until or not text.is_word(start, end):
            continue
        if taken and any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken_until = end
        found.setdefault(owner, []).append((start, text.span(start, end, kind)))
    in_order = {
        owner: [m for _, m in sorted(spans, key=lambda s: s[0])] for owner, spans in found.items()
    }
    return in_order, problems


def _shown(root: Path, path: Path) -> str:
    """A path as problems show it: from the corpus folder's name down."""
    return str(path.relative_to(root.parent))


def _date(data: dict) -> DateInfo:
    return DateInfo(
        value=data["value"],
        label=data["label"],
        sources=tuple(data["sources"]),
        inferred=data["inferred"],
    )


_WORD_CHAR = re.compile(r"\w")


def _occurrences(text: str, part: str) -> list[int]:
    """Every start of ``part`` in ``text``, overlapping ones included."""
    starts = []
    start = text.find(part)
    while start != -1:
        starts.append(start)
        start = text.find(part, start + 1)
    return starts


@dataclass(frozen=True)
class ArticleFolder:
    """An article folder as the corpus scan found it. ``stat`` holds the size and
    modification time of each of its two files ("missing" for one that is not there):
    what an incremental build compares to tell a touched article from an unchanged one.
    The path stays a string: making 100,000 pathlib objects took a second of a scan."""

    id: str
    path: str
    stat: str

    @property
    def folder(self) -> Path:
        return Path(self.path)


def article_folders(root: Path, allow_outside_links: bool = False) -> list[Path]:
    """The article folders of the corpus at ``root``, as ``scan_corpus`` finds them."""
    return [folder.folder for folder in scan_corpus(root, allow_outside_links)]


def scan_corpus(root: Path, allow_outside_links: bool = False) -> list[ArticleFolder]:
    """The article folders of the corpus at ``root``, in id order; raise CorpusError if
    there are none, or if a folder or file is a symbolic link out of the corpus (unless
    allowed: a link could otherwise publish any file the server can read)."""
    articles_dir = root / "articles"
    if not articles_dir.is_dir():
        reason = "no such folder"
        if next(root.glob(f"*/{TEXT_FILE}"), None) is not None:  # the articles folder itself
            reason += (
                f"; {root} holds articles itself: give the folder that holds it, {root.parent}"
            )
        raise CorpusError([Problem(str(articles_dir), "", reason)])
    # os.scandir and plain strings: at 100,000 articles, making and sorting pathlib
    # objects cost most of an incremental build.
    try:
        with os.scandir(articles_dir) as entries:
            folders = sorted((e.name, e.path, e.is_symlink()) for e in entries if e.is_dir())
    except OSError as error:  # the folder, or an entry whose kind takes a stat to tell
        where = str(error.filename or articles_dir)
        raise CorpusError([Problem(where, "", error.strerror or str(error))]) from error
    if not folders:
        raise CorpusError([Problem(str(articles_dir), "", "the corpus has no articles")])
    linked: list[str] = []  # only looked for when links out of the corpus are refused
    found = []
    for name, folder, folder_linked in folders:
        if folder_linked and not allow_outside_links:
            linked.append(folder)
        stats = [
            _file_stat(f"{folder}{os.sep}{file}", None if allow_outside_links else linked)
            for file in (TEXT_FILE, ANNOTATIONS_FILE)
        ]
        found.append(ArticleFolder(name, folder, " ".join(stats)))
    inside = root.resolve()
    outside = [
        Problem(
            _shown(root, Path(path)),
            "",
            f"a symbolic link to {Path(path).resolve()}, outside the corpus: refused unless"
            " links out of the corpus are allowed (ALLOW_OUTSIDE_LINKS=1)",
        )
        for path in linked
        if not Path(path).resolve().is_relative_to(inside)
    ]
    if outside:
        raise CorpusError(outside)
    return found


def _file_stat(path: str, linked: list[str] | None) -> str:
    """The size and modification time of the file at ``path`` (of its target, if it is
    a link), or "missing". With ``linked``, a link is added to it: one ``lstat`` tells
    both whether the file is a link and, when it is not, what its stat is."""
    try:
        info = os.stat(path) if linked is None else os.lstat(path)
        if linked is not None and stat.S_ISLNK(info.st_mode):
            linked.append(path)
            info = os.stat(path)
    except OSError:
        return "missing"
    return f"{info.st_size}:{info.st_mtime_ns}"


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
