"""The support widgets: Help → Save diagnostics bundle through the real background runner, and the blocking
update-required dialog in Simplified Chinese."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.bridge import BackgroundRunner
from app.config import Language
from app.diagnostics import DiagnosticsInput
from app.logs import Redactor
from ui.i18n import Translations
from ui.main_window import MenuName
from ui.support.diagnostics import DiagnosticsSaver
from ui.support.update_required import UpdateRequiredDialog

pytestmark = pytest.mark.unit


@pytest.fixture
def runner() -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()


def test_diagnostics_action_writes_the_bundle_in_the_background(
    qapp: QApplication, qtbot: QtBot, runner: BackgroundRunner, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    target = tmp_path / "bundle.zip"
    saver = DiagnosticsSaver(
        parent,
        runner,
        lambda: DiagnosticsInput(log_lines=["user 13812345678 password=hunter2hunter2"], names=["张伟"]),
        Redactor(),
        ask_path=lambda _parent, suggested: str(target) if suggested.endswith(".zip") else "",
        confirm=False,
    )
    with qtbot.waitSignal(saver.saved, timeout=10_000) as saved:
        saver.action.trigger()
        assert not saver.action.isEnabled()  # one bundle at a time; the GUI thread is free meanwhile
    assert saved.args == [str(target)]
    assert saver.action.isEnabled()
    with zipfile.ZipFile(target) as zf:
        recent = next(zf.read(n).decode() for n in zf.namelist() if n.endswith("log/recent.log"))
    assert recent == "user 138******78 password=<redacted>\n"


def test_diagnostics_failure_is_reported(
    qapp: QApplication, qtbot: QtBot, runner: BackgroundRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    (tmp_path / "taken.zip").mkdir()
    saver = DiagnosticsSaver(parent, runner, DiagnosticsInput, Redactor(), confirm=False)
    with qtbot.waitSignal(saver.failed, timeout=10_000) as failed:
        saver.save_to(tmp_path / "taken.zip")
    assert "taken.zip" in failed.args[0]
    assert saver.action.isEnabled()
    assert "diagnostics bundle failed" in caplog.text


def test_update_required_dialog_in_chinese(qapp: QApplication, qtbot: QtBot) -> None:
    translations = Translations(qapp)
    translations.set_language(Language.ZH_CN)
    try:
        dialog = UpdateRequiredDialog("0.1.0", "0.3.0", "https://it.example.com/agentdesk")
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "需要更新"
        assert dialog.isModal()
        versions = dialog.findChild(QLabel, "versions")
        assert versions is not None
        assert versions.text() == "当前版本：0.1.0。最低要求版本：0.3.0。"
        advice = dialog.findChild(QLabel, "advice")
        assert advice is not None
        assert 'href="https://it.example.com/agentdesk"' in advice.text()
        assert dialog.open_button is not None
        assert dialog.quit_button.text() == "退出 AgentDesk"
    finally:
        translations.clear()


def test_update_required_without_url_points_to_it(qapp: QApplication, qtbot: QtBot) -> None:
    dialog = UpdateRequiredDialog("0.1.0", "0.3.0", "")
    qtbot.addWidget(dialog)
    advice = dialog.findChild(QLabel, "advice")
    assert advice is not None
    assert "IT service desk" in advice.text()
    assert dialog.open_button is None
    with qtbot.waitSignal(dialog.rejected):
        dialog.quit_button.click()


def test_client_blocks_when_the_hub_says_it_is_too_old(
    qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """The composition root runs the version check in the background and opens the blocking dialog."""
    from app.credentials import CredentialStore
    from app.version_policy import UpdateRequired
    from tests.helpers.keyrings import MemoryKeyring
    from ui.main import Application, parse_args

    asked: list[tuple[str, str, float]] = []

    def too_old(url: str, ca_file: str, timeout: float) -> UpdateRequired:
        asked.append((url, ca_file, timeout))
        return UpdateRequired("0.1.0", "0.9.0", "https://it.example.com/agentdesk")

    application = Application(parse_args([]), credentials=CredentialStore(MemoryKeyring()), version_check=too_old)
    try:
        qtbot.waitUntil(lambda: application.update_dialog is not None, timeout=10_000)
        dialog = application.update_dialog
        assert dialog is not None
        assert dialog.isModal()
        assert asked == [
            (application.config_store.config.hub.url, "", application.config_store.config.hub.connect_timeout)
        ]
        assert application.diagnostics_saver.action in application.window.menu(MenuName.HELP).actions()
        with qtbot.waitSignal(dialog.finished):
            dialog.quit_button.click()
        assert application.blocked_by_version_policy
        assert "older than the hub's minimum 0.9.0" in caplog.text
    finally:
        application.dispose()  # shutdown, then its Qt objects deleted now
