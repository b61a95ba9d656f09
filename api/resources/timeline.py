"""An article's timeline: the events it reports or anticipates, with their evidence."""

from flask.views import MethodView

from article_data_api.blueprint import Blueprint, get_or_404
from article_data_api.representations import current_corpus, representations
from article_data_api.responses import collection_response, negotiated_response
from article_data_api.schemas.queries import EventQuerySchema
from article_data_api.schemas.resources import EventPageSchema, EventSchema

blp = Blueprint(
    "timeline",
    __name__,
    url_prefix="/v1/articles/<slug:article_id>/timeline",
    description="Events an article reports or anticipates",
)


@blp.route("")
class Timeline(MethodView):
    @blp.query(EventQuerySchema)
    @blp.read(EventPageSchema, operation_id="getTimeline", collection=True, not_found=True)
    def get(self, args, article_id: str):
        """List an article's events

        In chronological order. Dates are only as precise as their evidence; an undated
        event has a relative label instead.
        """
        article = get_or_404(current_corpus().articles_by_id, article_id, "article")
        dumped = representations().events(article_id)
        return collection_response(article.find_events(args), lambda e: dumped[e.id], args)


@blp.route("/<slug:event_id>")
class EventById(MethodView):
    @blp.read(EventSchema, operation_id="getEventById", not_found=True, linked_data=True)
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
