"""Import an article into a corpus as a draft: its text, and suggestions to review.

The input is a web page (HTML: the article body is extracted, see api.corpus.web_page),
Markdown (``#`` headings, blank-line separated paragraphs) or plain text (one paragraph
per line, headings found by rule or given by line number). The import writes
``article.md`` and an ``annotations.json`` with ``status: draft``: the page's metadata,
and organizations and events suggested from the text (api.corpus.suggestions), each
marked ``suggested: true`` with its reason. A draft is validated like any article but
never served, except by a server started with SERVE_DRAFTS=1;
``article-data-api review`` walks the suggestions and publishes it.

It is safe by default: it writes only into a corpus named explicitly, never inside the
installed package, never over an existing article without ``force``, and then it keeps
the old folder as a backup of its own.
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import article_data_api
from article_data_api.corpus.loader import (
    ANNOTATIONS_FILE,
    TEXT_FILE,
    CorpusError,
    MissingFile,
    NotUtf8,
    Problem,
    UnreadableFile,
    article_folders,
    decode_utf8,
    load_article,
    read_article_file,
)
from article_data_api.corpus.model import Article
from article_data_api.corpus.suggestions import (
    KnownOrganization,
    headline,
    suggest_events,
    suggest_organizations,
)
from article_data_api.corpus.text import (
    HEADING_MARK,
    ParsedSection,
    TextFormatError,
    first_unseen,
    one_line,
    parse_sections,
    slugify,
)
from article_data_api.corpus.web_page import IMPORT_EXTRA, MissingExtra, WebPage, read_page
from article_data_api.schemas.fields import (
    FORMATTING_ONLY,
    SLUG_ERROR,
    SLUG_MAX_LENGTH,
    is_slug,
)

MAX_HEADING_CHARACTERS = 80
MAX_HEADING_WORDS = 12
SENTENCE_END = tuple(".!?:;,…")
CLOSERS = "\"'”’)]»"
HEADING_RULE = (
    "A line is a heading when it is neither the first nor the last line, has at most"
    f" {MAX_HEADING_CHARACTERS} characters and {MAX_HEADING_WORDS} words, and does not end"
    " with sentence punctuation (. ! ? : ; , …), closing quotes aside."
)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
BACKUPS = "backups"


class ImportRefused(Exception):
    """The import would overwrite an article or write where it must not, or its input is
    unusable."""


@dataclass(frozen=True)
class Imported:
    folder: Path
    sections: list[ParsedSection]
    annotations: dict[str, Any]
    backup: Path | None
    dropped: list[str]  # suggestions left out because they would not validate
    left_out: list[str] = field(default_factory=list)  # parts of the input with no text


def is_heading(line: str) -> bool:
    """The heading rule, for a line that is neither the first nor the last."""
    ending = line.rstrip(CLOSERS)
    return (
        len(line) <= MAX_HEADING_CHARACTERS
        and len(line.split()) <= MAX_HEADING_WORDS
        and not ending.endswith(SENTENCE_END)
    )


def to_markdown(lines: list[str], heading_lines: set[int] | None = None) -> str:
    """Plain text (a paragraph per line) with headings marked; ``heading_lines``
    (1-based) replaces the rule."""
    if heading_lines is None:
        heading_lines = {n for n in range(2, len(lines)) if is_heading(lines[n - 1])}
    blocks = [
        HEADING_MARK + line if number in heading_lines else line
        for number, line in enumerate(lines, 1)
    ]
    return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class MarkdownArticle:
    markdown: str  # in the corpus's article.md format
    title: str | None  # a level-1 heading before any text
    left_out: list[str]  # what has no text to keep: tables, images, HTML, by line


def markdown_to_article(text: str) -> MarkdownArticle:
    """Markdown's text as the corpus keeps it: the markup gone (emphasis, links and code
    marks; entities and escapes read), a paragraph for each paragraph, list item, quoted
    paragraph and code block, every heading level a ``## `` heading. Parsed as CommonMark
    (markdown-it), so that a list or a wrapped line reads as Markdown means it."""
    tokens = _markdown_parser().parse(text)
    blocks: list[str] = []
    title = None
    left_out = []
    for before, token in itertools.pairwise([None, *tokens]):
        line = token.map[0] + 1 if token.map else None
        if token.type == "inline" and before is not None and before.type == "heading_open":
            heading = _plain_text(token)
            if not heading:
                continue  # an empty heading: nothing to keep
            if before.tag == "h1" and not blocks and title is None:
                title = heading
            else:
                blocks.append(HEADING_MARK + heading)
        elif token.type == "inline" and before is not None and before.type == "paragraph_open":
            if any(child.type == "image" for child in token.children or ()):
                left_out.append(f"an image (line {line})")
            blocks.append(_plain_text(token))
        elif token.type in ("fence", "code_block"):
            blocks.append(one_line(token.content))
        elif token.type == "table_open":
            left_out.append(f"a table (line {line})")
        elif token.type == "html_block":
            left_out.append(f"HTML (line {line})")
    markdown = "\n\n".join(b for b in blocks if b) + "\n"
    return MarkdownArticle(markdown, title, left_out)


def _markdown_parser() -> Any:
    """CommonMark with tables (so that a table is found, and left out, not read as text)."""
    try:
        from markdown_it import MarkdownIt
    except ImportError as error:
        raise MissingExtra(
            f"importing Markdown needs {error.name}, from the import extra: {IMPORT_EXTRA}"
        ) from None
    return MarkdownIt("commonmark").enable("table")


def _plain_text(inline: Any) -> str:
    """An inline token's text on one line: text and code kept, line breaks a space, marks,
    images and inline HTML tags dropped (the words between tags are text tokens)."""
    parts = [
        " " if child.type in ("softbreak", "hardbreak") else child.content
        for child in inline.children or ()
        if child.type in ("text", "code_inline", "softbreak", "hardbreak")
    ]
    return one_line("".join(parts))


def read_input(source: Path) -> str:
    """The input's text: UTF-8, at most MAX_FILE_BYTES, a byte-order mark dropped."""
    try:
        data = read_article_file(source)
    except MissingFile:
        raise ImportRefused(f"{source}: no such file") from None
    except UnreadableFile as error:
        raise ImportRefused(f"{source}: {error}") from None
    if b"\0" in data:
        raise ImportRefused(f"{source}: a binary file, not text")
    try:
        text = decode_utf8(data)
    except NotUtf8 as error:
        declared = _declared_charset(source, data)
        if declared is None:
            raise ImportRefused(f"{source}: line {error.line}: {error}") from None
        try:
            text = data.decode(declared)
        except UnicodeDecodeError as wrong:
            raise ImportRefused(
                f"{source}: not {declared}, which the page declares: byte {wrong.start} is"
                f" {data[wrong.start]:#04x}"
            ) from None
    text = FORMATTING_ONLY.sub("", text.removeprefix("\ufeff"))  # "spe\u00adcial" is "special"
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Where a plain text's line ends besides "\n" (to which read_input has turned CR LF and
# CR): the line and paragraph separators, a word processor's line break (VT) and a page
# break (FF). Not str.splitlines's others, U+001C to U+001E and U+0085: control
# characters, refused (U+0085 is in practice a Windows-1252 "…" read as Latin-1).
_LINE_BREAK = re.compile("[\v\f\u2028\u2029]")


def _refuse_unseen(source: Path, text: str) -> None:
    """Refuse an input that holds a character no reader sees, naming its line: taken for
    a line break, or stripped from a line's end as white space, it changed the text
    without a word ("And then…" read as Latin-1 became "And then")."""
    unseen = first_unseen(text)
    if unseen:
        line, what = unseen
        raise ImportRefused(f"{source}: line {line}: {what}")


# <meta charset="..."> or <meta http-equiv="Content-Type" content="...; charset=...">.
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9._:-]+)", re.IGNORECASE)
# Labels that browsers read as Windows-1252 (the WHATWG Encoding standard), as the pages
# that declare them mean them: their quotes and dashes are in 0x80-0x9f.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "l1", "cp819", "ascii", "us-ascii"}


def _declared_charset(source: Path, data: bytes) -> str | None:
    """The charset, other than UTF-8, that a web page declares in its first 1024 bytes
    (where browsers look for it), as Python names it; None when it declares none that
    Python knows."""
    head = data[:1024]
    # Latin-1 reads any bytes, and the markup that tells a page is ASCII.
    if not _is_html(source, head.decode("latin-1")):
        return None
    found = _META_CHARSET.search(head)
    if found is None:
        return None
    label = found.group(1).decode("ascii").lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name == "utf-8" else name


def _is_html(source: Path, text: str) -> bool:
    start = text.lstrip()[:512].lower()
    return source.suffix.lower() in HTML_SUFFIXES or start.startswith(("<!doctype html", "<html"))


def known_organizations(corpus: Path, leaving_out: str | None = None) -> list[KnownOrganization]:
    """The organizations the corpus's articles name, drafts included, with every alias, by
    id (the first article's name and kind, as ``check`` requires them to agree: it holds
    drafts to the rule too, so a batch of imports must agree before any is reviewed).
    Article ``leaving_out`` (the one being imported or reviewed) does not count."""
    found: dict[str, dict[str, Any]] = {}
    try:
        folders = article_folders(corpus)
    except CorpusError:
        return []
    for folder in folders:
        try:
            data = json.loads(read_article_file(folder / ANNOTATIONS_FILE))
        except (UnreadableFile, ValueError, RecursionError):
            continue  # check reports it; an import only reads what it can
        if not isinstance(data, dict) or folder.name == leaving_out:
            continue
        for org in data.get("organizations") or ():
            entry = found.setdefault(
                org["id"],
                {"org": org, "aliases": {}, "articles": 0},
            )
            entry["articles"] += 1
            for alias in org.get("aliases") or ():
                text, any_case = (
                    (alias, False)
                    if isinstance(alias, str)
                    else (alias["text"], alias.get("case_insensitive", False))
                )
                entry["aliases"][text] = entry["aliases"].get(text, False) or any_case
    return [
        KnownOrganization(
            id=org_id,
            name=entry["org"]["name"],
            kind=entry["org"]["kind"],
            aliases=tuple(entry["aliases"].items()),
            same_as=tuple(entry["org"].get("same_as") or ()),
            country=entry["org"].get("country"),
            articles=entry["articles"],
        )
        for org_id, entry in sorted(found.items())
    ]


def _refuse_unsafe_corpus(corpus: Path) -> None:
    package = Path(article_data_api.__file__).resolve().parent
    if corpus.resolve().is_relative_to(package):
        raise ImportRefused(
            f"{corpus} is inside the installed package ({package}): import into a corpus"
            " folder of your own, named with --corpus or ARTICLE_DATA_DIR"
        )


def _title_id(title: str) -> str:
    """An id from a title: its slug, cut at a word within the slug limit."""
    slug = slugify(title)
    if len(slug) > SLUG_MAX_LENGTH:
        slug = slug[: SLUG_MAX_LENGTH + 1].rsplit("-", 1)[0]
    return slug


def import_article(
    source: Path,
    corpus: Path,
    *,
    article_id: str | None = None,
    title: str | None = None,
    heading_lines: set[int] | None = None,
    force: bool = False,
) -> Imported:
    """Write ``corpus/articles/<id>/`` as a draft with suggestions; with ``force``, move
    an existing folder to ``corpus/backups/`` first. Raises ImportRefused rather than
    write anything unsafe or invalid."""
    _refuse_unsafe_corpus(corpus)
    text = read_input(source)
    page: WebPage | None = None
    left_out: list[str] = []
    if _is_html(source, text):
        if heading_lines:
            raise ImportRefused("--heading-line is for plain text; a page marks its headings")
        try:
            page = read_page(text)
        except ValueError as error:
            raise ImportRefused(f"{source}: {error}") from None
        markdown = page.markdown
    elif source.suffix.lower() in MARKDOWN_SUFFIXES:
        _refuse_unseen(source, text)
        if heading_lines:
            raise ImportRefused("--heading-line is for plain text; Markdown marks its headings")
        parsed = markdown_to_article(text)
        markdown, left_out = parsed.markdown, parsed.left_out
        if not markdown.strip():
            raise ImportRefused(f"{source}: no text besides its title")
        title = title or parsed.title
    else:
        text = _LINE_BREAK.sub("\n", text)
        _refuse_unseen(source, text)
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if not lines:
            raise ImportRefused(f"{source}: no text")
        outside = sorted(n for n in heading_lines or () if not 1 <= n <= len(lines))
        if outside:
            raise ImportRefused(
                f"--heading-line {outside[0]}: the text's lines are 1 to {len(lines)}"
            )
        markdown = to_markdown(lines, heading_lines)
    try:
        sections = parse_sections(markdown)
    except TextFormatError as error:
        raise ImportRefused(f"{source}: {error}") from None
    title = title or (page.title if page else None)
    article_id = article_id or _title_id(title or source.stem)
    if not is_slug(article_id):
        raise ImportRefused(f"--id {article_id!r}: {SLUG_ERROR}")
    annotations = draft_annotations(sections, page, title, corpus, article_id)
    annotations, dropped = _validated(article_id, markdown, annotations)
    folder = corpus / "articles" / article_id
    backup = _make_room(folder, corpus, article_id, force)
    folder.mkdir(parents=True)
    (folder / TEXT_FILE).write_text(markdown, "utf-8")
    (folder / ANNOTATIONS_FILE).write_text(
        json.dumps(annotations, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    return Imported(folder, sections, annotations, backup, dropped, left_out)


def draft_annotations(
    sections: list[ParsedSection],
    page: WebPage | None,
    title: str | None,
    corpus: Path,
    article_id: str,
) -> dict[str, Any]:
    """The draft's annotations: metadata from the page, suggestions from the text."""
    published = page.published if page else None
    url = page.canonical_url if page else None
    organizations = suggest_organizations(sections, known_organizations(corpus, article_id))
    events = suggest_events(sections, published)
    return {
        "status": "draft",
        "title": title or headline(sections[0].paragraphs[0]),
        "title_is_editorial": title is None,
        "language": (page.language if page else None) or "en",
        "source_url": url,
        "published": None
        if published is None
        else {"value": published, "sources": [url] if url else []},
        "publisher": None if not page or not page.publisher else {"name": page.publisher},
        "authors": [{"name": name} for name in (page.authors if page else ())],
        "sample": False,
        "organizations": organizations,
        "events": events,
        "about": [],
    }


def _loaded(article_id: str, markdown: str, annotations: dict[str, Any]) -> Article | list[Problem]:
    """The article as ``check`` loads it, or its problems, from a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / article_id
        folder.mkdir()
        (folder / TEXT_FILE).write_text(markdown, "utf-8")
        (folder / ANNOTATIONS_FILE).write_text(json.dumps(annotations), "utf-8")
        try:
            return load_article(folder, Path(scratch))
        except CorpusError as error:
            return error.problems


def problems_of(article_id: str, markdown: str, annotations: dict[str, Any]) -> list[Problem]:
    """What ``check`` would say of this article."""
    loaded = _loaded(article_id, markdown, annotations)
    return loaded if isinstance(loaded, list) else []


def _validated(
    article_id: str, markdown: str, annotations: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The annotations with each event linked to the organizations its quote mentions,
    and without any suggestion that would not validate (a name claimed twice, a quote
    that repeats...): the draft always passes ``check``. Returns what was left out."""
    dropped: list[str] = []
    # Each round leaves out at least one alias, organization or event.
    aliases = sum(len(org["aliases"]) for org in annotations["organizations"])
    for _ in range(aliases + len(annotations["organizations"]) + len(annotations["events"]) + 2):
        loaded = _loaded(article_id, markdown, annotations)
        if isinstance(loaded, list):
            annotations = _without_failing(annotations, loaded, dropped)
            continue
        linked = _link_organizations(annotations, loaded)
        if linked == annotations:
            return annotations, dropped
        annotations = linked
    raise ImportRefused(f"the suggestions would not validate: {dropped}")


def _link_organizations(annotations: dict[str, Any], article: Article) -> dict[str, Any]:
    """Each event linked to every organization mentioned inside its quote."""
    events = []
    for event, loaded in zip(annotations["events"], article.events, strict=True):
        quote = loaded.evidence
        inside = [
            org.id
            for org in article.organizations
            if any(
                (m.section_id, m.paragraph) == (quote.section_id, quote.paragraph)
                and quote.start <= m.start
                and m.end <= quote.end
                for m in org.mentions
            )
        ]
        events.append({**event, "organizations": inside})
    return {**annotations, "events": events}


# An alias the text never uses on its own (a corpus's alias "Mistral" where the article
# only writes "Mistral AI"): the alias goes, not the organization.
_ALIAS_PROBLEM = re.compile(r"organizations\[(\d+)\]\.aliases\[(\d+)\]\.text")


def _without_failing(
    annotations: dict[str, Any], problems: list[Problem], dropped: list[str]
) -> dict[str, Any]:
    """The annotations without the aliases the problems point at, if any; else without
    the organizations and events they point at."""
    unused: dict[int, set[int]] = {}
    for problem in problems:
        found = _ALIAS_PROBLEM.fullmatch(problem.path)
        if found:
            unused.setdefault(int(found.group(1)), set()).add(int(found.group(2)))
    if unused:  # the next round validates again, with the organizations' other forms
        organizations = []
        for i, org in enumerate(annotations["organizations"]):
            gone = unused.get(i, set())
            dropped += [
                f"{org['name']!r}: alias {alias['text']!r} left out: it never occurs on its own"
                for j, alias in enumerate(org["aliases"])
                if j in gone
            ]
            kept = [alias for j, alias in enumerate(org["aliases"]) if j not in gone]
            organizations.append({**org, "aliases": kept})
        return {**annotations, "organizations": organizations}
    failing: dict[str, set[int]] = {"organizations": set(), "events": set()}
    for problem in problems:
        match = re.match(r"(organizations|events)\[(\d+)\]", problem.path)
        if match is None:
            # Its field, not its file: the file is a scratch copy nobody will find.
            where = f"{problem.path}: " if problem.path else ""
            raise ImportRefused(f"the draft would not validate: {where}{problem.message}")
        failing[match.group(1)].add(int(match.group(2)))
    kept_orgs = [
        org
        for i, org in enumerate(annotations["organizations"])
        if i not in failing["organizations"]
    ]
    kept_ids = {org["id"] for org in kept_orgs}
    dropped += [
        f"{annotations['organizations'][i]['name']!r}: {p.message}"
        for p in problems
        for i in failing["organizations"]
        if p.path.startswith(f"organizations[{i}]")
    ]
    dropped += [
        f"event {annotations['events'][i]['id']!r}: {p.message}"
        for p in problems
        for i in failing["events"]
        if p.path.startswith(f"events[{i}]")
    ]
    events = [
        {**event, "organizations": [o for o in event["organizations"] if o in kept_ids]}
        for i, event in enumerate(annotations["events"])
        if i not in failing["events"]
    ]
    return {**annotations, "organizations": kept_orgs, "events": events}


def _make_room(folder: Path, corpus: Path, article_id: str, force: bool) -> Path | None:
    """Refuse to replace ``folder`` without ``force``; with it, move the folder into a
    backup folder of its own under ``corpus/backups/`` (unique even for two imports in
    the same second, so backups never nest) and return that."""
    if not folder.exists() and not folder.is_symlink():
        return None
    if not force:
        raise ImportRefused(f"{folder} exists: use --force to replace it (it is backed up)")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (corpus / BACKUPS).mkdir(parents=True, exist_ok=True)
    backup = Path(tempfile.mkdtemp(prefix=f"{article_id}-{stamp}-", dir=corpus / BACKUPS))
    shutil.move(folder, backup / article_id)
    return backup / article_id
