"""Marshmallow schemas compiled into plain functions, for the build and for queries.

The schemas stay the one definition of every shape and rule; this reads their fields,
validators and schema validators once and generates the Python source of functions that
do what ``schema.dump`` and (for valid input) ``schema.load`` do: one straight line of
code per field, as ``dataclasses`` generates ``__init__``. Marshmallow's per-call
machinery (error stores, hook lookups, a call per field and per validator) cost the
build about two milliseconds an article. Tests check both agree. Only the field types
the schemas use are supported; any other is refused when the function is made, never
silently handled differently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields, missing, validate
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES_SCHEMA

from article_data_api.schemas.fields import PartialDate, Slug

Dumper = Callable[[Any], dict[str, Any]]
Loader = Callable[[Any], dict[str, Any]]
_MISSING = object()
# Each field type's conversion on dump (marshmallow's ``_serialize``), by builtin name.
_SCALARS: dict[type, str] = {
    fields.String: "str",
    fields.Url: "str",
    Slug: "str",
    PartialDate: "str",
    fields.Integer: "int",
    fields.Boolean: "bool",
    fields.Float: "float",
}


class NotPlain(Exception):
    """Input the compiled loader does not vouch for: let marshmallow load it (and say why
    it is invalid, if it is)."""


class _Source:
    """Generated functions, and the objects their code refers to by name."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "MISSING": _MISSING,
            "NotPlain": NotPlain,
            "ValidationError": ValidationError,
        }

    def name(self, value: Any) -> str:
        """A global name for ``value`` in the generated code."""
        name = f"_v{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def function(self, argument: str, body: list[str]) -> str:
        """Define a function of ``argument`` with ``body``; return its name."""
        name = f"_f{len(self.namespace)}"
        lines = [f"def {name}({argument}):", *_indented(body)]
        exec("\n".join(lines), self.namespace)  # only code made here, from our schemas
        return name


def compile_dumper(schema: Schema) -> Dumper:
    """A function that dumps an object as ``schema.dump`` would."""
    source = _Source()
    return source.namespace[_dump_function(source, schema)]


def _dump_function(source: _Source, schema: Schema) -> str:
    body = ["dumped = {}"]
    for name, field in schema.dump_fields.items():
        first, *rest = (field.attribute or name).split(".")
        # Attribute access, dotted paths included; dumped objects are never mappings, and
        # a missing attribute leaves its key out, as in marshmallow.
        body.append(f"value = getattr(obj, {first!r}, MISSING)")
        body += [f"value = getattr(value, {part!r}, MISSING)" for part in rest]
        body += [
            "if value is not MISSING:",
            f"    dumped[{field.data_key or name!r}] = (",
            f"        None if value is None else {_dumped(source, field, 'value', 0)}",
            "    )",
        ]
    return source.function("obj", [*body, "return dumped"])


def _dumped(source: _Source, field: fields.Field, value: str, depth: int) -> str:
    """An expression for ``value`` (not None) as ``field`` dumps it."""
    if isinstance(field, fields.Nested):
        inner = _dump_function(source, field.schema)
        item = f"item{depth}"
        return f"[{inner}({item}) for {item} in {value}]" if field.many else f"{inner}({value})"
    if isinstance(field, fields.List):
        item = f"item{depth}"
        converted = _dumped(source, field.inner, item, depth + 1)
        return f"[None if {item} is None else {converted} for {item} in {value}]"
    for kind in type(field).__mro__:
        if kind in _SCALARS:
            return f"{_SCALARS[kind]}({value})"
    raise TypeError(f"compile_dumper does not support {type(field).__name__}")


def compile_loader(schema: Schema) -> Loader:
    """A function that returns what ``schema.load`` returns for input that marshmallow
    accepts, using the schema's own fields, validators and schema validators, and that
    raises NotPlain for anything else. It never reports an error itself: the caller then
    runs ``schema.load``, whose messages are the only ones users see."""
    source = _Source()
    return source.namespace[_load_function(source, schema)]


def _load_function(source: _Source, schema: Schema) -> str:
    if schema._hooks[POST_LOAD]:
        raise TypeError(f"compile_loader does not support post_load hooks ({schema})")
    # marshmallow's registry of a schema's hooks: the loader runs the same ones.
    body = [
        f"data = {source.name(getattr(schema, hook))}(data, many=False, partial=False)"
        for hook, many, _ in schema._hooks[PRE_LOAD]
        if not many
    ]
    known = frozenset(field.data_key or name for name, field in schema.load_fields.items())
    body += [
        *_refused_if(f"not isinstance(data, dict) or not {source.name(known)}.issuperset(data)"),
        "loaded = {}",
    ]
    for name, field in schema.load_fields.items():
        if field.pre_load or field.post_load:
            raise TypeError(f"compile_loader does not support field hooks ({name})")
        attribute = repr(field.attribute or name)
        body += [f"value = data.get({field.data_key or name!r}, MISSING)", "if value is MISSING:"]
        if field.required:
            body.append("    raise NotPlain")
        elif field.load_default is not missing:
            default = source.name(field.load_default)
            call = "()" if callable(field.load_default) else ""
            body.append(f"    loaded[{attribute}] = {default}{call}")
        else:
            body.append("    pass")
        body += [
            "elif value is None:",
            f"    loaded[{attribute}] = None" if field.allow_none else "    raise NotPlain",
            "else:",
            *_indented(_loading(source, field)),
            f"    loaded[{attribute}] = value",
        ]
    body += [
        f"{source.name(getattr(schema, hook))}(loaded)"
        for hook, many, _ in schema._hooks[VALIDATES_SCHEMA]
        if not many
    ]
    body.append("return loaded")
    return source.function("data", _raising_not_plain(body))


def _raising_not_plain(body: list[str]) -> list[str]:
    """``body``, with marshmallow's ValidationError (from a hook, a field or a validator)
    turned into NotPlain."""
    return [
        "try:",
        *_indented(body),
        "except ValidationError as error:",
        "    raise NotPlain from error",
    ]


def _indented(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]


def _refused_if(condition: str) -> list[str]:
    """Lines that raise NotPlain when ``condition`` holds."""
    return [f"if {condition}:", "    raise NotPlain"]


def _loading(source: _Source, field: fields.Field) -> list[str]:
    """Lines that turn ``value`` (not None) into what ``field`` loads."""
    if isinstance(field, fields.Nested):
        if field.validators:
            raise TypeError("compile_loader does not support validators on a Nested field")
        inner = _load_function(source, field.schema)
        if not field.many:
            return [f"value = {inner}(value)"]
        return [*_A_LIST, f"value = [{inner}(item) for item in value]"]
    if isinstance(field, fields.List):
        inner = field.inner
        item_body = [
            "if value is None:",
            "    return None" if inner.allow_none else "    raise NotPlain",
            *_loading(source, inner),
            "return value",
        ]
        item = source.function("value", _raising_not_plain(item_body))
        lines = [*_A_LIST, f"value = [{item}(item) for item in value]"]
        return lines + _validating(source, field)
    generic = f"value = {source.name(field._deserialize)}(value, None, None)"
    if type(field)._deserialize is fields.String._deserialize:
        # What String._deserialize returns for a str, without the call.
        lines = ["if value.__class__ is not str:", f"    {generic}"]
    elif (
        type(field)._deserialize is fields.Boolean._deserialize
        and True in field.truthy
        and False in field.falsy
    ):
        lines = ["if value is not True and value is not False:", f"    {generic}"]
    else:
        lines = [generic]
    return lines + _validating(source, field)


# Lines that refuse a value that is not a list, as marshmallow's List and Nested(many) do.
_A_LIST = _refused_if("not isinstance(value, list)")


def _validating(source: _Source, field: fields.Field) -> list[str]:
    """Lines that raise NotPlain unless every validator of ``field`` accepts ``value``
    (as Field._validate runs them); the common validators are written out inline."""
    lines = []
    for validator in field.validators:
        if type(validator) is validate.Length and validator.equal is None:
            if validator.min is not None:
                lines += _refused_if(f"len(value) < {validator.min!r}")
            if validator.max is not None:
                lines += _refused_if(f"len(value) > {validator.max!r}")
        # Any OneOf (schemas.fields.Choice only words its error differently): a refused
        # value falls back to marshmallow, which gives the message.
        elif isinstance(validator, validate.OneOf) and isinstance(validator.choices, tuple | list):
            lines += _refused_if(f"value not in {source.name(validator.choices)}")
        else:
            lines += _refused_if(f"{source.name(validator)}(value) is False")
    return lines
