"""The curated ``annotations.json`` of each article: metadata, organizations and events.

Loading rejects unknown fields (marshmallow's default ``RAISE``). Checks that need
only the annotations live here; checks against the article text live in the loader.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from article_data_api.schemas.fields import (
    ARTICLE_STATUSES,
    EVENT_STATUSES,
    ORGANIZATION_KINDS,
    Choice,
    OneLine,
    PartialDate,
    Slug,
)


def add_error(errors: dict, path: Iterable[str | int], message: str) -> None:
    """Record ``message`` at ``path`` in a marshmallow-style nested error dict."""
    *parents, leaf = path
    node = errors
    for key in parents:
        node = node.setdefault(key, {})
    node.setdefault(leaf, []).append(message)


class SuggestionFieldsSchema(Schema):
    """What marks an organization or event as an import's suggestion, kept apart from
    curated data until someone reviews it."""

    suggested = fields.Boolean(
        load_default=False,
        metadata={"description": "True for a suggestion an import made, not yet reviewed"},
    )
    reason = fields.String(
        load_default=None,
        validate=OneLine(),
        metadata={"description": "Why the import suggested it"},
    )


class DateAnnotationSchema(Schema):
    """When an event happened, as precisely as the evidence allows."""

    value = PartialDate(required=True, allow_none=True)
    label = fields.String(load_default=None, validate=OneLine())
    sources = fields.List(fields.Url(), load_default=list)
    inferred = fields.Boolean(
        load_default=False,
        metadata={
            "description": 'True when the value was worked out from the label ("last'
            " month\") and the article's publication date, not stated"
        },
    )

    @validates_schema
    def check_undated(self, data: dict, **kwargs: Any) -> None:
        if data["value"] is None and data["label"] is None:
            raise ValidationError("an undated event needs a relative label", "label")
        if data["value"] is None and data["sources"]:
            raise ValidationError("sources are only for a date value", "sources")
        if data["inferred"] and (data["value"] is None or data["label"] is None):
            raise ValidationError(
                "an inferred date has a value and the label it came from", "inferred"
            )


class AliasAnnotationSchema(Schema):
    """Another name the article uses, found wherever it occurs (as a whole word)."""

    text = fields.String(required=True, validate=OneLine())
    case_insensitive = fields.Boolean(load_default=False)

    @pre_load
    def from_text(self, data: Any, **kwargs: Any) -> Any:
        """An alias may be written as its text alone."""
        return {"text": data} if isinstance(data, str) else data


class ReferenceAnnotationSchema(Schema):
    """A descriptive phrase ("the French startup") that refers to the organization at one
    place only: ``quote`` is a verbatim excerpt of one paragraph or heading that holds the
    phrase once. Its offsets are derived."""

    text = fields.String(required=True, validate=OneLine())
    quote = fields.String(required=True, validate=OneLine())

    @validates_schema
    def check_in_quote(self, data: dict, **kwargs: Any) -> None:
        if data["quote"].count(data["text"]) != 1:
            raise ValidationError("the quote must hold the text exactly once", "quote")


class OrganizationAnnotationSchema(SuggestionFieldsSchema):
    id = Slug(required=True)
    name = fields.String(required=True, validate=OneLine())
    unnamed = fields.Boolean(
        load_default=False,
        metadata={"description": "True when the article never names it, only refers to it"},
    )
    aliases = fields.List(fields.Nested(AliasAnnotationSchema), load_default=list)
    references = fields.List(fields.Nested(ReferenceAnnotationSchema), load_default=list)
    kind = fields.String(required=True, validate=Choice(ORGANIZATION_KINDS))
    description = fields.String(required=True, validate=OneLine())
    country = fields.String(load_default=None, validate=OneLine())
    role = fields.String(required=True, validate=OneLine())
    same_as = fields.List(fields.Url(), load_default=list)


class AgentAnnotationSchema(Schema):
    """A publisher or an author, as far as the annotations know them."""

    name = fields.String(required=True, validate=OneLine())
    url = fields.Url(load_default=None)


class EvidenceAnnotationSchema(Schema):
    quote = fields.String(required=True, validate=OneLine())


class EventAnnotationSchema(SuggestionFieldsSchema):
    id = Slug(required=True)
    title = fields.String(required=True, validate=OneLine())
    description = fields.String(required=True, validate=OneLine())
    status = fields.String(required=True, validate=Choice(EVENT_STATUSES))
    date = fields.Nested(DateAnnotationSchema, required=True)
    organizations = fields.List(
        Slug(),
        required=True,
        metadata={"description": "Each one must be mentioned in the evidence quote"},
    )
    evidence = fields.Nested(EvidenceAnnotationSchema, required=True)


class AnnotationsSchema(Schema):
    status = fields.String(
        load_default="published",
        validate=Choice(ARTICLE_STATUSES),
        metadata={
            "description": "draft: imported, under review, and served only by a server"
            " started with SERVE_DRAFTS=1"
        },
    )
    title = fields.String(required=True, validate=OneLine())
    title_is_editorial = fields.Boolean(load_default=False)
    language = fields.String(
        load_default="en", validate=validate.Regexp(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")
    )
    source_url = fields.Url(load_default=None)
    published = fields.Nested(DateAnnotationSchema, load_default=None)
    publisher = fields.Nested(AgentAnnotationSchema, load_default=None)
    authors = fields.List(fields.Nested(AgentAnnotationSchema), load_default=list)
    sample = fields.Boolean(load_default=False)
    organizations = fields.List(fields.Nested(OrganizationAnnotationSchema), required=True)
    events = fields.List(fields.Nested(EventAnnotationSchema), required=True)
    about = fields.List(Slug(), load_default=list, metadata={"description": "Main subjects"})

    @validates_schema
    def check_references(self, data: dict, **kwargs: Any) -> None:
        errors: dict = {}
        for collection in ("organizations", "events"):
            seen: set[str] = set()
            for i, item in enumerate(data[collection]):
                if item["id"] in seen:
                    add_error(errors, (collection, i, "id"), f"duplicate id {item['id']!r}")
                seen.add(item["id"])
        known = {org["id"] for org in data["organizations"]}
        # Every name and alias, by its case-folded text: (organization, text, any case).
        claimed: dict[str, list[tuple[str, str, bool]]] = {}
        for i, org in enumerate(data["organizations"]):
            forms = [(("name",), org["name"], False)]
            forms += [
                (("aliases", j, "text"), alias["text"], alias["case_insensitive"])
                for j, alias in enumerate(org["aliases"])
            ]
            for path, form, any_case in forms:
                earlier = claimed.setdefault(form.casefold(), [])
                owner = next(
                    (
                        o
                        for o, text, other_any_case in earlier
                        if text == form or any_case or other_any_case
                    ),
                    None,
                )
                if owner is not None:
                    add_error(
                        errors,
                        ("organizations", i, *path),
                        f"{form!r} is already a name or alias of {owner!r}",
                    )
                earlier.append((org["id"], form, any_case))
        for i, org_id in enumerate(data["about"]):
            if org_id not in known:
                add_error(errors, ("about", i), f"unknown organization {org_id!r}")
        if data["status"] == "published":
            for collection in ("organizations", "events"):
                for i, item in enumerate(data[collection]):
                    if item["suggested"]:
                        add_error(
                            errors,
                            (collection, i, "suggested"),
                            "a published article holds no suggestions: review it first",
                        )
        for collection in ("organizations", "events"):
            for i, item in enumerate(data[collection]):
                if item["reason"] is not None and not item["suggested"]:
                    add_error(errors, (collection, i, "reason"), "only a suggestion has a reason")
        previous_date: str | None = None
        for i, event in enumerate(data["events"]):
            for j, org_id in enumerate(event["organizations"]):
                if org_id not in known:
                    add_error(
                        errors,
                        ("events", i, "organizations", j),
                        f"unknown organization {org_id!r}",
                    )
            label = event["date"]["label"]
            if label is not None and label.casefold() not in event["evidence"]["quote"].casefold():
                add_error(
                    errors,
                    ("events", i, "date", "label"),
                    f"{label!r} is not in the quote: a label says what the text says",
                )
            date = event["date"]["value"]
            if event["date"]["inferred"] and (data["published"] or {}).get("value") is None:
                add_error(
                    errors,
                    ("events", i, "date", "inferred"),
                    "a date is inferred from the publication date, which is not known",
                )
            if date is not None:
                stated = date[:4] in event["evidence"]["quote"] or event["date"]["inferred"]
                if not event["date"]["sources"] and not stated:
                    add_error(
                        errors,
                        ("events", i, "date", "sources"),
                        "the quote does not state this date: cite its source URL",
                    )
                if previous_date is not None and _before(date, previous_date):
                    add_error(
                        errors,
                        ("events", i, "date", "value"),
                        f"{date} comes before the previous dated event ({previous_date}):"
                        " events are listed in chronological order",
                    )
                previous_date = date
        if errors:
            raise ValidationError(errors)


def _before(later: str, earlier: str) -> bool:
    """Whether ``later`` is strictly before ``earlier``, compared at their common precision."""
    common = min(len(later), len(earlier))
    return later[:common] < earlier[:common]
