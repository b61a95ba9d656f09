"""Turn a plain-text article into a corpus folder (plain Python, no Flask).

The text has one paragraph per line. Headings are found by rule (see HEADING_RULE) or
given by line number. The import writes ``article.md`` with the headings marked, an
``annotations.json`` skeleton, and ``organization-candidates.json``: capitalized names
found by rule, with every position, for a person to confirm into the annotations.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from article_data_api.corpus.loader import ANNOTATIONS_FILE, TEXT_FILE
from article_data_api.corpus.text import HEADING_MARK, ParsedSection, parse_sections
from article_data_api.schemas.fields import SLUG_ERROR, is_slug

CANDIDATES_FILE = "organization-candidates.json"
MAX_HEADING_CHARACTERS = 80
MAX_HEADING_WORDS = 12
SENTENCE_END = tuple(".!?:;,…")
CLOSERS = "\"'”’)]»"
HEADING_RULE = (
    "A line is a heading when it is neither the first nor the last line, has at most"
    f" {MAX_HEADING_CHARACTERS} characters and {MAX_HEADING_WORDS} words, and does not end"
    " with sentence punctuation (. ! ? : ; , …), closing quotes aside."
)
# A capitalized run of words, joined by a few lower-case connectors: "Bank of England".
# Not "and", which joins two names as often as it belongs to one.
NAME = re.compile(r"[A-Z][\w&’'-]*(?:\s+(?:(?:of|for|de|du)\s+)?[A-Z][\w&’'-]*)*")
FUNCTION_WORDS = frozenset(
    [
        "A",
        "An",
        "And",
        "As",
        "At",
        "But",
        "By",
        "For",
        "From",
        "How",
        "If",
        "In",
        "It",
        "Its",
        "Now",
        "Of",
        "On",
        "Or",
        "So",
        "The",
        "Then",
        "These",
        "This",
        "Those",
        "To",
        "What",
        "When",
        "Where",
        "Which",
        "While",
        "Who",
        "Why",
        "With",
        "Yet",
    ]
)


class ImportRefused(Exception):
    """The import would overwrite an article, or its input is unusable."""


@dataclass(frozen=True)
class Imported:
    folder: Path
    sections: list[ParsedSection]
    candidates: list[dict]
    backup: Path | None


def is_heading(line: str) -> bool:
    """The heading rule, for a line that is neither the first nor the last."""
    ending = line.rstrip(CLOSERS)
    return (
        len(line) <= MAX_HEADING_CHARACTERS
        and len(line.split()) <= MAX_HEADING_WORDS
        and not ending.endswith(SENTENCE_END)
    )


def to_markdown(lines: list[str], heading_lines: set[int] | None = None) -> str:
    """The article text with headings marked; ``heading_lines`` (1-based) replaces the rule."""
    if heading_lines is None:
        heading_lines = {n for n in range(2, len(lines)) if is_heading(lines[n - 1])}
    blocks = [
        HEADING_MARK + line if number in heading_lines else line
        for number, line in enumerate(lines, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def organization_candidates(sections: list[ParsedSection]) -> list[dict]:
    """Capitalized names in the paragraphs, most frequent first, with their positions."""
    found: dict[str, list[dict]] = {}
    for section in sections:
        for paragraph, text in enumerate(section.paragraphs):
            for match in NAME.finditer(text):
                name, start = _trimmed(match.group(), match.start())
                if name and not _sentence_word(name, text, start):
                    found.setdefault(name, []).append(
                        {
                            "section_id": section.id,
                            "paragraph": paragraph,
                            "start": start,
                            "end": start + len(name),
                        }
                    )
    return [
        {"name": name, "occurrences": len(positions), "positions": positions}
        for name, positions in sorted(found.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


def _trimmed(name: str, start: int) -> tuple[str, int]:
    """Without a leading function word ("The") or a trailing possessive."""
    first, _, rest = name.partition(" ")
    if first in FUNCTION_WORDS and rest:
        name, start = rest, start + len(first) + 1
    name = re.sub(r"[’']s$", "", name)
    return ("" if name in FUNCTION_WORDS else name), start


def _sentence_word(name: str, text: str, start: int) -> bool:
    """A single ordinary word capitalized only because it starts a sentence."""
    if " " in name or name.isupper():
        return False
    before = text[:start].rstrip()
    return not before or before.endswith(SENTENCE_END[:3])


def import_article(
    text_file: Path,
    article_id: str,
    corpus: Path,
    *,
    title: str | None = None,
    heading_lines: set[int] | None = None,
    force: bool = False,
) -> Imported:
    """Write ``corpus/articles/<article_id>/``; with ``force``, move an existing folder to
    ``corpus/backups/`` first. Raises ImportRefused rather than overwrite."""
    if not is_slug(article_id):
        raise ImportRefused(f"--id {article_id!r}: {SLUG_ERROR}")
    lines = [line.strip() for line in text_file.read_text("utf-8").splitlines() if line.strip()]
    if not lines:
        raise ImportRefused(f"{text_file}: no text")
    if heading_lines and max(heading_lines) > len(lines):
        raise ImportRefused(f"--heading-line {max(heading_lines)}: the text has {len(lines)} lines")
    markdown = to_markdown(lines, heading_lines)
    sections = parse_sections(markdown)
    folder = corpus / "articles" / article_id
    backup = None
    if folder.exists():
        if not force:
            raise ImportRefused(f"{folder} exists: use --force to replace it (it is backed up)")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = corpus / "backups" / f"{article_id}-{stamp}"
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(folder, backup)
    folder.mkdir(parents=True)
    (folder / TEXT_FILE).write_text(markdown, "utf-8")
    skeleton = {
        "title": title or article_id.replace("-", " ").capitalize(),
        "title_is_editorial": title is None,
        "language": "en",
        "source_url": None,
        "published": None,
        "sample": False,
        "organizations": [],
        "events": [],
        "about": [],
    }
    (folder / ANNOTATIONS_FILE).write_text(json.dumps(skeleton, indent=2) + "\n", "utf-8")
    candidates = organization_candidates(sections)
    (folder / CANDIDATES_FILE).write_text(
        json.dumps(candidates, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    return Imported(folder, sections, candidates, backup)
