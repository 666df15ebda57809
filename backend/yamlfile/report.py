"""Parse a YAML file into a ``MarkedMap`` and report what is wrong as ``file:line:column``.

Shared by the gate policies and the providers file, which list every problem before raising
their own error (``PolicyError``, ``ProvidersFileError``) built from those lines::

    data = parse_mapping(text, "providers.yaml", "expected a mapping", ProvidersFileError)
    problems = check(data, SCHEMA)
    if problems:
        raise ProvidersFileError(rendered(problems, "providers.yaml"))
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import NoReturn

import yaml

from backend.yamlfile import marked
from backend.yamlfile.marked import MarkedMap
from backend.yamlfile.schema import Problem

ProblemsError = Callable[[list[str]], Exception]


def parse_mapping(text: str, name: str, expected: str, error: ProblemsError) -> MarkedMap:
    """``text`` as a ``MarkedMap``; raises ``error([...])`` on a syntax error or a non-mapping.

    ``expected`` says what the top of the file should be, after ``name:1:1``.
    """
    try:
        data = marked.load(text)
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        at = f"{where.line + 1}:{where.column + 1}" if where else "1:1"
        _raise(error, f"{name}:{at} not valid YAML: {exc.problem}")
    except yaml.YAMLError as exc:
        _raise(error, f"{name}:1:1 not valid YAML: {exc}")
    if not isinstance(data, MarkedMap):
        _raise(error, f"{name}:1:1 {expected}")
    return data


def _raise(error: ProblemsError, problem: str) -> NoReturn:
    raise error([problem]) from None


def rendered(problems: Iterable[Problem], name: str) -> list[str]:
    """Each problem as ``name:line:column message``, in the order they were written."""
    return [p.render(name) for p in sorted(problems, key=Problem.position)]


def summary(problems: list[str]) -> str:
    """The first problem, and how many more there are: an exception's one-line message."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


def close_matches(word: str, valid: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The valid spellings closest to ``word``, best first."""
    return difflib.get_close_matches(word, list(valid), n=n, cutoff=cutoff)


def did_you_mean(message: str, close: list[str]) -> str:
    """``message`` followed by the close spellings, when there are any."""
    return f"{message}. Did you mean: {', '.join(close)}?" if close else message
