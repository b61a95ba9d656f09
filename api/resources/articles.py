"""Articles: the list with full-text and organization filters, and each article."""

from flask.views import MethodView

from api import examples
from api.blueprint import Blueprint, get_or_404
from api.catalog import current_corpus, representations
from api.responses import collection_response, negotiated_response
from schemas.queries import ArticleQuerySchema
from schemas.resources import ArticlePageSchema, ArticleSchema

blp = Blueprint("articles", __name__, url_prefix="/v1/articles", description="News articles")


@blp.route("")
class Articles(MethodView):
    @blp.arguments(ArticleQuerySchema, location="query", as_kwargs=True)
    @blp.read(ArticlePageSchema, example=examples.ARTICLE_PAGE, collection=True)
    def get(self, limit: int, offset: int, q: str | None = None, organization: str | None = None):
        """List articles

        Newest first. `q` keeps articles where every word of the query starts a word of the
        title or of a paragraph, ignoring case; `organization` keeps those that name it.
        """
        found = current_corpus().find_articles(q, organization)
        summary = representations().article_summary
        return collection_response(
            found, lambda a: summary(a.id), limit, offset, q=q, organization=organization
        )


@blp.route("/<slug:article_id>")
class ArticleById(MethodView):
    @blp.read(
        ArticleSchema,
        example=examples.ARTICLE,
        not_found=True,
        linked_data_example=examples.ARTICLE_LD,
    )
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
