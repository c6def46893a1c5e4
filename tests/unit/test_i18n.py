"""Translations: every area's .qm loads, Qt's own strings follow, and switching needs no restart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.config import Language
from ui.i18n import Translations, resolve_language
from ui.resources import resource_dir
from ui.tray import TrayIcon

pytestmark = pytest.mark.unit


@pytest.fixture
def translations(qapp: QApplication) -> Iterator[Translations]:
    result = Translations(qapp)
    yield result
    result.clear()


def test_every_area_ships_both_languages_compiled() -> None:
    i18n = resource_dir("i18n")
    sources = sorted(i18n.glob("*.ts"))
    assert sources, "no translations"
    areas = {ts.stem.rsplit("_", 2)[0] if ts.stem.endswith("zh_CN") else ts.stem.rsplit("_", 1)[0] for ts in sources}
    for area in areas:
        for lang in ("zh_CN", "en"):
            assert (i18n / f"{area}_{lang}.ts").is_file(), f"{area}: {lang}.ts missing"
            assert (i18n / f"{area}_{lang}.qm").is_file(), f"{area}: {lang}.qm not compiled (bootstrap compiles)"


def test_zh_cn_loads_our_strings_and_qt_base(translations: Translations, qtbot: QtBot) -> None:
    files = translations.files_for(Language.ZH_CN)
    assert files[0].name == "qtbase_zh_CN.qm"
    assert any(f.name == "shell_zh_CN.qm" for f in files)
    translations.set_language(Language.ZH_CN)
    assert QCoreApplication.translate("MainWindow", "Tickets") == "工单"
    assert QCoreApplication.translate("LoginDialog", "Wrong user name or password.") == "用户名或密码错误。"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"  # from qtbase_zh_CN
    assert QCoreApplication.translate("CrashDialog", "%n error(s) so far.", "", 3) == "目前共 3 个错误。"


def test_switching_retranslates_live_widgets(translations: Translations, qtbot: QtBot, qapp: QApplication) -> None:
    translations.set_language(Language.EN)
    tray = TrayIcon(qapp.windowIcon())
    assert tray.action_quit.text() == "Quit"
    with qtbot.waitSignal(translations.language_changed) as blocker:
        translations.set_language(Language.ZH_CN)
    assert blocker.args == ["zh_CN"]
    assert tray.action_quit.text() == "退出"
    assert tray.action_show.text() == "显示 AgentDesk"
    assert QCoreApplication.translate("CrashDialog", "%n error(s) so far.", "", 1) == "目前共 1 个错误。"
    translations.set_language(Language.EN)
    assert tray.action_quit.text() == "Quit"
    assert QCoreApplication.translate("CrashDialog", "%n error(s) so far.", "", 1) == "1 error so far."
    tray.deleteLater()


def test_system_language_resolution() -> None:
    assert resolve_language(Language.SYSTEM, "en_US") is Language.EN
    assert resolve_language(Language.SYSTEM, "zh_TW") is Language.ZH_CN
    assert resolve_language(Language.SYSTEM, "de_DE") is Language.ZH_CN
    assert resolve_language(Language.EN, "zh_CN") is Language.EN
