"""article-data-api import: plain text in, a validated corpus folder out, never overwriting."""

import json
import subprocess

import pytest

from article_data_api import create_app
from article_data_api.corpus.importer import ImportRefused, import_article, organization_candidates
from article_data_api.corpus.text import parse_sections
from tests.helpers import BUNDLED_CORPUS, CONSOLE_SCRIPT, SEED_ID

SEED_MARKDOWN = BUNDLED_CORPUS / "articles" / SEED_ID / "article.md"
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


def seed_plain_text() -> str:
    """The seed as the publisher wrote it: one paragraph or heading per line."""
    blocks = SEED_MARKDOWN.read_text("utf-8").split("\n\n")
    return "\n".join(block.removeprefix("## ").rstrip("\n") for block in blocks)


def run_import(*args):
    return subprocess.run(
        [CONSOLE_SCRIPT, "import", *map(str, args)], capture_output=True, text=True
    )


def test_importing_the_seed_text_reproduces_the_bundled_sections_exactly(tmp_path):
    source = tmp_path / "seed.txt"
    source.write_text(seed_plain_text(), "utf-8")
    result = run_import(source, "--id", SEED_ID, "--corpus", tmp_path / "corpus")
    assert result.returncode == 0, result.stderr
    written = tmp_path / "corpus" / "articles" / SEED_ID / "article.md"
    assert written.read_text("utf-8") == SEED_MARKDOWN.read_text("utf-8")
    assert parse_sections(written.read_text("utf-8")) == parse_sections(
        SEED_MARKDOWN.read_text("utf-8")
    )
    assert "1 article(s) valid" in result.stdout


def test_a_made_up_article_with_three_headings_imports_validates_and_is_served(tmp_path):
    source = tmp_path / "depot.txt"
    source.write_text(MADE_UP, "utf-8")
    corpus = tmp_path / "corpus"
    result = run_import(
        source, "--id", "solar-depot", "--corpus", corpus, "--title", "A solar bus depot"
    )
    assert result.returncode == 0, result.stderr
    assert "Riverside Transit Cooperative" in result.stdout  # candidates are proposed
    client = create_app({"ARTICLE_DATA_DIR": str(corpus)}).test_client()
    article = client.get("/v1/articles/solar-depot").get_json()
    assert article["title"] == "A solar bus depot" and article["title_is_editorial"] is False
    sections = client.get("/v1/articles/solar-depot/sections").get_json()["items"]
    assert [s["heading"] for s in sections] == [None, "Why a Depot", "Who Pays", "What Comes Next"]
    assert (
        sections[0]["paragraphs"][0]
        == "Riverside Transit Cooperative opened its first solar depot on Monday."
    )


def test_organization_candidates_are_found_by_rule_with_positions(tmp_path):
    sections = parse_sections(
        "Riverside Transit Cooperative opened a depot. It works with Northgate Energy.\n\n"
        "## Next\n\nThe Bank of England and NVIDIA agree. Riverside Transit Cooperative's plan.\n"
    )
    candidates = organization_candidates(sections)
    names = [c["name"] for c in candidates]
    assert names == [
        "Riverside Transit Cooperative",
        "Bank of England",
        "NVIDIA",
        "Northgate Energy",
    ]
    first = candidates[0]
    assert first["occurrences"] == 2
    assert first["positions"][1] == {"section_id": "next", "paragraph": 0, "start": 38, "end": 67}
    text = sections[1].paragraphs[0]
    assert text[38:67] == "Riverside Transit Cooperative"


def test_heading_lines_override_the_rule(tmp_path):
    source = tmp_path / "depot.txt"
    source.write_text(MADE_UP, "utf-8")
    corpus = tmp_path / "corpus"
    result = run_import(source, "--id", "solar-depot", "--corpus", corpus, "--heading-line", "3")
    assert result.returncode == 0, result.stderr
    text = (corpus / "articles" / "solar-depot" / "article.md").read_text("utf-8")
    assert text.count("## ") == 1 and "## Why a Depot" in text
    assert "\n\nWho Pays\n\n" in text


def test_help_explains_heading_detection():
    result = subprocess.run([CONSOLE_SCRIPT, "import", "--help"], capture_output=True, text=True)
    assert "at most 80 characters and 12 words" in " ".join(result.stdout.split())
    assert "--heading-line" in result.stdout and "--force" in result.stdout


def test_an_existing_article_is_never_overwritten_without_force(tmp_path):
    source = tmp_path / "depot.txt"
    source.write_text(MADE_UP, "utf-8")
    corpus = tmp_path / "corpus"
    assert run_import(source, "--id", "solar-depot", "--corpus", corpus).returncode == 0
    folder = corpus / "articles" / "solar-depot"
    (folder / "annotations.json").write_text(
        json.dumps({**json.loads((folder / "annotations.json").read_text()), "title": "Curated"}),
        "utf-8",
    )
    refused = run_import(source, "--id", "solar-depot", "--corpus", corpus)
    assert refused.returncode == 1 and "exists: use --force" in refused.stderr
    assert json.loads((folder / "annotations.json").read_text())["title"] == "Curated"

    forced = run_import(source, "--id", "solar-depot", "--corpus", corpus, "--force")
    assert forced.returncode == 0, forced.stderr
    [backup] = (corpus / "backups").iterdir()
    assert backup.name.startswith("solar-depot-")
    assert json.loads((backup / "annotations.json").read_text())["title"] == "Curated"


def test_a_bad_id_is_refused(tmp_path):
    source = tmp_path / "depot.txt"
    source.write_text(MADE_UP, "utf-8")
    with pytest.raises(ImportRefused, match="lower-case slug"):
        import_article(source, "Bad Id", tmp_path / "corpus")
