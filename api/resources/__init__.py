"""One blueprint per resource."""

from flask_smorest import Api

from article_data_api.resources import (
    article_organizations,
    articles,
    events,
    health,
    oembed,
    organizations,
    sections,
    timeline,
)

RESOURCES = (
    articles,
    sections,
    article_organizations,
    timeline,
    events,
    organizations,
    oembed,
    health,
)


def register_resources(api: Api) -> None:
    """Every resource's blueprint, in the order the OpenAPI document lists them."""
    for module in RESOURCES:
        api.register_blueprint(module.blp)
