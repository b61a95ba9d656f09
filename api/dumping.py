"""Marshmallow schemas compiled into plain functions, for the build.

The schemas stay the one definition of every shape and rule; this reads their fields,
validators and schema validators once and makes functions that do what ``schema.dump``
and (for valid input) ``schema.load`` do, without marshmallow's per-call machinery (error
stores, hook lookups), which cost the build about two milliseconds an article. Tests
check both agree. Only the field types the schemas use are supported; any other is
refused when the function is made, never silently handled differently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields, missing
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES_SCHEMA

from article_data_api.schemas.fields import PartialDate, Slug

Dumper = Callable[[Any], dict[str, Any]]
_MISSING = object()
_SCALARS: dict[type, Callable[[Any], Any]] = {
    fields.String: str,
    fields.Url: str,
    Slug: str,
    PartialDate: str,
    fields.Integer: int,
    fields.Boolean: bool,
    fields.Float: float,
}


def compile_dumper(schema: Schema) -> Dumper:
    """A function that dumps an object as ``schema.dump`` would."""
    steps = [
        (field.data_key or name, _getter(field.attribute or name), _converter(field))
        for name, field in schema.dump_fields.items()
    ]

    def dump(obj: Any) -> dict[str, Any]:
        dumped = {}
        for key, get, convert in steps:
            value = get(obj)
            if value is not _MISSING:
                dumped[key] = None if value is None else convert(value)
        return dumped

    return dump


def _getter(attribute: str) -> Callable[[Any], Any]:
    """Attribute access, dotted paths included; dumped objects are never mappings."""
    first, *rest = attribute.split(".")
    if not rest:
        return lambda obj: getattr(obj, first, _MISSING)

    def get(obj: Any) -> Any:
        obj = getattr(obj, first, _MISSING)
        for part in rest:
            if obj is _MISSING:
                return obj
            obj = getattr(obj, part, _MISSING)
        return obj

    return get


def _converter(field: fields.Field) -> Callable[[Any], Any]:
    if isinstance(field, fields.Nested):
        inner = compile_dumper(field.schema)
        if field.many:
            return lambda values: [inner(value) for value in values]
        return inner
    if isinstance(field, fields.List):
        item = _converter(field.inner)
        return lambda values: [None if value is None else item(value) for value in values]
    for kind in type(field).__mro__:
        if kind in _SCALARS:
            return _SCALARS[kind]
    raise TypeError(f"compile_dumper does not support {type(field).__name__}")


class NotPlain(Exception):
    """Input the compiled loader does not vouch for: let marshmallow load it (and say why
    it is invalid, if it is)."""


Loader = Callable[[Any], dict[str, Any]]


def compile_loader(schema: Schema) -> Loader:
    """A function that returns what ``schema.load`` returns for input that marshmallow
    accepts, using the schema's own fields, validators and schema validators, and that
    raises NotPlain for anything else. It never reports an error itself: the caller then
    runs ``schema.load``, whose messages are the only ones users see."""
    steps = []
    for name, field in schema.load_fields.items():
        if field.pre_load or field.post_load:
            raise TypeError(f"compile_loader does not support field hooks ({name})")
        steps.append((field.data_key or name, field.attribute or name, field, _loader(field)))
    known = frozenset(key for key, *_ in steps)
    # marshmallow's registry of a schema's hooks: the loader runs the same ones.
    validators = [
        getattr(schema, hook) for hook, many, _ in schema._hooks[VALIDATES_SCHEMA] if not many
    ]
    before = [getattr(schema, hook) for hook, many, _ in schema._hooks[PRE_LOAD] if not many]
    if schema._hooks[POST_LOAD]:
        raise TypeError(f"compile_loader does not support post_load hooks ({schema})")

    def load(data: Any) -> dict[str, Any]:
        try:
            for hook in before:
                data = hook(data, many=False, partial=False)
        except ValidationError as error:
            raise NotPlain from error
        if not isinstance(data, dict) or not known.issuperset(data):
            raise NotPlain
        loaded: dict[str, Any] = {}
        for key, attribute, field, load_value in steps:
            if key in data:
                value = data[key]
                if value is None:
                    if not field.allow_none:
                        raise NotPlain
                    loaded[attribute] = None
                else:
                    loaded[attribute] = load_value(value)
            elif field.required:
                raise NotPlain
            elif field.load_default is not missing:
                default = field.load_default
                loaded[attribute] = default() if callable(default) else default
        try:
            for validate in validators:
                validate(loaded)
        except ValidationError as error:
            raise NotPlain from error
        return loaded

    return load


def _loader(field: fields.Field) -> Callable[[Any], Any]:
    if isinstance(field, fields.Nested):
        inner = compile_loader(field.schema)
        if field.many:
            return lambda values: [inner(value) for value in _a_list(values)]
        return inner
    if isinstance(field, fields.List):
        item = _loader(field.inner)
        allow_none = field.inner.allow_none

        def load_list(values: Any) -> list:
            loaded = []
            for value in _a_list(values):
                if value is None and not allow_none:
                    raise NotPlain
                loaded.append(None if value is None else item(value))
            return _validated(field, loaded)

        return load_list

    def load_scalar(value: Any) -> Any:
        try:
            return _validated(field, field._deserialize(value, None, None))
        except ValidationError as error:
            raise NotPlain from error

    return load_scalar


def _a_list(values: Any) -> list:
    if not isinstance(values, list):
        raise NotPlain
    return values


def _validated(field: fields.Field, value: Any) -> Any:
    """``value``, if every validator of ``field`` accepts it (as Field._validate runs them)."""
    for validator in field.validators:
        try:
            if validator(value) is False:
                raise NotPlain
        except ValidationError as error:
            raise NotPlain from error
    return value
