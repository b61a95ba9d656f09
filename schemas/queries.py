"""Query parameters. Unknown parameters are rejected (``RAISE``) so typos never pass silently."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from article_data_api.schemas.fields import EVENT_STATUSES, ORGANIZATION_KINDS, Slug

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class PageQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": "Items per page"},
    )
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0),
        metadata={"description": "Items to skip"},
    )


class ArticleQuerySchema(PageQuerySchema):
    q = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Full-text search, case-insensitive: every word of q must start a"
            " word of the title or of a paragraph. Punctuation is ignored, so a q without"
            " letters or digits matches every article."
        },
    )
    organization = Slug(metadata={"description": "Only articles that name this organization id"})


class ArticleOrganizationQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(ORGANIZATION_KINDS))
    sort = fields.String(
        load_default="mentions",
        validate=validate.OneOf(["mentions", "name"]),
        metadata={"description": "mentions: most mentioned first; name: alphabetical"},
    )


class EventQuerySchema(PageQuerySchema):
    organization = Slug(metadata={"description": "Only events involving this organization id"})
    status = fields.String(validate=validate.OneOf(EVENT_STATUSES))


class OrganizationQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(ORGANIZATION_KINDS))
