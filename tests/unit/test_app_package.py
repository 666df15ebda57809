"""``precedent app package|validate``: installable zips that pass the platform rules, and a
one-line error naming the file to fix when an app is broken."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from backend.apps import package as packaging
from backend.cli import cli

ROOT = Path(__file__).resolve().parents[2]
URL = "https://precedent.acme.test"
CDN = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # messages name sources relative to the working directory


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_when_packaging_zendesk_then_the_zip_has_the_url_the_sdk_and_passes(tmp_path: Path) -> None:
    result = run("app", "package", "zendesk", "--backend-url", URL + "/", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    zip_path = tmp_path / "precedent-zendesk.zip"
    assert f"built {zip_path} (5 files)" in result.output
    files = members(zip_path)
    manifest = json.loads(files["manifest.json"])
    sidebar = manifest["location"]["support"]["ticket_sidebar"]["url"]
    assert sidebar == f"{URL}/apps/zendesk/sidebar"
    assert manifest["signedUrls"] is True
    assert manifest["domainWhitelist"] == ["precedent.acme.test"]
    sdk = files["assets/zaf_sdk.min.js"].decode()
    assert "ZAFClient" in sdk and "iframe.handshake" in sdk  # the real SDK from npm
    assert {"translations/en.json", "assets/logo.png", "assets/logo-small.png"} <= set(files)
    assert not any(b"{{PRECEDENT_" in content for content in files.values())
    assert (
        run("app", "validate", str(zip_path)).output
        == f"{zip_path} passes the local zendesk checks\n"
    )


def test_when_packaging_freshdesk_then_templates_reach_the_url_with_a_secure_secret(
    tmp_path: Path,
) -> None:
    result = run(
        "app", "package", "freshdesk", "--backend-url", URL + "/pcd", "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    zip_path = tmp_path / "precedent-freshdesk.zip"
    files = members(zip_path)
    assert json.loads(files["manifest.json"])["platform-version"] == "3.0"
    iparams = json.loads(files["config/iparams.json"])
    assert iparams["backend_host"]["default_value"] == "precedent.acme.test"
    assert iparams["installation_secret"]["secure"] is True
    templates = json.loads(files["config/requests.json"])
    assert templates["readDraft"]["schema"]["path"] == "/pcd/api/v1/drafts/<%= context.draft_id %>"
    headers = templates["requestDraft"]["schema"]["headers"]
    assert headers["X-Precedent-App-Secret"] == "<%= iparam.installation_secret %>"
    assert b"PrecedentSidebar" in files["app/scripts/sidebar.js"]  # the shared UI core
    assert b'src="{{{appclient}}}"' in files["app/index.html"]
    assert run("app", "validate", str(zip_path)).exit_code == 0


def copy_app(tmp_path: Path, platform: str) -> Path:
    source = tmp_path / platform
    shutil.copytree(ROOT / "app_manifest" / platform, source)
    return source


def edit_json(path: Path, change: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def drop_author_email(src: Path) -> None:
    edit_json(src / "manifest.json", lambda m: m["author"].pop("email"))


def drop_app_name(src: Path) -> None:
    edit_json(src / "translations/en.json", lambda t: t["app"].pop("name"))


def drop_translations(src: Path) -> None:
    (src / "translations/en.json").unlink()


def add_cdn_page(src: Path) -> None:
    (src / "assets/iframe.html").write_text(f'<!doctype html>\n<script src="{CDN}"></script>\n')


def add_unscoped_secret(src: Path) -> None:
    param = {"name": "api_token", "type": "text", "secure": True}
    edit_json(src / "manifest.json", lambda m: m.update(parameters=[param]))


def drop_logo(src: Path) -> None:
    (src / "assets/logo.png").unlink()


def expose_secret(src: Path) -> None:
    edit_json(src / "config/iparams.json", lambda p: p["installation_secret"].update(secure=False))


def old_platform(src: Path) -> None:
    edit_json(src / "manifest.json", lambda m: m.update({"platform-version": "2.3"}))


def cdn_core(src: Path) -> None:
    page = src / "app/index.html"
    cdn = "https://cdn.example.com/sidebar.js"
    page.write_text(page.read_text().replace("scripts/sidebar.js", cdn))


def http_template(src: Path) -> None:
    edit_json(
        src / "config/requests.json", lambda r: r["readDraft"]["schema"].update(protocol="http")
    )


def line_of(name: str, text: str) -> int:
    lines = (ROOT / "app_manifest" / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


BROKEN = [
    ("zendesk", drop_author_email, "manifest.json: missing required field 'author.email'"),
    ("zendesk", drop_app_name, "translations/en.json: missing translation 'app.name'"),
    ("zendesk", drop_translations, "translations/en.json: file is missing"),
    (
        "zendesk",
        add_cdn_page,
        f"assets/iframe.html:2: loads a script from outside the app ({CDN}); "
        "bundle it in the package instead (no CDN scripts)",
    ),
    (
        "zendesk",
        add_unscoped_secret,
        "manifest.json: parameter 'api_token': secure parameter needs 'scopes' (a non-empty "
        "list of: header, body, url, jwt_secret_key, jwt_claim, basic_auth_username, "
        "basic_auth_password)",
    ),
    ("zendesk", drop_logo, "assets/logo.png: file is missing (every app needs its logos)"),
    (
        "freshdesk",
        expose_secret,
        "config/iparams.json: iparam 'installation_secret': holds a secret but is not marked "
        '"secure": true',
    ),
    (
        "freshdesk",
        old_platform,
        "manifest.json: platform-version is '2.3'; build for platform 3.0 (2.x is deprecated)",
    ),
    (
        "freshdesk",
        cdn_core,
        f"app/index.html:{line_of('freshdesk/app/index.html', 'scripts/sidebar.js')}: loads a "
        "script from outside the app "
        "(https://cdn.example.com/sidebar.js); bundle it in the package instead (no CDN scripts)",
    ),
    (
        "freshdesk",
        http_template,
        "config/requests.json: template 'readDraft': protocol 'http' is not https",
    ),
]


@pytest.mark.parametrize(
    ("platform", "breakage", "message"), BROKEN, ids=[b[1].__name__ for b in BROKEN]
)
def test_when_an_app_is_broken_then_one_line_names_the_file_and_no_zip_is_written(
    tmp_path: Path, platform: str, breakage: Callable[[Path], None], message: str
) -> None:
    source = copy_app(tmp_path, platform)
    breakage(source)
    out = tmp_path / "dist"
    result = run(
        "app", "package", platform, "--backend-url", URL, "--source", str(source), "--out", str(out)
    )
    assert (result.exit_code, result.output) == (1, f"Error: {source}/{message}\n")
    assert not out.exists() or not list(out.iterdir())


def test_when_the_manifest_location_is_http_then_the_source_manifest_is_named(
    tmp_path: Path,
) -> None:
    source = copy_app(tmp_path, "zendesk")
    sidebar = "http://precedent.acme.test/apps/zendesk/sidebar"
    edit_json(
        source / "manifest.json",
        lambda m: m["location"]["support"]["ticket_sidebar"].update(url=sidebar),
    )
    result = run("app", "package", "zendesk", "--backend-url", URL, "--source", str(source))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {source}/manifest.json: location support.ticket_sidebar: '{sidebar}' does not "
        "use HTTPS (Zendesk only loads https:// locations)\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["freshdesk", "--backend-url", "https://precedent.acme.test:8443"],
            "Error: --backend-url 'https://precedent.acme.test:8443': Freshdesk request templates "
            "reach the backend over https on the default port only, so give https://host[/path] "
            "without a port\n",
        ),
        (
            ["zendesk", "--backend-url", "http://precedent.acme.test"],
            "Error: --backend-url 'http://precedent.acme.test': Zendesk loads the sidebar over "
            "https only (http just for localhost), so give https://host[:port][/path]\n",
        ),
        (
            ["zendesk", "--backend-url", "precedent.acme.test"],
            "Error: --backend-url 'precedent.acme.test' is not an absolute URL such as "
            "https://precedent.example.com\n",
        ),
    ],
)
def test_when_the_backend_url_is_unusable_then_one_line_says_why(
    args: list[str], message: str
) -> None:
    result = CliRunner().invoke(cli, ["app", "package", *args])
    assert (result.exit_code, result.output) == (1, message)


def test_when_the_sdk_is_not_built_then_the_error_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "vendor" / "zaf_sdk.min.js"
    monkeypatch.setitem(packaging.BUNDLED, "zendesk", {"assets/zaf_sdk.min.js": missing})
    result = CliRunner().invoke(cli, ["app", "package", "zendesk", "--backend-url", URL])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {missing}: not found; build it with `make install` "
        "(npm ci && npm run build in app_manifest)\n"
    )


def test_when_a_zip_is_validated_then_problems_name_the_zip_member(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"platform-version": "3.0"}))
    result = CliRunner().invoke(cli, ["app", "validate", str(bad)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"Error: {bad}:config/requests.json: file is missing" in lines
    assert f"Error: {bad}:manifest.json: missing required field 'modules'" in lines
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    result = CliRunner().invoke(cli, ["app", "validate", str(not_zip)])
    assert (result.exit_code, result.output) == (1, f"Error: {not_zip}: not a zip file\n")


def test_the_zendesk_location_page_loads_the_sdk_from_the_backend_not_a_cdn(app: Flask) -> None:
    response = app.test_client().get("/apps/zendesk/sidebar")  # unsigned: the embedded default
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == ["/static/vendor/zaf_sdk.min.js", "/static/sidebar.js", "/static/zendesk.js"]
