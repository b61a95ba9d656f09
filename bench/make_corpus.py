"""Write a synthetic corpus of valid articles, for the scale benchmark.

    python bench/make_corpus.py OUT_DIR [--articles 10000] [--seed 1]

The text looks like text to a search engine: words are drawn from a vocabulary of
60,000 made-up words with Zipf-distributed frequencies (a few words are in most
articles, most words in very few), so a query's cost depends on the words it asks for.
Each article has a lead and four headed sections of about 800 words in all, a
publication date (most at day precision, some at month, some unknown), names 5 to 30
organizations drawn Zipf-wise from a pool that grows with the corpus, and reports three
to five events, dated or relative, quoted from its text. The same seed writes the same
corpus.

    python bench/make_corpus.py OUT_DIR --articles 100000 --organizations 3-6

names fewer organizations, about as many as the seed article names (4): a build's cost grows
with them, so this shows how much of it they are (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
from pathlib import Path

VOCABULARY_SIZE = 60_000
ZIPF_EXPONENT = 1.07
ORGANIZATIONS = (5, 30)  # named by each article, at least and at most
PARAGRAPH_WORDS = 40
PARAGRAPHS_PER_SECTION = 4
SECTIONS = 5  # the lead and four headed sections
ORGANIZATION_SUFFIXES = (
    "Systems",
    "Energy",
    "Institute",
    "Cooperative",
    "Authority",
    "Labs",
    "Association",
    "Group",
)
KINDS = ("company", "research-lab", "nonprofit", "coalition", "government", "university")
STATUSES = ("past", "announced", "ongoing", "anticipated")
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 3_950  # up to late 2026
ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "dr",
    "gr",
    "kr",
    "st",
    "tr",
    "pl",
    "sh",
    "ch",
)
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]


def made_up_words(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct pronounceable words of two to four syllables."""
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.choice((2, 2, 3, 3, 3, 4))
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))
        words[word + rng.choice(("", "", "n", "r", "s", "t", "l"))] = None
    return list(words)


def zipf_weights(count: int) -> list[float]:
    """Cumulative weights of ranks 1..count under Zipf's law."""
    return list(itertools.accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, count + 1)))


class Writer:
    """Draws text, dates and organizations from one seeded generator."""

    def __init__(
        self, seed: int, articles: int, organizations: tuple[int, int] = ORGANIZATIONS
    ) -> None:
        self.rng = random.Random(seed)
        self.organization_range = organizations
        self.vocabulary = made_up_words(self.rng, VOCABULARY_SIZE)
        self.word_weights = zipf_weights(VOCABULARY_SIZE)
        names = made_up_words(random.Random(seed + 1), max(300, articles // 10))
        self.pool = [
            {
                "id": f"{name}-{suffix.lower()}",
                "name": f"{name.capitalize()} {suffix}",
                "kind": KINDS[n % len(KINDS)],
                "description": f"A synthetic organization, number {n}.",
                "role": "Named by a generated article.",
            }
            for n, name in enumerate(names)
            for suffix in [ORGANIZATION_SUFFIXES[n % len(ORGANIZATION_SUFFIXES)]]
        ]
        self.pool_weights = zipf_weights(len(self.pool))

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.word_weights, k=count)

    def sentence(self, count: int) -> str:
        return " ".join(self.words(count)).capitalize() + "."

    def organizations(self) -> list[dict]:
        wanted = self.rng.randint(*self.organization_range)
        chosen: dict[str, dict] = {}
        while len(chosen) < wanted:
            org = self.rng.choices(self.pool, cum_weights=self.pool_weights)[0]
            chosen[org["id"]] = org
        return list(chosen.values())

    def published(self) -> dict | None:
        day = FIRST_DAY + dt.timedelta(days=self.rng.randrange(DAYS))
        roll = self.rng.random()
        if roll < 0.1:
            return None
        value = day.isoformat() if roll < 0.9 else day.isoformat()[:7]
        return {"value": value, "sources": ["https://news.example/synthetic"]}

    def article(self, number: int) -> tuple[str, dict]:
        """The Markdown text and the annotations of one article."""
        organizations = self.organizations()
        headings = set()
        blocks, paragraphs = [], []
        for section in range(SECTIONS):
            if section:
                heading = " ".join(self.words(3)).title()
                while heading in headings:
                    heading += " Again"
                headings.add(heading)
                blocks.append(f"## {heading}")
            for _ in range(PARAGRAPHS_PER_SECTION):
                blocks.append(" ".join(self.sentence(10) for _ in range(PARAGRAPH_WORDS // 10)))
                paragraphs.append(len(blocks) - 1)
        # Name every organization in a sentence of its own, so every one is mentioned.
        for i, org in enumerate(organizations):
            blocks[paragraphs[i % len(paragraphs)]] += f" {org['name']} took part in step {i}."
        events = []
        years = sorted(self.rng.sample(range(2016, 2027), 5))
        for i, org in enumerate(organizations[: self.rng.randint(3, 5)]):
            dated = self.rng.random() < 0.6
            quote = f"{org['name']} reported item {number}-{i}"
            quote += f" in {years[i]}." if dated else " earlier."
            blocks[paragraphs[-1 - i]] += " " + quote
            events.append(
                {
                    "id": f"event-{i}",
                    "title": f"Event {i} of article {number}",
                    "description": "A generated event.",
                    "status": self.rng.choice(STATUSES),
                    "date": {"value": str(years[i])}
                    if dated
                    else {"value": None, "label": "earlier"},
                    "organizations": [org["id"]],
                    "evidence": {"quote": quote},
                }
            )
        annotations = {
            "title": f"Synthetic article {number}: {self.sentence(6)[:-1]}",
            "language": "en",
            "sample": True,
            "published": self.published(),
            "organizations": organizations,
            "events": events,
        }
        return "\n\n".join(blocks) + "\n", annotations


def write_corpus(
    out: Path, count: int, seed: int = 1, organizations: tuple[int, int] = ORGANIZATIONS
) -> None:
    writer = Writer(seed, count, organizations)
    for number in range(count):
        folder = out / "articles" / f"synthetic-{number:07d}"
        folder.mkdir(parents=True, exist_ok=True)
        text, annotations = writer.article(number)
        (folder / "article.md").write_text(text, "utf-8")
        (folder / "annotations.json").write_text(json.dumps(annotations, indent=1), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--organizations",
        type=_count_range,
        default=ORGANIZATIONS,
        metavar="MIN-MAX",
        help="organizations each article names (default 5-30)",
    )
    args = parser.parse_args()
    write_corpus(args.out, args.articles, args.seed, args.organizations)


def _count_range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        counts = int(low), int(high)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not MIN-MAX, like 5-30") from None
    if not 1 <= counts[0] <= counts[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: need 1 <= MIN <= MAX")
    return counts


if __name__ == "__main__":
    main()
