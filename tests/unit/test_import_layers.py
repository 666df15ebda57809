"""The import layers in pyproject.toml hold, and a reintroduced CLI cycle breaks them.

``make lint`` runs ``lint-imports``; these tests run it on the real tree and on a copy with
the cycle issue 17 removed put back (a package's command group importing ``backend.cli``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """Run in ``package_parent``: lint-imports finds the ``backend`` there first."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    command = [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"]
    return subprocess.run(command, cwd=package_parent, env=env, capture_output=True, text=True)


def test_when_the_tree_is_as_committed_then_every_contract_is_kept() -> None:
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_when_a_command_group_imports_the_root_command_then_lint_fails(tmp_path: Path) -> None:
    copy = tmp_path / "backend"
    shutil.copytree(ROOT / "backend", copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    gate_cli = copy / "gate" / "cli.py"
    gate_cli.write_text(gate_cli.read_text() + "\nfrom backend.cli import cli as _root  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "backend.gate.cli -> backend.cli" in result.stdout
