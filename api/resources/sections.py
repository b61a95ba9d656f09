"""An article's sections: the lead, then one per heading, every paragraph verbatim."""

from flask.views import MethodView

from article_data_api.blueprint import Blueprint
from article_data_api.responses import item_response, page_response, require
from article_data_api.schemas.queries import PageQuerySchema
from article_data_api.schemas.resources import SectionPageSchema, SectionSchema
from article_data_api.store import current_store

blp = Blueprint(
    "sections",
    __name__,
    url_prefix="/v1/articles/<slug:article_id>/sections",
    description="Article text, section by section",
)


@blp.route("")
class Sections(MethodView):
    @blp.query(PageQuerySchema)
    @blp.read(SectionPageSchema, operation_id="getSections", collection=True, not_found=True)
    def get(self, args, article_id: str):
        """List an article's sections

        In reading order: the lead (heading null), then one section per heading.
        """
        store = current_store()
        require(store.has_article(article_id), "article", article_id)
        return page_response(store.sections(article_id, args), args)


@blp.route("/<slug:section_id>")
class SectionById(MethodView):
    @blp.read(SectionSchema, operation_id="getSectionById", not_found=True)
    def get(self, article_id: str, section_id: str):
        """Get a section

        Its heading and its paragraphs, verbatim.
        """
        store = current_store()
        require(store.has_article(article_id), "article", article_id)
        return item_response(
            store.section(article_id, section_id), "section", section_id, article_id
        )
