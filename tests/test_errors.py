"""Every error is an RFC 9457 problem: never HTML, never a 5xx for client input."""

import pytest

from article_data_api import create_app
from article_data_api.query import UNKNOWN_FIELD, invalid_params
from tests.helpers import SEED_URL


def problem(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/v1/articles/no-such-article", "No article with id 'no-such-article'."),
        (f"{SEED_URL}/sections/no-such-section", "No section with id 'no-such-section'."),
        (f"{SEED_URL}/organizations/openai", "No organization with id 'openai'."),
        (f"{SEED_URL}/timeline/no-event", "No event with id 'no-event'."),
        ("/v1/organizations/openai", "No organization with id 'openai'."),
        ("/v1/articles/no-such-article/timeline", "No article with id 'no-such-article'."),
    ],
)
def test_unknown_ids_are_404_problems(client, url, detail):
    assert problem(client.get(url), 404)["detail"].startswith(detail + " The ids are listed at")


@pytest.mark.parametrize(
    ("url", "listed_at"),
    [
        (f"{SEED_URL}/sections/2", f"{SEED_URL}/sections"),
        (f"{SEED_URL}/timeline/1", f"{SEED_URL}/timeline"),
        (f"{SEED_URL}/organizations/openai", f"{SEED_URL}/organizations"),
        ("/v1/organizations/openai", "/v1/organizations"),
        ("/v1/articles/no-such-article", "/v1/articles"),
        ("/v1/articles/no-such-article/sections", "/v1/articles"),
    ],
)
def test_a_404_with_no_close_id_names_the_collection_that_lists_the_ids(client, url, listed_at):
    """A client guessing positions (sections/2) learns where the real ids are."""
    detail = problem(client.get(url), 404)["detail"]
    assert detail.endswith(f" The ids are listed at {listed_at}.")
    assert client.get(listed_at).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/nope",
        "/v1/articles/Not-A-Slug",
        "/v1/articles/..%2Fetc",
        "/v1/articles/a%00b",
        "/v1/articles/" + "a" * 101,
        "/v1/articles/x/",
        "/v1",
    ],
)
def test_unknown_paths_are_404_problems(client, url):
    body = problem(client.get(url), 404)
    assert "<" not in body["detail"]


def test_wrong_method_is_405_with_allow(client):
    response = client.delete(SEED_URL)
    problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    ("url", "name", "reason"),
    [
        (
            "/v1/articles?organisation=nvidia",
            "organisation",
            "unknown parameter; did you mean 'organization'?",
        ),
        (  # nothing close: every parameter it takes
            "/v1/organizations?q=nvidia",
            "q",
            "unknown parameter; this resource takes cursor, kind, limit, offset, sort",
        ),
        (  # "cursor" shares three letters with "sort", which is not close enough
            "/v1/organizations/nvidia/articles?sort=oldest",
            "sort",
            "unknown parameter; this resource takes cursor, limit, offset",
        ),
    ],
)
def test_unknown_query_parameter_is_named(client, url, name, reason):
    body = problem(client.get(url), 400)
    assert body["invalid_params"] == [{"name": name, "location": "query", "reason": reason}]
    assert body["detail"] == f"Invalid parameters: {name}."


def test_a_parameter_with_no_name_is_shown_as_empty_quotes(client):
    body = problem(client.get("/v1/organizations?=1"), 400)
    assert body["detail"] == "Invalid parameters: ''."  # was "Invalid parameters: ."
    assert body["invalid_params"][0]["name"] == ""


def test_an_unknown_parameter_where_none_are_known_lists_nothing():
    """flask-smorest's own parsing errors arrive without the schema's names."""
    assert invalid_params({"zz": [UNKNOWN_FIELD]}, {}) == [
        {"name": "zz", "location": "query", "reason": "unknown parameter"}
    ]


def test_every_bad_parameter_is_listed(client):
    body = problem(client.get(f"{SEED_URL}/organizations?limit=101&offset=-1&sort=size"), 400)
    assert body["invalid_params"] == [
        {
            "name": "limit",
            "location": "query",
            "reason": "Must be greater than or equal to 1 and less than or equal to 100.",
        },
        {
            "name": "offset",
            "location": "query",
            "reason": "Must be from 0 to 10000: go deeper with the cursor of links.next",
        },
        {"name": "sort", "location": "query", "reason": "Must be one of: mentions, name."},
    ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "/v1/organizations?sort=articels",
            "Must be one of: id, name, articles, mentions. Did you mean 'articles'?",
        ),
        (
            f"{SEED_URL}/timeline?status=anticipate",
            "Must be one of: past, announced, ongoing, anticipated. Did you mean 'anticipated'?",
        ),
        (
            "/v1/articles?facets=organisation",
            "Must be one of: organization, kind, month. Did you mean 'organization'?",
        ),
        ("/v1/articles?sample=maybe", "Not a valid boolean: use true or false."),
    ],
)
def test_a_value_that_is_not_a_choice_gets_the_closest_one(client, url, reason):
    [param] = problem(client.get(url), 400)["invalid_params"]
    # A list's messages are gathered from its items: each value is checked alike.
    assert param["reason"] == reason


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/v1/articles?limit=abc", "limit"),
        ("/v1/articles?q=", "q"),
        ("/v1/articles?q=" + "x" * 257, "q"),
        ("/v1/articles?organization=Not_A_Slug", "organization"),
        (f"{SEED_URL}/timeline?status=soon", "status"),
        (f"{SEED_URL}/organizations?kind=startup", "kind"),
        ("/v1/organizations?offset=1.5", "offset"),
        (f"{SEED_URL}/sections?q=x", "q"),
    ],
)
def test_bad_parameters_are_400_problems(client, url, name):
    assert [p["name"] for p in problem(client.get(url), 400)["invalid_params"]] == [name]


@pytest.mark.parametrize("value", ["+5", "%205", "5%20", "0_5", "%D9%A5", "%EF%BC%95"])
def test_an_integer_in_a_query_is_ascii_digits(client, value):
    """Python's int() takes all of these as 5; an OpenAPI integer is none of them."""
    for url in (f"/v1/articles?limit={value}", f"/v1/events?offset={value}"):
        [param] = problem(client.get(url), 400)["invalid_params"]
        assert param["reason"] == "Not a valid integer."
    assert client.get("/v1/articles?limit=05").get_json()["limit"] == 5


@pytest.mark.parametrize("value", ["yes", "1", "on", "t", "True", "TRUE", "y"])
def test_a_boolean_in_a_query_is_true_or_false(client, value):
    [param] = problem(client.get(f"/v1/articles?sample={value}"), 400)["invalid_params"]
    assert param == {
        "name": "sample",
        "location": "query",
        "reason": "Not a valid boolean: use true or false.",
    }


def test_server_errors_are_problems_without_internals():
    app = create_app({"PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    body = problem(response, 500)
    assert body["title"] == "Internal Server Error"
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "name", "reason"),
    [
        (
            "/v1/articles?organization=nvidai",
            "organization",
            "no organization with id 'nvidai': did you mean 'nvidia'?",
        ),
        (
            f"{SEED_URL}/timeline?organization=mistral",
            "organization",
            "no organization with id 'mistral': did you mean 'mistral-ai'?",
        ),
        (
            "/v1/events?article=mistral-ai-joins",
            "article",
            "no article with id 'mistral-ai-joins': did you mean"
            " 'mistral-ai-joins-nvidia-nemotron-coalition'?",
        ),
        ("/v1/articles?limit=1&limit=2", "limit", "given more than once; it takes one value"),
        ("/v1/articles?q=x&q=y", "q", "given more than once; it takes one value"),
    ],
)
def test_a_typo_in_a_filter_is_a_400_that_offers_the_closest_ids(client, url, name, reason):
    assert problem(client.get(url), 400)["invalid_params"] == [
        {"name": name, "location": "query", "reason": reason}
    ]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        (
            f"{SEED_URL}/sections/Lead",
            f"There is no resource at {SEED_URL}/sections/Lead. Did you mean {SEED_URL}/sections/lead?",
        ),
        ("/v1/articles/", "There is no resource at /v1/articles/. Did you mean /v1/articles?"),
        (f"{SEED_URL}/", f"There is no resource at {SEED_URL}/. Did you mean {SEED_URL}?"),
        (f"{SEED_URL}/sections/leed", "No section with id 'leed'. Did you mean 'lead'?"),
        ("/v1/organizations/nvidai", "No organization with id 'nvidai'. Did you mean 'nvidia'?"),
        (
            f"{SEED_URL}/organizations/nvidai",
            "No organization with id 'nvidai'. Did you mean 'nvidia'?",
        ),
        ("/v1/nowhere", "There is no resource at /v1/nowhere."),
        (
            SEED_URL.upper(),
            f"There is no resource at {SEED_URL.upper()}. Did you mean {SEED_URL}?",
        ),
        # The lower-case path has a route, but nothing is there: no suggestion that only
        # leads to another 404.
        ("/v1/articles/NOPE", "There is no resource at /v1/articles/NOPE."),
        ("/articles/NOPE", "There is no resource at /articles/NOPE."),
        (f"{SEED_URL}/sections/LEED", f"There is no resource at {SEED_URL}/sections/LEED."),
        (f"{SEED_URL}/timeline/NOPE", f"There is no resource at {SEED_URL}/timeline/NOPE."),
        (
            f"{SEED_URL}/organizations/NOPE",
            f"There is no resource at {SEED_URL}/organizations/NOPE.",
        ),
        (
            "/v1/organizations/NOPE/articles",
            "There is no resource at /v1/organizations/NOPE/articles.",
        ),
        (
            "/v1/organizations/NVIDIA",
            "There is no resource at /v1/organizations/NVIDIA. Did you mean /v1/organizations/nvidia?",
        ),
        # Never a redirect that merges the slashes: that would send the client to the
        # article whose id is "sections", and an empty segment names nothing.
        ("/v1/articles//sections", "There is no resource at /v1/articles//sections."),
        ("/v1//articles", "There is no resource at /v1//articles."),
    ],
)
def test_a_wrong_path_is_a_404_problem_that_suggests_the_right_one(client, url, detail):
    body = problem(client.get(url), 404)
    assert body["detail"] == detail
    assert "The requested URL was not found" not in body["detail"]  # never Werkzeug's text
