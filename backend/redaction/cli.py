"""``precedent redact``: what the redaction policy does to a text, for compliance officers.

Reads plain text (the whole input is one text) or JSONL lines ``{"id": ..., "text": ...}``
and prints one JSON line per text: ``{"id", "redacted", "entities": [...]}``. ``--explain``
adds every candidate span with why it was taken or kept (recognizer, context word,
protection rule, allow-list). Offsets are characters of the input text; values are never
printed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from backend.clitools import app
from backend.errors import InputError
from backend.redaction import Vault
from backend.redaction.presidio import Finding, PresidioRedactor


@click.command("redact")
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option("--explain", is_flag=True, help="Add why each candidate span was taken or kept.")
@click.option(
    "--config",
    "config_path",
    default=None,
    help="The redaction policy to apply (default: the PRECEDENT_REDACTION_POLICY setting).",
)
@click.option("--tenant", default="", help="Apply this tenant's allow-list too.")
def redact(file: str, explain: bool, config_path: str | None, tenant: str) -> None:
    """Redact FILE (or standard input) and print JSON lines."""
    if config_path is None:
        config_path = app().config["REDACTION_POLICY"]
    redactor = PresidioRedactor(config_path)
    for record_id, text in read_records(file):
        redacted, findings = redactor.analyze(text, Vault(), tenant=tenant)
        out: dict[str, Any] = {
            "id": record_id,
            "redacted": redacted.text,
            "entities": [_entity(f) for f in findings if f.kept],
        }
        if explain:
            out["explain"] = [_why(f) for f in findings]
        click.echo(json.dumps(out, ensure_ascii=False))


def read_records(file: str) -> Iterator[tuple[Any, str]]:
    """(id, text) pairs: one per JSONL line, or the whole plain text with its file name."""
    content = _read(file)
    if not content.lstrip().startswith("{"):
        yield file, content
        return
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip():
            yield _record(file, number, line)


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{file}: cannot read the file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _record(file: str, number: int, line: str) -> tuple[Any, str]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{file}:{number}: not valid JSON ({exc.msg})") from exc
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise InputError(f'{file}:{number}: expected an object with a "text" string')
    return item.get("id"), item["text"]


def _entity(f: Finding) -> dict[str, Any]:
    return {
        "type": f.entity_type,
        "start": f.start,
        "end": f.end,
        "score": f.score,
        "recognizer": f.recognizer,
    }


def _why(f: Finding) -> dict[str, Any]:
    why = {**_entity(f), "kept": f.kept, "reason": f.reason}
    if f.rule:
        why["rule"] = f.rule
    if f.context_word:
        why["context_word"] = f.context_word
    return why
