"""The HTML pages: the articles, one article with its marked text and timeline, and the
embeds made for iframes. They render what the API serves; they are not API operations,
so they stay out of the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask
from flask.views import MethodView
from werkzeug.wrappers import Response

from article_data_api.blueprint import page
from article_data_api.page_responses import (
    article_embed,
    article_page,
    articles_page,
    timeline_embed,
)
from article_data_api.responses import static_file
from article_data_api.schemas.queries import ArticleListPageQuerySchema

STATIC = Path(__file__).resolve().parents[1] / "static"

blp = Blueprint("pages", __name__)


class ArticlesPage(MethodView):
    @page(ArticleListPageQuerySchema)
    def get(self, args):
        """The articles, newest first, and a search box that uses the API's search"""
        return articles_page(args)


class ArticlePage(MethodView):
    @page()
    def get(self, article_id: str):
        """An article: its text with every mention marked, and its timeline"""
        return article_page(article_id)


class ArticleEmbed(MethodView):
    @page()
    def get(self, article_id: str):
        """An article's text and legend, for an iframe"""
        return article_embed(article_id)


class TimelineEmbed(MethodView):
    @page()
    def get(self, article_id: str):
        """An article's timeline, for an iframe"""
        return timeline_embed(article_id)


blp.add_url_rule("/articles", view_func=ArticlesPage.as_view("articles"))
blp.add_url_rule("/articles/<slug:article_id>", view_func=ArticlePage.as_view("article"))
blp.add_url_rule(
    "/embed/articles/<slug:article_id>", view_func=ArticleEmbed.as_view("article_embed")
)
blp.add_url_rule(
    "/embed/articles/<slug:article_id>/timeline",
    view_func=TimelineEmbed.as_view("timeline_embed"),
)


@blp.get("/static/<path:filename>")
def asset(filename: str) -> Response:
    """The pages' style sheet and Swagger UI's start-up script."""
    return static_file(STATIC, filename)


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
