"""The query string, parsed once: the HTTP layer keys the cache on exactly the arguments
the view then receives.

Strict where a typo could pass silently: invalid percent-encoding or UTF-8, an unknown
parameter (with the closest known one suggested, or else every known one) and a repeated
single-valued parameter are all refused, each naming the parameter.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes, urlencode

import orjson
from marshmallow import Schema, ValidationError, fields
from webargs.fields import DelimitedList
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from article_data_api.dumping import NotPlain, compile_loader

UNKNOWN_FIELD = "Unknown field."


class InvalidQuery(Exception):
    """The query's bad parameters, as RFC 9457 ``invalid_params`` entries."""

    def __init__(self, params: list[dict[str, str]]) -> None:
        super().__init__(", ".join(param["name"] for param in params))
        self.params = params


def _decoded(part: str) -> str:
    """A percent-encoded name or value, which must be UTF-8."""
    return unquote_to_bytes(part.replace("+", " ")).decode("utf-8")


def parse_query_string(raw: str) -> MultiDict:
    """Name/value pairs in order; raise InvalidQuery on bytes that are not UTF-8."""
    pairs = []
    for piece in raw.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        try:
            pairs.append((_decoded(name), _decoded(value)))
        except UnicodeDecodeError:
            shown = unquote_to_bytes(name).decode("utf-8", "replace")
            raise InvalidQuery(
                [{"name": shown, "location": "query", "reason": "not UTF-8 once percent-decoded"}]
            ) from None
    return MultiDict(pairs)


class QueryParser:
    """An endpoint's query schema, ready to parse query strings quickly: a valid query
    goes through the schema compiled (api.dumping), any other through marshmallow, which
    says what is wrong."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.known = {field.data_key or name: field for name, field in schema.fields.items()}
        # Given once or more; a DelimitedList is one value (its items joined by commas).
        self.repeatable = {
            name
            for name, field in self.known.items()
            if isinstance(field, fields.List) and not isinstance(field, DelimitedList)
        }
        self.load_plain = compile_loader(schema)

    def load(self, raw: str) -> dict[str, Any]:
        """The validated arguments of query string ``raw``; raise InvalidQuery."""
        given = parse_query_string(raw)
        problems = []
        for name in dict.fromkeys(given.keys()):
            field = self.known.get(name)
            if field is None:
                problems.append(unknown_parameter(name, self.known))
            elif name not in self.repeatable and len(given.getlist(name)) > 1:
                problems.append(
                    {
                        "name": name,
                        "location": "query",
                        "reason": "given more than once; it takes one value",
                    }
                )
        if problems:
            raise InvalidQuery(problems)
        plain = {
            name: given.getlist(name) if name in self.repeatable else given[name] for name in given
        }
        try:
            return self.load_plain(plain)
        except NotPlain:
            pass
        try:
            return self.schema.load(MultiDictProxy(given, self.schema))
        except ValidationError as error:
            raise InvalidQuery(invalid_params(error.messages, self.known)) from error

    @staticmethod
    def key(args: Mapping[str, Any]) -> str:
        """The arguments as one string, for cache keys: every value, defaults included,
        by name; lists in the order given."""
        return orjson.dumps(args, option=orjson.OPT_SORT_KEYS).decode()


def unknown_parameter(name: str, known: Mapping[str, Any]) -> dict[str, str]:
    entry = {"name": name, "location": "query", "reason": "unknown parameter"}
    # 0.7: at difflib's usual 0.6, "sort" came out as "cursor"; a typo scores 0.85 or more.
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
    if close:
        entry["reason"] += f"; did you mean {close[0]!r}?"
    elif known:  # nothing like it: say what there is
        entry["reason"] += "; this resource takes " + ", ".join(sorted(known))
    return entry


def invalid_params(messages: Mapping[str, Any], known: Mapping[str, Any]) -> list[dict[str, str]]:
    """marshmallow's ``{name: [messages]}`` as ``invalid_params`` entries, by name."""
    entries = []
    for name, reasons in sorted(messages.items()):
        if isinstance(reasons, dict):  # a list field: {index: [messages]}
            reasons = [reason for listed in reasons.values() for reason in listed]
        if reasons == [UNKNOWN_FIELD]:
            entries.append(unknown_parameter(name, known))
        else:
            entries.append(
                {"name": name, "location": "query", "reason": "; ".join(map(str, reasons))}
            )
    return entries


def _pairs(schema: Schema, args: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The arguments as ``schema.dump`` writes them, by name, leaving out those unset.
    Each field serializes its own value; Schema.dump's per-call machinery around that
    cost more than the rest of a page's envelope."""
    pairs = []
    for name, field in schema.dump_fields.items():
        attribute = field.attribute or name
        if args.get(attribute) is None:
            continue
        value = field.serialize(attribute, args)
        if isinstance(value, bool):
            value = "true" if value else "false"
        pairs.append((field.data_key or name, value))
    pairs.sort()
    return pairs


def link_queries(schema: Schema, filters: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], str]:
    """The query of a page's links, given its position: the filters by name, then the page
    size and position. The filters are dumped once for all of a page's links."""
    pairs = [(k, v) for k, v in _pairs(schema, filters) if k != "limit"]
    pairs.append(("limit", filters["limit"]))

    def at(position: Mapping[str, Any]) -> str:
        return urlencode([*pairs, *position.items()], doseq=True, safe=",")

    return at
