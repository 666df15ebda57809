"""What ``precedent serve`` / ``demo`` print: one line per service, each warning once."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backend import cli as cli_module
from backend.worker import OncePerMessage, quiet_output


class FakeProcess:
    def __init__(self, argv: list[str]) -> None:
        self.argv = argv

    def terminate(self) -> None:
        pass


def test_when_serving_then_one_line_and_a_quiet_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path))
    werkzeug = logging.getLogger("werkzeug")
    monkeypatch.setattr(werkzeug, "level", werkzeug.level)  # set back after the test
    started: list[list[str]] = []
    served: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cli_module.subprocess, "Popen", lambda a: started.append(a) or FakeProcess(a)
    )
    monkeypatch.setattr(cli_module.atexit, "register", lambda _: None)
    monkeypatch.setattr(cli_module.signal, "signal", lambda *_: None)
    monkeypatch.setattr(cli_module, "run_simple", lambda *a, **_: served.append(a))
    result = CliRunner().invoke(cli_module.cli, ["serve"], catch_exceptions=False)
    assert result.output == (
        "web     http://127.0.0.1:5000/preview  (development server; Ctrl+C stops both)\n"
    )
    assert started[0][-3:] == ["worker", "--beat", "--quiet"]
    assert served[0][:2] == ("127.0.0.1", 5000)
    assert logging.getLogger("werkzeug").level == logging.WARNING


def test_when_a_message_is_logged_twice_then_it_is_shown_once() -> None:
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    handler.addFilter(OncePerMessage())
    logger = logging.getLogger("test-once")
    logger.addHandler(handler)
    for _ in range(2):
        logger.warning("No hostname was supplied")
    logger.warning("another")
    logger.removeHandler(handler)
    assert records == ["No hostname was supplied", "another"]


def test_when_quiet_then_a_warning_is_one_line_once(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        quiet_output("worker")
        for _ in range(2):
            warnings.warn("running as root:\n\nplease use --uid", UserWarning, stacklevel=1)
    assert capsys.readouterr().err == (
        "worker warning: UserWarning: running as root: please use --uid\n"
    )
