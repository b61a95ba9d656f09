"""An article's sections: the lead, then one per heading, every paragraph verbatim."""

from flask.views import MethodView

from article_data_api.blueprint import Blueprint, get_or_404
from article_data_api.representations import current_corpus, representations
from article_data_api.responses import collection_response, json_response
from article_data_api.schemas.queries import PageQuerySchema
from article_data_api.schemas.resources import SectionPageSchema, SectionSchema

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
        get_or_404(current_corpus().articles_by_id, article_id, "article")
        sections = list(representations().sections(article_id).values())
        return collection_response(sections, lambda section: section, args)


@blp.route("/<slug:section_id>")
class SectionById(MethodView):
    @blp.read(SectionSchema, operation_id="getSectionById", not_found=True)
    def get(self, article_id: str, section_id: str):
        """Get a section

        Its heading and its paragraphs, verbatim.
        """
        get_or_404(current_corpus().articles_by_id, article_id, "article")
        sections = representations().sections(article_id)
        return json_response(get_or_404(sections, section_id, "section").json)
