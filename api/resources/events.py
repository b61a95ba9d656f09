"""The timeline of the whole corpus: every event of every article."""

from flask.views import MethodView

from article_data_api.blueprint import Blueprint
from article_data_api.responses import page_response
from article_data_api.schemas.queries import CorpusEventQuerySchema
from article_data_api.schemas.resources import CorpusEventPageSchema
from article_data_api.store import current_store

blp = Blueprint(
    "events", __name__, url_prefix="/v1/events", description="Events across all articles"
)


@blp.route("")
class Events(MethodView):
    @blp.query(CorpusEventQuerySchema)
    @blp.read(CorpusEventPageSchema, operation_id="getEvents", collection=True)
    def get(self, args):
        """List events across articles

        In chronological order (or newest first), each with its article. Filter by
        organization, status, article, a date range (compared at each date's precision)
        and words in the title, description or evidence; count the whole result with
        `facets`.
        """
        return page_response(current_store().events(args), args)
