"""The organization index across all articles."""

from flask.views import MethodView

from article_data_api.blueprint import Blueprint, get_or_404
from article_data_api.representations import current_corpus, representations
from article_data_api.responses import collection_response, negotiated_response
from article_data_api.schemas.queries import OrganizationQuerySchema
from article_data_api.schemas.resources import OrganizationPageSchema, OrganizationSchema

blp = Blueprint(
    "organizations",
    __name__,
    url_prefix="/v1/organizations",
    description="Organizations across all articles",
)


@blp.route("")
class Organizations(MethodView):
    @blp.query(OrganizationQuerySchema)
    @blp.read(OrganizationPageSchema, operation_id="getOrganizations", collection=True)
    def get(self, args):
        """List organizations across articles

        By id, each with the articles that name it and its mention count in each.
        """
        dumped = representations().organization
        found = current_corpus().find_organizations(args)
        return collection_response(found, lambda org: dumped(org.id), args)


@blp.route("/<slug:organization_id>")
class OrganizationById(MethodView):
    @blp.read(
        OrganizationSchema, operation_id="getOrganizationById", not_found=True, linked_data=True
    )
    def get(self, organization_id: str):
        """Get an organization across articles

        With the articles that name it and its mention count in each. With
        `Accept: application/ld+json`, a schema.org Organization.
        """
        get_or_404(current_corpus().organizations_by_id, organization_id, "organization")
        dumped = representations()
        return negotiated_response(
            lambda: dumped.organization(organization_id),
            lambda: dumped.organization_ld(organization_id),
        )
