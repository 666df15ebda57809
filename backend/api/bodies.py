"""Reading request bodies: JSON within limits, then a typed shape (``backend/api/shapes.py``).

Every body is parsed here before a view touches it, so a body nested a thousand levels deep,
a list where a string belongs or a number the database cannot hold is answered 400 naming
the field, never 500. The messages follow the rest of the API ("ticket_id is longer than 200
characters", "unknown sent_type 'email'. Valid values are: …").
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from flask import request
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from backend.api.shapes import Body, describe
from backend.errors import InputError, NotFound

MAX_DEPTH = 32  # our own shapes nest 3 deep, Zendesk's event bodies 4
MAX_ID = 2**31 - 1  # ids are INTEGER columns; a larger one names nothing
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # PostgreSQL text holds neither
Shape = TypeVar("Shape", bound=Body)


def parse_body(shape: type[Shape]) -> Shape:
    """The request's JSON body as ``shape``; ``InputError`` naming the field otherwise."""
    value = read_json(request.get_data(cache=True), shape.EXAMPLE)
    if not isinstance(value, dict):
        raise InputError(f"send a JSON object such as {shape.EXAMPLE}")
    try:
        return shape.model_validate(value)
    except ValidationError as exc:
        raise field_error(shape, exc.errors()[0]) from None


def read_json(raw: bytes, example: str) -> Any:
    """JSON at most ``MAX_DEPTH`` deep, with no text PostgreSQL cannot store."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise too_deep() from None
    except ValueError:  # also bad UTF-8 and numbers of more than 4,300 digits
        raise InputError(f"the body is not JSON: send a JSON object such as {example}") from None
    check_json(value)
    return value


def check_json(value: Any) -> None:
    """Walk the parsed body without recursion: depth, and characters that cannot be stored."""
    pending: list[tuple[Any, str, int]] = [(value, "", 1)]
    while pending:
        item, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise too_deep()
        if isinstance(item, str) and UNSTORABLE.search(item):
            raise unstorable(path)
        if isinstance(item, dict):
            for key, child in item.items():
                if UNSTORABLE.search(key):
                    raise unstorable(path)
                pending.append((child, _join(path, key), depth + 1))
        elif isinstance(item, list):
            pending.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))


def known_id(value: int, what: str) -> int:
    """A path id the database could hold; a larger one is simply not found."""
    if value > MAX_ID:
        raise NotFound(f"{what} {value} was not found")
    return value


def too_deep() -> InputError:
    return InputError(f"the JSON body is nested more than {MAX_DEPTH} levels deep")


def unstorable(path: str) -> InputError:
    where = path or "the body"
    error = InputError(
        f"{where} contains a NUL character or an unpaired surrogate (\\u0000, \\ud800-\\udfff), "
        "which cannot be stored; remove it"
    )
    error.fields["field"] = path
    return error


def field_error(shape: type[Body], error: ErrorDetails) -> InputError:
    field = _location(error["loc"])
    exc = InputError(_message(shape, field, error))
    exc.fields["field"] = field
    return exc


def _message(shape: type[Body], field: str, error: ErrorDetails) -> str:
    kind, required = describe(shape, field.split(".")[0].split("[")[0])
    given = error.get("input")
    if error["type"] == "literal_error" and isinstance(given, str):
        return f"unknown {field} '{given}'. Valid values are: {kind.removeprefix('one of: ')}"
    if error["type"] == "string_too_long":
        return f"{field} is longer than {error.get('ctx', {}).get('max_length')} characters"
    if error["type"] == "too_long":
        return f"{field} has more than {error.get('ctx', {}).get('max_length')} items"
    if error["type"] == "value_error":
        return f"{field}: {error.get('ctx', {}).get('error', error['msg'])}"
    if "[" in field:
        return f"{field}: {error['msg']}"
    return f"{field} is required and must be {kind}" if required else f"{field} must be {kind}"


def _location(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, part)
    return path


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
