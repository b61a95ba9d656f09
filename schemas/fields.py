"""Field types and vocabularies shared by the input and output schemas."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, validate

# The one slug rule: the URL converter, the schemas, the loader and the importer use it.
SLUG_REGEX = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# Anchored for JSON Schema, where ``$`` is the end of the string (in Python it would also
# accept a trailing newline, so Python code calls is_slug, which uses fullmatch).
SLUG_PATTERN = f"^{SLUG_REGEX}$"
SLUG_MAX_LENGTH = 100
_SLUG = re.compile(SLUG_REGEX)
SLUG_ERROR = f"must be a lower-case slug like 'mistral-ai', at most {SLUG_MAX_LENGTH} characters"
PARTIAL_DATE_REGEX = r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
PARTIAL_DATE_PATTERN = f"^{PARTIAL_DATE_REGEX}$"
_PARTIAL_DATE = re.compile(PARTIAL_DATE_REGEX)

# Of the invisible characters below, those that carry no meaning in stored text (the
# soft hyphen, zero-width space and word joiner): an import drops them.
_FORMATTING_ONLY = "\u00ad\u200b\u2060"
FORMATTING_ONLY = re.compile(f"[{_FORMATTING_ONLY}]")
# Characters no reader sees: C0 and C1 controls (a tab aside), U+FEFF (the byte-order
# mark some editors write first), and the format characters that hide inside a word or
# turn text around: those above, the invisible operators, and the bidirectional marks,
# embeddings, overrides and isolates. Served verbatim, one would shift every offset after
# it, split a word so that search and the mentions miss it ("spe\u00adcial"), or show
# text in another order than it is stored, so neither the article text nor its
# annotations may hold one. The zero-width joiner and non-joiner stay: scripts and emoji
# need them.
INVISIBLE = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMATTING_ONLY}\u200e\u200f\u202a-\u202e\u2061-\u2064"
    "\u2066-\u2069\ufeff]"
)

ORGANIZATION_KINDS = (
    "company",
    "coalition",
    "research-lab",
    "university",
    "nonprofit",
    "government",
    "media",
    "other",
)
EVENT_STATUSES = ("past", "announced", "ongoing", "anticipated")
MENTION_FORMS = ("name", "alias", "reference")
DATE_PRECISIONS = ("year", "month", "day")
DATE_CONFIDENCES = ("stated-in-article", "single-source", "confirmed", "inferred")
ARTICLE_STATUSES = ("published", "draft")


def is_slug(text: str) -> bool:
    """Whether ``text`` is a slug id: lower-case words of a-z and 0-9 joined by hyphens."""
    return len(text) <= SLUG_MAX_LENGTH and _SLUG.fullmatch(text) is not None


def validate_slug(text: str) -> None:
    if not is_slug(text):
        raise ValidationError(SLUG_ERROR)


class Slug(fields.String):
    """A lower-case, hyphenated identifier such as ``mistral-ai``."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "minLength": 1,
            "maxLength": SLUG_MAX_LENGTH,
            "pattern": SLUG_PATTERN,
            **kwargs.pop("metadata", {}),
        }
        super().__init__(validate=validate_slug, metadata=metadata, **kwargs)


class PartialDate(fields.String):
    """An ISO 8601 calendar date at year, month or day precision: 2026, 2026-03, 2026-03-16."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": PARTIAL_DATE_PATTERN, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _PARTIAL_DATE.fullmatch(text) is None:
            raise ValidationError("must be YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = [*text.split("-"), "01", "01"][:3]
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(f"not a calendar date: {error}") from error
        return text


def date_precision(value: str) -> str:
    """The precision of a partial ISO date, derived from its length."""
    return DATE_PRECISIONS[value.count("-")]


_QUERY_INTEGER = re.compile("-?[0-9]+")


class QueryInteger(fields.Integer):
    """An integer as a URL writes it: ASCII digits, after a minus sign at most. Python's
    ``int``, which marshmallow's Integer calls, would also take ``+5``, `` 5``, ``0_5``
    and other scripts' digits (``\\u0665``), none of which an OpenAPI integer is."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and _QUERY_INTEGER.fullmatch(value) is None:
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class QueryBoolean(fields.Boolean):
    """A boolean as OpenAPI writes one in a query: ``true`` or ``false``, nothing else
    (marshmallow's Boolean would also take yes, on, 1, t and their capitals). Python's
    own booleans pass too, for code that loads arguments it made."""

    truthy = frozenset({"true", True})
    falsy = frozenset({"false", False})
    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Not a valid boolean: use true or false."
    }


class Choice(validate.OneOf):
    """marshmallow's OneOf, whose error also offers the closest choice: a typo in a query
    (``sort=articels``) is answered "Did you mean 'articles'?", as unknown parameters and
    ids are."""

    def _format_error(self, value: Any) -> str:
        message = super()._format_error(value)
        choices = [str(choice) for choice in self.choices]
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        return f"{message} Did you mean {close[0]!r}?" if close else message


class OneLine(validate.Validator):
    """Text served as written, or found in the article's text (a title, a name, a quote):
    one line, as each paragraph and heading is, not blank, no white space at either end
    and no character a reader cannot see."""

    def __call__(self, value: str) -> str:
        if not value.strip():
            raise ValidationError("must not be blank")
        if "\n" in value:
            raise ValidationError("must be one line, as each paragraph and heading is")
        if value != value.strip():
            raise ValidationError("must not start or end with white space")
        invisible = INVISIBLE.search(value)
        if invisible:
            raise ValidationError(
                f"holds U+{ord(invisible.group()):04X}, a character no reader sees"
            )
        return value
