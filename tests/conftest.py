"""Test-wide set-up: Qt offscreen, isolated user directories, and process logs attached to failing tests."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Generator
from pathlib import Path

import pytest

# Before anything imports Qt or platformdirs.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("DBUS_SESSION_BUS_ADDRESS", "disabled:")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.fonts.warning=false")

from tests.helpers.logfail import LogFailHandler
from tests.helpers.process import ManagedProcess
from ui.gui_gc import collect_due


def pytest_configure(config: pytest.Config) -> None:
    """Python's cycle collector runs on the main thread only, after each test (below), as the client does with
    ``ui/gui_gc.py``: left to run automatically it starts in whichever thread allocates — a sync engine's loop, a
    background pool — and destroys Qt objects an earlier test left in reference cycles there, which crashes Qt."""
    del config
    gc.disable()


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    del item, nextitem
    yield
    collect_due()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile stale translations (.ts newer than .qm) so UI tests see every area's current strings."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "build_scripts" / "i18n.py"), "compile", "--quiet"], check=True)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every per-user directory (config, data, logs, cache) at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        path = home / sub
        path.mkdir()
        monkeypatch.setenv(var, str(path))
    monkeypatch.setenv("AGENTDESK_SITE_CONFIG_DIR", str(home / "site"))


@pytest.fixture(autouse=True)
def _fail_on_unexpected_log_warnings(request: pytest.FixtureRequest) -> Generator[None, None, None]:
    """Fail the test if AgentDesk code logged a WARNING+ it did not expect (see tests/helpers/logfail.py).

    Opt out with ``@pytest.mark.allow_log_warnings``; tests using ``caplog`` are exempt (they assert on the log).
    """
    if request.node.get_closest_marker("allow_log_warnings") or "caplog" in request.fixturenames:
        yield
        return
    handler = LogFailHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.records:
        pytest.fail(
            "unexpected WARNING/ERROR log records (mark the test allow_log_warnings or assert them with caplog):\n"
            + handler.report(),
            pytrace=False,
        )


@pytest.fixture(scope="session")
def process_log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where ManagedProcess fixtures keep the logs of the programs they start."""
    return tmp_path_factory.mktemp("process-logs")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, None, None]:
    """Attach the log tail of every real program running during a failed test to its report."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed:
        for proc in list(ManagedProcess.running):
            report.sections.append((f"log of {proc.name} ({proc.log_path})", proc.tail(80)))
