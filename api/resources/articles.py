"""Articles: search and filters over the whole archive, and each article."""

from flask import g
from flask.views import MethodView

from article_data_api.blueprint import Blueprint
from article_data_api.responses import item_response, page_response
from article_data_api.schemas.queries import ArticleQuerySchema
from article_data_api.schemas.resources import ArticlePageSchema, ArticleSchema
from article_data_api.store import current_store

blp = Blueprint("articles", __name__, url_prefix="/v1/articles", description="News articles")


@blp.route("")
class Articles(MethodView):
    @blp.query(ArticleQuerySchema)
    @blp.read(ArticlePageSchema, operation_id="getArticles", collection=True)
    def get(self, args):
        """List and search articles

        Newest first, or ranked by relevance to `q` (BM25 over the title, headings and
        paragraphs; the title and headings weigh more), each hit with its score and the
        passages that matched. Filter by organization, sample and publication date; count
        the whole result with `facets`.
        """
        return page_response(current_store().articles(args), args)


@blp.route("/<slug:article_id>")
class ArticleById(MethodView):
    @blp.read(ArticleSchema, operation_id="getArticleById", not_found=True, linked_data=True)
    def get(self, article_id: str):
        """Get an article

        Its metadata, counts, outline and links to its sections, organizations and timeline.
        With `Accept: application/ld+json`, a schema.org NewsArticle.
        """
        body = current_store().article(article_id, g.media_type)
        return item_response(body, "article", article_id)
