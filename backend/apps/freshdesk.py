"""Freshdesk (Freshworks platform 3.0) app rules, from docs/helpdesk-platforms.md §4.

The FDK (``fdk validate``) cannot be installed from a registry, so these are our own
checks of what the platform documents: platform 3.0 ``modules``, request templates with
FQDN hosts over https, and installation secrets that are secure iparams.
"""

from __future__ import annotations

import re
from typing import Any

from backend.apps.rules import Files, Problem, dig, html_problems, load_json

MANIFEST = "manifest.json"
REQUESTS = "config/requests.json"
IPARAMS = "config/iparams.json"
APP_CLIENT = "{{{appclient}}}"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FQDN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)
IPARAM_REF = re.compile(r"<%=\s*iparam\.([A-Za-z0-9_]+)\s*%>")
SECRET_NAME = re.compile(r"token|key|pwd|password|secret", re.IGNORECASE)


def check(files: Files) -> list[Problem]:
    problems: list[Problem] = []
    manifest = load_json(files, MANIFEST, problems)
    requests = load_json(files, REQUESTS, problems)
    iparams = load_json(files, IPARAMS, problems)
    if isinstance(manifest, dict):
        problems += _manifest(manifest, files)
        problems += _declared_requests(manifest, requests)
    if isinstance(requests, dict):
        problems += _templates(requests, iparams if isinstance(iparams, dict) else {})
    if isinstance(iparams, dict):
        problems += _iparams(iparams, files)
    problems += html_problems(files, allowed=frozenset({APP_CLIENT}))
    problems += _app_client(files)
    return problems


def _manifest(manifest: dict[str, Any], files: Files) -> list[Problem]:
    problems = []
    version = manifest.get("platform-version")
    if version is None:
        problems.append(Problem(MANIFEST, "missing required field 'platform-version'"))
    elif version != "3.0":
        problems.append(
            Problem(
                MANIFEST,
                f"platform-version is '{version}'; build for platform 3.0 (2.x is deprecated)",
            )
        )
    for legacy in ("product", "whitelisted-domains"):
        if legacy in manifest:
            problems.append(
                Problem(
                    MANIFEST,
                    f"'{legacy}' is platform 2.x; platform 3.0 uses 'modules' and templates",
                )
            )
    for field in ("engines.node", "engines.fdk"):
        if not dig(manifest, field):
            problems.append(Problem(MANIFEST, f"missing required field '{field}'"))
    modules = manifest.get("modules")
    if not isinstance(modules, dict) or not modules:
        return [*problems, Problem(MANIFEST, "missing required field 'modules'")]
    places = [
        (m, p, o) for m, body in modules.items() for p, o in (dig(body, "location") or {}).items()
    ]
    if not places:
        problems.append(
            Problem(MANIFEST, "no module has a 'location': the sidebar would never show")
        )
    for module, place, options in places:
        for key in ("url", "icon"):
            value = options.get(key) if isinstance(options, dict) else None
            if not value:
                problems.append(
                    Problem(MANIFEST, f"modules.{module}.location.{place} has no '{key}'")
                )
            elif f"app/{value}" not in files:
                problems.append(
                    Problem(
                        MANIFEST,
                        f"modules.{module}.location.{place}.{key}: app/{value} is missing",
                    )
                )
    return problems


def _declared_requests(manifest: dict[str, Any], requests: Any) -> list[Problem]:
    declared = set(dig(manifest, "modules.common.requests") or {})
    defined = set(requests) if isinstance(requests, dict) else declared
    problems = [
        Problem(MANIFEST, f"modules.common.requests.{name} has no template in {REQUESTS}")
        for name in sorted(declared - defined)
    ]
    problems += [
        Problem(
            REQUESTS, f"template '{name}' is not declared in {MANIFEST} modules.common.requests"
        )
        for name in sorted(defined - declared)
    ]
    return problems


def _templates(requests: dict[str, Any], iparams: dict[str, Any]) -> list[Problem]:
    problems = []
    for name, template in requests.items():
        schema = template.get("schema") if isinstance(template, dict) else None
        if not isinstance(schema, dict):
            problems.append(Problem(REQUESTS, f"template '{name}' has no 'schema'"))
            continue
        problems += [Problem(REQUESTS, f"template '{name}': {m}") for m in _schema(schema)]
        for ref in sorted(set(IPARAM_REF.findall(str(schema)))):
            if ref not in iparams:
                problems.append(
                    Problem(
                        REQUESTS,
                        f"template '{name}' uses iparam '{ref}', which {IPARAMS} does not declare",
                    )
                )
    return problems


def _schema(schema: dict[str, Any]) -> list[str]:
    errors = []
    if str(schema.get("method", "")).upper() not in METHODS:
        errors.append(f"method '{schema.get('method')}' is not one of: {', '.join(METHODS)}")
    if schema.get("protocol", "https") != "https":
        errors.append(f"protocol '{schema.get('protocol')}' is not https")
    host = str(schema.get("host", ""))
    if not host:
        errors.append("missing 'host'")
    elif not IPARAM_REF.fullmatch(host) and not FQDN.match(host):
        errors.append(f"host '{host}' must be a host name only (no scheme, port or path)")
    if not str(schema.get("path", "/")).startswith("/"):
        errors.append(f"path '{schema.get('path')}' must start with /")
    return errors


def _iparams(iparams: dict[str, Any], files: Files) -> list[Problem]:
    problems = []
    front_end = b"\n".join(
        c for n, c in files.items() if n.startswith("app/") and n.endswith((".js", ".html"))
    )
    for name, param in iparams.items():
        errors = _iparam(name, param)
        if isinstance(param, dict) and param.get("secure") is True and name.encode() in front_end:
            errors.append(
                "is secure but the front-end code names it; only request templates may use it"
            )
        problems += [Problem(IPARAMS, f"iparam '{name}': {m}") for m in errors]
    return problems


def _iparam(name: str, param: Any) -> list[str]:
    if not isinstance(param, dict):
        return ["must be an object with display_name and type"]
    errors = [f"missing '{key}'" for key in ("display_name", "type") if not param.get(key)]
    secure = param.get("secure", False)
    if not isinstance(secure, bool):
        errors.append("'secure' must be true or false (a JSON boolean)")
    elif not secure and SECRET_NAME.search(name):
        errors.append('holds a secret but is not marked "secure": true')
    if secure is True and "default_value" in param:
        errors.append("a secure iparam must not have a default_value")
    return errors


def _app_client(files: Files) -> list[Problem]:
    pages = sorted(n for n in files if n.startswith("app/") and n.endswith(".html"))
    return [
        Problem(page, f'does not load the Freshworks client (<script src="{APP_CLIENT}">)')
        for page in pages
        if APP_CLIENT.encode() not in files[page]
    ]
