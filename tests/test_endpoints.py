"""Every endpoint through Flask's test client, asserting content."""

import json
import shutil
import subprocess
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from article_data_api import create_app
from tests.helpers import (
    BUNDLED_CORPUS,
    HEADINGS,
    PORT_ID,
    SAMPLE_ID,
    SEED_ID,
    SEED_URL,
    write_article,
)


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def test_article_list(client):
    body = get_json(client, "/v1/articles")
    # Newest first; the two undated samples last, in a fixed order (by their sort keys).
    assert [a["id"] for a in body["items"]] == [SEED_ID, PORT_ID, SAMPLE_ID]
    assert (body["limit"], body["offset"], body["total"]) == (20, 0, 3)
    assert body["links"] == {"self": "/v1/articles?limit=20&offset=0", "next": None, "prev": None}
    assert "score" not in body["items"][0] and "facets" not in body
    seed = body["items"][0]
    assert seed["counts"] == {
        "sections": 6,
        "paragraphs": 16,
        "words": 764,
        "organizations": 4,
        "mentions": 27,
        "events": 9,
    }
    assert seed["published"] == {
        "value": "2026-03-20",
        "precision": "day",
        "label": None,
        "sources": [seed["source_url"]],
        "confidence": "single-source",
    }
    assert seed["title_is_editorial"] is True and seed["sample"] is False
    assert seed["publisher"] == {"name": "neurabooks.online", "url": "https://neurabooks.online/"}
    assert seed["authors"] == []
    assert all(a["sample"] is True and a["published"] is None for a in body["items"][1:])


def test_article_list_filters_keep_their_values_in_paging_links(client):
    body = get_json(
        client,
        "/v1/articles?organization=mistral-ai&organization=northwind-data-cooperative"
        "&q=open&sort=newest&limit=1",
    )
    assert [a["id"] for a in body["items"]] == [SEED_ID]
    assert body["total"] == 2
    filters = (
        "organization=mistral-ai&organization=northwind-data-cooperative&q=open&sort=newest&limit=1"
    )
    assert body["links"]["self"] == f"/v1/articles?{filters}&offset=0"
    assert body["links"]["next"].startswith(f"/v1/articles?{filters}&cursor=")
    assert body["links"]["prev"] is None
    second = get_json(client, body["links"]["next"])
    assert [a["id"] for a in second["items"]] == [SAMPLE_ID]
    assert second["links"]["next"] is None
    assert second["links"]["self"] == body["links"]["next"]
    back = get_json(client, second["links"]["prev"])
    assert [a["id"] for a in back["items"]] == [SEED_ID]
    assert back["links"]["prev"] is None and back["links"]["next"] == body["links"]["next"]


def test_article_list_past_the_end_is_an_empty_page(client):
    body = get_json(client, "/v1/articles?offset=40")
    assert body["items"] == [] and body["total"] == 3
    assert body["links"]["next"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=nemotron", [SEED_ID]),
        ("q=catalogue&sort=newest", [PORT_ID, SAMPLE_ID]),
        ("q=librarians", [SAMPLE_ID]),
        ("organization=nvidia", [SEED_ID]),
        ("organization=nvidia&organization=kestrel-language-labs", [SEED_ID, SAMPLE_ID]),
        ("sample=true", [PORT_ID, SAMPLE_ID]),
        ("sample=false", [SEED_ID]),
    ],
)
def test_article_list_filters(client, query, expected):
    assert [a["id"] for a in get_json(client, f"/v1/articles?{query}")["items"]] == expected


def test_article_detail(client):
    body = get_json(client, SEED_URL)
    assert body["title"] == "Mistral AI becomes a founding member of NVIDIA’s Nemotron coalition"
    assert [entry["heading"] for entry in body["outline"]] == [None, *HEADINGS]
    assert [entry["position"] for entry in body["outline"]] == [1, 2, 3, 4, 5, 6]
    assert body["links"] == {
        "self": SEED_URL,
        "sections": f"{SEED_URL}/sections",
        "organizations": f"{SEED_URL}/organizations",
        "timeline": f"{SEED_URL}/timeline",
    }


def test_sections_rebuild_the_fixture_text_exactly(client):
    sections = get_json(client, f"{SEED_URL}/sections")["items"]
    blocks = []
    for section in sections:
        blocks += [f"## {section['heading']}"] if section["heading"] is not None else []
        blocks += section["paragraphs"]
    fixture = BUNDLED_CORPUS / "articles" / SEED_ID / "article.md"
    assert "\n\n".join(blocks) + "\n" == fixture.read_text("utf-8")
    assert [s["heading"] for s in sections] == [None, *HEADINGS]


def test_section_detail(client):
    body = get_json(client, f"{SEED_URL}/sections/what-mistral-brings-to-the-partnership")
    assert body["position"] == 3
    assert body["heading"] == "What Mistral Brings to the Partnership"
    assert body["paragraphs"][1].startswith("Mistral has already shown")
    assert body["word_count"] == sum(len(p.split()) for p in body["paragraphs"])
    lead = get_json(client, f"{SEED_URL}/sections/lead")
    assert lead["heading"] is None and lead["position"] == 1


def test_organizations_mentions_slice_the_served_text(client):
    sections = {s["id"]: s for s in get_json(client, f"{SEED_URL}/sections")["items"]}
    body = get_json(client, f"{SEED_URL}/organizations")
    assert [o["id"] for o in body["items"]] == [
        "mistral-ai",
        "nemotron-coalition",
        "nvidia",
        "meta",
    ]
    for org in body["items"]:
        assert org["mention_count"] == len(org["mentions"]) > 0
        for m in org["mentions"]:
            section = sections[m["section_id"]]
            text = (
                section["heading"]
                if m["paragraph"] is None
                else section["paragraphs"][m["paragraph"]]
            )
            assert text[m["start"] : m["end"]] == m["text"]


def test_organizations_sort_and_filter(client):
    by_name = get_json(client, f"{SEED_URL}/organizations?sort=name")
    assert [o["name"] for o in by_name["items"]] == [
        "Meta",
        "Mistral AI",
        "NVIDIA",
        "NVIDIA Nemotron coalition",
    ]
    coalitions = get_json(client, f"{SEED_URL}/organizations?kind=coalition")
    assert [o["id"] for o in coalitions["items"]] == ["nemotron-coalition"]
    assert (
        coalitions["links"]["self"]
        == f"{SEED_URL}/organizations?kind=coalition&sort=mentions&limit=20&offset=0"
    )


def test_organization_in_article(client):
    body = get_json(client, f"{SEED_URL}/organizations/mistral-ai")
    assert body["aliases"] == ["Mistral"]
    assert (body["kind"], body["country"], body["unnamed"]) == ("company", "France", False)
    assert body["same_as"] == ["https://www.wikidata.org/wiki/Q119718658"]
    assert body["mention_count"] == 11
    assert body["mentions"][:2] == [
        {
            "section_id": "lead",
            "paragraph": 0,
            "start": 68,
            "end": 78,
            "text": "Mistral AI",
            "start_utf16": 68,
            "end_utf16": 78,
            "form": "name",
        },
        {
            "section_id": "lead",
            "paragraph": 0,
            "start": 127,
            "end": 145,
            "text": "the French startup",
            "start_utf16": 127,
            "end_utf16": 145,
            "form": "reference",
        },
    ]
    heading_mention = {
        "section_id": "what-mistral-brings-to-the-partnership",
        "paragraph": None,
        "start": 5,
        "end": 12,
        "text": "Mistral",
        "start_utf16": 5,
        "end_utf16": 12,
        "form": "alias",
    }
    assert heading_mention in body["mentions"]
    assert body["links"] == {
        "self": f"{SEED_URL}/organizations/mistral-ai",
        "index": "/v1/organizations/mistral-ai",
    }


def test_timeline(client):
    body = get_json(client, f"{SEED_URL}/timeline")
    assert [e["id"] for e in body["items"]] == [
        "closed-systems-seemed-to-lead",
        "mistral-ai-keeps-a-course-of-openness",
        "mistral-ai-builds-competitive-models",
        "open-models-catch-up",
        "nvidia-builds-ai-ecosystem",
        "nemotron-coalition-launched",
        "mistral-ai-joins-as-founder",
        "mistral-ai-extends-multimodal-work",
        "partnership-results-visible",
    ]
    sections = {s["id"]: s for s in get_json(client, f"{SEED_URL}/sections")["items"]}
    for event in body["items"]:
        span = event["evidence"]
        assert (
            sections[span["section_id"]]["paragraphs"][span["paragraph"]][
                span["start"] : span["end"]
            ]
            == span["text"]
        )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("organization=meta", ["open-models-catch-up"]),
        ("status=ongoing", ["mistral-ai-keeps-a-course-of-openness", "nvidia-builds-ai-ecosystem"]),
        ("organization=nvidia&status=past", ["nemotron-coalition-launched"]),
        (
            "status=anticipated&status=announced",
            [
                "mistral-ai-joins-as-founder",
                "mistral-ai-extends-multimodal-work",
                "partnership-results-visible",
            ],
        ),
    ],
)
def test_timeline_filters(client, query, expected):
    assert [e["id"] for e in get_json(client, f"{SEED_URL}/timeline?{query}")["items"]] == expected


def test_event_detail(client):
    body = get_json(client, f"{SEED_URL}/timeline/partnership-results-visible")
    assert body["status"] == "anticipated"
    assert body["date"] == {
        "value": None,
        "precision": None,
        "label": "later",
        "sources": [],
        "confidence": None,
    }
    assert body["organizations"] == []  # the sentence names no one
    assert body["evidence"]["text"].endswith("will become visible later.")
    sample = get_json(client, f"/v1/articles/{SAMPLE_ID}/timeline/shared-search-announced")
    assert sample["date"]["confidence"] == "stated-in-article"


def test_organization_index(client):
    body = get_json(client, "/v1/organizations")
    assert [o["id"] for o in body["items"]] == [
        "harbour-city-library-consortium",
        "harbour-city-port-authority",
        "kestrel-language-labs",
        "meta",
        "mistral-ai",
        "nemotron-coalition",
        "northwind-data-cooperative",
        "nvidia",
    ]
    assert [o["id"] for o in get_json(client, "/v1/organizations?kind=nonprofit")["items"]] == [
        "northwind-data-cooperative"
    ]


def test_organization_index_entry_lists_articles_with_counts(client):
    body = get_json(client, "/v1/organizations/northwind-data-cooperative")
    assert (body["name"], body["article_count"], body["mention_count"]) == (
        "Northwind Data Cooperative",
        2,
        4,
    )
    assert body["articles"] == [
        {
            "id": PORT_ID,
            "title": "Sample article: Northwind's search tools go to the port",
            "sample": True,
            "mention_count": 1,
            "links": {
                "self": f"/v1/articles/{PORT_ID}",
                "organization": f"/v1/articles/{PORT_ID}/organizations/northwind-data-cooperative",
            },
        },
        {
            "id": SAMPLE_ID,
            "title": "Sample article: Harbour City libraries open a shared catalogue search",
            "sample": True,
            "mention_count": 3,
            "links": {
                "self": f"/v1/articles/{SAMPLE_ID}",
                "organization": f"/v1/articles/{SAMPLE_ID}/organizations/northwind-data-cooperative",
            },
        },
    ]
    assert body["links"] == {
        "self": "/v1/organizations/northwind-data-cooperative",
        "articles": "/v1/organizations/northwind-data-cooperative/articles",
    }
    seed_only = get_json(client, "/v1/organizations/mistral-ai")
    assert (seed_only["article_count"], seed_only["mention_count"]) == (1, 11)


def test_health_and_readiness(client):
    assert get_json(client, "/healthz") == {"status": "ok"}
    ready = get_json(client, "/readyz")
    assert ready["status"] == "ready"
    assert (ready["snapshot"]["articles"], ready["snapshot"]["events"]) == (3, 16)
    assert ready["cache"] == {"backend": "SimpleCache", "ok": True, "warnings": []}
    assert client.get("/readyz").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles",
        SEED_URL,
        f"{SEED_URL}/sections",
        f"{SEED_URL}/organizations/nvidia",
        f"{SEED_URL}/timeline",
        "/v1/organizations/meta",
    ],
)
def test_head_and_conditional_get(client, url):
    full = client.get(url)
    assert full.headers["Cache-Control"] == "public, max-age=300"
    etag = full.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    head = client.head(url)
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == etag
    assert head.headers["Content-Length"] == full.headers["Content-Length"]
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.get_data() == b""
    assert not_modified.headers["ETag"] == etag


def test_collections_repeat_their_paging_links_in_a_link_header(client):
    response = client.get("/v1/articles?limit=1&offset=2")
    links = response.get_json()["links"]
    assert links["next"] is None
    assert response.headers["Link"] == (
        f'<{links["self"]}>; rel="self", <{links["prev"]}>; rel="prev"'
    )


def test_readiness_fails_while_the_cache_backend_does_not_answer(unused_redis_url):
    app = create_app({"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": unused_redis_url})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "The cache backend (RedisCache) does not answer."


def test_a_q_with_letters_is_searched_and_one_without_is_a_400(client):
    # Found by schemathesis: the spec and the app disagreed on which q values are valid.
    assert get_json(client, "/v1/articles?q=%C3%83%C3%B4")["total"] == 0
    response = client.get("/v1/articles?q=%E2%80%93")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["invalid_params"] == [
        {"name": "q", "location": "query", "reason": "q has no letter or digit to search for"}
    ]


def test_health_answers_if_none_match_star_with_a_documented_304(client):
    # Found by schemathesis: this 304 was not in the spec.
    response = client.get("/healthz", headers={"If-None-Match": "*"})
    assert response.status_code == 304
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("url", "args"),
    [
        (
            "/v1/articles",
            {"q": "catalogue", "organization": "northwind-data-cooperative", "sample": "true"},
        ),
        (f"{SEED_URL}/organizations", {"kind": "company", "sort": "name"}),
        (f"{SEED_URL}/timeline", {"organization": "mistral-ai", "status": "past"}),
        ("/v1/organizations", {"kind": "company"}),
    ],
)
def test_every_query_argument_flows_into_the_paging_links(client, url, args):
    query = urlencode({**args, "limit": 1})
    body = get_json(client, f"{url}?{query}")
    for rel in ("self", "next"):
        link = body["links"][rel]
        assert link is not None, rel
        kept = dict(parse_qsl(urlsplit(link).query))
        assert {name: kept.get(name) for name in args} == args, rel


def test_offsets_slice_the_text_in_code_points_and_in_utf16_as_javascript_does(tmp_path):
    # An emoji (two UTF-16 units, one code point) before a mention shifts the two apart.
    root = tmp_path / "corpus"
    write_article(
        root,
        "emoji-first",
        ["🙂🙂 Aurora Energy builds a hangar; Aurora Energy grows."],
        {
            "organizations": [
                {
                    "id": "aurora-energy",
                    "name": "Aurora Energy",
                    "kind": "company",
                    "description": "A fictional company.",
                    "role": "Builds.",
                }
            ]
        },
    )
    app = create_app({"ARTICLE_DATA_DIR": str(root)})
    client = app.test_client()
    paragraph = get_json(client, "/v1/articles/emoji-first/sections/lead")["paragraphs"][0]
    org = get_json(client, "/v1/articles/emoji-first/organizations/aurora-energy")
    spans = [(m["start"], m["end"], m["start_utf16"], m["end_utf16"]) for m in org["mentions"]]
    assert spans == [(3, 16, 5, 18), (34, 47, 36, 49)]
    for mention in org["mentions"]:
        assert paragraph[mention["start"] : mention["end"]] == "Aurora Energy"
        units = paragraph.encode("utf-16-le")
        assert (
            units[2 * mention["start_utf16"] : 2 * mention["end_utf16"]].decode("utf-16-le")
            == "Aurora Energy"
        )
    node = shutil.which("node")
    if node:  # JavaScript itself, where it is installed
        script = "const [t, s, e] = JSON.parse(process.argv[1]); console.log(t.slice(s, e));"
        for mention in org["mentions"]:
            arguments = json.dumps([paragraph, mention["start_utf16"], mention["end_utf16"]])
            sliced = subprocess.run([node, "-e", script, arguments], capture_output=True, text=True)
            assert sliced.stdout.strip() == "Aurora Energy"
    hit = get_json(client, "/v1/articles?q=hangar")["items"][0]["highlights"][0]
    assert (
        paragraph.encode("utf-16-le")[2 * hit["start_utf16"] : 2 * hit["end_utf16"]].decode(
            "utf-16-le"
        )
        == hit["text"]
    )
