"""The organizations an article names, with every mention located in its text."""

from flask.views import MethodView

from article_data_api.blueprint import Blueprint, get_or_404
from article_data_api.representations import current_corpus, representations
from article_data_api.responses import collection_response, negotiated_response
from article_data_api.schemas.queries import ArticleOrganizationQuerySchema
from article_data_api.schemas.resources import (
    ArticleOrganizationPageSchema,
    ArticleOrganizationSchema,
)

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
        article = get_or_404(current_corpus().articles_by_id, article_id, "article")
        dumped = representations().organizations_in(article_id)
        return collection_response(article.find_organizations(args), lambda o: dumped[o.id], args)


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
        get_or_404(current_corpus().articles_by_id, article_id, "article")
        dumped = representations()
        get_or_404(dumped.organizations_in(article_id), organization_id, "organization")
        return negotiated_response(
            lambda: dumped.organizations_in(article_id)[organization_id],
            lambda: dumped.organizations_in_ld(article_id)[organization_id],
        )
