"""Every /api/v1 response a test produces, checked against the served OpenAPI document.

``tests/conftest.py`` connects ``ResponseCheck.check`` to Flask's ``request_finished``
signal, so every app the suite creates is covered (test clients, schemathesis's WSGI calls,
the browser tests' live servers), and fails the test naming the operation, the status and
the field at fault. The document is read from the app's own ``openapi.json`` view.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

PREFIX = "/api/v1"
BASE = "urn:precedent:openapi"


def template(rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``/drafts/<draft_id>`` -> ``/drafts/{draft_id}``."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix(PREFIX))


def pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class ResponseCheck:
    """The mismatches seen since ``clear``, one line each."""

    problems: list[str] = field(default_factory=list)
    checked: int = 0
    _document: dict[str, Any] | None = None
    _registry: Registry | None = None
    _validators: dict[str, Draft202012Validator] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        self.problems.clear()

    def check(self, sender: Flask, response: Response, **_: Any) -> None:
        if request.url_rule is None or not request.url_rule.rule.startswith(PREFIX):
            return
        path, method = template(request.url_rule.rule), request.method.lower()
        where = f"{request.method} {path} -> {response.status_code}"
        with self._lock:
            problem = self._problem(sender, response, path, method)
            self.checked += 1
        if problem:
            self.problems.append(f"{where}: {problem}")

    def _problem(self, app: Flask, response: Response, path: str, method: str) -> str:
        document = self._load(app)
        operation = document["paths"].get(path, {}).get(method)
        if operation is None:
            return "the operation is not in the OpenAPI document"
        status = str(response.status_code)
        if status not in operation["responses"]:
            documented = ", ".join(operation["responses"])
            return f"status {status} is not documented (documented: {documented})"
        content = operation["responses"][status].get("content", {})
        if response.mimetype not in content:
            return f"content type {response.mimetype} is not documented ({', '.join(content)})"
        if response.mimetype != "application/json":
            return ""
        where = pointer("paths", path, method, "responses", status, "content", response.mimetype)
        error = best_match(self._validator(where).iter_errors(response.get_json()))
        return "" if error is None else f"{error.json_path}: {error.message}"

    def _load(self, app: Flask) -> dict[str, Any]:
        if self._document is None:
            served: Response = app.view_functions["openapi.openapi"]()
            self._document = served.get_json()
            resource = DRAFT202012.create_resource(self._document)
            self._registry = Registry().with_resource(BASE, resource)
        return self._document

    def _validator(self, where: str) -> Draft202012Validator:
        if where not in self._validators:
            schema = {"$ref": f"{BASE}#{where}/schema"}
            self._validators[where] = Draft202012Validator(schema, registry=self._registry)
        return self._validators[where]
