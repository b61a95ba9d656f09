"""Parse an article's Markdown text into sections of verbatim paragraphs.

The format is deliberately narrow so that parsing is exact and reversible:
blocks are separated by one blank line, a block is a single line, a block that
starts with ``## `` is a heading and every other block is a paragraph. A block that
starts as a Markdown heading of another level (``# ``, ``### ``...: hashes, then a
space or nothing) is refused; one that starts with a hashtag (``#MeToo``) is a
paragraph. The paragraphs before the first heading form the lead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from article_data_api.schemas.fields import INVISIBLE

HEADING_MARK = "## "
# A Markdown (ATX) heading of any level: one to six hashes, then a space or the end.
_ANY_HEADING = re.compile(r"#{1,6}(?: |$)")
LEAD_SECTION_ID = "lead"


class TextFormatError(ValueError):
    """The article text breaks the format; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ParsedSection:
    id: str
    heading: str | None
    paragraphs: tuple[str, ...]


def one_line(text: str) -> str:
    """An imported block's text on one line: its line breaks and runs of spaces are the
    source's layout, not text."""
    return re.sub(r"\s+", " ", text).strip()


def slugify(text: str) -> str:
    """Lower-case ASCII slug: 'What It's For' -> 'what-its-for'; a Latin letter of its own
    as the letter it looks like ('Straße' -> 'strasse', 'Ørsted' -> 'orsted'), as names
    are sorted."""
    ascii_text = alphabetical(text).encode("ascii", "ignore").decode()
    without_apostrophes = re.sub(r"['\u2019]", "", ascii_text)
    return re.sub(r"[^a-z0-9]+", "-", without_apostrophes).strip("-")


# Latin letters that are letters of their own, not a letter and a mark: an index sorts
# them beside the letter they look like.
_OWN_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "ı": "i"}
)


def alphabetical(name: str) -> str:
    """The key that sorts names as an index does, case and accents aside: "Électricité de
    France" among the E's, "Ørsted" among the O's (by code point both came after z)."""
    if name.isascii():  # nothing to fold; an article's list sorts by it per request
        return name.casefold()
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).translate(_OWN_LETTERS)


def _blocks(text: str) -> list[tuple[int, str]]:
    """Split text into (line number, block) pairs, enforcing the block rules."""
    if "\r" in text:
        raise TextFormatError(text[: text.index("\r")].count("\n") + 1, "carriage return found")
    unseen = first_unseen(text)
    if unseen:
        raise TextFormatError(*unseen)
    if not text.endswith("\n") or text.endswith("\n\n"):
        raise TextFormatError(text.count("\n") + 1, "the file must end with exactly one newline")
    blocks = []
    line = 1
    for block in text[:-1].split("\n\n"):
        if block == "" or block.startswith("\n"):
            raise TextFormatError(line, "blocks are separated by exactly one blank line")
        if "\n" in block:
            raise TextFormatError(line + 1, "a paragraph or heading must be a single line")
        if block != block.strip():
            raise TextFormatError(line, "leading or trailing white space")
        blocks.append((line, block))
        line += 2
    return blocks


def first_unseen(text: str) -> tuple[int, str] | None:
    """The line (from 1) of the first character in ``text`` that no reader sees, and
    what it is; None when there is none."""
    found = INVISIBLE.search(text)
    if found is None:
        return None
    return text[: found.start()].count("\n") + 1, _unseen(found)


def _unseen(found: re.Match) -> str:
    character = found.group()
    code = ord(character)
    if unicodedata.category(character) == "Cc":
        # C1 controls are what Windows-1252's quotes, dashes and "…" become in Latin-1.
        hint = " (Windows-1252 read as Latin-1?)" if 0x80 <= code <= 0x9F else ""
        return f"control character U+{code:04X} in the text{hint}"
    if character != "\ufeff":
        return f"invisible U+{code:04X} ({unicodedata.name(character)}) in the text"
    if found.start() == 0:
        return "the file starts with a byte-order mark (U+FEFF): save it as UTF-8 without one"
    return "invisible U+FEFF in the text"


def parse_sections(text: str) -> list[ParsedSection]:
    """Parse the article text; raise TextFormatError on the first problem."""
    sections: list[ParsedSection] = []
    used_ids: set[str] = set()
    heading: str | None = None
    section_id = LEAD_SECTION_ID
    heading_line = 0
    paragraphs: list[str] = []

    def close_section() -> None:
        if heading is not None and not paragraphs:
            raise TextFormatError(heading_line, f"heading {heading!r} has no paragraphs")
        if paragraphs:
            sections.append(ParsedSection(section_id, heading, tuple(paragraphs)))
            used_ids.add(section_id)

    for line, block in _blocks(text):
        if _ANY_HEADING.match(block):
            if not block.startswith(HEADING_MARK):
                raise TextFormatError(line, "only level-2 headings ('## ') are allowed")
            close_section()
            heading = block[len(HEADING_MARK) :]
            heading_line = line
            section_id = _unique(slugify(heading) or "section", used_ids)
            paragraphs = []
        else:
            paragraphs.append(block)
    close_section()
    if not sections:
        raise TextFormatError(1, "the article has no paragraphs")
    return sections


def _unique(slug: str, used: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
