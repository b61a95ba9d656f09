"""The organizations an article names, with every mention located in its text."""

from flask import g
from flask.views import MethodView

from article_data_api.blueprint import Blueprint
from article_data_api.responses import item_response, page_response, require
from article_data_api.schemas.queries import ArticleOrganizationQuerySchema
from article_data_api.schemas.resources import (
    ArticleOrganizationPageSchema,
    ArticleOrganizationSchema,
)
from article_data_api.store import current_store

blp = Blueprint(
    "article_organizations",
    __name__,
    url_prefix="/v1/articles/<slug:article_id>/organizations",
    description="Organizations named in an article",
)


@blp.route("")
class ArticleOrganizations(MethodView):
    @blp.query(ArticleOrganizationQuerySchema)
    @blp.read(
        ArticleOrganizationPageSchema,
        operation_id="getArticleOrganizations",
        collection=True,
        not_found=True,
    )
    def get(self, args, article_id: str):
        """List an article's organizations

        Each with its aliases, description, role and every mention, located by section,
        paragraph and code-point offsets.
        """
        store = current_store()
        require(store.has_article(article_id), "article", article_id)
        return page_response(store.article_organizations(article_id, args), args)


@blp.route("/<slug:organization_id>")
class ArticleOrganizationById(MethodView):
    @blp.read(
        ArticleOrganizationSchema,
        operation_id="getArticleOrganizationById",
        not_found=True,
        linked_data=True,
    )
    def get(self, article_id: str, organization_id: str):
        """Get an organization as an article presents it

        With every mention of its name and aliases in the article. With
        `Accept: application/ld+json`, a schema.org Organization.
        """
        store = current_store()
        require(store.has_article(article_id), "article", article_id)
        body = store.article_organization(article_id, organization_id, g.media_type)
        return item_response(body, "organization", organization_id, article_id)
