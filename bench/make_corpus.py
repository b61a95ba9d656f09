"""Write a synthetic corpus of valid articles, for the scale benchmark.

    python bench/make_corpus.py OUT_DIR [--articles 10000] [--seed 1]

Each article has about 800 words in a lead and four headed sections, names 5 to 30
organizations drawn from a shared pool, and reports three events quoted from its text.
The text is generated from a fixed vocabulary, so the same seed writes the same corpus.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

VOCABULARY = [
    "model",
    "data",
    "open",
    "research",
    "network",
    "energy",
    "market",
    "policy",
    "chip",
    "training",
    "cloud",
    "city",
    "report",
    "partner",
    "launch",
    "program",
    "release",
    "system",
    "language",
    "science",
    "budget",
    "team",
    "study",
    "growth",
    "product",
    "service",
    "platform",
    "region",
    "project",
    "standard",
    "industry",
    "customer",
    "supply",
    "hardware",
    "software",
    "benchmark",
    "dataset",
    "license",
    "developer",
    "community",
    "investment",
]
POOL_SIZE = 300
PARAGRAPH_WORDS = 40
PARAGRAPHS_PER_SECTION = 4
HEADINGS = ("Background", "What Changes", "Who Is Involved", "What Comes Next")


def organization_pool() -> list[dict]:
    """Organizations shared by all articles, so the cross-article index has real work."""
    return [
        {
            "id": f"synthetic-org-{n:03d}",
            "name": f"Synthetic Org {n:03d}",
            "kind": ("company", "research-lab", "nonprofit", "coalition")[n % 4],
            "description": f"A synthetic organization, number {n}.",
            "role": "Named by a generated article.",
        }
        for n in range(POOL_SIZE)
    ]


def sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(VOCABULARY) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def article(rng: random.Random, number: int, pool: list[dict]) -> tuple[str, dict]:
    """The Markdown text and the annotations of one article."""
    organizations = rng.sample(pool, rng.randint(5, 30))
    blocks, paragraphs = [], []
    for heading in (None, *HEADINGS):
        if heading:
            blocks.append(f"## {heading}")
        for _ in range(PARAGRAPHS_PER_SECTION):
            paragraph = " ".join(sentence(rng, 10) for _ in range(PARAGRAPH_WORDS // 10))
            blocks.append(paragraph)
            paragraphs.append(len(blocks) - 1)
    # Name every organization in a sentence of its own, so every one is mentioned.
    for i, org in enumerate(organizations):
        at = paragraphs[i % len(paragraphs)]
        blocks[at] += f" {org['name']} took part in event {number}-{i}."
    quotes = [
        f"{org['name']} took part in event {number}-{i}." for i, org in enumerate(organizations[:3])
    ]
    events = [
        {
            "id": f"event-{i}",
            "title": f"Event {i} of article {number}",
            "description": "A generated event.",
            "status": "past",
            "date": {"value": None, "label": "earlier"},
            "organizations": [organizations[i]["id"]],
            "evidence": {"quote": quote},
        }
        for i, quote in enumerate(quotes)
    ]
    annotations = {
        "title": f"Synthetic article {number}: {sentence(rng, 6)[:-1]}",
        "language": "en",
        "sample": True,
        "organizations": organizations,
        "events": events,
    }
    return "\n\n".join(blocks) + "\n", annotations


def write_corpus(out: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    pool = organization_pool()
    for number in range(count):
        folder = out / "articles" / f"synthetic-{number:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        text, annotations = article(rng, number, pool)
        (folder / "article.md").write_text(text, "utf-8")
        (folder / "annotations.json").write_text(json.dumps(annotations, indent=1), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_corpus(args.out, args.articles, args.seed)


if __name__ == "__main__":
    main()
