"""Full-text search: the Tantivy schemas, the query syntax people type, and highlights.

The syntax is a web search box's: words (stemmed, English), "exact phrases", -excluded
words and OR between alternatives. A hyphenated word is a phrase ("open-weight" is
"open weight"); a possessive outside quotes is its word ("Mistral's" is "Mistral").
Every word or phrase must match somewhere, unless joined to a neighbour by OR.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import tantivy

MAX_QUERY_CHARACTERS = 256
MAX_QUERY_TERMS = 32
# The most phrase work (phrase_work) a search may ask for: two phrases of words found in
# every document. Ten such phrases took 750 ms of CPU at 100,000 articles; one takes 70.
MAX_PHRASE_WORK = 2
# Tantivy's built-in "en_stem" analyzer, rebuilt here to find highlights with the very
# tokens and code-point offsets the index saw.
STEMMED = "en_stem"
LONGEST_INDEXED_WORD = 40
RAW = "raw"
# Title and headings weigh more than the body.
ARTICLE_FIELDS = (("title", 3.0), ("headings", 2.0), ("body", 1.0))
EVENT_FIELDS = (("text", 1.0),)
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# A possessive ending, with either apostrophe: typed in a search box, it means the word,
# which the index holds wherever the possessive occurs too.
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(LONGEST_INDEXED_WORD))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def articles_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", tokenizer_name=RAW)
    for name, _ in ARTICLE_FIELDS:
        builder.add_text_field(name, tokenizer_name=STEMMED)
    for name in ("organization", "kind", "month"):
        builder.add_text_field(name, tokenizer_name=RAW, fast=True)
    for name in ("sample", "first_day", "last_day", "newest_key", "oldest_key"):
        builder.add_unsigned_field(name, indexed=True, fast=True)
    return builder.build()


def events_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("article", tokenizer_name=RAW, fast=True)
    builder.add_text_field("text", tokenizer_name=STEMMED)
    for name in ("organization", "status", "month"):
        builder.add_text_field(name, tokenizer_name=RAW, fast=True)
    for name in ("first_day", "last_day", "ascending_key", "descending_key"):
        builder.add_unsigned_field(name, indexed=True, fast=True)
    return builder.build()


class QueryError(ValueError):
    """A ``q`` that cannot be searched, with the reason a person can act on."""


@dataclass(frozen=True)
class Phrase:
    """One word (one token) or a phrase (several), as the analyzer stems them."""

    tokens: tuple[str, ...]


@dataclass
class ParsedQuery:
    """Every group must match (a group matches when one of its phrases does), and no
    excluded phrase may."""

    groups: list[list[Phrase]] = field(default_factory=list)
    excluded: list[Phrase] = field(default_factory=list)
    unmatchable: bool = False

    @property
    def wanted(self) -> list[Phrase]:
        return [phrase for group in self.groups for phrase in group]


def parse_query(text: str, stemmer: tantivy.TextAnalyzer) -> ParsedQuery:
    """Parse what a person typed; raise QueryError when it holds no letter or digit.

    A word the index cannot hold (over 40 characters) matches nothing; a query of
    exclusions alone matches everything but them.
    """
    if not _LETTER_OR_DIGIT.search(text):
        raise QueryError("has no letter or digit to search for")
    parsed = ParsedQuery()
    join_next = False
    terms = 0
    for match in _QUERY_PART.finditer(text):
        negated, quoted, word = match.groups()
        if word == "OR" and parsed.groups:  # with no word before it, OR is a word
            join_next = True
            continue
        if word is not None:
            excluded = word.startswith("-") and len(word) > 1
            negated, word = ("-", word[1:]) if excluded else ("", word)
            word = _POSSESSIVE.sub("", word)
        tokens = tuple(stemmer.analyze(quoted if word is None else word))
        if not tokens:
            if _LETTER_OR_DIGIT.search(quoted if word is None else word) and not negated:
                parsed.unmatchable = True  # a word too long for the index
            continue
        terms += len(tokens)
        if terms > MAX_QUERY_TERMS:
            raise QueryError(f"has more than {MAX_QUERY_TERMS} words")
        phrase = Phrase(tokens)
        # Each word or phrase is searched once, however often it is typed.
        if negated:
            if join_next:
                raise QueryError("joins an excluded word with OR: exclude it on its own")
            if phrase not in parsed.excluded:
                parsed.excluded.append(phrase)
        elif join_next:
            if phrase not in parsed.groups[-1]:
                parsed.groups[-1].append(phrase)
        else:
            parsed.groups.append([phrase])
        join_next = False
    unique: list[list[Phrase]] = []
    for group in parsed.groups:
        if set(group) not in [set(kept) for kept in unique]:
            unique.append(group)
    parsed.groups = unique
    return parsed


def phrase_work(parsed: ParsedQuery, doc_freq: Callable[[str], int], documents: int) -> float:
    """How many times over the index a search for ``parsed`` reads word positions: a
    phrase is matched by reading them in every document that holds all its words, so it
    costs the share of documents that hold its rarest one. ``doc_freq`` gives a word's
    document count."""
    phrases = [p for p in (*parsed.wanted, *parsed.excluded) if len(p.tokens) > 1]
    held = [min(documents, *(doc_freq(token) for token in p.tokens)) for p in phrases]
    return sum(held) / max(documents, 1)


def to_query(
    parsed: ParsedQuery, schema: tantivy.Schema, fields: Sequence[tuple[str, float]]
) -> tantivy.Query:
    """The Tantivy query: each group a MUST, each exclusion a MUST NOT, each phrase
    matched in every field with that field's boost."""
    if parsed.unmatchable:
        return tantivy.Query.empty_query()
    clauses = [(tantivy.Occur.Must, tantivy.Query.all_query())] if not parsed.groups else []
    clauses += [
        (tantivy.Occur.Must, _any_of([_in_fields(p, schema, fields) for p in group]))
        for group in parsed.groups
    ]
    clauses += [
        (tantivy.Occur.MustNot, _in_fields(phrase, schema, fields)) for phrase in parsed.excluded
    ]
    return tantivy.Query.boolean_query(clauses)


def _any_of(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _in_fields(
    phrase: Phrase, schema: tantivy.Schema, fields: Sequence[tuple[str, float]]
) -> tantivy.Query:
    per_field = []
    for name, boost in fields:
        if len(phrase.tokens) == 1:
            query = tantivy.Query.term_query(schema, name, phrase.tokens[0])
        else:
            query = tantivy.Query.phrase_query(schema, name, list(phrase.tokens))
        per_field.append(query if boost == 1.0 else tantivy.Query.boost_query(query, boost))
    return _any_of(per_field)


class Mark(NamedTuple):  # a tuple: a search makes thousands
    start: int
    end: int
    phrases: frozenset[int]  # which of the query's wanted phrases it marks, by index


# A word as Tantivy's simple tokenizer cuts one: a run of letters and digits.
_NEXT_WORD = re.compile(r"[\W_]*([^\W_]+)")


class QueryMarks:
    """Finds where a query's wanted words and phrases occur in a text.

    A regular expression finds the words that could stem to a wanted word (stemming
    only changes a word's ending, so they begin with most of the stem); only those are
    stemmed. Tokenizing every paragraph of every hit instead cost tens of milliseconds
    per search when the query holds a common word.
    """

    def __init__(self, parsed: ParsedQuery, stemmer: tantivy.TextAnalyzer) -> None:
        self.stemmer = stemmer
        self.stems: dict[str, str | None] = {}
        # By a phrase's first stem: the phrase (as a set of its index) and its other stems.
        self.following: dict[str, list[tuple[frozenset[int], tuple[str, ...]]]] = {}
        for number, phrase in enumerate(parsed.wanted):
            entry = (frozenset((number,)), phrase.tokens[1:])
            self.following.setdefault(phrase.tokens[0], []).append(entry)
        self.candidates = _beginning_with(self.following)
        self.candidates_any_case = re.compile(self.candidates.pattern, re.IGNORECASE)
        # Per wanted phrase, what any word that stems to its first word begins with.
        self.beginnings = [_beginning(phrase.tokens[0]) for phrase in parsed.wanted]

    @property
    def phrase_count(self) -> int:
        """How many words and phrases the query wants."""
        return len(self.beginnings)

    def most_words(self, text: str) -> int:
        """At least as many of the wanted words and phrases as ``text`` holds: a bound
        read with substring tests alone, no stemming."""
        folded = text.lower()
        return [beginning in folded for beginning in self.beginnings].count(True)

    def stem(self, word: str) -> str | None:
        if word not in self.stems:
            tokens = self.stemmer.pre_tokenize(word).tokens
            self.stems[word] = tokens[0].text if len(tokens) == 1 else None
        return self.stems[word]

    def __call__(self, text: str) -> list[Mark]:
        """Where the wanted words and phrases occur in ``text``, as code-point spans."""
        found: list[Mark] = []
        stems, stem = self.stems, self.stem
        for start, word_end in self._candidates(text) if self.following else ():
            word = text[start:word_end]
            first = stems[word] if word in stems else stem(word)
            for phrase, rest in self.following.get(first, ()):
                end = word_end
                for wanted in rest:
                    following = _NEXT_WORD.match(text, end)
                    if following is None or stem(following.group(1)) != wanted:
                        break
                    end = following.end()
                else:
                    found.append(Mark(start, end, phrase))
        return _merged(found)

    def _candidates(self, text: str) -> Iterator[tuple[int, int]]:
        """The spans of the words in ``text`` that could stem to a wanted word. They are
        found in its lowercase form, three times faster than ignoring case, unless
        lowercasing changes its length (and so the offsets)."""
        folded = text.lower()
        if len(folded) == len(text):
            searched, matches = folded, self.candidates.finditer(folded)
        else:
            searched, matches = text, self.candidates_any_case.finditer(text)
        for match in matches:
            start = match.start()
            # A match that starts inside a word is dropped. No word can start within the
            # letters it took, so the search going on after them misses none.
            if not (start and _LETTER_OR_DIGIT.match(searched, start - 1)):
                yield start, match.end()


def _beginning(stem: str) -> str:
    """What every word that stems to ``stem`` begins with: stemming only changes a word's
    ending."""
    return stem[: max(1, len(stem) - 2)]


def _beginning_with(stems: Iterable[str]) -> re.Pattern:
    """Most of one of ``stems`` (which are lowercase) up to the end of a word: found in
    lowercase text, it finds every word that can stem to one of them, and also the tails
    of some longer words, which the caller drops. Looking behind every place for the
    start of a word cost three times as much as dropping the few tails."""
    beginnings = sorted({_beginning(stem) for stem in stems})
    return re.compile("(?:" + "|".join(map(re.escape, beginnings)) + r")[^\W_]*")


def words_marked(marks: Iterable[Mark]) -> int:
    """How many of the query's wanted words and phrases ``marks`` show."""
    return len(frozenset().union(*(mark.phrases for mark in marks)))


def _merged(marks: Iterable[Mark]) -> list[Mark]:
    merged: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if merged and mark.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Mark(last.start, max(last.end, mark.end), last.phrases | mark.phrases)
        else:
            merged.append(mark)
    return merged


# Where a sentence ends: after its full stop (group 1 is what follows it, up to the next
# sentence). Matching the stop itself, not looking behind for it, halves the search.
_SENTENCE_END = re.compile(r"[.!?…]([\"'”’)\]]*\s+)")


def passages(text: str, marks: Sequence[Mark]) -> list[tuple[int, int]]:
    """The sentences of ``text`` that hold a mark, as code-point spans (``marks`` in
    text order, as QueryMarks finds them); the text after the last mark is not read."""
    marked, next_mark, start = [], 0, 0
    ends = _SENTENCE_END.finditer(text)
    while next_mark < len(marks):  # both in text order: one pass over each
        found = next(ends, None)
        end = len(text) if found is None else found.start(1)
        while next_mark < len(marks) and marks[next_mark].start < start:
            next_mark += 1
        if next_mark < len(marks) and marks[next_mark].start < end:
            marked.append((start, end))
        if found is None:
            break
        start = found.end()
    return marked
