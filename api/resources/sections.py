"""An article's sections: the lead, then one per heading, every paragraph verbatim."""

from flask.views import MethodView

from api import examples
from api.blueprint import Blueprint, get_or_404
from api.catalog import current_corpus, representations
from api.responses import collection_response, json_response
from schemas.queries import PageQuerySchema
from schemas.resources import SectionPageSchema, SectionSchema

blp = Blueprint(
    "sections",
    __name__,
    url_prefix="/v1/articles/<slug:article_id>/sections",
    description="Article text, section by section",
)


@blp.route("")
class Sections(MethodView):
    @blp.arguments(PageQuerySchema, location="query", as_kwargs=True)
    @blp.read(SectionPageSchema, example=examples.SECTION_PAGE, collection=True, not_found=True)
    def get(self, article_id: str, limit: int, offset: int):
        """List an article's sections

        In reading order: the lead (heading null), then one section per heading.
        """
        get_or_404(current_corpus().articles_by_id, article_id, "article")
        sections = list(representations().sections(article_id).values())
        return collection_response(sections, lambda section: section, limit, offset)


@blp.route("/<slug:section_id>")
class SectionById(MethodView):
    @blp.read(SectionSchema, example=examples.SECTION, not_found=True)
    def get(self, article_id: str, section_id: str):
        """Get a section

        Its heading and its paragraphs, verbatim.
        """
        get_or_404(current_corpus().articles_by_id, article_id, "article")
        sections = representations().sections(article_id)
        return json_response(get_or_404(sections, section_id, "section").json)
