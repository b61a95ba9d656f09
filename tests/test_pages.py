"""The HTML pages, embeds and oEmbed, through Flask's test client: what they show must be
what the API serves, every value escaped, every response under a strict policy."""

from __future__ import annotations

import gzip
import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from article_data_api import create_app
from tests.helpers import SAMPLE_ID, SEED_ID, SEED_URL

PAGE = f"/articles/{SEED_ID}"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGE_POLICY = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class Elements(HTMLParser):
    """Every element's tag and attributes, and the text inside the elements of interest."""

    def __init__(self, text_of: tuple[str, ...] = ("p", "h2", "script", "mark")) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text_of = text_of
        self.open: list[list] = []  # [tag, attrs, text] of the elements of interest
        self.texts: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in self.text_of:
            self.open.append([tag, dict(attrs), ""])

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                self.texts.append(tuple(self.open.pop(i)))
                break

    def handle_data(self, data):
        for item in self.open:
            item[2] += data

    def all(self, tag: str, **attrs: str) -> list[dict]:
        return [
            a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def text(self, tag: str) -> list[str]:
        return [text for t, _, text in self.texts if t == tag]


def parsed(response) -> Elements:
    elements = Elements()
    elements.feed(response.get_data(as_text=True))
    return elements


def problem_shown(response) -> tuple[str, str, list[str]]:
    """A problem page's heading, its alert and its list items."""
    page = Elements(("h1", "p", "li"))
    page.feed(response.get_data(as_text=True))
    [alert] = [text for _, attrs, text in page.texts if attrs.get("role") == "alert"]
    return page.text("h1")[0], alert, page.text("li")


def api_items(client, url: str) -> list[dict]:
    return client.get(url + ("&" if "?" in url else "?") + "limit=100").get_json()["items"]


def test_the_article_page_is_html_with_a_strict_policy_that_no_one_may_frame(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == PAGE_POLICY
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["ETag"].startswith('"')


def test_every_mention_is_one_mark_with_its_organization_and_form(client):
    page = parsed(client.get(PAGE))
    marks = page.all("mark")
    expected = [
        (org["id"], mention["form"], mention["text"])
        for org in api_items(client, f"{SEED_URL}/organizations")
        for mention in org["mentions"]
    ]
    assert len(marks) == len(expected) == 27
    assert sorted((m["data-organization"], m["data-form"]) for m in marks) == sorted(
        (org, form) for org, form, _ in expected
    )
    assert sorted(page.text("mark")) == sorted(text for _, _, text in expected)
    # One colour per organization, in the legend too.
    colours = {m["data-organization"]: m["class"] for m in marks}
    assert len(set(colours.values())) == len(colours) == 4


def test_every_paragraph_and_heading_is_verbatim(client):
    page = parsed(client.get(PAGE))
    sections = api_items(client, f"{SEED_URL}/sections")
    paragraphs = [text for tag, attrs, text in page.texts if tag == "p" and not attrs]
    assert paragraphs == [p for s in sections for p in s["paragraphs"]]
    assert page.text("h2")[1 : 1 + 5] == [s["heading"] for s in sections if s["heading"]]


def test_each_quote_links_to_its_place_on_the_timeline(client):
    page = parsed(client.get(PAGE))
    events = api_items(client, f"{SEED_URL}/timeline")
    linked = {a["data-event"] for a in page.all("a", **{"class": "evidence"})}
    assert linked == {e["id"] for e in events}
    for event in events:
        assert page.all("g", id=f"timeline-{event['id']}")  # the link's target
        assert {a["href"] for a in page.all("a", **{"data-event": event["id"]})} == {
            f"#timeline-{event['id']}"
        }


def test_the_timeline_is_svg_with_one_element_per_event_bands_ticks_and_an_undated_lane(client):
    body = client.get(PAGE).get_data(as_text=True)
    page = parsed(client.get(PAGE))
    events = api_items(client, f"{SEED_URL}/timeline")
    [svg] = page.all("svg")
    assert int(svg["data-events"]) == len(events) == 9
    groups = [a for t, a in page.elements if t == "g" and "event" in a.get("class", "")]
    assert len(groups) == 9
    assert {g["data-event"] for g in groups} == {e["id"] for e in events}
    dated = [e for e in events if e["date"]["value"]]
    days = [e for e in dated if e["date"]["precision"] == "day"]
    assert len(page.all("line", **{"class": "tick"})) == len(days)  # a day is a tick
    assert len(page.all("rect", **{"class": "band"})) == len(dated) - len(days)
    undated = [e for e in events if e["date"]["value"] is None]
    assert len(page.all("circle", **{"class": "dot"})) == len(undated) == 6
    assert "Undated, in the article’s order" in body
    assert "“for a long time” · past" in html.unescape(body)  # labelled, with its status
    for event in events:  # each title links to its JSON
        assert page.all("a", href=f"{SEED_URL}/timeline/{event['id']}")


def test_the_page_links_its_json_carries_its_json_ld_and_announces_oembed(client):
    page = parsed(client.get(PAGE))
    assert page.all("link", rel="alternate", type="application/json", href=SEED_URL)
    [oembed] = page.all("link", rel="alternate", type="application/json+oembed")
    assert oembed["href"] == (
        f"http://localhost/oembed?url=http%3A%2F%2Flocalhost%2Farticles%2F{SEED_ID}&format=json"
    )
    [json_ld] = [t for t, a, _ in page.texts if t == "script"] and page.text("script")
    linked_data = client.get(SEED_URL, headers={"Accept": "application/ld+json"}).get_json()
    assert json.loads(json_ld) == linked_data


def test_a_sample_article_says_so_at_the_top(client):
    sample = parsed(client.get(f"/articles/{SAMPLE_ID}"))
    assert sample.all("p", **{"class": "sample"})
    assert not parsed(client.get(PAGE)).all("p", **{"class": "sample"})


def test_html_goes_through_the_response_cache_etags_and_gzip(client):
    first = client.get(PAGE, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.get_data()) == client.get(PAGE).get_data()
    again = client.get(PAGE, headers={"If-None-Match": client.get(PAGE).headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    head = client.head(PAGE)
    assert head.status_code == 200 and head.get_data() == b""


def test_the_home_page_lists_and_searches_with_the_api(client):
    listing = parsed(client.get("/articles"))
    links = {a["href"] for a in listing.all("a") if a.get("href", "").startswith("/articles/")}
    assert links == {f"/articles/{a['id']}" for a in api_items(client, "/v1/articles")}
    assert listing.all("input", name="q", type="search")
    [form] = listing.all("form")
    assert (form["action"], form["method"]) == ("/articles", "get")
    found = parsed(client.get("/articles?q=coalition"))
    api = [a["id"] for a in api_items(client, "/v1/articles?q=coalition")]
    assert [a["href"] for a in found.all("a") if a["href"].startswith("/articles/")] == [
        f"/articles/{i}" for i in api
    ]
    assert found.text("mark")  # the matched words, highlighted
    assert client.get("/articles?q=").status_code == 200  # an empty search box lists all


@pytest.mark.parametrize(
    ("url", "status", "name"),
    [
        ("/articles?q=" + "a" * 300, 400, "q"),
        ("/articles?sort=newest", 400, "sort"),
        (f"{PAGE}?x=1", 400, "x"),
    ],
)
def test_bad_queries_to_pages_are_problems_drawn_as_pages(client, url, status, name):
    # A person who typed the URL was shown the problem's raw JSON.
    response = client.get(url, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == status
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]
    heading, alert, items = problem_shown(response)
    assert (heading, alert) == ("400 Bad Request", f"Invalid parameters: {name}.")
    assert [item.split(": ")[0] for item in items] == [name]
    # A client that prefers problem details still gets them.
    asked = client.get(url, headers={"Accept": "text/html;q=0.5, application/problem+json"})
    assert asked.status_code == status
    assert asked.headers["Content-Type"] == "application/problem+json"
    assert asked.get_json()["invalid_params"][0]["name"] == name


@pytest.mark.parametrize(
    ("q", "said"),
    [
        ('"', "The search has no letter or digit to search for."),
        ("nvidia OR -meta", "The search joins an excluded word with OR: exclude it on its own."),
        (
            "nvidia&cursor=not-one",
            "This page of results cannot be found again: start from the first page.",
        ),
    ],
)
def test_a_search_that_cannot_run_is_said_on_the_search_page(client, q, said):
    # Typed into the search box, it was answered with the problem's JSON.
    response = client.get(f"/articles?q={quote(q, safe='&=')}")
    q = q.split("&")[0]
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = parsed(response)
    assert [text for tag, attrs, text in page.texts if attrs.get("role") == "alert"] == [said]
    assert page.all("input", name="q")[0]["value"] == q  # kept, to be corrected
    assert not page.all("li")


def test_what_a_problem_page_repeats_of_the_request_comes_out_inert(client):
    response = client.get("/articles?%3Cscript%3Ealert(1)%3C/script%3E=1")
    assert response.status_code == 400
    assert "<script>" not in response.get_data(as_text=True)
    assert problem_shown(response)[2] == [
        "<script>alert(1)</script>: unknown parameter; this resource takes cursor, limit, offset, q"
    ]


def test_pages_offer_html_only_and_unknown_articles_are_problem_pages(client):
    refused = client.get(PAGE, headers={"Accept": "application/json"})
    assert refused.status_code == 406
    assert refused.headers["Content-Type"] == "application/problem+json"
    for url in ("/articles/mistral-ai-joins", "/embed/articles/mistral-ai-joins/timeline"):
        missing = client.get(url, headers={"Accept": BROWSER_ACCEPT})
        assert missing.status_code == 404
        assert missing.headers["Content-Type"] == "text/html; charset=utf-8"
        assert problem_shown(missing) == (
            "404 Not Found",
            "No article with id 'mistral-ai-joins'. Did you mean"
            " 'mistral-ai-joins-nvidia-nemotron-coalition'?",
            [],
        )
        assert [a["href"] for a in parsed(missing).all("a")][-1] == "/articles"
    assert client.head("/articles/mistral-ai-joins").data == b""


def test_embeds_may_be_framed_by_anyone_and_link_back_to_the_page(client):
    for url in (f"/embed/articles/{SEED_ID}", f"/embed/articles/{SEED_ID}/timeline"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"].endswith("frame-ancestors *")
        assert "script-src 'none'" in response.headers["Content-Security-Policy"]
    article = parsed(client.get(f"/embed/articles/{SEED_ID}"))
    assert len(article.all("mark")) == 27
    hrefs = {a["href"] for a in article.all("a", **{"class": "evidence"})}
    assert all(h.startswith(f"http://localhost/articles/{SEED_ID}#timeline-") for h in hrefs)
    timeline = parsed(client.get(f"/embed/articles/{SEED_ID}/timeline"))
    assert int(timeline.all("svg")[0]["data-events"]) == 9


def test_oembed_answers_the_rich_type_with_the_iframe(client):
    url = f"http://localhost/articles/{SEED_ID}"
    answer = client.get("/oembed", query_string={"url": url, "format": "json"}).get_json()
    assert {k: answer[k] for k in ("version", "type", "provider_name", "width", "height")} == {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Article Data API",
        "width": 640,
        "height": 640,
    }
    assert answer["html"] == (
        f'<iframe src="http://localhost/embed/articles/{SEED_ID}" width="640" height="640"'
        ' title="Mistral AI becomes a founding member of NVIDIA’s Nemotron coalition"'
        ' loading="lazy" style="border:0"></iframe>'
    )
    small = client.get(
        "/oembed",
        query_string={
            "url": f"http://localhost/embed/articles/{SEED_ID}/timeline",
            "maxwidth": 320,
            "maxheight": 200,
        },
    ).get_json()
    assert (small["width"], small["height"]) == (320, 200)
    assert f'src="http://localhost/embed/articles/{SEED_ID}/timeline"' in small["html"]


@pytest.mark.parametrize(
    "url",
    [
        f"HTTP://LocalHost/articles/{SEED_ID}",
        f"http://localhost/articles/{SEED_ID}#top",
        f"http://localhost:80/articles/{SEED_ID}",  # was a 404: the port compared as text
    ],
)
def test_oembed_reads_a_url_as_the_web_does(client, url):
    """Scheme and host are case-insensitive, a default port is no port (RFC 3986 6.2.3),
    and a fragment is not a page."""
    answer = client.get("/oembed", query_string={"url": url})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert f'src="http://localhost/embed/articles/{SEED_ID}"' in answer.get_json()["html"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"url": "http://localhost/articles/no-such-article"}, 404),
        ({"url": f"http://localhost.example/articles/{SEED_ID}"}, 404),
        ({"url": f"http://localhost/prefix/articles/{SEED_ID}"}, 404),
        ({"url": f"http://elsewhere.example/articles/{SEED_ID}"}, 404),
        ({"url": "http://localhost/v1/articles"}, 404),
        ({"url": f"http://localhost/articles/{SEED_ID}", "format": "xml"}, 501),
        ({"url": "not a url"}, 404),
        ({"url": "about:blank"}, 404),
        ({"url": f"http://localhost:8080/articles/{SEED_ID}"}, 404),
        ({"url": f"http://localhost:port/articles/{SEED_ID}"}, 404),
        ({"url": f"http://localhost:99999/articles/{SEED_ID}"}, 404),
        ({"url": ""}, 400),
        ({"url": f"http://localhost/articles/{SEED_ID}", "maxwidth": 2**64}, 400),
        ({"url": f"http://localhost/articles/{SEED_ID}", "maxwidth": 0}, 400),
        ({}, 400),
    ],
)
def test_oembed_refuses_what_it_cannot_embed(client, query, status):
    response = client.get("/oembed", query_string=query)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"


def test_markup_in_an_article_comes_out_inert(corpus_copy):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)"> & </script>'
    text = corpus_copy.folder(SAMPLE_ID) / "article.md"
    paragraphs = text.read_text("utf-8").split("\n\n")
    paragraphs[1] = paragraphs[1] + " " + evil
    text.write_text("\n\n".join(paragraphs), "utf-8")
    corpus_copy.edit_annotations(lambda d: d.update(title=f"Title {evil}"), SAMPLE_ID)
    client = create_app({"ARTICLE_DATA_DIR": str(corpus_copy.root)}).test_client()
    for url in (f"/articles/{SAMPLE_ID}", f"/embed/articles/{SAMPLE_ID}", "/articles"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<img" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    body = client.get(f"/articles/{SAMPLE_ID}").get_data(as_text=True)
    [json_ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert "\\u003c/script\\u003e" in json_ld and json.loads(json_ld)["headline"].endswith(
        "</script>"
    )
