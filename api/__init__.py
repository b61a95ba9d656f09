"""Article Data API: structured data about news articles as JSON over HTTP."""

from article_data_api.app import create_app

__all__ = ["create_app"]
