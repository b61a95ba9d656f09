"""The organization index across all articles."""

from flask.views import MethodView

from api import examples
from api.blueprint import Blueprint, get_or_404
from api.catalog import current_corpus, representations
from api.responses import collection_response, negotiated_response
from schemas.queries import OrganizationQuerySchema
from schemas.resources import OrganizationPageSchema, OrganizationSchema

blp = Blueprint(
    "organizations",
    __name__,
    url_prefix="/v1/organizations",
    description="Organizations across all articles",
)


@blp.route("")
class Organizations(MethodView):
    @blp.arguments(OrganizationQuerySchema, location="query", as_kwargs=True)
    @blp.read(OrganizationPageSchema, example=examples.ORGANIZATION_PAGE, collection=True)
    def get(self, limit: int, offset: int, kind: str | None = None):
        """List organizations across articles

        By id, each with the articles that name it and its mention count in each.
        """
        found = current_corpus().find_organizations(kind)
        dumped = representations().organization
        return collection_response(found, lambda org: dumped(org.id), limit, offset, kind=kind)


@blp.route("/<slug:organization_id>")
class OrganizationById(MethodView):
    @blp.read(
        OrganizationSchema,
        example=examples.ORGANIZATION,
        not_found=True,
        linked_data_example=examples.ORGANIZATION_LD,
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
