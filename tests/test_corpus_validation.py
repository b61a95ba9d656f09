"""Every class of corpus problem stops start-up with the file and field path at fault."""

import subprocess

import pytest

from article_data_api import create_app
from article_data_api.corpus.loader import CorpusError
from article_data_api.store.build import validate_corpus
from tests.helpers import CONSOLE_SCRIPT, SAMPLE_ID


def problems_of(corpus_copy) -> list[str]:
    with pytest.raises(CorpusError) as caught:
        validate_corpus(corpus_copy.root)
    return [str(problem) for problem in caught.value.problems]


def test_the_bundled_copy_is_valid(corpus_copy):
    assert validate_corpus(corpus_copy.root) == 2


def test_malformed_json(corpus_copy):
    (corpus_copy.folder() / "annotations.json").write_text('{"title": "x",,}', "utf-8")
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: line 1 column 15: Expecting property name enclosed in double quotes"
    ]


def test_unknown_field(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["organizations"][1].update(headquarters="x"))
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: organizations[1].headquarters: Unknown field."
    ]


def test_missing_field(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["events"][2].pop("status"))
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: events[2].status: Missing data for required field."
    ]


def test_duplicate_ids(corpus_copy):
    def duplicate(data):
        data["organizations"][3]["id"] = "nvidia"
        data["events"][1]["id"] = data["events"][0]["id"]

    corpus_copy.edit_annotations(duplicate)
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: organizations[3].id: duplicate id 'nvidia'",
        f"{corpus_copy.shown()}: events[1].id: duplicate id 'mistral-ai-founded-on-openness'",
        f"{corpus_copy.shown()}: events[2].organizations[0]: unknown organization 'meta'",
    ]


def test_reference_to_an_unknown_organization(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["events"][4]["organizations"].append("openai"))
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: events[4].organizations[3]: unknown organization 'openai'"
    ]


def test_quote_not_verbatim(corpus_copy):
    # A straight apostrophe where the text has a curly one is not verbatim.
    corpus_copy.edit_annotations(
        lambda d: d["events"][2]["evidence"].update(quote="Open models - primarily from Meta")
    )
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: events[2].evidence.quote: not found in the article text"
    ]


def test_ambiguous_quote(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["events"][0]["evidence"].update(quote="open models"))
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: events[0].evidence.quote:"
        " occurs 5 times in the article text: quote more of it"
    ]


def test_alias_that_never_occurs(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["organizations"][1].update(aliases=["Nvidia"]))
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: organizations[1].aliases[0]: 'Nvidia' never occurs in the article text"
    ]


def test_alias_claimed_by_two_organizations(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["organizations"][3].update(aliases=["Mistral"]))
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: organizations[3].aliases[0]: 'Mistral' is already a name or alias of 'mistral-ai'"
    ]


def test_date_the_quote_does_not_state_needs_a_source(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["events"][3]["date"].update(sources=[]))
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: events[3].date.sources:"
        " the quote does not state this date: cite its source URL"
    ]


def test_dates_out_of_chronological_order(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["events"][0]["date"].update(value="2026-04"))
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: events[3].date.value: 2026-03-16 comes before the previous"
        " dated event (2026-04): events are listed in chronological order"
    ]


def test_impossible_date_and_bad_enum(corpus_copy):
    def change(data):
        data["events"][3]["date"]["value"] = "2026-02-30"
        data["organizations"][0]["kind"] = "startup"

    corpus_copy.edit_annotations(change)
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: organizations[0].kind: Must be one of: company, coalition,"
        " research-lab, university, nonprofit, government, media, other.",
        f"{corpus_copy.shown()}: events[3].date.value: not a calendar date: day is out of range for month",
    ]


def test_text_format_problem_names_the_line(corpus_copy):
    path = corpus_copy.folder() / "article.md"
    path.write_text(
        path.read_text("utf-8").replace("\n\n## What Mistral", "\n## What Mistral"), "utf-8"
    )
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown(name='article.md')}: line 12: a paragraph or heading must be a single line"
    ]


def test_organization_must_agree_across_articles(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["organizations"][2].update(name="Mistral"), SAMPLE_ID)
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown(SAMPLE_ID)}: organizations[2].name: 'Mistral' differs from"
        " 'Mistral AI' in article 'mistral-ai-joins-nvidia-nemotron-coalition'"
    ]


def test_problems_in_several_files_are_all_reported(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d.pop("title"))
    corpus_copy.edit_annotations(lambda d: d.update(extra=1), SAMPLE_ID)
    assert problems_of(corpus_copy) == [
        f"{corpus_copy.shown()}: title: Missing data for required field.",
        f"{corpus_copy.shown(SAMPLE_ID)}: extra: Unknown field.",
    ]


def test_create_app_refuses_an_invalid_corpus(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["events"][2]["evidence"].update(quote="nowhere"))
    with pytest.raises(CorpusError, match=r"events\[2\]\.evidence\.quote: not found"):
        create_app({"ARTICLE_DATA_DIR": str(corpus_copy.root)})


def test_check_command_prints_each_problem_and_fails(corpus_copy):
    corpus_copy.edit_annotations(lambda d: d["events"][2]["evidence"].update(quote="nowhere"))
    corpus_copy.edit_annotations(
        lambda d: d["organizations"][0].update(aliases=["Zeta"]), SAMPLE_ID
    )
    result = subprocess.run(
        [CONSOLE_SCRIPT, "check", str(corpus_copy.root)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{corpus_copy.shown()}: events[2].evidence.quote: not found in the article text",
        f"{corpus_copy.shown(SAMPLE_ID)}: organizations[0].aliases[0]: 'Zeta' never occurs in the article text",
        f"2 problem(s) in {corpus_copy.root}",
    ]


def test_check_command_passes_the_bundled_corpus():
    result = subprocess.run([CONSOLE_SCRIPT, "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "2 article(s) valid" in result.stdout
