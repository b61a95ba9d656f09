"""The seed article, loaded by the data layer alone (no Flask): verbatim text and derived data."""

import hashlib
from pathlib import Path

import pytest

from article_data_api.corpus.loader import load_article
from tests.helpers import BUNDLED_CORPUS, HEADINGS, SEED_ID

# sha256 of shared/articles/mistral-nvidia-nemotron-coalition.txt as received: the
# fixture must reproduce the publisher's text byte for byte once the heading marks go.
SOURCE_SHA256 = "2410ba6c9be232976ff8ad39ec721f8be1512477ae865adb6178ae6112954b5e"


@pytest.fixture(scope="module")
def seed():
    return load_article(BUNDLED_CORPUS / "articles" / SEED_ID, BUNDLED_CORPUS)


def by_id(items):
    return {item.id: item for item in items}


def test_sections_are_the_lead_then_the_five_headings(seed):
    assert [s.heading for s in seed.sections] == [None, *HEADINGS]
    assert [s.id for s in seed.sections] == [
        "lead",
        "what-the-coalition-is-and-what-its-for",
        "what-mistral-brings-to-the-partnership",
        "nvidia-is-more-than-just-hardware-here",
        "openness-as-a-strategy-not-just-an-ideology",
        "what-this-means-in-practice",
    ]
    assert [len(s.paragraphs) for s in seed.sections] == [2, 3, 2, 3, 3, 3]


def test_plain_text_is_the_publishers_text_byte_for_byte(seed):
    lines = []
    for section in seed.sections:
        lines += [section.heading] if section.heading else []
        lines += section.paragraphs
    assert hashlib.sha256("\n".join(lines).encode()).hexdigest() == SOURCE_SHA256
    assert seed.sections[-1].paragraphs[-1].endswith("interesting in itself 🙂")
    assert "open “frontier models” – that is" in seed.sections[0].paragraphs[1]


def test_every_mention_slices_out_its_own_text(seed):
    checked = 0
    for org in seed.organizations:
        names = {"name": {org.name}, "alias": set(org.aliases)}
        for mention in org.mentions:
            section = by_id(seed.sections)[mention.section_id]
            text = (
                section.heading
                if mention.paragraph is None
                else section.paragraphs[mention.paragraph]
            )
            assert text[mention.start : mention.end] == mention.text
            if mention.form != "reference":
                assert mention.text in names[mention.form]
            checked += 1
    assert checked == seed.counts.mentions == 27


def test_mentions_have_forms_and_references_are_curated_where_they_occur(seed):
    orgs = by_id(seed.organizations)
    forms = {(m.text, m.form) for m in orgs["mistral-ai"].mentions}
    assert forms == {
        ("Mistral AI", "name"),
        ("Mistral", "alias"),
        ("the French startup", "reference"),
        ("the French company", "reference"),
    }
    # "the company" refers to NVIDIA in one place only; elsewhere it is not a mention.
    [company] = [m for m in orgs["nvidia"].mentions if m.form == "reference"]
    paragraph = by_id(seed.sections)[company.section_id].paragraphs[company.paragraph]
    assert company.text == "the company"
    assert paragraph[company.start :].startswith("the company produces the GPUs")
    assert orgs["mistral-ai"].aliases == ("Mistral",)  # names only, never phrases


def test_mentions_prefer_the_longest_name_and_respect_word_boundaries(seed):
    orgs = by_id(seed.organizations)
    assert {m.text for m in orgs["mistral-ai"].mentions} == {
        "Mistral AI",
        "Mistral",
        "the French startup",
        "the French company",
    }
    coalition_texts = [m.text for m in orgs["nemotron-coalition"].mentions]
    assert "NVIDIA Nemotron coalition" in coalition_texts
    # "NVIDIA" inside "NVIDIA Nemotron coalition" belongs to the coalition's name.
    assert orgs["nvidia"].mention_count == 7
    assert [(m.section_id, m.paragraph) for m in orgs["meta"].mentions] == [
        ("openness-as-a-strategy-not-just-an-ideology", 1)
    ]


def test_every_event_quote_is_found_where_the_evidence_says(seed):
    for event in seed.events:
        span = event.evidence
        paragraph = by_id(seed.sections)[span.section_id].paragraphs[span.paragraph]
        assert paragraph[span.start : span.end] == span.text


def test_timeline_dates_are_sourced_or_relative(seed):
    timeline = [(e.id, e.status, e.date.value, e.date.precision, e.date.label) for e in seed.events]
    assert timeline == [
        ("closed-systems-seemed-to-lead", "past", None, None, "for a long time"),
        (
            "mistral-ai-keeps-a-course-of-openness",
            "ongoing",
            "2023-09-27",
            "day",
            "from the very beginning",
        ),
        ("mistral-ai-builds-competitive-models", "past", None, None, "already"),
        ("open-models-catch-up", "past", None, None, "over the last couple of years"),
        ("nvidia-builds-ai-ecosystem", "ongoing", None, None, "in recent years"),
        ("nemotron-coalition-launched", "past", "2026-03-16", "day", None),
        ("mistral-ai-joins-as-founder", "announced", "2026-03-16", "day", None),
        ("mistral-ai-extends-multimodal-work", "anticipated", None, None, "in the future"),
        ("partnership-results-visible", "anticipated", None, None, "later"),
    ]
    # The article states no date, so every date cites where it comes from.
    for event in seed.events:
        assert bool(event.date.sources) == (event.date.value is not None)
    launch = by_id(seed.events)["nemotron-coalition-launched"].date
    assert launch.confidence == "confirmed" and len(launch.sources) == 2
    # The policy of openness is dated by its first dated act, never by the founding.
    openness = by_id(seed.events)["mistral-ai-keeps-a-course-of-openness"].date
    assert openness.sources == ("https://mistral.ai/news/announcing-mistral-7b/",)


def test_every_label_is_what_the_quote_says_and_every_link_is_named_in_it(seed):
    for event in seed.events:
        if event.date.label:
            assert event.date.label.casefold() in event.evidence.text.casefold(), event.id
        named = {
            org.id
            for org in seed.organizations
            for m in org.mentions
            if (m.section_id, m.paragraph) == (event.evidence.section_id, event.evidence.paragraph)
            and event.evidence.start <= m.start < event.evidence.end
        }
        assert set(event.organizations) <= named, event.id


def test_nothing_reads_shared_at_run_time():
    project = Path(__file__).resolve().parents[1]
    for path in [*project.glob("api/**/*.py"), *project.glob("schemas/*.py")]:
        assert "shared/" not in path.read_text("utf-8"), path
