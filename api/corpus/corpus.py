"""The loaded corpus and the indexes behind the list filters, built once at load."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from article_data_api.corpus.loader import corpus_fingerprint, load_articles
from article_data_api.corpus.model import Article

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The case-folded words of ``text``, as search indexes and queries see them."""
    return _WORD.findall(text.casefold())


@dataclass(frozen=True)
class OrganizationArticle:
    """An article that names an organization (dumped by OrganizationArticleSchema)."""

    article: Article
    mention_count: int


@dataclass(frozen=True)
class Organization:
    """An organization across the corpus, with the articles that name it (dumped by
    OrganizationSchema)."""

    id: str
    name: str
    kind: str
    same_as: tuple[str, ...]
    articles: tuple[OrganizationArticle, ...]

    @property
    def article_count(self) -> int:
        return len(self.articles)

    @property
    def mention_count(self) -> int:
        return sum(entry.mention_count for entry in self.articles)


class Corpus:
    """Articles in list order (newest first, undated last), with their indexes."""

    def __init__(self, articles: list[Article], fingerprint: str) -> None:
        self.articles = _in_list_order(articles)
        self.fingerprint = fingerprint
        self.articles_by_id = {article.id: article for article in self.articles}
        self._positions_by_word = self._index_words()
        self._vocabulary = sorted(self._positions_by_word)
        self.organizations = self._index_organizations()
        self.organizations_by_id = {org.id: org for org in self.organizations}
        position = {article.id: i for i, article in enumerate(self.articles)}
        self._positions_by_organization = {
            org.id: frozenset(position[entry.article.id] for entry in org.articles)
            for org in self.organizations
        }
        self._articles_naming = {
            org.id: tuple(sorted((entry.article for entry in org.articles), key=_by(position)))
            for org in self.organizations
        }

    @classmethod
    def load(cls, root: Path) -> Corpus:
        """Load and validate ``root``; raise CorpusError listing every problem."""
        return cls(load_articles(root), corpus_fingerprint(root))

    def _index_words(self) -> dict[str, set[int]]:
        positions: dict[str, set[int]] = defaultdict(set)
        for position, article in enumerate(self.articles):
            texts = [article.title, *(p for s in article.sections for p in s.paragraphs)]
            for word in {w for text in texts for w in words(text)}:
                positions[word].add(position)
        return positions

    def _index_organizations(self) -> tuple[Organization, ...]:
        entries: dict[str, list[OrganizationArticle]] = defaultdict(list)
        first = {}
        same_as: dict[str, dict[str, None]] = defaultdict(dict)  # ordered, without repeats
        for article in self.articles:
            for org in article.organizations:
                first.setdefault(org.id, org)
                same_as[org.id].update(dict.fromkeys(org.same_as))
                entries[org.id].append(OrganizationArticle(article, org.mention_count))
        return tuple(
            Organization(
                org_id, first[org_id].name, first[org_id].kind, tuple(same_as[org_id]), tuple(found)
            )
            for org_id, found in sorted(entries.items())
        )

    def find_organizations(self, filters: Mapping[str, Any]) -> list[Organization]:
        """Organizations across articles, by id, of ``filters["kind"]`` if given."""
        kind = filters.get("kind")
        return [org for org in self.organizations if kind in (None, org.kind)]

    def _postings(self, prefix: str) -> list[set[int]]:
        """The articles of each indexed word that starts with ``prefix``."""
        start = bisect.bisect_left(self._vocabulary, prefix)
        end = bisect.bisect_left(self._vocabulary, prefix + "\U0010ffff", start)
        return [self._positions_by_word[word] for word in self._vocabulary[start:end]]

    def find_articles(self, filters: Mapping[str, Any]) -> Sequence[Article]:
        """Articles where every word of ``filters["q"]`` starts a word of the title or a
        paragraph, and that name ``filters["organization"]``; in list order."""
        q, organization = filters.get("q"), filters.get("organization")
        terms = sorted(map(self._postings, words(q or "")), key=lambda p: sum(map(len, p)))
        if not terms:
            if organization is None:
                return self.articles
            return self._articles_naming.get(organization, ())
        # Rarest term first: the others only filter its few candidates.
        candidates = set().union(*terms[0])
        if organization is not None:
            candidates &= self._positions_by_organization.get(organization, frozenset())
        for postings in terms[1:]:
            candidates = {p for p in candidates if any(p in posting for posting in postings)}
        return [self.articles[p] for p in sorted(candidates)]


def _by(position: dict[str, int]) -> Callable[[Article], int]:
    return lambda article: position[article.id]


def _in_list_order(articles: list[Article]) -> tuple[Article, ...]:
    """Newest first, undated last, then by id (both sorts are stable)."""
    ordered = sorted(articles, key=lambda article: article.id)
    ordered.sort(key=lambda a: (a.published and a.published.value) or "", reverse=True)
    return tuple(ordered)
