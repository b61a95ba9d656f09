"""article_data_api_client.ArticleClient against the real server on 127.0.0.1."""

import shutil
import threading
import time

import pytest
import requests

from article_data_api_client import ArticleClient, ProblemError
from tests.helpers import SAMPLE_ID, SEED_ID, free_port, serving

pytestmark = pytest.mark.e2e


class CountingSession(requests.Session):
    """A real session that remembers each response it got."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0
        self.statuses: list[int] = []
        self.urls: list[str] = []

    def request(self, *args, **kwargs):
        self.attempts += 1
        response = super().request(*args, **kwargs)
        self.statuses.append(response.status_code)
        self.urls.append(response.request.url)
        return response


@pytest.fixture()
def api(live_server):
    session = CountingSession()
    return ArticleClient(live_server.url, session=session, backoff=0.01), session


def test_every_endpoint_has_a_method(api):
    client, _ = api
    assert client.health() == {"status": "ok"}
    assert client.ready()["status"] == "ready"
    assert [a["id"] for a in client.list_articles(organization="mistral-ai")["items"]] == [SEED_ID]
    assert client.list_articles(sample=True, facets=["organization"])["facets"]["organization"][
        0
    ] == {
        "value": "northwind-data-cooperative",
        "count": 2,
    }
    hit = client.search("launched coalition")["items"][0]
    assert hit["id"] == SEED_ID and hit["score"] > 0 and hit["highlights"]
    assert client.list_events(status=["announced", "anticipated"], limit=1)["total"] == 7
    assert [e["id"] for e in client.iter_events(organization="nvidia", date_from="2026")] == [
        "nemotron-coalition-launched",
        "mistral-ai-joins-as-founder",
    ]
    assert client.list_organization_articles("northwind-data-cooperative")["total"] == 2
    assert client.get_article(SEED_ID)["counts"]["sections"] == 6
    assert client.get_article_linked_data(SEED_ID)["@type"] == "NewsArticle"
    assert client.list_sections(SEED_ID, limit=2)["total"] == 6
    assert client.get_section(SEED_ID, "lead")["heading"] is None
    assert client.list_article_organizations(SEED_ID, sort="name")["items"][0]["name"] == "Meta"
    assert client.get_article_organization(SEED_ID, "nvidia")["mention_count"] == 7
    assert client.list_timeline(SEED_ID, status="anticipated")["total"] == 2
    assert (
        client.get_event(SEED_ID, "nemotron-coalition-launched")["date"]["confidence"]
        == "confirmed"
    )
    assert client.list_organizations(kind="coalition")["total"] == 2
    assert client.get_organization("northwind-data-cooperative")["article_count"] == 2


def test_iterators_follow_the_paging_links(api):
    client, session = api
    headings = [s["heading"] for s in client.iter_sections(SEED_ID)]
    assert len(headings) == 6
    events = list(client.iter_timeline(SEED_ID))
    assert [e["id"] for e in events][-1] == "partnership-results-visible"
    organizations = list(client.iter_organizations())
    assert len(organizations) == 8
    # 100 items a request, the most the API serves: each of these takes one.
    assert len(session.statuses) == 3
    assert [a["id"] for a in client.iter_articles(q="open", sort="newest")] == [
        SEED_ID,
        SAMPLE_ID,
    ]


def test_iterators_ask_for_page_size_items_at_a_time(live_server):
    session = CountingSession()
    client = ArticleClient(live_server.url, session=session, page_size=3)
    assert [o["id"] for o in client.iter_organizations(sort="name")] == [
        o["id"] for o in client.list_organizations(sort="name", limit=100)["items"]
    ]
    assert len(session.statuses) == 3 + 1  # 8 organizations, 3 at a time; then the list


def test_conditional_gets_revalidate_with_the_remembered_etag(api):
    client, session = api
    first = client.get_article(SEED_ID)
    second = client.get_article(SEED_ID)
    assert second == first
    assert session.statuses == [200, 304]


def test_the_remembered_responses_are_bounded_least_recently_used_first(live_server):
    # A walk of the archive made the client keep every page it had read: at 10^6
    # articles, gigabytes of decoded bodies that would never be asked for again.
    session = CountingSession()
    client = ArticleClient(live_server.url, session=session, remembered=2)
    client.get_article(SEED_ID)
    client.get_article(SAMPLE_ID)
    client.get_article(SEED_ID)  # revalidated: 304, and now the most recently used
    client.list_organizations()  # the sample article goes
    client.get_article(SEED_ID)
    client.get_article(SAMPLE_ID)
    assert session.statuses == [200, 200, 304, 200, 304, 200]


def test_a_remembered_response_is_a_fresh_copy_each_time(api):
    # The remembered body was handed out itself: a caller that changed it changed what
    # every later 304 returned.
    client, session = api
    first = client.get_article(SEED_ID)
    first["title"] = "changed by the caller"
    assert client.get_article(SEED_ID)["title"] != "changed by the caller"
    assert session.statuses == [200, 304]


def test_one_client_serves_many_threads(live_server):
    # With few remembered responses, another thread evicted the entry a 304 was for:
    # 156 KeyErrors in 1,200 calls from 8 threads.
    client = ArticleClient(live_server.url, remembered=2)
    ids = [SEED_ID, SAMPLE_ID, "sample-northwind-tools-for-the-port"]
    failures: list[BaseException] = []

    def read(start: int) -> None:
        for i in range(60):
            try:
                assert client.get_article(ids[(start + i) % 3])["id"] == ids[(start + i) % 3]
            except BaseException as error:  # every failure is reported, not only the first
                failures.append(error)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []


def test_problems_become_one_exception_with_the_problem_fields(api):
    client, _ = api
    with pytest.raises(ProblemError) as caught:
        client.get_article("no-such-article")
    assert (caught.value.status, caught.value.title) == (404, "Not Found")
    assert caught.value.detail.startswith("No article with id 'no-such-article'.")
    with pytest.raises(ProblemError) as caught:
        client.list_articles(limit=500)
    assert caught.value.status == 400
    assert [p["name"] for p in caught.value.invalid_params] == ["limit"]


@pytest.mark.parametrize(
    ("call", "asked"),
    [
        # The id was pasted into the path as it came, so "../organizations" fetched the
        # organization index and returned it as if it were an article.
        (lambda c: c.get_article("../organizations"), "/v1/articles/..%2Forganizations"),
        (lambda c: c.get_article("x?limit=1"), "/v1/articles/x%3Flimit%3D1"),
        (lambda c: c.get_organization("a#b"), "/v1/organizations/a%23b"),
    ],
)
def test_an_id_is_one_path_segment_whatever_it_holds(api, call, asked):
    client, session = api
    with pytest.raises(ProblemError) as caught:
        call(client)
    assert caught.value.status == 404
    assert session.urls == [client.base_url.rstrip("/") + asked]


@pytest.mark.parametrize("dots", [".", ".."])
def test_an_id_of_dots_alone_is_refused_before_any_request(api, dots):
    # Even escaped, URL resolution reads it as "here" or "up one": another resource.
    client, session = api
    with pytest.raises(ValueError, match="cannot be an id"):
        client.get_section(SEED_ID, dots)
    assert session.urls == []


def test_connection_errors_are_retried_then_raised():
    session = CountingSession()
    client = ArticleClient(
        f"http://127.0.0.1:{free_port()}", session=session, retries=2, backoff=0.01
    )
    with pytest.raises(requests.ConnectionError):
        client.health()
    assert session.attempts == 3


def test_503s_are_retried_then_raised_as_problems(unused_redis_url):
    with serving(env={"CACHE_REDIS_URL": unused_redis_url}) as server:
        session = CountingSession()
        client = ArticleClient(server.url, session=session, retries=2, backoff=0.01)
        with pytest.raises(ProblemError) as caught:
            client.ready()
        assert caught.value.status == 503
        assert session.statuses == [503, 503, 503]


def test_a_503_is_retried_after_the_seconds_its_retry_after_asks(corpus_copy, tmp_path):
    # The client waited only its own backoff (0.01 s here), though the server said when
    # to come back: every retry came too early, and the caller got the 503.
    snapshots = tmp_path / "snapshots"
    with serving(
        {"ARTICLE_DATA_DIR": str(corpus_copy.root), "SNAPSHOT_DIR": str(snapshots)}
    ) as server:
        session = CountingSession()
        client = ArticleClient(server.url, session=session, retries=1, backoff=0.01)
        shutil.rmtree(snapshots)
        time.sleep(1.2)  # the server notices: no snapshot, a 503 with Retry-After: 1
        response = requests.get(f"{server.url}/v1/articles", timeout=5)
        assert (response.status_code, response.headers["Retry-After"]) == (503, "1")
        started = time.monotonic()
        with pytest.raises(ProblemError):
            client.get_article(SEED_ID)
        assert time.monotonic() - started >= 1.0
        assert session.statuses == [503, 503]
