"""Search and filters in the data layer, without Flask."""

import pytest

from article_data_api.corpus.corpus import Corpus, words
from tests.helpers import BUNDLED_CORPUS, SAMPLE_ID, SEED_ID


@pytest.fixture(scope="module")
def corpus():
    return Corpus.load(BUNDLED_CORPUS)


def ids(articles):
    return [article.id for article in articles]


def test_list_order_is_newest_first_with_undated_last(corpus):
    assert ids(corpus.articles) == [SEED_ID, SAMPLE_ID]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("NEMOTRON", [SEED_ID]),
        ("nemo", [SEED_ID]),  # a word may be the start of a longer one
        ("catalogue", [SAMPLE_ID]),
        ("open models", [SEED_ID, SAMPLE_ID]),
        ("open catalogue", [SAMPLE_ID]),  # every word must match
        ("founding member", [SEED_ID]),  # the title counts
        ("zeppelin", []),
    ],
)
def test_full_text_search(corpus, q, expected):
    assert ids(corpus.find_articles({"q": q})) == expected


def test_organization_filter_and_search_combine(corpus):
    assert ids(corpus.find_articles({"organization": "mistral-ai"})) == [SEED_ID, SAMPLE_ID]
    assert ids(corpus.find_articles({"organization": "nvidia"})) == [SEED_ID]
    assert ids(corpus.find_articles({"q": "library", "organization": "nvidia"})) == []
    assert ids(corpus.find_articles({"organization": "no-such-org"})) == []


def test_words_fold_case_and_split_punctuation():
    assert words("NVIDIA’s “Hardware”, AI-based") == ["nvidia", "s", "hardware", "ai", "based"]


def test_organization_index_spans_articles(corpus):
    mistral = corpus.organizations_by_id["mistral-ai"]
    assert [(e.article.id, e.mention_count) for e in mistral.articles] == [
        (SEED_ID, 11),
        (SAMPLE_ID, 1),
    ]
    assert mistral.mention_count == 12 and mistral.article_count == 2
    assert [o.id for o in corpus.find_organizations({"kind": "coalition"})] == [
        "harbour-city-library-consortium",
        "nemotron-coalition",
    ]


def test_article_filters(corpus):
    seed = corpus.articles_by_id[SEED_ID]
    assert [o.id for o in seed.find_organizations({})] == [
        "mistral-ai",
        "nemotron-coalition",
        "nvidia",
        "meta",
    ]
    assert [o.id for o in seed.find_organizations({"sort": "name"})] == [
        "meta",
        "mistral-ai",
        "nvidia",
        "nemotron-coalition",
    ]
    assert [e.id for e in seed.find_events({"organization": "meta"})] == ["open-models-catch-up"]
    assert [e.id for e in seed.find_events({"status": "anticipated"})] == [
        "partnership-results-visible"
    ]


def test_a_query_without_words_filters_nothing(corpus):
    # Found by schemathesis: the spec cannot say "has a letter" the way Python's \w does,
    # so such a query is valid and, having no words to match, keeps every article.
    assert ids(corpus.find_articles({"q": "– ?"})) == [SEED_ID, SAMPLE_ID]
