"""The organizations an article names, with every mention located in its text."""

from flask.views import MethodView

from api import examples
from api.blueprint import Blueprint, get_or_404
from api.catalog import current_corpus, representations
from api.responses import collection_response, negotiated_response
from schemas.queries import ArticleOrganizationQuerySchema
from schemas.resources import ArticleOrganizationPageSchema, ArticleOrganizationSchema

blp = Blueprint(
    "article_organizations",
    __name__,
    url_prefix="/v1/articles/<slug:article_id>/organizations",
    description="Organizations named in an article",
)


@blp.route("")
class ArticleOrganizations(MethodView):
    @blp.arguments(ArticleOrganizationQuerySchema, location="query", as_kwargs=True)
    @blp.read(
        ArticleOrganizationPageSchema,
        example=examples.ARTICLE_ORGANIZATION_PAGE,
        collection=True,
        not_found=True,
    )
    def get(self, article_id: str, limit: int, offset: int, sort: str, kind: str | None = None):
        """List an article's organizations

        Each with its aliases, description, role and every mention, located by section,
        paragraph and code-point offsets.
        """
        article = get_or_404(current_corpus().articles_by_id, article_id, "article")
        dumped = representations().organizations_in(article_id)
        found = article.find_organizations(kind, sort)
        return collection_response(
            found, lambda org: dumped[org.id], limit, offset, kind=kind, sort=sort
        )


@blp.route("/<slug:organization_id>")
class ArticleOrganizationById(MethodView):
    @blp.read(
        ArticleOrganizationSchema,
        example=examples.ARTICLE_ORGANIZATION,
        not_found=True,
        linked_data_example=examples.ORGANIZATION_LD,
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
