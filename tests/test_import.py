"""article-data-api import and review: a web page, Markdown or plain text in; a validated
draft with suggested organizations and events out, reviewed in the terminal, published
only then; never written where it must not be."""

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import article_data_api
from article_data_api import create_app
from article_data_api.corpus.importer import ImportRefused, import_article, read_input
from article_data_api.corpus.suggestions import suggest_organizations
from article_data_api.corpus.temporal import find_expressions, resolve
from article_data_api.corpus.text import parse_sections
from article_data_api.corpus.web_page import read_page
from article_data_api.store.build import validate_corpus
from bench.suggestions import EXPECTED
from tests.helpers import BUNDLED_CORPUS, CONSOLE_SCRIPT, PROJECT, SEED_ID, CorpusCopy, run_cli

DATA = PROJECT / "tests" / "data"
SEED_PAGE = DATA / "mistral-nvidia-nemotron-coalition.html"
NORHAVEN_PAGE = DATA / "import" / "norhaven-shore-power.html"
RIVERSIDE_MARKDOWN = DATA / "import" / "riverside-depot.md"
SEED_MARKDOWN = BUNDLED_CORPUS / "articles" / SEED_ID / "article.md"
SEED_URL = (
    "https://neurabooks.online/news/posts/mistral/mistral-ai-and-nvidia-team-up-for-open-models"
    "-2026-03-20"
)
MADE_UP = """\
Riverside Transit Cooperative opened its first solar depot on Monday.
The depot charges forty buses overnight and was built with Northgate Energy.
Why a Depot
Riverside Transit Cooperative ran diesel buses until last spring.
Northgate Energy supplied the panels and the storage.
Who Pays
The city council paid for half of the depot.
What Comes Next
A second depot is planned for the east side later.
"""


def annotations_of(folder: Path) -> dict:
    return json.loads((folder / "annotations.json").read_text("utf-8"))


def suggested(annotations: dict, collection: str) -> list[dict]:
    return [item for item in annotations[collection] if item.get("suggested")]


# A web page in


def test_the_seed_page_imports_as_the_curated_sections_title_date_and_url(tmp_path):
    result = run_cli("import", SEED_PAGE, "--id", "seed-again", "--corpus", tmp_path / "corpus")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "corpus" / "articles" / "seed-again"
    assert (folder / "article.md").read_bytes() == SEED_MARKDOWN.read_bytes()
    assert len(parse_sections(SEED_MARKDOWN.read_text("utf-8"))) == 6
    draft = annotations_of(folder)
    curated = json.loads((SEED_MARKDOWN.parent / "annotations.json").read_text("utf-8"))
    assert draft["status"] == "draft"
    assert draft["title"] == curated["title"] and draft["title_is_editorial"] is False
    assert draft["published"] == {"value": "2026-03-20", "sources": [SEED_URL]}
    assert draft["source_url"] == curated["source_url"] == SEED_URL
    assert draft["publisher"] == {"name": "Neurabooks News"} and draft["language"] == "en"


def test_the_page_body_keeps_typography_and_loses_the_furniture(tmp_path):
    imported = import_article(NORHAVEN_PAGE, tmp_path / "corpus", article_id="norhaven")
    text = (imported.folder / "article.md").read_text("utf-8")
    assert "“It’s a start — not the end,” said Mara Lind of Tidewell Systems. 🚢" in text
    assert "## Who paid\n" in text and "## What comes next\n" in text  # h2 and h3 alike
    for furniture in ("Advertisement", "Subscribe", "Sailor77", "All rights reserved", "Related"):
        assert furniture not in text
    assert not text.startswith("Norhaven port starts")  # the h1 is the title, not a heading
    assert imported.annotations["authors"] == [{"name": "Ines Varga"}]
    assert imported.annotations["published"]["value"] == "2025-09-17"


def test_markdown_and_plain_text_still_import(tmp_path):
    corpus = tmp_path / "corpus"
    markdown = import_article(RIVERSIDE_MARKDOWN, corpus)
    assert markdown.folder.name == "riverside-buses-move-to-a-solar-depot"
    assert markdown.annotations["title"] == "Riverside buses move to a solar depot"
    assert [s.heading for s in markdown.sections] == [None, "Who pays", "What comes next"]
    source = tmp_path / "depot.txt"
    source.write_text(MADE_UP, "utf-8")
    text = import_article(source, corpus, article_id="solar-depot", title="A solar bus depot")
    assert [s.heading for s in text.sections] == [
        None,
        "Why a Depot",
        "Who Pays",
        "What Comes Next",
    ]
    assert validate_corpus(corpus) == 2


def test_plain_text_breaks_lines_only_where_a_text_file_does(tmp_path):
    # U+0085 is what a Windows-1252 "…" becomes when read as Latin-1. Python's splitlines
    # broke the line there, so "Acme Corp grew… fast" became a heading "Acme Corp grew"
    # and a paragraph "fast, ...": the text changed, where U+0007 is refused.
    source = tmp_path / "nel.txt"
    source.write_text(
        "Acme Corp grew\x85 fast, its chief said on Tuesday.\nA second paragraph.\n", "utf-8"
    )
    with pytest.raises(ImportRefused, match=r"line 1: control character U\+0085"):
        import_article(source, tmp_path / "corpus")
    # At a line's end it was stripped as white space: "And then…" became "And then", in
    # plain text and in Markdown alike.
    source.write_text("Acme Corp grew.\nA second paragraph.\nAnd then\x85\n", "utf-8")
    with pytest.raises(ImportRefused, match=r"nel.txt: line 3: control character U\+0085"):
        import_article(source, tmp_path / "corpus")
    markdown = tmp_path / "nel.md"
    markdown.write_text("# Acme grows\n\nAcme Corp grew.\n\nAnd then\x85\n", "utf-8")
    with pytest.raises(ImportRefused, match=r"nel.md: line 5: control character U\+0085"):
        import_article(markdown, tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "articles").exists()
    # Line and paragraph separators, a word processor's line break (VT) and a page break
    # (FF) still end a line.
    source.write_text(
        "Acme Corp grew fast.\u2029Its chief said so.\u2028It hired.\vIt sold.\fIt grew.\n",
        "utf-8",
    )
    imported = import_article(source, tmp_path / "corpus", title="Acme grows")
    assert [p for s in imported.sections for p in s.paragraphs] == [
        "Acme Corp grew fast.",
        "Its chief said so.",
        "It hired.",
        "It sold.",
        "It grew.",
    ]


def test_an_editorial_title_is_cut_at_a_word_as_event_titles_are(tmp_path):
    # The title of a text with none was its first 80 characters: "...rival Globex Ind".
    source = tmp_path / "deal.txt"
    source.write_text(
        "Acme Corp said on Tuesday that it had agreed to buy its smaller rival Globex"
        " Industries for an undisclosed sum, ending months of talks.\nA second paragraph.\n",
        "utf-8",
    )
    imported = import_article(source, tmp_path / "corpus")
    assert (
        imported.annotations["title"] == "Acme Corp said on Tuesday that it had agreed to buy its…"
    )
    assert imported.annotations["title_is_editorial"] is True
    short = tmp_path / "short.txt"
    short.write_text("Acme Corp buys Globex.\nA second paragraph.\n", "utf-8")
    assert (
        import_article(short, tmp_path / "corpus").annotations["title"] == "Acme Corp buys Globex."
    )


def test_a_draft_that_would_not_validate_is_refused_naming_its_field_only(tmp_path):
    # The message named the scratch folder the draft was tried in ("tmpowf_84w7/...").
    source = tmp_path / "deal.txt"
    source.write_text("Acme Corp buys Globex.\nA second paragraph.\n", "utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_article(source, tmp_path / "corpus", title=" Padded ")
    assert str(refused.value) == (
        "the draft would not validate: title: must not start or end with white space"
    )
    assert not (tmp_path / "corpus" / "articles").exists()


def test_importing_the_seeds_plain_text_reproduces_the_bundled_sections(tmp_path):
    blocks = SEED_MARKDOWN.read_text("utf-8").split("\n\n")
    source = tmp_path / "seed.txt"
    source.write_text("\n".join(b.removeprefix("## ").rstrip("\n") for b in blocks), "utf-8")
    imported = import_article(source, tmp_path / "corpus", article_id=SEED_ID)
    assert (imported.folder / "article.md").read_bytes() == SEED_MARKDOWN.read_bytes()


def test_heading_lines_override_the_rule(tmp_path):
    source = tmp_path / "depot.txt"
    source.write_text(MADE_UP, "utf-8")
    imported = import_article(source, tmp_path / "c", article_id="depot", heading_lines={3})
    assert [s.heading for s in imported.sections] == [None, "Why a Depot"]


def test_markdown_drops_an_empty_heading_and_keeps_a_hashtag_paragraph(tmp_path):
    source = tmp_path / "tags.md"
    source.write_text("# Tags\n\n#MeToo marches on.\n\n## \n\nMore text.\n", "utf-8")
    imported = import_article(source, tmp_path / "c", article_id="tags")
    assert [(s.heading, s.paragraphs) for s in imported.sections] == [
        (None, ("#MeToo marches on.", "More text."))
    ]


def test_markdown_is_imported_as_its_text_without_the_markup(tmp_path):
    # The markup was kept as text: "**first**", "[link](url)", and a list's items run
    # together as one paragraph ("- one - two").
    source = tmp_path / "marked.md"
    source.write_text(
        "# Marked up\n\n"
        "The **first** paragraph links [NVIDIA](https://nvidia.com), says *so*, and `runs`.\n"
        "It wraps onto a second line, AT&amp;T and a \\*star\\*.\n\n"
        "- one item\n- two items\n\n"
        "> A quoted line.\n\n"
        "Setext heading\n--------------\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "![a chart](chart.png)\n\n"
        "<div>raw html</div>\n\n"
        "Last with <b>bold</b> words.\n",
        "utf-8",
    )
    imported = import_article(source, tmp_path / "c", article_id="marked")
    assert (imported.folder / "article.md").read_text("utf-8") == (
        "The first paragraph links NVIDIA, says so, and runs. It wraps onto a second line,"
        " AT&T and a *star*.\n\n"
        "one item\n\ntwo items\n\nA quoted line.\n\n## Setext heading\n\nLast with bold words.\n"
    )
    assert imported.annotations["title"] == "Marked up"
    assert imported.left_out == ["a table (line 14)", "an image (line 18)", "HTML (line 20)"]


def test_markdown_with_only_a_title_is_refused(tmp_path):
    source = tmp_path / "title.md"
    source.write_text("# Only a title\n", "utf-8")
    with pytest.raises(ImportRefused, match=r"title\.md: no text besides its title"):
        import_article(source, tmp_path / "c", article_id="title")


@pytest.mark.parametrize(
    ("source", "lines", "reason"),
    [
        ("depot.txt", {0, 3}, "--heading-line 0: the text's lines are 1 to 9"),
        ("depot.txt", {10}, "--heading-line 10: the text's lines are 1 to 9"),
        ("depot.md", {3}, "--heading-line is for plain text; Markdown marks its headings"),
    ],
)
def test_heading_lines_outside_the_text_are_refused(tmp_path, source, lines, reason):
    path = tmp_path / source
    path.write_text(MADE_UP, "utf-8")
    with pytest.raises(ImportRefused, match=reason):
        import_article(path, tmp_path / "c", article_id="depot", heading_lines=lines)


# Suggested organizations


@pytest.mark.parametrize(
    ("source", "expected"),
    [(source, organizations) for source, organizations, _ in EXPECTED.values()],
    ids=list(EXPECTED),
)
def test_most_organizations_are_proposed_each_with_mentions_and_a_reason(
    tmp_path, source, expected
):
    imported = import_article(source, tmp_path / "corpus", article_id="x")
    proposed = {org["name"]: org for org in imported.annotations["organizations"]}
    assert len(expected & set(proposed)) >= 0.8 * len(expected)
    assert all(org["suggested"] and org["reason"] for org in proposed.values())
    client = create_app({"ARTICLE_DATA_DIR": str(tmp_path / "corpus"), "SERVE_DRAFTS": True})
    served = client.test_client().get("/v1/articles/x/organizations?limit=100").get_json()
    assert all(org["mention_count"] >= 1 and org["suggested"] for org in served["items"])


def test_a_sentence_initial_word_is_never_proposed_alone(tmp_path):
    imported = import_article(NORHAVEN_PAGE, tmp_path / "corpus", article_id="x")
    names = {org["name"] for org in imported.annotations["organizations"]}
    assert "Baltic" not in names  # "Baltic routes were the first to move."
    assert not names & {"The", "Until", "A", "Who", "What"}
    assert "Mara Lind of Tidewell Systems" not in names  # a person of an organization


def test_a_funding_story_names_its_companies_and_no_person_adjective_or_round(tmp_path):
    page = DATA / "import" / "acme-funding-round.html"
    imported = import_article(page, tmp_path / "corpus", article_id="x")
    by_name = {org["name"]: org for org in imported.annotations["organizations"]}
    # "a Boston-based startup", "chief executive Maria Lopez", "a Series B round"
    assert set(by_name) == EXPECTED["funding round (HTML)"][1]
    acme = by_name["Acme Robotics"]
    assert acme["kind"] == "company"  # "Acme Robotics, a Boston-based startup,"
    assert "described as 'a Boston-based startup'" in acme["reason"]
    assert acme["aliases"] == [{"text": "Acme", "case_insensitive": False}]
    # "The company plans..." follows the sentence whose subject is Acme Robotics; Sequoia
    # Capital, a company named later in that sentence, was given it.
    assert [r["text"] for r in acme["references"]] == ["The company"]
    assert by_name["Sequoia Capital"]["references"] == []
    assert by_name["Hyundai Motor Co"]["kind"] == "company"
    [monday] = [e for e in imported.annotations["events"] if e["date"]["label"] == "on Monday"]
    assert monday["date"]["value"] == "2026-05-04"  # the day of publication, a Monday


def test_a_regulators_story_names_the_regulator_and_the_company_it_fined(tmp_path):
    imported = import_article(DATA / "import" / "eu-fine.html", tmp_path / "c", article_id="x")
    by_name = {org["name"]: org for org in imported.annotations["organizations"]}
    # "Ireland's Data Protection Commission": the place's possessive is no part of it.
    assert "Data Protection Commission" in by_name
    assert not any(name.startswith("Ireland") for name in by_name)
    # "Meta said it would appeal. The company has until October...": Meta Platforms is of
    # no known kind, and the reference made an unnamed "Company" of its own.
    assert [r["text"] for r in by_name["Meta Platforms"]["references"]] == ["The company"]
    assert "Company" not in by_name
    # "has until October" is a deadline to come: October 2023, not 2022 (published
    # 2023-05-22).
    [october] = [e for e in imported.annotations["events"] if e["date"]["label"] == "October"]
    assert (october["status"], october["date"]["value"]) == ("anticipated", "2023-10")


def test_definite_references_are_curated_where_they_occur(tmp_path):
    imported = import_article(NORHAVEN_PAGE, tmp_path / "corpus", article_id="x")
    by_name = {org["name"]: org for org in imported.annotations["organizations"]}
    authority = by_name["Norhaven Port Authority"]
    assert authority["references"] == [
        {
            "text": "The port authority",
            "quote": "The port authority said the first two berths now draw power from"
            " Greywater Energy Ltd, which built the substation last winter.",
        }
    ]
    assert [r["text"] for r in by_name["Harbour Green Consortium"]["references"]] == [
        "The consortium"
    ]


def test_organizations_the_corpus_knows_are_found_by_their_names_and_aliases(tmp_path):
    corpus = CorpusCopy(tmp_path / "corpus")
    imported = import_article(SEED_PAGE, corpus.root, article_id="seed-again")
    known = {org["id"]: org for org in imported.annotations["organizations"]}
    assert {"mistral-ai", "nvidia", "nemotron-coalition", "meta"} <= set(known)
    assert known["mistral-ai"]["reason"].startswith("already in the corpus (1 article)")
    assert known["mistral-ai"]["aliases"] == [{"text": "Mistral", "case_insensitive": False}]
    assert validate_corpus(corpus.root) == 4  # names and kinds agree across articles


def test_drafts_imported_one_after_another_agree_on_their_organizations(tmp_path):
    """An editor imports a batch, then reviews it. The second draft made Acme Robotics
    afresh, of another kind than the first ("a Boston-based startup" there), and check
    then refused the corpus: the drafts disagreed."""
    corpus = tmp_path / "corpus"
    import_article(DATA / "import" / "acme-funding-round.html", corpus, article_id="first")
    markdown = tmp_path / "second.md"
    markdown.write_text("Acme robots\n\nAcme Robotics opened a depot in 2026.\n", "utf-8")
    second = import_article(markdown, corpus, article_id="second")
    [acme] = second.annotations["organizations"]
    assert (acme["id"], acme["kind"]) == ("acme-robotics", "company")
    assert acme["reason"].startswith("already in the corpus (1 article)")
    assert validate_corpus(corpus) == 2
    # A draft imported again over itself is not its own "corpus".
    again = import_article(markdown, corpus, article_id="second", force=True)
    assert again.annotations["organizations"][0]["reason"].startswith(
        "already in the corpus (1 article)"
    )


def test_a_known_organization_keeps_its_name_when_an_alias_does_not_occur(tmp_path):
    # "Mistral", the corpus's alias of Mistral AI, occurs here only inside "Mistral AI",
    # which is no mention of the alias: the whole organization used to be left out.
    corpus = CorpusCopy(tmp_path / "corpus")
    source = tmp_path / "news.md"
    source.write_text("# News\n\nMistral AI and NVIDIA said so on 3 June 2025.\n", "utf-8")
    imported = import_article(source, corpus.root, article_id="news")
    known = {org["id"]: org for org in imported.annotations["organizations"]}
    assert set(known) == {"mistral-ai", "nvidia"}
    assert known["mistral-ai"]["aliases"] == []
    assert imported.dropped == [
        "'Mistral AI': alias 'Mistral' left out: it never occurs on its own"
    ]
    assert validate_corpus(corpus.root) == 4


def test_candidate_names_by_rule():
    sections = parse_sections(
        "After Northgate Energy signed, the Bank of England agreed. NVIDIA said so.\n\n"
        "Meanwhile Northgate Energy and IBM met the Bank of England again.\n"
    )
    names = [org["name"] for org in suggest_organizations(sections, [])]
    assert set(names) == {"Northgate Energy", "Bank of England", "NVIDIA", "IBM"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The acronym was proposed as an organization of its own, so a reviewer had to
        # reject it, and its mentions were counted for no one.
        (
            "The World Health Organization (WHO) agreed. The WHO will meet again in June.\n",
            {"World Health Organization": ["WHO"]},
        ),
        (
            "The European Central Bank raised rates. The ECB said inflation was high.\n",
            {"European Central Bank": ["ECB"]},
        ),
        (
            "The Bank of England held rates. The BoE said so on Monday.\n",
            {"Bank of England": ["BoE"]},
        ),
        # An abbreviated place ("U.S." read as "U.S") is no organization.
        (
            "The U.S. Department of Justice sued Google LLC in Washington.\n",
            {"Department of Justice": [], "Google LLC": []},
        ),
        # A sentence's first word before "of" is a common noun unless it is an
        # organizational word: "Shares of Tesla" was suggested as an organization.
        (
            "Shares of Tesla fell on Monday. Analysts said Tesla would recover.\n",
            {"Tesla": []},
        ),
        (
            "Bank of Finland officials met. The Bank of Finland declined to comment.\n",
            {"Bank of Finland": []},
        ),
        # Words in "-ic" were all taken for adjectives of place, as "Baltic" is.
        (
            "Tesla and Anthropic both released models. Tesla said its model was faster"
            " than Anthropic's. Baltic ports stayed shut.\n",
            {"Anthropic": []},  # Tesla only ever opens a sentence: never alone
        ),
        # A title and a name are a person; a title alone is a title.
        (
            "Prime Minister Jane Doe met President John Roe at Harbour Energy Ltd. The"
            " company said its Chief Executive Officer would resign.\n",
            {"Harbour Energy Ltd": []},
        ),
        (
            "President Hospital Trust said so. The President Hospital Trust agreed.\n",
            {"President Hospital Trust": []},
        ),
        # Places are no organizations: a country, a city of the time zone database, and
        # a dateline's city in capitals.
        (
            "OSLO, Norway, June 2, 2026 -- Northwind Data Cooperative opened its first office"
            " outside the United States, in Oslo. Northwind Data Cooperative said Oslo and"
            " Norway were a natural home.\n",
            {"Northwind Data Cooperative": []},
        ),
        # A role after a name makes a person too.
        (
            "The office grew, said Kari Nordmann, the cooperative's head of Europe. Nordmann"
            " thanked Harbour Energy Ltd, as did Jane Roe, a senior analyst at Harbour Energy"
            " Ltd.\n",
            {"Harbour Energy Ltd": []},
        ),
        # Capitals that are not the initials of a name stay a name of their own.
        (
            "Northgate Energy signed with IBM. IBM said so.\n",
            {"Northgate Energy": [], "IBM": []},
        ),
    ],
)
def test_names_are_cut_where_a_reader_would_cut_them(text, expected):
    suggested = {
        org["name"]: [alias["text"] for alias in org["aliases"]]
        for org in suggest_organizations(parse_sections(text), [])
    }
    assert suggested == expected


# Suggested events


def test_temporal_expressions_are_found_in_every_form_asked_for():
    sentence = (
        "Last winter the port froze; next spring it reopens, a year later than planned,"
        " for eighteen months, and in March 2026 the terminal opens."
    )
    found = {e.text: e for e in find_expressions(sentence)}
    assert {"Last winter", "next spring", "a year later", "for eighteen months"} <= set(found)
    assert found["in March 2026"].value == "2026-03" and not found["in March 2026"].inferred


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        # Each was dated to its year alone: the month and day the text states were lost.
        ("On 2026-03-20 they met.", "On 2026-03-20", "2026-03-20"),
        ("The plant closed on Dec. 3, 2025, after a fire.", "on Dec. 3, 2025", "2025-12-03"),
        ("It reopens Sept. 14, 2026.", "Sept. 14, 2026", "2026-09-14"),
        ("Talks began Jan 5 2026 in Oslo.", "Jan 5 2026", "2026-01-05"),
        ("Sales fell in Aug. 2025.", "in Aug. 2025", "2025-08"),
        ("By mid-2025 it had grown.", "By mid-2025", "2025"),  # was not found at all
        # Not dates: a day that does not exist, and an abbreviation with no year or day.
        ("On 2026-02-30 nothing happened.", "On 2026-02-30", None),
        ("Jan said the plant would grow.", None, None),
        ("Sales rose 40% in 2025.", "in 2025", "2025"),
        # A quarter or a half is dated to its year, and keeps its words in the label.
        ("Revenue rose in Q3 2026.", "in Q3 2026", "2026"),
        ("Profit fell in the third quarter of 2025.", "in the third quarter of 2025", "2025"),
    ],
)
def test_stated_dates_keep_the_precision_the_text_gives(sentence, text, value):
    found = {e.text: e.value for e in find_expressions(sentence)}
    if text is None:
        assert all(v is None for v in found.values()), found
    else:
        assert found.get(text, "not found") == value, found


@pytest.mark.parametrize(
    ("sentence", "text", "future", "value"),
    [
        # Published on Monday 2026-05-04: "on Monday" is that day, as news writes it; it
        # was dated a week before.
        ("Acme said on Monday that it had raised money.", "on Monday", False, "2026-05-04"),
        ("Acme will vote on Monday.", "on Monday", True, "2026-05-04"),
        ("Acme said Monday that it grew.", "Monday", False, "2026-05-04"),
        ("Acme grew last Monday.", "last Monday", False, "2026-04-27"),
        ("Acme grows next Monday.", "next Monday", True, "2026-05-11"),
        ("Shares rose on Tuesday.", "on Tuesday", False, "2026-04-28"),
        ("Acme will list on Tuesday.", "on Tuesday", True, "2026-05-05"),
        # Not found at all: the office "will employ 40 people by the end of the year".
        (
            "It will employ 40 people by the end of the year.",
            "by the end of the year",
            True,
            "2026",
        ),
        ("It closes at the end of this month.", "at the end of this month", True, "2026-05"),
        ("Sales recover by the end of next year.", "by the end of next year", True, "2027"),
        ("It shut at the end of last year.", "at the end of last year", False, "2025"),
        ("Talks resume at the start of the week.", "at the start of the week", True, None),
        # A day of a month with no year was found by dateparser alone, and left undated.
        ("The deal closed on March 3rd.", "on March 3rd", False, "2026-03-03"),
        ("The plant opens on 15 July.", "on 15 July", True, "2026-07-15"),
        ("The strike began on Sept. 1.", "on Sept. 1", False, "2025-09-01"),
    ],
)
def test_relative_dates_are_resolved_from_the_day_of_publication(sentence, text, future, value):
    [expression] = [e for e in find_expressions(sentence) if e.text == text]
    assert resolve(expression, dt.date(2026, 5, 4), future).value == value


@pytest.mark.parametrize(
    "sentence",
    [
        "It had raised $40 million.",  # dateparser's "$40"
        "Sales rose 40% and profit 12 percent.",  # dateparser's "40%"
        "The fee is $2026 a seat.",  # the grammar's year
        "It costs € 2025.",
    ],
)
def test_an_amount_of_money_or_a_percentage_is_no_time(sentence):
    assert find_expressions(sentence) == []


def test_events_are_sentences_with_a_quote_a_label_a_status_and_their_organizations(tmp_path):
    imported = import_article(NORHAVEN_PAGE, tmp_path / "corpus", article_id="x")
    events = {e["date"]["label"]: e for e in imported.annotations["events"]}
    march = events["in March 2026"]
    assert march["evidence"]["quote"] == (
        "The council will review the tariffs in March 2026, eighteen months after the first"
        " contracts were signed."
    )
    assert (march["status"], march["date"]["value"], march["date"]["inferred"]) == (
        "anticipated",
        "2026-03",
        False,
    )
    assert march["organizations"] == ["norhaven-city-council"]  # via "The council"
    monday = events["on Monday"]  # published Wednesday 2025-09-17
    assert (monday["date"]["value"], monday["date"]["inferred"]) == ("2025-09-15", True)
    assert monday["status"] == "past"
    assert set(monday["organizations"]) == {
        "norhaven-port-authority",
        "north-sea-shipping-association",
    }
    assert events["A year later"]["date"]["value"] is None  # later than what? undated
    assert events["last winter"]["date"]["value"] is None  # a winter spans two years


@pytest.mark.parametrize(
    ("stated", "published"),
    [
        ("2026-03-20T10:00:00Z", "2026-03-20"),
        ("2026-02", "2026-02"),  # htmldate says 2026-02-28
        ("2026-02-30T10:00:00Z", "2026-02"),  # no such day: htmldate says 2026-02-01
    ],
)
def test_a_pages_publication_date_is_as_precise_as_the_page_states_it(stated, published):
    page = (
        f'<html><head><meta property="article:published_time" content="{stated}"></head>'
        "<body><article><p>Acme Corp opened a depot on Monday.</p></article></body></html>"
    )
    assert read_page(page).published == published


def test_relative_dates_stay_undated_without_a_publication_date(tmp_path):
    source = tmp_path / "depot.txt"
    source.write_text(MADE_UP, "utf-8")
    imported = import_article(source, tmp_path / "corpus", article_id="depot")
    assert imported.annotations["published"] is None
    assert {e["date"]["label"]: e["date"]["value"] for e in imported.annotations["events"]} == {
        "on Monday": None,
        "last spring": None,
        "later": None,
    }


def test_an_inferred_date_shows_as_inferred_in_the_api(tmp_path):
    import_article(NORHAVEN_PAGE, tmp_path / "corpus", article_id="x")
    client = create_app({"ARTICLE_DATA_DIR": str(tmp_path / "corpus"), "SERVE_DRAFTS": True})
    timeline = client.test_client().get("/v1/articles/x/timeline").get_json()["items"]
    [monday] = [e for e in timeline if e["date"]["label"] == "on Monday"]
    assert monday["date"]["confidence"] == "inferred" and monday["suggested"] is True


# Drafts


def test_a_draft_is_validated_but_served_only_with_serve_drafts(tmp_path):
    corpus = CorpusCopy(tmp_path / "corpus")
    import_article(NORHAVEN_PAGE, corpus.root, article_id="norhaven")
    assert validate_corpus(corpus.root) == 4
    public = create_app({"ARTICLE_DATA_DIR": str(corpus.root)}).test_client()
    assert public.get("/v1/articles/norhaven").status_code == 404
    assert public.get("/v1/articles").get_json()["total"] == 3
    assert public.get("/v1/events?q=tariffs").get_json()["total"] == 0
    review = create_app({"ARTICLE_DATA_DIR": str(corpus.root), "SERVE_DRAFTS": True})
    article = review.test_client().get("/v1/articles/norhaven").get_json()
    assert article["status"] == "draft"


def test_a_broken_draft_fails_check_and_a_published_one_holds_no_suggestions(tmp_path):
    corpus = tmp_path / "corpus"
    imported = import_article(NORHAVEN_PAGE, corpus, article_id="x")
    data = annotations_of(imported.folder)
    (imported.folder / "annotations.json").write_text(
        json.dumps({**data, "status": "published"}), "utf-8"
    )
    result = run_cli("check", corpus)
    assert result.returncode == 1
    assert "organizations[0].suggested: a published article holds no suggestions" in result.stderr


# Review


def test_review_walks_the_suggestions_through_standard_input_and_publishes(tmp_path):
    corpus = tmp_path / "corpus"
    imported = import_article(RIVERSIDE_MARKDOWN, corpus, article_id="riverside")
    orgs = suggested(imported.annotations, "organizations")
    events = suggested(imported.annotations, "events")
    names = [org["name"] for org in orgs]
    # Edit the first organization's kind, reject the second, accept the rest; reject the
    # first event, edit the second's status, accept the rest.
    answers = ["e", "", "company", "r", *["a"] * (len(orgs) - 2)]
    answers += ["r", "e", "", "ongoing", *["a"] * (len(events) - 2)]
    result = run_cli(
        "review", "riverside", "--corpus", corpus, "--publish", stdin="\n".join(answers) + "\n"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Published." in result.stdout
    assert f"Organization 1 of {len(orgs)}: {names[0]}" in result.stdout
    reviewed = annotations_of(imported.folder)
    assert reviewed["status"] == "published"
    assert not suggested(reviewed, "organizations") and not suggested(reviewed, "events")
    assert [o["name"] for o in reviewed["organizations"]] == [names[0], *names[2:]]
    assert reviewed["organizations"][0]["kind"] == "company"
    assert reviewed["events"][0]["status"] == "ongoing"
    assert all("reason" not in item for item in reviewed["organizations"] + reviewed["events"])
    assert validate_corpus(corpus) == 1
    served = (
        create_app({"ARTICLE_DATA_DIR": str(corpus)}).test_client().get("/v1/articles/riverside")
    )
    assert served.get_json()["status"] == "published"


def test_review_asks_again_after_an_empty_answer(tmp_path):
    corpus = tmp_path / "corpus"
    import_article(RIVERSIDE_MARKDOWN, corpus, article_id="riverside")
    result = run_cli("review", "riverside", "--corpus", corpus, stdin="\nx\nq\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("  answer one of: a, e, r, s, q") == 2
    assert "0 accepted, 0 edited, 0 rejected, 0 skipped" in result.stdout


def test_review_of_an_article_that_is_not_there_names_it(tmp_path):
    corpus = tmp_path / "corpus"
    import_article(RIVERSIDE_MARKDOWN, corpus, article_id="riverside")
    result = run_cli("review", "riversid", "--corpus", corpus)
    assert result.returncode == 1
    assert result.stderr == (
        f"article-data-api review: no article 'riversid' in {corpus}: no folder"
        f" {corpus / 'articles' / 'riversid'}\n"
    )


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (lambda data: data.pop("organizations"), "organizations: Missing data for required field."),
        (
            lambda data: data["events"][0].pop("date"),
            "events[0].date: Missing data for required field.",
        ),
        (lambda data: data["organizations"][0].pop("name"), "organizations[0].name: Missing data"),
    ],
)
def test_review_of_a_draft_that_does_not_validate_lists_its_problems(tmp_path, broken, problem):
    # A draft edited by hand: review walked it and ended in a KeyError traceback.
    corpus = tmp_path / "corpus"
    imported = import_article(RIVERSIDE_MARKDOWN, corpus, article_id="riverside")
    data = annotations_of(imported.folder)
    broken(data)
    (imported.folder / "annotations.json").write_text(json.dumps(data), "utf-8")
    result = run_cli("review", "riverside", "--corpus", corpus, stdin="a\n" * 50)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert problem in result.stderr
    assert "fix the draft, then review it" in result.stderr
    assert annotations_of(imported.folder) == data


def test_review_keeps_no_edit_that_disagrees_with_the_corpus(tmp_path):
    # An organization's name and kind agree across articles (check enforces it): an edit
    # of NVIDIA's kind was kept and published, and the next check and build failed.
    corpus = CorpusCopy(tmp_path / "corpus")
    source = tmp_path / "news.md"
    source.write_text("# News\n\nNVIDIA said so on 3 June 2025.\n", "utf-8")
    imported = import_article(source, corpus.root, article_id="news")
    assert [o["id"] for o in suggested(imported.annotations, "organizations")] == ["nvidia"]
    answers = "e\n\nmedia\n" + "a\n" * 10
    result = run_cli("review", "news", "--corpus", corpus.root, "--publish", stdin=answers)
    assert (
        "not kept: kind 'media' differs from 'company', as 1 other article has it:"
        " change it there first" in result.stdout
    )
    assert result.returncode == 1  # the organization is still to review
    reviewed = annotations_of(imported.folder)
    assert reviewed["status"] == "draft" and reviewed["organizations"][0]["kind"] == "company"
    assert validate_corpus(corpus.root) == 4
    # Edited by hand instead, the draft is not published either.
    data = annotations_of(imported.folder)
    data["organizations"][0]["kind"] = "media"
    (imported.folder / "annotations.json").write_text(json.dumps(data), "utf-8")
    result = run_cli("review", "news", "--corpus", corpus.root, "--publish", stdin="a\n" * 10)
    assert "Not published: NVIDIA: kind 'media' differs from 'company'" in result.stdout
    assert result.returncode == 1 and annotations_of(imported.folder)["status"] == "draft"


def test_review_keeps_only_an_edit_that_validates_and_does_not_publish_what_is_left(tmp_path):
    corpus = tmp_path / "corpus"
    imported = import_article(RIVERSIDE_MARKDOWN, corpus, article_id="riverside")
    first = suggested(imported.annotations, "organizations")[0]["name"]
    # Rename the first organization to a name the text never uses, then quit.
    result = run_cli(
        "review", "riverside", "--corpus", corpus, "--publish", stdin="e\nNowhere Inc\n\nq\n"
    )
    assert result.returncode == 1
    assert "not kept: 'Nowhere Inc' never occurs in the article text" in result.stdout
    assert "Not published: review every suggestion first." in result.stdout
    reviewed = annotations_of(imported.folder)
    assert reviewed["status"] == "draft" and reviewed["organizations"][0]["name"] == first


def test_review_keeps_no_event_edit_that_would_not_validate(tmp_path):
    # An arrow key pressed while typing a title reaches a plain readline() as ESC [ D.
    # The event edit was written as typed: the draft, then check and every build of the
    # corpus, failed on the control character.
    corpus = tmp_path / "corpus"
    imported = import_article(RIVERSIDE_MARKDOWN, corpus, article_id="riverside")
    orgs = suggested(imported.annotations, "organizations")
    title = suggested(imported.annotations, "events")[0]["title"]
    answers = "a\n" * len(orgs) + "e\nBuses move\x1b[D\x1b[D\n\nq\n"
    result = run_cli("review", "riverside", "--corpus", corpus, stdin=answers)
    assert result.returncode == 0, result.stderr
    assert "not kept: holds U+001B, a character no reader sees" in result.stdout
    assert "0 edited" in result.stdout
    assert suggested(annotations_of(imported.folder), "events")[0]["title"] == title
    assert validate_corpus(corpus) == 1


# Safe by default


def test_import_needs_a_corpus_named(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ARTICLE_DATA_DIR"}
    result = subprocess.run(
        [CONSOLE_SCRIPT, "import", str(NORHAVEN_PAGE)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert "name it with --corpus DIR or ARTICLE_DATA_DIR" in result.stderr
    with_env = run_cli(
        "import", NORHAVEN_PAGE, "--id", "x", env={"ARTICLE_DATA_DIR": str(tmp_path)}
    )
    assert with_env.returncode == 0 and (tmp_path / "articles" / "x").is_dir()


def test_import_refuses_to_write_inside_the_installed_package(tmp_path):
    inside = Path(article_data_api.__file__).parent / "scratch-corpus"
    with pytest.raises(ImportRefused, match="inside the installed package"):
        import_article(NORHAVEN_PAGE, inside)
    assert not inside.exists()


def test_an_existing_article_is_replaced_only_with_force_and_backed_up(tmp_path):
    corpus = tmp_path / "corpus"
    folder = import_article(NORHAVEN_PAGE, corpus, article_id="x").folder
    data = annotations_of(folder)
    (folder / "annotations.json").write_text(json.dumps({**data, "title": "Curated"}), "utf-8")
    with pytest.raises(ImportRefused, match="exists: use --force"):
        import_article(NORHAVEN_PAGE, corpus, article_id="x")
    assert annotations_of(folder)["title"] == "Curated"
    first = import_article(NORHAVEN_PAGE, corpus, article_id="x", force=True).backup
    second = import_article(NORHAVEN_PAGE, corpus, article_id="x", force=True).backup
    assert annotations_of(first)["title"] == "Curated"
    # Two in the same second: side by side, never one inside the other.
    assert first.parent != second.parent and first.parent.parent == second.parent.parent
    assert sorted(p.name for p in second.iterdir()) == ["annotations.json", "article.md"]
    assert validate_corpus(corpus) == 1  # backups are outside articles/


@pytest.mark.parametrize(
    ("article_id", "reason"),
    [
        ("ends-with-newline\n", "lower-case slug"),
        ("x" * 101, "at most 100 characters"),
        ("Bad Id", "lower-case slug"),
    ],
)
def test_a_bad_id_is_refused_before_anything_is_written(tmp_path, article_id, reason):
    with pytest.raises(ImportRefused, match=reason):
        import_article(NORHAVEN_PAGE, tmp_path / "corpus", article_id=article_id)
    assert not (tmp_path / "corpus" / "articles").exists()


def test_a_long_title_makes_an_id_within_the_limit(tmp_path):
    source = tmp_path / "long.md"
    source.write_text("# " + "A very long title " * 12 + "\n\nSome text here.\n", "utf-8")
    imported = import_article(source, tmp_path / "corpus")
    assert len(imported.folder.name) <= 100 and validate_corpus(tmp_path / "corpus") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file, not text"),
        (
            "One.\nCaf\xe9 au lait, 10 \xa3.\n".encode("latin-1"),
            "input.txt: line 2: not UTF-8: byte 8 is 0xe9. Text in Latin-1",
        ),
        (b"", "no text"),
    ],
)
def test_input_that_is_not_utf8_text_is_refused_with_a_reason(tmp_path, content, message):
    source = tmp_path / "input.txt"
    source.write_bytes(content)
    with pytest.raises(ImportRefused, match=message.replace("(", r"\(")):
        import_article(source, tmp_path / "corpus", article_id="x")


def test_a_missing_input_is_named_as_missing(tmp_path):
    with pytest.raises(ImportRefused, match=r"gone\.txt: no such file"):
        read_input(tmp_path / "gone.txt")


@pytest.mark.parametrize(
    "declared",
    [
        '<meta charset="windows-1252">',
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    ],
)
def test_a_page_in_the_charset_it_declares_is_read_in_it(tmp_path, declared):
    # A page saved from an older news site is often Windows-1252, and says so: it was
    # refused as "not UTF-8".
    page = NORHAVEN_PAGE.read_text("utf-8").replace("\U0001f6a2", "")  # no emoji in 1252
    as_utf8, as_1252 = tmp_path / "utf8.html", tmp_path / "cp1252.html"
    as_utf8.write_text(page, "utf-8")
    as_1252.write_bytes(page.replace('<meta charset="utf-8">', declared).encode("cp1252"))
    expected = import_article(as_utf8, tmp_path / "a", article_id="x")
    imported = import_article(as_1252, tmp_path / "b", article_id="x")
    text = (imported.folder / "article.md").read_text("utf-8")
    assert text == (expected.folder / "article.md").read_text("utf-8")
    assert "’" in text


def test_a_page_that_declares_no_charset_is_still_refused_unless_utf8(tmp_path):
    source = tmp_path / "page.html"
    page = NORHAVEN_PAGE.read_text("utf-8").replace('<meta charset="utf-8">', "")
    source.write_bytes(page.replace("\U0001f6a2", "").encode("cp1252"))
    with pytest.raises(ImportRefused, match="not UTF-8: byte"):
        import_article(source, tmp_path / "c", article_id="x")


def test_dev_zero_and_oversized_input_are_refused_without_reading_them_whole():
    started = time.monotonic()
    with pytest.raises(ImportRefused, match="not a regular file but a character device"):
        read_input(Path("/dev/zero"))
    assert time.monotonic() - started < 2


def test_oversized_input_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("article_data_api.corpus.loader.MAX_FILE_BYTES", 100)
    source = tmp_path / "big.txt"
    source.write_text("word " * 100, "utf-8")
    with pytest.raises(ImportRefused, match="not an article"):
        read_input(source)


def test_soft_hyphens_and_zero_width_spaces_are_dropped(tmp_path):
    """Text copied from a web page carries them inside words ("spe\u00adcial"), where
    they would hide the word from search; they mean nothing once stored."""
    source = tmp_path / "in.txt"
    source.write_text("Acme spe\u00adcial\n\nAcme Robotics opened a spe\u00adcial\u200b depot.\n")
    imported = import_article(source, tmp_path / "corpus", article_id="x")
    text = (imported.folder / "article.md").read_text("utf-8")
    assert text == "Acme special\n\nAcme Robotics opened a special depot.\n"


def test_a_byte_order_mark_is_dropped(tmp_path):
    source = tmp_path / "bom.txt"
    source.write_bytes("\ufeff".encode() + MADE_UP.encode())
    imported = import_article(source, tmp_path / "corpus", article_id="bom")
    assert (imported.folder / "article.md").read_text("utf-8").startswith("Riverside Transit")


def test_the_server_needs_none_of_the_import_extra(tmp_path):
    """The image installs the package without it: importing pytz at the top of the
    suggestions stopped every command, serve included, at start."""
    blocked = ["trafilatura", "htmldate", "dateparser", "pytz", "markdown_it", "lxml_html_clean"]
    code = (
        f"import sys; sys.modules.update(dict.fromkeys({blocked!r}))\n"
        "from article_data_api.cli import main\n"
        "from article_data_api import create_app\n"
        f"create_app({{'ARTICLE_DATA_DIR': {str(BUNDLED_CORPUS)!r}}})\n"
        "sys.exit(main(['check']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_import_says_which_extra_to_install_when_it_is_missing(tmp_path):
    code = (
        "import sys; sys.modules['trafilatura'] = None\n"
        "from article_data_api.cli import main\n"
        f"sys.exit(main(['import', {str(NORHAVEN_PAGE)!r}, '--corpus', {str(tmp_path)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert "pip install 'article-data-api[import]'" in result.stderr
    assert "Traceback" not in result.stderr
