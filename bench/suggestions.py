"""How good are the import's suggestions? Measured on three articles, against what a
person would annotate.

    python bench/suggestions.py

For the seed page (tests/data/mistral-nvidia-nemotron-coalition.html, whose curated
annotations are the bundled seed's), two test articles written for this project
(tests/data/import/), one held-out text written after the rules were settled, and a
funding story written to find their misses (the rules then fitted to it), it imports
each into a scratch corpus and prints:

- organizations: how many of the expected ones were proposed, and the false ones;
- temporal expressions: how many of the expected ones were found in the text, how many
  became an event's label, and the expressions found that a person would not date by;
- events: how many were proposed, and how many decisions a review takes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from article_data_api.corpus.importer import import_article  # noqa: E402
from article_data_api.corpus.temporal import find_expressions  # noqa: E402
from article_data_api.corpus.text import parse_sections  # noqa: E402

DATA = PROJECT / "tests" / "data"
# What a person annotates in each article: its organizations, and the expressions that
# place its events in time (the seed's are the labels and dates of its curated events).
EXPECTED = {
    "seed page": (
        DATA / "mistral-nvidia-nemotron-coalition.html",
        {"Mistral AI", "NVIDIA", "NVIDIA Nemotron coalition", "Meta"},
        {
            "For a long time",
            "From the very beginning",
            "already",
            "over the last couple of years",
            "in recent years",
            "in the future",
            "later",
        },
    ),
    "Norhaven (HTML)": (
        DATA / "import" / "norhaven-shore-power.html",
        {
            "Norhaven Port Authority",
            "North Sea Shipping Association",
            "Greywater Energy Ltd",
            "Harbour Green Consortium",
            "Tidewell Systems",
            "Norhaven City Council",
        },
        {
            "on Monday",
            "a year after",
            "last winter",
            "next spring",
            "in March 2026",
            "eighteen months",
            "A year later",
            "Until then",
        },
    ),
    "Riverside (Markdown)": (
        DATA / "import" / "riverside-depot.md",
        {
            "Riverside Transit Cooperative",
            "Northgate Energy",
            "Kestrel Battery Works",
            "Riverside Clean Air Trust",
            "Riverside City Council",
            "Valley Development Bank",
            "University of Riverside",
        },
        {"on 3 June 2025", "last spring", "over ten years", "in early 2027"},
    ),
    # Written after the rules above were settled, and measured as they stood: no rule
    # was changed for it.
    "held out (text)": (
        DATA / "import" / "heldout-lab-spinout.txt",
        {
            "Tallberg University",
            "Ferrolith Labs",
            "Eastwind Ventures",
            "Tallberg Regional Council",
            "European Patent Office",
            "Morrow Electric",
            "Northmark Motors",
        },
        {
            "on Tuesday",
            "in 2019",
            "has since",
            "over the next two years",
            "in the autumn of 2026",
            "for a decade",
            "last summer",
            "by 2028",
        },
    ),
    # Written on 2026-11-30 to find the rules' misses, and the rules then changed for
    # it: before, it drew three false organizations ("Boston-based startup", the chief
    # executive "Maria Lopez" and the funding round "Series B"), and its "The company"
    # went to Sequoia Capital, not to Acme Robotics.
    "funding round (HTML)": (
        DATA / "import" / "acme-funding-round.html",
        {
            "Acme Robotics",
            "Sequoia Capital",
            "Andreessen Horowitz",
            "Boston Dynamics",
            "Agility Robotics",
            "Federal Trade Commission",
            "Hyundai Motor Co",
        },
        {"on Monday", "next year", "by the end of 2027", "this year", "on Tuesday"},
    ),
}


def covered(expected: str, found: set[str]) -> bool:
    """An expected expression is found when a find holds it, case aside ("eighteen
    months" in "for eighteen months")."""
    return any(expected.lower() in f.lower() for f in found)


def main() -> None:
    print(
        "| article | organizations proposed | false organizations | expressions found |"
        " expressions as event labels | other expressions found | events | review"
        " decisions | import s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (source, organizations, expressions) in EXPECTED.items():
        with tempfile.TemporaryDirectory() as scratch:
            started = time.monotonic()
            imported = import_article(source, Path(scratch) / "corpus", article_id="measured")
            seconds = time.monotonic() - started
            markdown = (imported.folder / "article.md").read_text("utf-8")
        proposed = {org["name"] for org in imported.annotations["organizations"]}
        false = sorted(proposed - organizations)
        paragraphs = [p for s in parse_sections(markdown) for p in s.paragraphs]
        found = {e.text for p in paragraphs for e in find_expressions(p)}
        labels = {e["date"]["label"] for e in imported.annotations["events"]}
        other = sorted(f for f in found if not any(x.lower() in f.lower() for x in expressions))
        decisions = len(imported.annotations["organizations"]) + len(imported.annotations["events"])
        print(
            f"| {name} | {len(proposed & organizations)} of {len(organizations)} |"
            f" {len(false)}: {', '.join(false) or '-'} |"
            f" {sum(covered(x, found) for x in expressions)} of {len(expressions)} |"
            f" {sum(covered(x, labels) for x in expressions)} of {len(expressions)} |"
            f" {len(other)}: {', '.join(other) or '-'} |"
            f" {len(imported.annotations['events'])} | {decisions} | {seconds:.2f} |"
        )


if __name__ == "__main__":
    main()
