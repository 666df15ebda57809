"""Check an app package against its platform's rules, offline.

    problems = validate("zendesk", files)      # files: zip member name -> bytes
    problems = validate_zip(Path("dist/precedent-zendesk.zip"))

Each problem names the file (and line when known) and says what is wrong; an empty list
means the package passes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from backend.apps import freshdesk, zendesk
from backend.apps.rules import Files, Problem, unfilled_placeholders
from backend.errors import InputError

CHECKS: dict[str, Callable[[Files], list[Problem]]] = {
    "zendesk": zendesk.check,
    "freshdesk": freshdesk.check,
}
PLATFORMS = tuple(CHECKS)


def validate(platform: str, files: Files) -> list[Problem]:
    if platform not in CHECKS:
        raise InputError(f"unknown platform '{platform}'; choose one of: {', '.join(PLATFORMS)}")
    return unfilled_placeholders(files) + CHECKS[platform](files)


def read_zip(path: Path) -> dict[str, bytes]:
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            return {
                info.filename: archive.read(info)
                for info in archive.infolist()
                if not info.is_dir()
            }
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a zip file") from None


def detect_platform(files: Files) -> str:
    """Freshworks apps declare a platform-version; ZAF apps a frameworkVersion."""
    if b'"platform-version"' in files.get("manifest.json", b""):
        return "freshdesk"
    return "zendesk"


def validate_zip(path: Path, platform: str | None = None) -> tuple[str, list[Problem]]:
    files = read_zip(path)
    chosen = platform or detect_platform(files)
    return chosen, validate(chosen, files)
