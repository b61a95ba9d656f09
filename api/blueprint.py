"""The Blueprint every resource uses: strict query parsing and shared lookups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, TypeVar

import flask_smorest
from flask_smorest import abort
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser
from werkzeug.routing import BaseConverter, ValidationError

from schemas.fields import SLUG_MAX_LENGTH

V = TypeVar("V")


class StrictQueryParser(FlaskParser):
    """Unknown query parameters are errors, and bad input is a 400, not a 422."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict[str, str | None]] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
    }


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictQueryParser()


class SlugConverter(BaseConverter):
    """Path ids: anything that is not a slug never reaches a view and is a 404."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value: str) -> str:
        if len(value) > SLUG_MAX_LENGTH:
            raise ValidationError()
        return value


def get_or_404(items: Mapping[str, V], item_id: str, what: str) -> V:
    """``items[item_id]``, or abort with a 404 problem that names what is missing."""
    if item_id not in items:
        abort(404, message=f"No {what} with id {item_id!r}.")
    return items[item_id]
