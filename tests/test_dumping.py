"""The compiled schemas (api.dumping) agree with marshmallow, which stays the definition."""

import copy
import json

import pytest
from marshmallow import Schema, fields

from article_data_api.corpus.loader import load_article
from article_data_api.corpus.model import OrganizationArticle
from article_data_api.dumping import NotPlain, compile_dumper, compile_loader
from article_data_api.schemas.annotations import AnnotationsSchema
from article_data_api.schemas.resources import (
    ArticleOrganizationSchema,
    ArticleSchema,
    ArticleSummarySchema,
    EventSchema,
    OrganizationArticleSchema,
    SectionSchema,
)
from tests.helpers import BUNDLED_CORPUS, SAMPLE_ID, SEED_ID


@pytest.fixture(scope="module", params=[SEED_ID, SAMPLE_ID])
def article(request):
    return load_article(BUNDLED_CORPUS / "articles" / request.param, BUNDLED_CORPUS)


def test_every_resource_dumps_as_marshmallow_dumps_it(article):
    cases = [
        (ArticleSummarySchema(), [article]),
        (ArticleSchema(), [article]),
        (SectionSchema(), article.sections),
        (ArticleOrganizationSchema(), article.organizations),
        (EventSchema(), article.events),
        (
            OrganizationArticleSchema(),
            [OrganizationArticle(article, org.mention_count) for org in article.organizations],
        ),
    ]
    for schema, items in cases:
        compiled = compile_dumper(schema)
        for item in items:
            assert compiled(item) == schema.dump(item), type(schema).__name__


def annotations(article_id: str) -> dict:
    return json.loads((BUNDLED_CORPUS / "articles" / article_id / "annotations.json").read_text())


@pytest.mark.parametrize("article_id", [SEED_ID, SAMPLE_ID])
def test_valid_annotations_load_as_marshmallow_loads_them(article_id):
    schema = AnnotationsSchema()
    raw = annotations(article_id)
    assert compile_loader(schema)(copy.deepcopy(raw)) == schema.load(raw)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(extra=1),
        lambda d: d.pop("title"),
        lambda d: d.update(title=""),
        lambda d: d.update(sample="yes please"),
        lambda d: d["organizations"][0].update(kind="startup"),
        lambda d: d["organizations"][0].update(id="Not A Slug"),
        lambda d: d["events"][0]["date"].update(value="2026-02-30"),
        lambda d: d["events"][0]["date"].update(value=None, label=None),
        lambda d: d["events"][0].update(organizations=["nobody"]),
        lambda d: d.update(organizations="not a list"),
        lambda d: d.update(about=[None]),
    ],
)
def test_anything_marshmallow_rejects_is_left_to_marshmallow(change):
    raw = annotations(SEED_ID)
    change(raw)
    with pytest.raises(NotPlain):
        compile_loader(AnnotationsSchema())(raw)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(sample="true", title_is_editorial=0),
        lambda d: d["organizations"][0].update(aliases=["an alias as a bare string"]),
    ],
)
def test_input_marshmallow_coerces_loads_as_marshmallow_loads_it(change):
    """Values the fast paths do not take as they are (a Boolean given as a string, an
    alias given as its text) go through the field's own deserialization and hooks."""
    schema = AnnotationsSchema()
    raw = annotations(SEED_ID)
    change(raw)
    assert compile_loader(schema)(copy.deepcopy(raw)) == schema.load(raw)


def test_a_nested_field_with_validators_is_refused_when_compiled():
    class Inner(Schema):
        name = fields.String()

    class Outer(Schema):
        inner = fields.Nested(Inner, validate=lambda value: bool(value))

    with pytest.raises(TypeError, match="validators on a Nested field"):
        compile_loader(Outer())
