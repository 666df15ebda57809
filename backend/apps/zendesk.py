"""Zendesk (ZAF v2) app rules, after zendesk_apps_support's validations (the checks Zendesk's
own ``/api/v2/apps/validate`` runs), as summarised in docs/helpdesk-platforms.md §1.

Two of Zendesk's warnings are errors here because the sidebar app must never leak a
secret: a secure parameter without ``scopes``, and a token-like text parameter that is
not secure.
"""

from __future__ import annotations

import re
import struct
from typing import Any
from urllib.parse import urlsplit

from backend.apps.rules import Files, Problem, dig, html_problems, load_json

MANIFEST = "manifest.json"
SDK = "assets/zaf_sdk.min.js"
FRAMEWORK_VERSIONS = ("2.0",)
LOCALE = re.compile(r"^[a-z]{2,3}(-\w{2,3})?$")
BOOLEANS = ("requirementsOnly", "marketingOnly", "singleInstall", "signedUrls", "private")
PARAMETER_TYPES = ("text", "checkbox", "url", "number", "multiline", "hidden", "oauth")
SCOPES = (
    "header",
    "body",
    "url",
    "jwt_secret_key",
    "jwt_claim",
    "basic_auth_username",
    "basic_auth_password",
)
SECRET_NAME = re.compile(r"token|key|pwd|password|secret", re.IGNORECASE)
PUBLIC_KEYS = ("long_description", "installation_instructions")
LOGOS = {"assets/logo.png": (320, 320), "assets/logo-small.png": None}
BANNER_SIZES = ((830, 200), (1660, 400))


def check(files: Files) -> list[Problem]:
    problems: list[Problem] = []
    manifest = load_json(files, MANIFEST, problems)
    if not isinstance(manifest, dict):
        if manifest is not None:
            problems.append(Problem(MANIFEST, "must be a JSON object"))
        return problems
    problems += _fields(manifest)
    problems += _parameters(manifest.get("parameters"))
    problems += _locations(manifest, files)
    problems += _translations(manifest, files)
    if not manifest.get("requirementsOnly"):
        problems += _assets(files)
    problems += html_problems(files)
    return problems


def _missing(field: str) -> Problem:
    return Problem(MANIFEST, f"missing required field '{field}'")


def _fields(manifest: dict[str, Any]) -> list[Problem]:
    problems = [
        _missing(f"author.{k}")
        for k in ("name", "email", "url")
        if not dig(manifest, f"author.{k}")
    ]
    url = dig(manifest, "author.url")
    if url and urlsplit(str(url)).scheme not in ("http", "https"):
        problems.append(Problem(MANIFEST, f"author.url '{url}' is not an http(s) URL"))
    for field in ("name", "defaultLocale", "frameworkVersion"):
        if not manifest.get(field):
            problems.append(_missing(field))
    locale = manifest.get("defaultLocale")
    if locale and not LOCALE.match(str(locale)):
        problems.append(
            Problem(MANIFEST, f"defaultLocale '{locale}' is not a locale such as 'en' or 'pt-br'")
        )
    version = manifest.get("frameworkVersion")
    if version and version not in FRAMEWORK_VERSIONS:
        problems.append(
            Problem(
                MANIFEST,
                f"frameworkVersion '{version}' is not served; use {', '.join(FRAMEWORK_VERSIONS)}",
            )
        )
    for key in BOOLEANS:
        if key in manifest and not isinstance(manifest[key], bool):
            problems.append(Problem(MANIFEST, f"'{key}' must be true or false (a JSON boolean)"))
    whitelist = manifest.get("domainWhitelist", [])
    if not isinstance(whitelist, list) or not all(isinstance(d, str) for d in whitelist):
        problems.append(Problem(MANIFEST, "'domainWhitelist' must be a list of host names"))
    return problems


def _parameters(parameters: Any) -> list[Problem]:
    if parameters is None:
        return []
    if not isinstance(parameters, list):
        return [Problem(MANIFEST, "'parameters' must be a list")]
    problems: list[Problem] = []
    names: set[str] = set()
    for param in parameters:
        name = str(param.get("name", "")) if isinstance(param, dict) else ""
        if not name:
            problems.append(Problem(MANIFEST, "every parameter needs a 'name'"))
            continue
        if name in names:
            problems.append(Problem(MANIFEST, f"parameter '{name}' is declared twice"))
        names.add(name)
        problems += [Problem(MANIFEST, f"parameter '{name}': {m}") for m in _parameter(name, param)]
    return problems


def _parameter(name: str, param: dict[str, Any]) -> list[str]:
    kind = param.get("type", "text")
    secure = param.get("secure") is True
    errors = []
    if name == "name":
        errors.append("'name' is reserved; pick another parameter name")
    if kind not in PARAMETER_TYPES:
        errors.append(f"type '{kind}' is not one of: {', '.join(PARAMETER_TYPES)}")
    if kind == "hidden" and param.get("required"):
        errors.append("a hidden parameter cannot be required")
    if "scopes" in param and not secure:
        errors.append("'scopes' is only allowed with \"secure\": true")
    scopes = param.get("scopes")
    if secure and (not isinstance(scopes, list) or not scopes):
        errors.append(f"secure parameter needs 'scopes' (a non-empty list of: {', '.join(SCOPES)})")
    elif isinstance(scopes, list) and (bad := [s for s in scopes if s not in SCOPES]):
        errors.append(
            f"unknown scope {', '.join(map(repr, bad))}; valid scopes are: {', '.join(SCOPES)}"
        )
    if kind == "text" and not secure and SECRET_NAME.search(name):
        errors.append('holds a secret but is not marked "secure": true')
    if (secure or kind == "hidden") and "default" in param:
        errors.append("a secure or hidden parameter must not have a default")
    return errors


def _locations(manifest: dict[str, Any], files: Files) -> list[Problem]:
    location = manifest.get("location")
    if manifest.get("requirementsOnly") or manifest.get("marketingOnly"):
        return []
    if not isinstance(location, dict) or not location:
        return [_missing("location")]
    problems = []
    for product, places in location.items():
        for place, options in (places or {}).items() if isinstance(places, dict) else []:
            url = options.get("url") if isinstance(options, dict) else options
            label = f"location {product}.{place}"
            if not isinstance(url, str) or not url:
                problems.append(Problem(MANIFEST, f"{label} has no URL"))
            elif error := _location_url(url, files):
                problems.append(Problem(MANIFEST, f"{label}: {error}"))
    return problems


def _location_url(url: str, files: Files) -> str | None:
    if "{{setting." in url or "{{PRECEDENT_" in url:
        return None  # settings are Zendesk's to fill; our own placeholders are reported once
    parts = urlsplit(url)
    if not parts.scheme:
        if not url.startswith("assets/"):
            return f"'{url}' must start with assets/ or be an https:// URL"
        return None if url.split("?")[0] in files else f"'{url}' refers to a missing asset"
    if parts.scheme == "https" or parts.hostname == "localhost":
        return None
    return f"'{url}' does not use HTTPS (Zendesk only loads https:// locations)"


def _translations(manifest: dict[str, Any], files: Files) -> list[Problem]:
    locale = manifest.get("defaultLocale")
    if not isinstance(locale, str) or not locale:
        return []
    name = f"translations/{locale}.json"
    problems: list[Problem] = []
    data = load_json(files, name, problems)
    if data is None:
        return problems
    required = ["name"] if manifest.get("private") else ["name", "short_description", *PUBLIC_KEYS]
    for key in required:
        alias = dig(data, "app.description") if key == "short_description" else None
        if not dig(data, f"app.{key}") and not alias:
            problems.append(Problem(name, f"missing translation 'app.{key}'"))
    labels = dig(data, "app.parameters") or {}
    for param, text in labels.items() if isinstance(labels, dict) else []:
        if not isinstance(text, dict) or "label" not in text:
            problems.append(Problem(name, f"app.parameters.{param} needs a 'label'"))
    return problems


def _assets(files: Files) -> list[Problem]:
    problems = []
    for name, size in LOGOS.items():
        actual = png_size(files[name]) if name in files else None
        if name not in files:
            problems.append(Problem(name, "file is missing (every app needs its logos)"))
        elif actual is None:
            problems.append(Problem(name, "is not a PNG image"))
        elif size and actual != size:
            problems.append(
                Problem(name, f"is {actual[0]}x{actual[1]}; it must be {size[0]}x{size[1]}")
            )
    banner = "assets/banner.png"
    if banner in files and png_size(files[banner]) not in BANNER_SIZES:
        problems.append(Problem(banner, "must be an 830x200 or 1660x400 PNG"))
    if SDK not in files:
        problems.append(Problem(SDK, "is missing: the ZAF SDK must be bundled with the app"))
    return problems


def png_size(content: bytes) -> tuple[int, int] | None:
    if len(content) < 24 or content[:8] != b"\x89PNG\r\n\x1a\n" or content[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", content[16:24])
    return int(width), int(height)
