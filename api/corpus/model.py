"""The loaded corpus as plain, immutable Python objects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Self

from article_data_api.schemas.fields import date_precision


@dataclass(frozen=True)
class DateInfo:
    """A date at the precision its evidence allows, or a relative label."""

    value: str | None
    label: str | None
    sources: tuple[str, ...]
    inferred: bool = False

    @property
    def precision(self) -> str | None:
        return None if self.value is None else date_precision(self.value)

    @property
    def confidence(self) -> str | None:
        """Derived from the sources: none means the article states the date itself, unless
        it was inferred from a relative label and the publication date."""
        if self.value is None:
            return None
        if self.inferred:
            return "inferred"
        if not self.sources:
            return "stated-in-article"
        return "single-source" if len(self.sources) == 1 else "confirmed"


@dataclass(frozen=True)
class TextSpan:
    """Where a string sits: ``paragraph`` is an index into the section's paragraphs,
    or None for its heading; ``start``/``end`` are code-point offsets into that text, and
    ``start_utf16``/``end_utf16`` the same places in UTF-16 code units (JavaScript's)."""

    section_id: str
    paragraph: int | None
    start: int
    end: int
    text: str
    start_utf16: int
    end_utf16: int

    @classmethod
    def within(
        cls, section_id: str, paragraph: int | None, whole: str, start: int, end: int, **more: Any
    ) -> Self:
        """The span of ``whole[start:end]`` (with the ``more`` fields of a subclass)."""
        return cls(
            section_id,
            paragraph,
            start,
            end,
            whole[start:end],
            utf16_offset(whole, start),
            utf16_offset(whole, end),
            **more,
        )


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 offset of code point ``index`` of ``text``: one more for each code
    point beyond the Basic Multilingual Plane before it (an emoji, say)."""
    if text.isascii():
        return index
    return index + sum(1 for character in text[:index] if ord(character) > 0xFFFF)


@dataclass(frozen=True)
class Mention(TextSpan):
    """A place where an article names or refers to an organization: by its ``name``, an
    ``alias`` (another name), or a ``reference`` (a descriptive phrase, "the French
    startup", curated at this very place)."""

    form: str = "name"


@dataclass(frozen=True)
class Agent:
    """A publisher or an author."""

    name: str
    url: str | None


@dataclass(frozen=True)
class Section:
    id: str
    position: int
    heading: str | None
    paragraphs: tuple[str, ...]

    @cached_property  # read by the section, the article and its summary
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class ArticleOrganization:
    """An organization as one article presents it (dumped by ArticleOrganizationSchema)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    description: str
    country: str | None
    role: str
    same_as: tuple[str, ...]
    mentions: tuple[Mention, ...]
    unnamed: bool = False
    suggested: bool = False

    @property
    def mention_count(self) -> int:
        return len(self.mentions)


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    description: str
    status: str
    date: DateInfo
    organizations: tuple[str, ...]
    evidence: TextSpan
    suggested: bool = False


@dataclass(frozen=True)
class Counts:
    sections: int
    paragraphs: int
    words: int
    organizations: int
    mentions: int
    events: int


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    title_is_editorial: bool
    language: str
    source_url: str | None
    published: DateInfo | None
    publisher: Agent | None
    authors: tuple[Agent, ...]
    sample: bool
    sections: tuple[Section, ...]
    organizations: tuple[ArticleOrganization, ...]
    events: tuple[Event, ...]
    about: tuple[str, ...]
    status: str = "published"

    @cached_property  # read by the article and its summary
    def counts(self) -> Counts:
        return Counts(
            sections=len(self.sections),
            paragraphs=sum(len(s.paragraphs) for s in self.sections),
            words=sum(s.word_count for s in self.sections),
            organizations=len(self.organizations),
            mentions=sum(o.mention_count for o in self.organizations),
            events=len(self.events),
        )


@dataclass(frozen=True)
class Organization:
    """An organization across the corpus (dumped by OrganizationSchema, with the articles
    that name it first)."""

    id: str
    name: str
    kind: str
    same_as: tuple[str, ...]
    article_count: int
    mention_count: int


@dataclass(frozen=True)
class OrganizationArticle:
    """An article as listed under an organization it names (OrganizationArticleSchema)."""

    article: Article
    mention_count: int
