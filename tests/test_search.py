"""Search and discovery on a corpus made for it: ranking, stemming, phrases, exclusion,
highlights, dates at each precision, facets against a brute-force count, and cursors
that walk every item exactly once, across a snapshot switch too."""

import json
import time
from collections import Counter
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from article_data_api import create_app
from article_data_api.store import RELOAD_CHECK_SECONDS
from article_data_api.store.build import Builder
from article_data_api.store.layout import SnapshotDir
from article_data_api.store.search import (
    Mark,
    Phrase,
    QueryMarks,
    analyzer,
    parse_query,
    passages,
)
from tests.helpers import SEED_ID, write_article

ORGS = {
    "aurora-energy": {"name": "Aurora Energy", "kind": "company"},
    "harbour-authority": {"name": "Harbour Authority", "kind": "government"},
    "tidal-institute": {"name": "Tidal Institute", "kind": "research-lab"},
}


def org(org_id: str) -> dict:
    return {
        "id": org_id,
        **ORGS[org_id],
        "description": "A fictional organization.",
        "role": "Named in a test article.",
    }


def published(value):
    return None if value is None else {"value": value, "sources": ["https://news.example/x"]}


# id, published, paragraphs, organizations
ARTICLES = [
    ("zeppelin-in-the-title", "2026-03-20", ["Aurora Energy builds a hangar."], ["aurora-energy"]),
    (
        "zeppelin-in-the-body",
        "2026-03-21",
        ["Aurora Energy builds a hangar near the sea, and one day a zeppelin may dock there."],
        ["aurora-energy"],
    ),
    (
        "launch-of-a-port",
        "2026-03",
        [
            "The Harbour Authority will launch a new ferry.",
            "## Practice and Ideology",
            "The open-weight rules of the port are written down.",
        ],
        ["harbour-authority"],
    ),
    (
        "open-and-weight",
        "2026",
        ["The Tidal Institute keeps its open data on the weight of the tides."],
        ["tidal-institute"],
    ),
    (
        "undated-notes",
        None,
        ["Notes on the Tidal Institute and Aurora Energy."],
        ["tidal-institute", "aurora-energy"],
    ),
]
TITLES = {
    "zeppelin-in-the-title": "A zeppelin over the harbour",
    "zeppelin-in-the-body": "A hangar by the sea",
}
# Filler articles sharing dates, so that cursors must order ties and cross pages.
FILLER = [(f"filler-{n:02d}", f"2025-0{1 + n % 3}-1{n % 2}") for n in range(24)]


def write_corpus(root) -> None:
    for article_id, date, paragraphs, orgs in ARTICLES:
        annotations = {
            "title": TITLES.get(article_id, article_id.replace("-", " ").capitalize()),
            "published": published(date),
            "sample": True,
            "organizations": [org(o) for o in orgs],
        }
        write_article(root, article_id, paragraphs, annotations)
    for article_id, date in FILLER:
        write_article(
            root,
            article_id,
            [f"Filler text number {article_id} about the Harbour Authority."],
            {"published": published(date), "organizations": [org("harbour-authority")]},
        )
    write_article(
        root,
        "timeline-cases",
        [
            "The Harbour Authority met in March 2026.",
            "The Harbour Authority opened a quay on 12 March 2026.",
            "The Harbour Authority was founded in 2025.",
            "The Harbour Authority will expand later.",
        ],
        {
            "published": published("2026-04-01"),
            "organizations": [org("harbour-authority")],
            "events": [
                event("founded", "past", "2025", "The Harbour Authority was founded in 2025."),
                event("met", "past", "2026-03", "The Harbour Authority met in March 2026."),
                event(
                    "quay",
                    "past",
                    "2026-03-12",
                    "The Harbour Authority opened a quay on 12 March 2026.",
                ),
                event(
                    "expand",
                    "anticipated",
                    None,
                    "The Harbour Authority will expand later.",
                    label="later",
                ),
            ],
        },
    )


def event(event_id, status, value, quote, label=None):
    date = {"value": value}
    if label:
        date["label"] = label
    return {
        "id": event_id,
        "title": f"The authority: {event_id}",
        "description": f"A test event: {event_id}.",
        "status": status,
        "date": date,
        "organizations": ["harbour-authority"],
        "evidence": {"quote": quote},
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-corpus")
    write_corpus(root)
    return root


@pytest.fixture(scope="module")
def client(corpus, tmp_path_factory):
    snapshots = tmp_path_factory.mktemp("search-snapshots")
    app = create_app({"ARTICLE_DATA_DIR": str(corpus), "SNAPSHOT_DIR": str(snapshots)})
    return app.test_client()


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def ids(body):
    return [item["id"] for item in body["items"]]


def test_a_title_hit_outranks_a_body_hit(client):
    body = get(client, "/v1/articles?q=zeppelin")
    assert ids(body) == ["zeppelin-in-the-title", "zeppelin-in-the-body"]
    assert body["items"][0]["score"] > body["items"][1]["score"] > 0


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("launched", ["launch-of-a-port"]),  # stemmed: "launch"
        ("ideology", ["launch-of-a-port"]),  # headings are searched
        ("PRACTICE", ["launch-of-a-port"]),
        ('"open-weight"', ["launch-of-a-port"]),
        ("open-weight", ["launch-of-a-port"]),  # a hyphenated word is a phrase
        ('"weight of the tides"', ["open-and-weight"]),
        ("open weight", ["open-and-weight", "launch-of-a-port"]),
        ("hangar -dock", ["zeppelin-in-the-title"]),
        ("ferry OR tides", ["launch-of-a-port", "open-and-weight"]),
        ("zeppelin nowhere", []),
        ("OR", []),  # alone, it is the word "or", which no article holds
        ("x" * 41, []),  # longer than any indexed word: found nowhere
        # A possessive finds the word: the index holds "zeppelin", never "zeppelin's".
        ("zeppelin's", ["zeppelin-in-the-title", "zeppelin-in-the-body"]),
        ("hangar%E2%80%99s -dock", ["zeppelin-in-the-title"]),
        ('"zeppelin\'s"', []),  # quoted, it is the exact words "zeppelin s"
    ],
)
def test_the_search_syntax(client, q, expected):
    found = ids(get(client, f"/v1/articles?q={q}&sort=newest"))
    assert sorted(found) == sorted(expected)


def test_excluding_alone_keeps_everything_else(client):
    body = get(client, "/v1/articles?q=-zeppelin&limit=100")
    assert "zeppelin-in-the-title" not in ids(body)
    assert body["total"] == len(ARTICLES) + len(FILLER) + 1 - 2


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("!!!", "q has no letter or digit to search for"),
        ("-", "q has no letter or digit to search for"),
        ("%F0%9F%99%82", "q has no letter or digit to search for"),  # 🙂
        (" ".join(["word"] * 33), "q has more than 32 words"),
    ],
)
def test_queries_that_cannot_be_searched_are_400s_that_say_why(client, q, reason):
    body = get(client, f"/v1/articles?q={q}", status=400)
    assert body["invalid_params"] == [{"name": "q", "location": "query", "reason": reason}]


def test_a_repeated_word_or_phrase_is_searched_once():
    stemmer = analyzer()
    parsed = parse_query(
        '"harbour authority" OR "harbour authority" tides tides -dock -dock', stemmer
    )
    assert parsed.groups == [[Phrase(("harbour", "author"))], [Phrase(("tide",))]]
    assert parsed.excluded == [Phrase(("dock",))]


@pytest.mark.parametrize(
    ("q", "status"),
    [
        ('"harbour authority"', 200),
        ('"harbour authority" "the harbour"', 200),
        ('"harbour authority" OR "harbour authority" OR "harbour authority"', 200),
        # Each phrase of words in most articles checks positions in most articles: 200
        # characters of them cost a second of CPU at 100,000 articles.
        ('"harbour authority" "the harbour" "about the"', 400),
        ('"harbour authority" OR "the harbour" OR "about the"', 400),
        ('zeppelin -"harbour authority" -"the harbour" -"about the"', 400),
    ],
)
def test_a_search_may_match_phrases_of_common_words_only_so_often(client, q, status):
    body = get(client, f"/v1/articles?q={quote(q)}", status=status)
    if status == 400:
        [problem] = body["invalid_params"]
        assert problem["name"] == "q"
        assert problem["reason"].startswith("q quotes phrases of words so common that")
        assert problem["reason"].endswith("(at most 2): quote fewer of them")


def test_q_is_capped_at_256_characters(client):
    assert get(client, "/v1/articles?q=" + "a" * 256)["total"] == 0
    body = get(client, "/v1/articles?q=" + "a" * 257, status=400)
    assert body["invalid_params"][0]["name"] == "q"


def test_highlights_slice_out_exactly_the_marked_text(client):
    body = get(client, "/v1/articles?q=launched+OR+ideology+OR+hangar&limit=50")
    checked = 0
    for item in body["items"]:
        sections = get(client, item["links"]["sections"])["items"]
        assert 1 <= len(item["highlights"]) <= 3
        for highlight in item["highlights"]:
            if highlight["field"] == "title":
                text = item["title"]
            else:
                [section] = [s for s in sections if s["id"] == highlight["section_id"]]
                paragraph = highlight["paragraph"]
                text = section["heading"] if paragraph is None else section["paragraphs"][paragraph]
            assert text[highlight["start"] : highlight["end"]] == highlight["text"]
            for mark in highlight["marks"]:
                assert highlight["start"] <= mark["start"] < mark["end"] <= highlight["end"]
                marked = text[mark["start"] : mark["end"]].lower()
                assert marked.startswith(("launch", "ideolog", "hangar"))
                checked += 1
    assert checked >= 3


def seed_hit(client, q):
    [hit] = [item for item in get(client, f"/v1/articles?q={q}")["items"] if item["id"] == SEED_ID]
    return hit


def test_highlights_are_the_passages_that_hold_the_most_of_the_query(app):
    # On the seed: "Mistral" is in most paragraphs; only one sentence also says
    # "multimodal", past the middle of the article: it must be among the highlights.
    client = app.test_client()
    hit = seed_hit(client, "mistral+multimodal")
    richest = [
        {hl["text"][m["start"] - hl["start"] : m["end"] - hl["start"]].lower() for m in hl["marks"]}
        for hl in hit["highlights"]
    ]
    assert any("multimodal" in words and "mistral" in words for words in richest), richest
    # One word: every passage holds as much of it, so the first three win.
    hit = seed_hit(client, "mistral")
    assert [(h["section_id"], h["paragraph"]) for h in hit["highlights"]] == [
        (None, None),
        ("lead", 0),
        ("lead", 1),
    ]


def test_date_filters_compare_at_each_dates_precision(client):
    def found(query):
        return sorted(ids(get(client, f"/v1/articles?{query}&limit=100")))

    # A day, a month and a year each meet a range that holds some of their days.
    assert "launch-of-a-port" in found("published_after=2026-03-15&published_before=2026-03-16")
    assert "open-and-weight" in found("published_after=2026-06-01")
    assert "zeppelin-in-the-title" not in found("published_after=2026-03-21")
    assert "zeppelin-in-the-body" in found("published_after=2026-03-21")
    # Undated articles are left out by a date filter, and listed last without one.
    assert "undated-notes" not in found("published_before=2030")
    assert ids(get(client, "/v1/articles?limit=100"))[-1] == "undated-notes"
    assert ids(get(client, "/v1/articles?sort=oldest&limit=100"))[-1] == "undated-notes"


@pytest.mark.parametrize(
    ("url", "end", "start"),
    [
        ("/v1/articles?published_after=2027&published_before=2026", "published_before", "2027"),
        (
            "/v1/articles?published_after=2026-03-16&published_before=2026-03-15",
            "published_before",
            "2026-03-16",
        ),
        ("/v1/events?date_from=2026-04&date_to=2026-03-31", "date_to", "2026-04"),
    ],
)
def test_a_date_range_that_ends_before_it_starts_is_a_400(client, url, end, start):
    # It could only ever match nothing: two dates typed the wrong way round.
    body = get(client, url, status=400)
    [param] = body["invalid_params"]
    assert param["name"] == end
    assert param["reason"].startswith("ends before")
    assert repr(start) in param["reason"] and "swap" in param["reason"]


def test_a_range_within_one_month_or_year_is_not_inverted(client):
    # 2026-03-15 lies within 2026-03, and 2026-03 within 2026: each range holds days.
    assert get(client, "/v1/articles?published_after=2026-03-15&published_before=2026-03")["total"]
    assert get(client, "/v1/events?date_from=2026-03&date_to=2026")["total"]


def test_the_corpus_timeline_compares_dates_by_precision_and_flags_partial_overlaps(client):
    body = get(client, "/v1/events?date_from=2026-03-10&date_to=2026-03-31")
    assert [(e["id"], e["date_overlap"]) for e in body["items"]] == [
        ("met", "partial"),  # March 2026 may or may not fall after the 10th
        ("quay", "full"),
    ]
    undated = get(client, "/v1/events?status=anticipated")
    assert [e["id"] for e in undated["items"]] == ["expand"] and "date_overlap" not in undated[
        "items"
    ][0]
    assert get(client, "/v1/events?status=anticipated&date_from=2000")["total"] == 0
    everything = get(client, "/v1/events")
    assert [e["id"] for e in everything["items"]] == ["founded", "met", "quay", "expand"]
    first = everything["items"][0]
    assert first["article"] == {"id": "timeline-cases", "title": "Timeline cases", "sample": False}
    assert first["links"] == {
        "self": "/v1/articles/timeline-cases/timeline/founded",
        "article": "/v1/articles/timeline-cases",
    }


def test_facets_count_the_whole_result_as_a_brute_force_count_does(client, corpus):
    body = get(client, "/v1/articles?q=harbour+OR+aurora&facets=organization,kind,month&limit=1")
    assert len(body["items"]) == 1
    matched = []
    for folder in (corpus / "articles").iterdir():
        text = (folder / "article.md").read_text().lower()
        annotations = json.loads((folder / "annotations.json").read_text())
        if "harbour" in text + annotations["title"].lower() or "aurora" in text:
            matched.append(annotations)
    assert body["total"] == len(matched)
    organizations = Counter(o["id"] for a in matched for o in a["organizations"])
    kinds = Counter(k for a in matched for k in {o["kind"] for o in a["organizations"]})
    months = Counter(
        a["published"]["value"][:7]
        for a in matched
        if a["published"] and len(a["published"]["value"]) >= 7
    )
    as_counts = {
        name: {f["value"]: f["count"] for f in values} for name, values in body["facets"].items()
    }
    assert as_counts == {
        "organization": dict(organizations),
        "kind": dict(kinds),
        "month": dict(months),
    }


def test_event_facets(client):
    body = get(client, "/v1/events?facets=status,month,organization")
    assert {f["value"]: f["count"] for f in body["facets"]["status"]} == {
        "past": 3,
        "anticipated": 1,
    }
    assert {f["value"]: f["count"] for f in body["facets"]["month"]} == {"2026-03": 2}
    assert body["facets"]["organization"] == [{"value": "harbour-authority", "count": 4}]


def walk(client, url):
    """Every item, following links.next; and the number of pages."""
    seen, pages = [], 0
    while url:
        body = get(client, url)
        seen += ids(body)
        pages += 1
        url = body["links"]["next"]
    return seen, pages


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles?limit=4",
        "/v1/articles?sort=oldest&limit=5",
        "/v1/articles?q=harbour+authority&limit=3",
        "/v1/articles?q=harbour&sort=newest&limit=3",
        "/v1/articles?organization=harbour-authority&limit=4",
        "/v1/organizations?sort=name&limit=1",
        "/v1/organizations?sort=articles&limit=2",
        "/v1/organizations/harbour-authority/articles?limit=7",
        "/v1/events?limit=1",
        "/v1/events?sort=newest&limit=3",
    ],
)
def test_a_cursor_walk_visits_every_item_exactly_once(client, url):
    everything = get(client, f"{url.split('limit=')[0]}limit=100")
    seen, pages = walk(client, url)
    assert seen == ids(everything)
    assert len(seen) == len(set(seen)) == everything["total"]
    assert pages > 1


def test_prev_links_walk_back_to_the_first_page(client):
    body = get(client, "/v1/articles?limit=5")
    pages = [ids(body)]
    while body["links"]["next"]:
        body = get(client, body["links"]["next"])
        pages.append(ids(body))
    back = [ids(body)]
    while body["links"]["prev"]:
        body = get(client, body["links"]["prev"])
        back.append(ids(body))
    assert back[::-1] == pages


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles?limit=4",
        "/v1/articles?q=harbour&limit=3",
        "/v1/organizations?sort=name&limit=2",
        "/v1/organizations/harbour-authority/articles?limit=3",
        "/v1/events?limit=2",
        "/v1/articles/launch-of-a-port/sections?limit=1",
    ],
)
def test_a_page_past_the_end_links_back_to_the_last_page(client, url):
    everything = ids(get(client, f"{url.split('limit=')[0]}limit=100"))
    limit = int(url.rsplit("limit=", 1)[1])
    past = get(client, f"{url}&offset=500")
    assert past["items"] == [] and past["total"] == len(everything)
    assert past["links"]["next"] is None
    last = get(client, past["links"]["prev"])
    assert ids(last) == everything[-limit:]
    assert last["links"]["next"] is None


def test_offset_goes_10000_deep_and_then_points_to_the_cursor(client):
    assert get(client, "/v1/articles?offset=10000")["items"] == []
    body = get(client, "/v1/articles?offset=10001", status=400)
    assert "cursor" in body["invalid_params"][0]["reason"]


def test_a_forged_cursor_is_a_400(client):
    body = get(client, "/v1/articles?cursor=not-a-cursor", status=400)
    assert body["invalid_params"][0]["name"] == "cursor"
    other_sort = get(client, "/v1/articles?limit=1")["links"]["next"]
    query = dict(parse_qsl(urlsplit(other_sort).query))
    body = get(client, f"/v1/articles?sort=oldest&cursor={query['cursor']}", status=400)
    assert body["invalid_params"][0]["reason"] == "was made for sort=newest, not sort=oldest"


def test_a_cursor_walk_across_a_snapshot_switch(corpus, tmp_path):
    snapshots = tmp_path / "snapshots"
    app = create_app({"ARTICLE_DATA_DIR": str(corpus), "SNAPSHOT_DIR": str(snapshots)})
    client = app.test_client()
    everything = ids(get(client, "/v1/articles?limit=100"))
    body = get(client, "/v1/articles?limit=4")
    seen = ids(body)
    relevance = get(client, "/v1/articles?q=harbour&limit=2")["links"]["next"]
    folder = corpus / "articles" / "filler-03" / "annotations.json"
    annotations = json.loads(folder.read_text())
    folder.write_text(json.dumps({**annotations, "title": "Retitled filler"}))
    try:
        Builder(corpus, SnapshotDir(snapshots)).build()
        time.sleep(RELOAD_CHECK_SECONDS + 0.2)
        while body["links"]["next"]:
            body = get(client, body["links"]["next"])
            seen += ids(body)
        assert seen == everything  # keys are the items' own: nothing skipped or repeated
        stale = get(client, relevance, status=400)
        assert "earlier snapshot" in stale["invalid_params"][0]["reason"]
    finally:
        folder.write_text(json.dumps(annotations))


def test_an_organization_keeps_its_first_articles_and_pages_the_rest(client):
    org = get(client, "/v1/organizations/harbour-authority")
    assert org["article_count"] == 2 + len(FILLER)
    assert len(org["articles"]) == 5
    assert org["links"]["articles"] == "/v1/organizations/harbour-authority/articles"
    listed = get(client, "/v1/organizations/harbour-authority/articles?limit=5")
    assert listed["items"] == org["articles"] and listed["total"] == org["article_count"]
    entry = listed["items"][0]
    assert entry["links"]["organization"].endswith("/organizations/harbour-authority")
    assert get(client, entry["links"]["organization"])["mention_count"] == entry["mention_count"]


def test_organizations_sort_by_articles_mentions_and_name(client):
    def order(sort):
        return ids(get(client, f"/v1/organizations?sort={sort}"))

    assert order("articles") == ["harbour-authority", "aurora-energy", "tidal-institute"]
    assert order("name") == ["aurora-energy", "harbour-authority", "tidal-institute"]
    assert order("id") == sorted(order("id"))
    assert order("mentions")[0] == "harbour-authority"


def test_repeated_filters_are_lists_and_never_share_a_cache_entry(client):
    past = get(client, "/v1/events?status=past")
    both = get(client, "/v1/events?status=past&status=anticipated")
    assert past["total"] == 3 and both["total"] == 4
    assert get(client, "/v1/events?status=past")["total"] == 3


@pytest.mark.parametrize("url", ["/v1/events?facets=", "/v1/articles?facets="])
def test_an_empty_facets_list_is_a_400(client, url):
    # Found by schemathesis: an empty facets= was taken as no facets at all.
    body = get(client, url, status=400)
    assert body["invalid_params"][0]["name"] == "facets"


def test_passages_are_the_sentences_that_hold_a_mark():
    text = "Mistral joins. Nothing here!  NVIDIA leads; Mistral too? End"
    mistral, nvidia, late = (text.index("Mistral"), text.index("NVIDIA"), text.rindex("Mistral"))
    marks = [Mark(start, start + 7, frozenset({0})) for start in (mistral, nvidia, late)]
    assert [text[s:e] for s, e in passages(text, marks)] == [
        "Mistral joins.",
        "NVIDIA leads; Mistral too?",
    ]
    # A mark in the space between sentences belongs to neither.
    assert passages(text, [Mark(text.index("  "), text.index("  ") + 1, frozenset({0}))]) == []
    # A closing quote or bracket stays outside the sentence it closes; the last sentence
    # needs no stop.
    text = 'He said "Mistral wins." (Really…) NVIDIA then Mistral'
    marks = [Mark(start, start + 7, frozenset({0})) for start in (9, text.rindex("Mistral"))]
    assert [text[s:e] for s, e in passages(text, marks)] == [
        'He said "Mistral wins.',
        "NVIDIA then Mistral",
    ]


@pytest.mark.parametrize("before", ["", "İstanbul: "])  # "İ" lowercases to two characters
def test_marks_are_whole_words_in_any_case_at_the_texts_own_offsets(before):
    stemmer = analyzer()
    marks_in = QueryMarks(parse_query("mistral", stemmer), stemmer)
    text = before + "MISTRAL, Mistral's xmistral ai_mistral mistralx"
    assert [text[m.start : m.end] for m in marks_in(text)] == ["MISTRAL", "Mistral", "mistral"]


def test_names_sort_alphabetically_accents_and_case_aside(tmp_path):
    """Sorted by casefold alone, 'Électricité de France' and 'Ørsted' came after 'Zeta
    Cables' (É and Ø are past z in code points), across the corpus and in an article."""
    names = ["Zeta Cables", "Ørsted", "Électricité de France", "alpha Labs", "Equinor"]
    organizations = [
        {
            "id": f"org-{i}",
            "name": name,
            "kind": "company",
            "description": "A fictional organization.",
            "role": "Named in a test article.",
        }
        for i, name in enumerate(names)
    ]
    write_article(
        tmp_path / "corpus", "names", [", ".join(names) + "."], {"organizations": organizations}
    )
    app = create_app(
        {"ARTICLE_DATA_DIR": str(tmp_path / "corpus"), "SNAPSHOT_DIR": str(tmp_path / "snapshots")}
    )
    expected = ["alpha Labs", "Électricité de France", "Equinor", "Ørsted", "Zeta Cables"]
    for url in ("/v1/organizations?sort=name", "/v1/articles/names/organizations?sort=name"):
        assert [o["name"] for o in get(app.test_client(), url)["items"]] == expected
