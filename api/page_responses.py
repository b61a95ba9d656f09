"""HTML pages and oEmbed answers: the store's data through the view models of api.pages,
rendered with Jinja (every value escaped) and served like any response (the HTTP layer
caches them, tags them and compresses them, and adds their Content-Security-Policy)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import orjson
from flask import Response, current_app, render_template, request
from flask_smorest import abort
from markupsafe import Markup

from article_data_api.blueprint import BASE_URL_KEY
from article_data_api.config import origin
from article_data_api.negotiation import JSON, LD_JSON
from article_data_api.pages import ArticleView, Timeline, article_view, load_all, timeline
from article_data_api.representations import absolute_ids
from article_data_api.responses import bytes_response, not_found
from article_data_api.schemas.fields import SLUG_REGEX
from article_data_api.store import current_store
from article_data_api.store.snapshot import PageError

SITE = "Article Data API"
EMBED_WIDTH = 640
EMBED_ARTICLE_HEIGHT = 640
# The embed's padding and its heading (a title of up to three lines at EMBED_WIDTH),
# around the timeline's drawing.
EMBED_TIMELINE_CHROME = 96
_EMBEDDABLE = re.compile(rf"/(?:embed/)?articles/({SLUG_REGEX})(/timeline)?/?")


def html_response(text: str) -> Response:
    return bytes_response(text.encode(), "text/html")


def problem_page(problem: Mapping[str, Any], root: str) -> bytes:
    """A problem (RFC 9457) as a page, for a person who followed a link or typed a URL: its
    status, title and detail, and each bad parameter. Needs the app's context only."""
    return render_template("problem.html", site=SITE, root=root, problem=problem).encode()


def _context(**values: Any) -> dict[str, Any]:
    return {
        "site": SITE,
        "root": request.script_root,
        "base": request.environ[BASE_URL_KEY],
        **values,
    }


def _script_safe(json_bytes: bytes) -> Markup:
    """JSON for a <script> data block: "<", ">" and "&" escaped as JSON allows, so text
    such as "</script>" in an article can never end the block, and nothing is left for
    HTML escaping to do (which would break the JSON)."""
    text = json_bytes.decode()
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _view(article_id: str) -> ArticleView:
    view = article_view(current_store(), article_id, request.script_root, JSON)
    if view is None:
        not_found("article", article_id)
    return view


def _article(article_id: str) -> dict[str, Any]:
    body = current_store().article(article_id, JSON)
    if body is None:
        not_found("article", article_id)
    return orjson.loads(body)


def _timeline(article_id: str) -> Timeline:
    """The article's timeline drawing: all a timeline embed (or its oEmbed height) needs."""
    events = load_all(lambda page: current_store().timeline(article_id, page), {})
    return timeline(events, article_id, request.script_root)


def article_page(article_id: str) -> Response:
    """The article page: its text, legend and timeline, its JSON-LD and oEmbed link."""
    view = _view(article_id)
    base = request.environ[BASE_URL_KEY]
    json_ld = absolute_ids(current_store().article(article_id, LD_JSON), base)
    page_url = f"{base}/articles/{article_id}"
    oembed_href = f"{base}/oembed?{urlencode({'url': page_url, 'format': 'json'})}"
    return _page(
        "article.html",
        view=view,
        language=view.article["language"],
        quote_href="#timeline-{}".format,
        json_ld=_script_safe(json_ld),
        oembed_href=oembed_href,
    )


def article_embed(article_id: str) -> Response:
    """The article's text and legend for an iframe: a quote links to its event on the
    article page, where the timeline is."""
    view = _view(article_id)
    base = request.environ[BASE_URL_KEY]
    quote_href = f"{base}/articles/{article_id}#timeline-{{}}".format
    return _page(
        "embed_article.html", view=view, language=view.article["language"], quote_href=quote_href
    )


def timeline_embed(article_id: str) -> Response:
    """The article's timeline for an iframe."""
    article = _article(article_id)
    return _page(
        "embed_timeline.html",
        article=article,
        timeline=_timeline(article_id),
        language=article["language"],
    )


def _page(template: str, **values: Any) -> Response:
    return html_response(render_template(template, **_context(**values)))


def _highlighted(highlight: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A search highlight's passage as runs of text, the matched ones flagged."""
    text, runs, at = highlight["text"], [], 0
    for mark in highlight["marks"]:
        runs += [{"text": text[at : mark["start"]], "hit": False}]
        runs += [{"text": text[mark["start"] : mark["end"]], "hit": True}]
        at = mark["end"]
    return [*runs, {"text": text[at:], "hit": False}]


def articles_page(args: Mapping[str, Any]) -> Response:
    """The list of articles, searched with the API's search when ``q`` is given."""
    query = {k: v for k, v in args.items() if v not in ("", None)}
    try:
        page = current_store().articles(query)
    except PageError as error:
        # What a person typed in the search box, or a link from before a new snapshot:
        # said on the page, the search kept to correct, not answered with a problem's JSON.
        response = _page("articles.html", items=[], q=query.get("q", ""), problem=_said(error))
        response.status_code = 400
        return response
    items = [orjson.loads(item) for item in page.items]
    for item in items:
        item["highlights"] = [{"segments": _highlighted(h)} for h in item.get("highlights") or []]

    def link(position: Mapping[str, Any] | None) -> str | None:
        if position is None:
            return None
        kept = {k: v for k, v in query.items() if k in ("q", "limit")}
        return f"{request.script_root}/articles?{urlencode({**kept, **position})}"

    return _page(
        "articles.html",
        items=items,
        total=page.total,
        q=query.get("q", ""),
        next=link(page.next),
        prev=link(page.prev),
    )


def _said(error: PageError) -> str:
    """A PageError in words for a person."""
    if error.parameter == "q":  # "q has no letter or digit...": "The search has no..."
        return f"The search {error.reason.removeprefix('q ')}."
    # A page link from an earlier snapshot (or edited by hand): why matters less than
    # what to do.
    return "This page of results cannot be found again: start from the first page."


def oembed(args: Mapping[str, Any]) -> dict[str, Any]:
    """The oEmbed 1.0 answer for a page of this API: a rich type, whose html is the
    iframe of the article's (or its timeline's) embed."""
    if args["format"] == "xml":
        abort(501, message="oEmbed is answered in JSON only here: ask with format=json.")
    base = request.environ[BASE_URL_KEY]
    url = args["url"]
    given, ours = urlsplit(url), urlsplit(base)
    try:  # the path is this API's, below its root
        same_site = origin(given) == origin(ours) and given.path.startswith(ours.path + "/")
    except ValueError:  # a port that is not one
        same_site = False
    match = _EMBEDDABLE.fullmatch(given.path[len(ours.path) :]) if same_site else None
    if match is None:
        abort(404, message=f"{url} is not a page of this API that can be embedded.")
    article_id, of_timeline = match.group(1), match.group(2) is not None
    title = _article(article_id)["title"]
    if of_timeline:
        src = f"{base}/embed/articles/{quote(article_id)}/timeline"
        height = _timeline(article_id).height + EMBED_TIMELINE_CHROME
        title = f"Timeline: {title}"
    else:
        src = f"{base}/embed/articles/{quote(article_id)}"
        height = EMBED_ARTICLE_HEIGHT
    width = min(EMBED_WIDTH, args.get("maxwidth") or EMBED_WIDTH)
    height = min(height, args.get("maxheight") or height)
    iframe = (
        f'<iframe src="{html.escape(src)}" width="{width}" height="{height}"'
        f' title="{html.escape(title)}" loading="lazy" style="border:0"></iframe>'
    )
    return {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": SITE,
        "provider_url": f"{base}/articles",
        "html": iframe,
        "width": width,
        "height": height,
        "cache_age": current_app.config["CACHE_MAX_AGE"],
    }
