"""Build a helpdesk app's installable zip with the backend URL filled in, then validate it.

Sources live in app_manifest/<platform>/; files the app shares with the backend are copied
in from backend/static: the sidebar UI core for Freshdesk, and for Zendesk the ZAF SDK that
`make install` bundles from npm into backend/static/vendor (the backend's sidebar page
loads the same file, so no page ever fetches the SDK from a CDN).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from backend.apps.rules import TEXT_SUFFIXES, Problem
from backend.apps.validate import PLATFORMS, validate
from backend.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "app_manifest"
STATIC = Path(__file__).resolve().parents[1] / "static"
SKIPPED = ("README.md", ".zcliignore", "zcli.apps.config.json")
SKIPPED_DIRS = ("tmp", "node_modules")
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed, so the same input gives the same zip
BUILD_HINT = "build it with `make install` (npm ci && npm run build in app_manifest)"

BUNDLED: dict[str, dict[str, Path]] = {
    "zendesk": {"assets/zaf_sdk.min.js": STATIC / "vendor" / "zaf_sdk.min.js"},
    "freshdesk": {
        "app/scripts/sidebar.js": STATIC / "sidebar.js",
        "app/styles/sidebar.css": STATIC / "sidebar.css",
    },
}


@dataclass(frozen=True)
class Backend:
    url: str  # https://host[:port][/prefix], no trailing slash
    host: str  # host name only
    path: str  # "" or "/prefix"


@dataclass
class Package:
    platform: str
    source: Path
    files: dict[str, bytes] = field(default_factory=dict)
    origins: dict[str, Path] = field(default_factory=dict)

    def where(self, problem: Problem) -> str:
        """Where to fix a problem: the source file, e.g. app_manifest/zendesk/manifest.json."""
        origin = display(self.origins.get(problem.file, self.source / problem.file))
        return f"{origin}:{problem.line}" if problem.line else origin


def parse_backend_url(raw: str, platform: str) -> Backend:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"--backend-url '{raw}' is not an absolute URL such as https://precedent.example.com"
        )
    if parts.query or parts.fragment or parts.username:
        raise InputError(f"--backend-url '{raw}' must not carry a query, fragment or credentials")
    if platform == "zendesk" and parts.scheme != "https" and parts.hostname != "localhost":
        raise InputError(
            f"--backend-url '{raw}': Zendesk loads the sidebar over https only (http just for "
            "localhost), so give https://host[:port][/path]"
        )
    if platform == "freshdesk" and (parts.scheme != "https" or parts.port):
        raise InputError(
            f"--backend-url '{raw}': Freshdesk request templates reach the backend over https "
            "on the default port only, so give https://host[/path] without a port"
        )
    path = parts.path.rstrip("/")
    return Backend(url=f"{parts.scheme}://{parts.netloc}{path}", host=parts.hostname, path=path)


def build(platform: str, backend_url: str, source: Path | None = None) -> Package:
    if platform not in PLATFORMS:
        raise InputError(f"unknown platform '{platform}'; choose one of: {', '.join(PLATFORMS)}")
    backend = parse_backend_url(backend_url, platform)
    package = Package(platform, source or SOURCES / platform)
    if not (package.source / "manifest.json").is_file():
        raise InputError(f"{display(package.source)}: no manifest.json; is this an app folder?")
    for path in _source_files(package.source):
        name = path.relative_to(package.source).as_posix()
        package.files[name] = (
            _fill(path.read_bytes(), backend) if name.endswith(TEXT_SUFFIXES) else path.read_bytes()
        )
        package.origins[name] = path
    for name, path in BUNDLED[platform].items():
        if not path.is_file():
            raise InputError(f"{display(path)}: not found; {BUILD_HINT}")
        package.files[name] = path.read_bytes()
        package.origins[name] = path
    return package


def check(package: Package) -> list[str]:
    """Problems as one line each, located in the source files."""
    return [f"{package.where(p)}: {p.message}" for p in validate(package.platform, package.files)]


def write(package: Package, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"precedent-{package.platform}.zip"
    handle, temp = tempfile.mkstemp(dir=out_dir, suffix=".zip.part")
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(package.files):
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, package.files[name])
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target


def _source_files(source: Path) -> list[Path]:
    found = []
    for path in sorted(source.rglob("*")):
        parts = path.relative_to(source).parts
        if path.is_dir() or path.name in SKIPPED or any(p.startswith(".") for p in parts):
            continue
        if any(p in SKIPPED_DIRS for p in parts[:-1]):
            continue
        found.append(path)
    return found


def _fill(content: bytes, backend: Backend) -> bytes:
    text = content.decode("utf-8")
    for key, value in (("URL", backend.url), ("HOST", backend.host), ("PATH", backend.path)):
        text = text.replace("{{PRECEDENT_BACKEND_" + key + "}}", value)
    return text.encode("utf-8")


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
