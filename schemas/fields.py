"""Field types and vocabularies shared by the input and output schemas."""

from __future__ import annotations

import datetime as dt
import re

from marshmallow import ValidationError, fields, validate

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX_LENGTH = 100
PARTIAL_DATE_PATTERN = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"

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
DATE_PRECISIONS = ("year", "month", "day")
DATE_CONFIDENCES = ("stated-in-article", "single-source", "confirmed")


class Slug(fields.String):
    """A lower-case, hyphenated identifier such as ``mistral-ai``."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            validate=[
                validate.Length(min=1, max=SLUG_MAX_LENGTH),
                validate.Regexp(SLUG_PATTERN, error="must be a lower-case slug like 'mistral-ai'"),
            ],
            **kwargs,
        )


class PartialDate(fields.String):
    """An ISO 8601 calendar date at year, month or day precision: 2026, 2026-03, 2026-03-16."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            validate=validate.Regexp(
                PARTIAL_DATE_PATTERN, error="must be YYYY, YYYY-MM or YYYY-MM-DD"
            ),
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if re.match(PARTIAL_DATE_PATTERN, text):
            year, month, day = [*text.split("-"), "01", "01"][:3]
            try:
                dt.date(int(year), int(month), int(day))
            except ValueError as error:
                raise ValidationError(f"not a calendar date: {error}") from error
        return text


def date_precision(value: str) -> str:
    """The precision of a partial ISO date, derived from its length."""
    return DATE_PRECISIONS[value.count("-")]
