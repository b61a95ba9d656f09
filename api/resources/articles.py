"""Articles: the list with full-text and organization filters, and each article."""

from flask.views import MethodView

from article_data_api.blueprint import Blueprint, get_or_404
from article_data_api.representations import current_corpus, representations
from article_data_api.responses import collection_response, negotiated_response
from article_data_api.schemas.queries import ArticleQuerySchema
from article_data_api.schemas.resources import ArticlePageSchema, ArticleSchema

blp = Blueprint("articles", __name__, url_prefix="/v1/articles", description="News articles")


@blp.route("")
class Articles(MethodView):
    @blp.query(ArticleQuerySchema)
    @blp.read(ArticlePageSchema, operation_id="getArticles", collection=True)
    def get(self, args):
        """List articles

        Newest first. `q` keeps articles where every word of the query starts a word of the
        title or of a paragraph, ignoring case; `organization` keeps those that name it.
        """
        summary = representations().article_summary
        found = current_corpus().find_articles(args)
        return collection_response(found, lambda article: summary(article.id), args)


@blp.route("/<slug:article_id>")
class ArticleById(MethodView):
    @blp.read(ArticleSchema, operation_id="getArticleById", not_found=True, linked_data=True)
    def get(self, article_id: str):
        """Get an article

        Its metadata, counts, outline and links to its sections, organizations and timeline.
        With `Accept: application/ld+json`, a schema.org NewsArticle.
        """
        get_or_404(current_corpus().articles_by_id, article_id, "article")
        dumped = representations()
        return negotiated_response(
            lambda: dumped.article(article_id), lambda: dumped.article_ld(article_id)
        )
