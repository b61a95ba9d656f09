"""HTTP semantics applied in front of Flask: ETags, 304s, HEAD, gzip, CORS, Vary, the cache."""

import gzip
import hashlib

import pytest

from article_data_api import create_app
from article_data_api.http_layer import Rendered
from tests.helpers import ROUTES, SEED_URL

IDENTITY = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}


def without_request_id(headers) -> list:
    """Headers to compare between two requests: each has its own X-Request-ID."""
    return sorted((k, v) for k, v in headers.items() if k != "X-Request-ID")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@pytest.mark.parametrize("url", ROUTES)
def test_every_200_has_a_strong_etag_of_its_exact_bytes(client, url):
    response = client.get(url, headers=IDENTITY)
    assert response.status_code == 200
    assert response.headers["ETag"] == etag_of(response.get_data())


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", '"other", {etag}', "*", "W/{etag}", '"a", "b", W/{etag}'],
)
def test_if_none_match_forms_give_304_without_a_body(client, if_none_match):
    etag = client.get(SEED_URL, headers=IDENTITY).headers["ETag"]
    response = client.get(
        SEED_URL, headers={**IDENTITY, "If-None-Match": if_none_match.format(etag=etag)}
    )
    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Vary"] == "Accept, Accept-Encoding"


def test_a_stale_etag_gets_the_full_response(client):
    response = client.get(SEED_URL, headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200 and response.get_json()["id"]


@pytest.mark.parametrize("if_match", ["{etag}", '"other", {etag}', "*", "", " , "])
def test_if_match_holding_the_current_etag_or_no_tag_gets_the_response(client, if_match):
    etag = client.get(SEED_URL, headers=IDENTITY).headers["ETag"]
    response = client.get(SEED_URL, headers={**IDENTITY, "If-Match": if_match.format(etag=etag)})
    assert response.status_code == 200 and response.get_json()["id"]


@pytest.mark.parametrize("if_match", ['"stale"', "W/{etag}", "garbage"])
def test_if_match_without_the_current_etag_is_a_412_problem(client, if_match):
    # RFC 9110 13.1.1: If-Match compares strongly, so a weak tag never matches.
    etag = client.get(SEED_URL, headers=IDENTITY).headers["ETag"]
    response = client.get(SEED_URL, headers={**IDENTITY, "If-Match": if_match.format(etag=etag)})
    assert response.status_code == 412
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == (
        "If-Match holds no current ETag of this resource: it has changed since."
    )
    assert "ETag" not in response.headers


def test_if_match_comes_before_if_none_match(client):
    etag = client.get(SEED_URL, headers=IDENTITY).headers["ETag"]
    headers = {**IDENTITY, "If-Match": '"stale"', "If-None-Match": etag}
    assert client.get(SEED_URL, headers=headers).status_code == 412


def test_if_match_is_ignored_when_the_answer_is_an_error(client):
    # RFC 9110 13.2.1: preconditions apply only to what would be a 2xx.
    response = client.get("/v1/articles/nowhere", headers={"If-Match": '"stale"'})
    assert response.status_code == 404


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize("headers", [IDENTITY, GZIP])
def test_head_has_the_headers_of_get_and_no_body(client, url, headers):
    get = client.get(url, headers=headers)
    head = client.head(url, headers=headers)
    assert head.status_code == 200 and head.get_data() == b""
    assert without_request_id(head.headers) == without_request_id(get.headers)


def test_max_age_is_configurable(corpus_copy):
    app = create_app({"CACHE_MAX_AGE": 42, "ARTICLE_DATA_DIR": str(corpus_copy.root)})
    assert app.test_client().get("/v1/articles").headers["Cache-Control"] == "public, max-age=42"


def test_large_responses_are_gzipped_with_their_own_etag(client):
    plain = client.get(f"{SEED_URL}/sections", headers=IDENTITY)
    zipped = client.get(f"{SEED_URL}/sections", headers={"Accept-Encoding": "br, gzip;q=0.8"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert zipped.headers["ETag"] == etag_of(zipped.get_data()) != plain.headers["ETag"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data()) < len(plain.get_data())
    # The identity tag does not validate the gzip representation, and vice versa.
    cross = client.get(
        f"{SEED_URL}/sections", headers={**GZIP, "If-None-Match": plain.headers["ETag"]}
    )
    assert cross.status_code == 200
    same = client.get(
        f"{SEED_URL}/sections", headers={**GZIP, "If-None-Match": zipped.headers["ETag"]}
    )
    assert same.status_code == 304


@pytest.mark.parametrize("accept_encoding", ["gzip;q=0", "identity", "br", ""])
def test_gzip_only_when_asked_for(client, accept_encoding):
    response = client.get(f"{SEED_URL}/sections", headers={"Accept-Encoding": accept_encoding})
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["total"] == 6


def test_small_responses_are_not_compressed(client):
    response = client.get("/healthz", headers=GZIP)
    assert len(response.get_data()) < 1024
    assert "Content-Encoding" not in response.headers


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", SEED_URL, 200),
        ("GET", "/v1/articles/nope", 404),
        ("DELETE", SEED_URL, 405),
        ("GET", "/v1/articles?limit=0", 400),
        ("OPTIONS", SEED_URL, 204),
        ("GET", "/openapi.json", 200),
        ("GET", "/docs/", 200),
    ],
)
def test_every_response_has_nosniff_cors_and_vary(client, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert set(response.headers["Access-Control-Expose-Headers"].split(", ")) >= {"ETag", "Link"}
    assert response.headers["Vary"] == "Accept, Accept-Encoding"


@pytest.mark.parametrize("url", [*ROUTES, "/openapi.json", "/docs/"])
def test_every_route_answers_a_cors_preflight(client, url):
    response = client.options(
        url,
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 204 and response.get_data() == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert "If-Match" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Access-Control-Max-Age"] == "86400"


def test_preflight_for_a_path_that_does_not_exist_is_a_404_problem(client):
    response = client.options("/v1/nowhere", headers={"Access-Control-Request-Method": "GET"})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_content_types_are_exact(client):
    assert client.get(SEED_URL).headers["Content-Type"] == "application/json"
    assert client.get("/v1/articles/nope").headers["Content-Type"] == "application/problem+json"


@pytest.fixture()
def counted_app(corpus_copy):
    """An app that counts the requests reaching Flask, behind the response cache."""
    app = create_app({"ARTICLE_DATA_DIR": str(corpus_copy.root)})
    app.reached_flask = 0

    @app.before_request
    def count():
        app.reached_flask += 1

    return app


def cached_keys(app) -> list[str]:
    """The response cache's keys for API paths, without the snapshot version they start with."""
    keys = app.extensions["article_data_cache"].cache._entries
    return sorted(key.split(" ", 1)[1] for key in keys if "/v1/" in key)


def test_a_cached_response_is_served_without_entering_flask(counted_app):
    client = counted_app.test_client()
    first = client.get(f"{SEED_URL}/timeline")
    second = client.get(f"{SEED_URL}/timeline")
    head = client.head(f"{SEED_URL}/timeline")
    assert counted_app.reached_flask == 1
    assert second.get_data() == first.get_data() and head.headers["ETag"] == first.headers["ETag"]


def test_parameter_order_and_defaults_share_one_cache_entry(counted_app):
    client = counted_app.test_client()
    bodies = {
        client.get(url).get_data()
        for url in [
            "/v1/articles?organization=mistral-ai",
            "/v1/articles?offset=0&organization=mistral-ai",
            "/v1/articles?limit=20&organization=mistral-ai&offset=0",
        ]
    }
    assert len(bodies) == 1
    assert counted_app.reached_flask == 1
    assert cached_keys(counted_app) == [
        'application/json /v1/articles?{"limit":20,"offset":0,"organization":["mistral-ai"]}'
    ]


def test_junk_and_errors_are_never_cached(counted_app):
    client = counted_app.test_client()
    for _ in range(2):
        assert client.get("/v1/articles?limit=20&junk=1").status_code == 400
        assert client.get("/v1/articles/no-such-article").status_code == 404
        assert client.get(f"{SEED_URL}/timeline?status=soon").status_code == 400
    # The HTTP layer answers a bad query itself; only the unknown id reaches a view.
    assert counted_app.reached_flask == 2
    assert cached_keys(counted_app) == []


def test_gzip_bytes_are_cached_too(counted_app):
    client = counted_app.test_client()
    client.get(f"{SEED_URL}/sections", headers=IDENTITY)
    zipped = client.get(f"{SEED_URL}/sections", headers=GZIP)
    assert counted_app.reached_flask == 1
    [key] = [k for k in counted_app.extensions["article_data_cache"].cache._entries if "/v1/" in k]
    cached = Rendered.from_bytes(counted_app.extensions["article_data_cache"].cache.get(key))
    assert cached.gzip_body == zipped.get_data()
