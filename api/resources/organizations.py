"""The organization index across all articles."""

from flask import g
from flask.views import MethodView

from article_data_api.blueprint import Blueprint
from article_data_api.responses import item_response, page_response, require
from article_data_api.schemas.queries import OrganizationQuerySchema, PageQuerySchema
from article_data_api.schemas.resources import (
    OrganizationArticlePageSchema,
    OrganizationPageSchema,
    OrganizationSchema,
)
from article_data_api.store import current_store

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

        By id, name, number of articles or of mentions; each with its counts and the
        articles that name it most recently.
        """
        return page_response(current_store().organizations(args), args)


@blp.route("/<slug:organization_id>")
class OrganizationById(MethodView):
    @blp.read(
        OrganizationSchema, operation_id="getOrganizationById", not_found=True, linked_data=True
    )
    def get(self, organization_id: str):
        """Get an organization across articles

        Its counts and the articles that name it most recently; every article is at
        `/v1/organizations/{organization_id}/articles`. With `Accept: application/ld+json`,
        a schema.org Organization.
        """
        body = current_store().organization(organization_id, g.media_type)
        return item_response(body, "organization", organization_id)


@blp.route("/<slug:organization_id>/articles")
class OrganizationArticles(MethodView):
    @blp.query(PageQuerySchema)
    @blp.read(
        OrganizationArticlePageSchema,
        operation_id="getOrganizationArticles",
        collection=True,
        not_found=True,
    )
    def get(self, args, organization_id: str):
        """List the articles that name an organization

        Newest first, each with the organization's mention count in it and a link to the
        organization as that article presents it (where its mentions are).
        """
        store = current_store()
        require(store.has_organization(organization_id), "organization", organization_id)
        return page_response(store.organization_articles(organization_id, args), args)
