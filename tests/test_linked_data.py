"""JSON-LD by content negotiation, expanded with pyld against a bundled copy of the
schema.org context terms it needs (no network)."""

import json
from pathlib import Path

import pytest
from pyld import jsonld

from tests.helpers import SEED_URL

SCHEMA = "http://schema.org/"
CONTEXT_COPY = Path(__file__).parent / "data" / "schema-org-context.jsonld"
BASE = "http://api.test"
LD = {"Accept": "application/ld+json"}


def local_loader(url, options=None):
    """The only remote document JSON-LD needs here, served from disk."""
    assert url.rstrip("/") == "https://schema.org", url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(CONTEXT_COPY.read_text()),
    }


def expanded(client, url) -> dict:
    response = client.get(url, headers=LD)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json"
    [node] = jsonld.expand(
        response.get_json(), {"documentLoader": local_loader, "base": BASE + url}
    )
    return node


def values(node, term):
    return [v.get("@value", v.get("@id")) for v in node.get(SCHEMA + term, [])]


def test_an_article_is_a_news_article(client):
    article = expanded(client, SEED_URL)
    assert article["@type"] == [SCHEMA + "NewsArticle"]
    assert article["@id"] == BASE + SEED_URL
    assert values(article, "headline") == [
        "Mistral AI becomes a founding member of NVIDIA’s Nemotron coalition"
    ]
    assert values(article, "datePublished") == ["2026-03-20"]
    assert values(article, "inLanguage") == ["en"]
    assert values(article, "articleBody")[0].endswith("interesting in itself 🙂")
    parts = article[SCHEMA + "hasPart"]
    assert [part["@type"] for part in parts] == [[SCHEMA + "WebPageElement"]] * 6
    assert values(parts[2], "name") == ["What Mistral Brings to the Partnership"]
    assert values(article, "about") == [
        f"{BASE}/v1/organizations/mistral-ai",
        f"{BASE}/v1/organizations/nemotron-coalition",
    ]


def test_the_article_mentions_its_organizations_and_events(client):
    mentions = expanded(client, SEED_URL)[SCHEMA + "mentions"]
    organizations = [m for m in mentions if m["@type"] == [SCHEMA + "Organization"]]
    events = [m for m in mentions if m["@type"] == [SCHEMA + "Event"]]
    assert [values(o, "name")[0] for o in organizations] == [
        "Mistral AI",
        "NVIDIA",
        "NVIDIA Nemotron coalition",
        "Meta",
    ]
    nvidia = organizations[1]
    assert nvidia["@id"] == f"{BASE}/v1/organizations/nvidia"
    assert values(nvidia, "sameAs") == ["https://www.wikidata.org/wiki/Q182477"]
    assert len(events) == 6
    # startDate only where a date is known.
    assert [values(e, "startDate") for e in events] == [
        ["2023-04"],
        [],
        [],
        ["2026-03-16"],
        ["2026-03-16"],
        [],
    ]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (f"{SEED_URL}/organizations/mistral-ai", "Organization"),
        ("/v1/organizations/mistral-ai", "Organization"),
        (f"{SEED_URL}/timeline/nemotron-coalition-launched", "Event"),
    ],
)
def test_organizations_and_events_negotiate_too(client, url, kind):
    node = expanded(client, url)
    assert node["@type"] == [SCHEMA + kind]
    if kind == "Organization":
        assert values(node, "name") == ["Mistral AI"]
        assert values(node, "sameAs") == ["https://www.wikidata.org/wiki/Q119718658"]
    else:
        assert values(node, "startDate") == ["2026-03-16"]
        assert values(node, "about") == [
            f"{BASE}/v1/organizations/nvidia",
            f"{BASE}/v1/organizations/nemotron-coalition",
        ]


def test_each_representation_has_its_own_etag_and_cache_entry(client):
    as_json = client.get(SEED_URL, headers={"Accept-Encoding": "identity"})
    as_ld = client.get(SEED_URL, headers={**LD, "Accept-Encoding": "identity"})
    assert as_json.headers["Content-Type"] == "application/json"
    assert as_ld.headers["ETag"] != as_json.headers["ETag"]
    assert as_json.headers["Vary"] == as_ld.headers["Vary"] == "Accept, Accept-Encoding"
    again = client.get(
        SEED_URL,
        headers={**LD, "If-None-Match": as_ld.headers["ETag"], "Accept-Encoding": "identity"},
    )
    assert again.status_code == 304
    assert client.get(SEED_URL).get_json()["id"]  # JSON is still JSON after JSON-LD was cached


@pytest.mark.parametrize(
    ("url", "accept"),
    [
        (SEED_URL, "text/html"),
        (SEED_URL, "application/xml"),
        ("/v1/articles", "application/ld+json"),
    ],
)
def test_an_unsupported_accept_is_a_406_problem(client, url, accept):
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "available as application/json" in response.get_json()["detail"]


def test_the_spec_documents_both_representations(client):
    spec = client.get("/openapi.json").get_json()
    content = spec["paths"]["/v1/articles/{article_id}"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "application/ld+json"}
    assert content["application/ld+json"]["example"]["@type"] == "NewsArticle"


def test_large_json_ld_is_compressed_too(client):
    response = client.get(SEED_URL, headers={**LD, "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
