"""An article's timeline: the events it reports or anticipates, with their evidence."""

from flask import g
from flask.views import MethodView

from article_data_api.blueprint import Blueprint
from article_data_api.responses import item_response, page_response, require
from article_data_api.schemas.queries import EventQuerySchema
from article_data_api.schemas.resources import EventPageSchema, EventSchema
from article_data_api.store import current_store

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
        store = current_store()
        require(store.has_article(article_id), "article", article_id)
        return page_response(store.timeline(article_id, args), args)


@blp.route("/<slug:event_id>")
class EventById(MethodView):
    @blp.read(EventSchema, operation_id="getEventById", not_found=True, linked_data=True)
    def get(self, article_id: str, event_id: str):
        """Get an event

        With its date, the organizations involved and the verbatim quote that supports it.
        With `Accept: application/ld+json`, a schema.org Event.
        """
        store = current_store()
        require(store.has_article(article_id), "article", article_id)
        body = store.event(article_id, event_id, g.media_type)
        return item_response(body, "event", event_id, article_id)
