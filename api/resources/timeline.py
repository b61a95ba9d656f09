"""An article's timeline: the events it reports or anticipates, with their evidence."""

from flask.views import MethodView

from api import examples
from api.blueprint import Blueprint, get_or_404
from api.catalog import current_corpus, representations
from api.responses import collection_response, negotiated_response
from schemas.queries import EventQuerySchema
from schemas.resources import EventPageSchema, EventSchema

blp = Blueprint(
    "timeline",
    __name__,
    url_prefix="/v1/articles/<slug:article_id>/timeline",
    description="Events an article reports or anticipates",
)


@blp.route("")
class Timeline(MethodView):
    @blp.arguments(EventQuerySchema, location="query", as_kwargs=True)
    @blp.read(EventPageSchema, example=examples.EVENT_PAGE, collection=True, not_found=True)
    def get(
        self,
        article_id: str,
        limit: int,
        offset: int,
        organization: str | None = None,
        status: str | None = None,
    ):
        """List an article's events

        In chronological order. Dates are only as precise as their evidence; an undated
        event has a relative label instead.
        """
        article = get_or_404(current_corpus().articles_by_id, article_id, "article")
        dumped = representations().events(article_id)
        found = article.find_events(organization, status)
        return collection_response(
            found, lambda e: dumped[e.id], limit, offset, organization=organization, status=status
        )


@blp.route("/<slug:event_id>")
class EventById(MethodView):
    @blp.read(
        EventSchema, example=examples.EVENT, not_found=True, linked_data_example=examples.EVENT_LD
    )
    def get(self, article_id: str, event_id: str):
        """Get an event

        With its date, the organizations involved and the verbatim quote that supports it.
        With `Accept: application/ld+json`, a schema.org Event.
        """
        get_or_404(current_corpus().articles_by_id, article_id, "article")
        dumped = representations()
        get_or_404(dumped.events(article_id), event_id, "event")
        return negotiated_response(
            lambda: dumped.events(article_id)[event_id],
            lambda: dumped.events_ld(article_id)[event_id],
        )
