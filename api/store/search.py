"""Full-text search: the Tantivy schemas, the query syntax people type, and highlights.

The syntax is a web search box's: words (stemmed, English), "exact phrases", -excluded
words and OR between alternatives. A hyphenated word is a phrase ("open-weight" is
"open weight"). Every word or phrase must match somewhere, unless joined to a neighbour
by OR.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import tantivy

MAX_QUERY_CHARACTERS = 256
MAX_QUERY_TERMS = 32
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
        if word == "OR":
            join_next = bool(parsed.groups)
            continue
        if word is not None:
            excluded = word.startswith("-") and len(word) > 1
            negated, word = ("-", word[1:]) if excluded else ("", word)
        tokens = tuple(stemmer.analyze(quoted if word is None else word))
        if not tokens:
            if _LETTER_OR_DIGIT.search(quoted if word is None else word) and not negated:
                parsed.unmatchable = True  # a word too long for the index
            continue
        terms += len(tokens)
        if terms > MAX_QUERY_TERMS:
            raise QueryError(f"has more than {MAX_QUERY_TERMS} words")
        phrase = Phrase(tokens)
        if negated:
            if join_next:
                raise QueryError("joins an excluded word with OR: exclude it on its own")
            parsed.excluded.append(phrase)
        elif join_next:
            parsed.groups[-1].append(phrase)
        else:
            parsed.groups.append([phrase])
        join_next = False
    return parsed


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


@dataclass(frozen=True)
class Mark:
    start: int
    end: int


def marks_in(text: str, parsed: ParsedQuery, stemmer: tantivy.TextAnalyzer) -> list[Mark]:
    """Where the wanted words and phrases occur in ``text``, as code-point spans."""
    tokens = stemmer.pre_tokenize(text).tokens
    found: list[Mark] = []
    for phrase in parsed.wanted:
        width = len(phrase.tokens)
        for i in range(len(tokens) - width + 1):
            if all(tokens[i + j].text == phrase.tokens[j] for j in range(width)):
                found.append(Mark(tokens[i].char_offset_from, tokens[i + width - 1].char_offset_to))
    return _merged(found)


def _merged(marks: Iterable[Mark]) -> list[Mark]:
    merged: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if merged and mark.start <= merged[-1].end:
            merged[-1] = Mark(merged[-1].start, max(merged[-1].end, mark.end))
        else:
            merged.append(mark)
    return merged


def prefilter_words(parsed: ParsedQuery) -> list[str]:
    """Case-folded fragments a text must contain to hold a match: most of each stem. A
    cheap test before tokenizing a paragraph (stemming only changes a word's ending)."""
    return [token[: max(1, len(token) - 2)] for phrase in parsed.wanted for token in phrase.tokens]


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


def passages(text: str, marks: Sequence[Mark]) -> list[tuple[int, int]]:
    """The sentences of ``text`` that hold a mark, as code-point spans."""
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        spans.append((start, end.start()))
        start = end.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if any(s <= m.start < e for m in marks)]
