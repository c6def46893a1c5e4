"""The application shell: composition root, main window places, sign-in with "remember", settings, language switch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QWidget

from app.config import Language, site_config_dir
from app.credentials import CredentialStore, SecretKind
from app.signin import SignedIn, SignInError, SignInErrorKind, SignInRequest
from tests.helpers.keyrings import MemoryKeyring, fail_keyring
from ui.main import Application, parse_args
from ui.main_window import EmptyPanel, MainWindow, MenuName, Panel
from ui.qt_version import unsupported_qt_message

pytestmark = pytest.mark.unit


class FakeHub:
    """A sign-in service with one account (what app/sync provides against the real hub)."""

    def __init__(self) -> None:
        self.requests: list[SignInRequest] = []

    def sign_in(self, request: SignInRequest) -> SignedIn:
        self.requests.append(request)
        if (request.user, request.password) != ("alice", "correct-horse"):
            raise SignInError(SignInErrorKind.BAD_CREDENTIALS, "401")
        return SignedIn(request.hub_url, request.user, "Alice Wang")


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def root(qapp: QApplication, keyring_backend: MemoryKeyring) -> Iterator[Application]:
    application = Application(
        parse_args(["--lang", "zh_CN"]), sign_in_service=FakeHub(), credentials=CredentialStore(keyring_backend)
    )
    try:
        yield application
    finally:
        application.dispose()  # shutdown, then its Qt objects deleted now


def test_qt_version_policy() -> None:
    assert unsupported_qt_message() is None  # the pinned PySide6
    assert unsupported_qt_message((6, 11, 3)) is None
    message = unsupported_qt_message((6, 12, 0))
    assert message is not None
    assert "6.12.0" in message
    assert unsupported_qt_message((6, 10, 3)) is not None


def test_main_window_places_and_menus(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    for panel in Panel:
        assert isinstance(window.panel(panel), EmptyPanel)
    phone = QLabel("phone")
    window.set_phone_panel(phone)
    assert window.panel(Panel.PHONE) is phone
    tickets = QLabel("tickets")
    window.set_tickets_panel(tickets)
    assert window.panel(Panel.TICKETS) is tickets
    assert window.center_tabs().tabText(0) == "Tickets"
    supervisor = QWidget()
    supervisor.setWindowTitle("Team")
    index = window.add_center_tab(supervisor)
    supervisor.setWindowTitle("Team (3)")
    assert window.center_tabs().tabText(index) == "Team (3)"
    page = QWidget()
    page.setWindowTitle("Audio")
    window.add_settings_page(page)
    assert window.settings_pages() == [page]
    assert window.menu(MenuName.HELP).actions()[-1] is window.action_about
    window.set_account_text("Alice (alice)")
    assert not window.action_sign_in.isEnabled()
    assert window.action_sign_out.isEnabled()


def test_window_starts_in_chinese_and_switches_language_at_run_time(root: Application, qtbot: QtBot) -> None:
    window = root.window
    assert window.windowTitle() == "AgentDesk 坐席工作台"
    assert window.menu(MenuName.FILE).title() == "文件(&F)"
    phone_placeholder = window.panel(Panel.PHONE)
    assert isinstance(phone_placeholder, EmptyPanel)
    assert _label(phone_placeholder, "emptyTitle").text() == "电话"
    assert window.language_actions["zh_CN"].isChecked()

    with qtbot.waitSignal(root.translations.language_changed, timeout=5000) as blocker:
        window.language_actions["en"].trigger()
    assert blocker.args == ["en"]
    assert window.windowTitle() == "AgentDesk"
    assert window.menu(MenuName.FILE).title() == "&File"
    assert _label(phone_placeholder, "emptyTitle").text() == "Phone"
    assert root.config_store.config.ui.language is Language.EN  # remembered in the user file
    assert root.config_store.loaded.user_file is not None
    assert 'language = "en"' in root.config_store.loaded.user_file.read_text()

    window.language_actions["zh_CN"].trigger()
    assert window.menu(MenuName.FILE).title() == "文件(&F)"
    assert QCoreApplication.translate("LoginDialog", "Sign in") == "登录"


def _label(parent: QWidget, name: str) -> QLabel:
    label = parent.findChild(QLabel, name)
    assert label is not None
    return label


def _sign_in(root: Application, qtbot: QtBot, user: str, password: str, remember: bool) -> None:
    if root.login_dialog is None:
        root.window.action_sign_in.trigger()
    dialog = root.login_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not root.runner.pending)  # the keyring lookup
    dialog.user_edit.setText(user)
    dialog.password_edit.setText(password)
    dialog.remember_box.setChecked(remember)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_sign_in_failure_then_success_with_remember(
    root: Application, qtbot: QtBot, keyring_backend: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    _sign_in(root, qtbot, "alice", "wrong-password", remember=True)
    dialog = root.login_dialog
    assert dialog is not None
    error_label = dialog.error_label
    qtbot.waitUntil(error_label.isVisible)
    assert dialog.error_label.text() == "用户名或密码错误。"
    assert dialog.user_edit.text() == "alice"  # nothing typed is lost
    assert keyring_backend.items == {}

    _sign_in(root, qtbot, "alice", "correct-horse", remember=True)
    qtbot.waitUntil(lambda: root.login_dialog is None or not root.login_dialog.isVisible())
    assert _label(root.window, "accountLabel").text() == "Alice Wang (alice)"
    qtbot.waitUntil(lambda: not root.runner.pending)
    account = "alice@https://127.0.0.1:8443"
    assert keyring_backend.items == {("AgentDesk/hub-password", account): "correct-horse"}
    assert "correct-horse" not in root.logs.ring.text()
    assert "wrong-password" not in root.logs.ring.text()

    # Next time the dialog offers the remembered password.
    root.window.action_sign_out.trigger()
    root.window.action_sign_in.trigger()
    dialog = root.login_dialog
    assert dialog is not None
    assert dialog.user_edit.text() == "alice"
    qtbot.waitUntil(lambda: dialog.password_edit.text() == "correct-horse")
    assert dialog.remember_box.isChecked()

    # Signing in without "remember" forgets it.
    dialog.remember_box.setChecked(False)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not root.runner.pending and root.login_dialog is None)
    assert CredentialStore(keyring_backend).load(SecretKind.HUB_PASSWORD, account) is None


def test_invalid_hub_url_is_explained_without_a_request(root: Application, qtbot: QtBot) -> None:
    root.window.action_sign_in.trigger()
    dialog = root.login_dialog
    assert dialog is not None
    dialog.hub_url_edit.setText("http://plain.example")
    _sign_in(root, qtbot, "alice", "correct-horse", remember=False)
    assert dialog.error_label.text().startswith("请输入用户名和密码")
    assert isinstance(root.sign_in_service, FakeHub)
    assert root.sign_in_service.requests == []


@pytest.mark.allow_log_warnings
def test_insecure_keyring_disables_remember(qapp: QApplication, qtbot: QtBot) -> None:
    application = Application(
        parse_args(["--lang", "en"]), sign_in_service=FakeHub(), credentials=CredentialStore(fail_keyring())
    )
    try:
        application.window.action_sign_in.trigger()
        dialog = application.login_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.keyring_note.isVisible())
        assert not dialog.remember_box.isEnabled()
        assert "no system keyring" in dialog.keyring_note.text()
    finally:
        application.dispose()  # shutdown, then its Qt objects deleted now


def test_locked_settings_are_disabled_and_hub_url_is_read_only(qapp: QApplication, qtbot: QtBot) -> None:
    site = site_config_dir()
    site.mkdir(parents=True, exist_ok=True)
    (site / "agentdesk.toml").write_text(
        'locked = ["hub.url", "ui.language"]\n[hub]\nurl = "https://hub.corp.example"\n[ui]\nlanguage = "en"\n'
    )
    application = Application(parse_args([]), sign_in_service=FakeHub(), credentials=CredentialStore(MemoryKeyring()))
    try:
        window = application.window
        assert window.windowTitle() == "AgentDesk"
        window.action_preferences.trigger()
        settings = application.settings_dialog
        assert settings is not None
        assert not settings.general.language_combo.isEnabled()
        assert settings.general.language_combo.toolTip() == "Set by your IT department"
        assert settings.general.close_to_tray_box.isEnabled()
        settings.general.notifications_box.setChecked(False)
        settings.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert application.config_store.config.ui.notifications is False
        window.action_sign_in.trigger()
        dialog = application.login_dialog
        assert dialog is not None
        assert dialog.hub_url_edit.text() == "https://hub.corp.example"
        assert not dialog.hub_url_edit.isEnabled()
    finally:
        application.dispose()  # shutdown, then its Qt objects deleted now


@pytest.mark.allow_log_warnings
def test_broken_site_file_is_reported_not_fatal(qapp: QApplication, tmp_path: Path) -> None:
    site = site_config_dir()
    site.mkdir(parents=True, exist_ok=True)
    (site / "agentdesk.toml").write_text("[sip\nbroken")
    application = Application(parse_args([]), credentials=CredentialStore(MemoryKeyring()))
    try:
        boxes = application.notifier.open_boxes()
        assert len(boxes) == 1
        assert "默认值" in boxes[0].text()
        assert "syntax-error" in boxes[0].detailedText()
        assert boxes[0].windowModality() == Qt.WindowModality.NonModal
    finally:
        application.dispose()  # shutdown, then its Qt objects deleted now


def test_about_dialog_lists_versions(root: Application) -> None:
    root.window.action_about.trigger()
    about = root.about_dialog
    assert about is not None
    versions = dict(about.versions)
    assert versions["pjsip"].startswith("2.")
    assert versions["Qt"].startswith("6.11")
    assert about.windowTitle() == "关于 AgentDesk"
    about.copy_versions()
    assert "pjsip: 2." in QApplication.clipboard().text()


def test_copy_diagnostics_is_redacted(root: Application) -> None:
    root.logs.redactor.add_secret("typed-secret-123")
    import logging

    logging.getLogger("app.test").info("user typed typed-secret-123 and token=abcdef")
    root.window.action_diagnostics.trigger()
    text = QApplication.clipboard().text()
    assert "AgentDesk" in text
    assert "typed-secret-123" not in text
    assert "token=<redacted>" in text


def test_close_hides_to_the_tray_or_quits(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.set_close_to_tray(True)
    with qtbot.assertNotEmitted(window.quit_requested):
        window.close()
    assert not window.isVisible()
    window.show()
    window.set_close_to_tray(False)
    with qtbot.waitSignal(window.quit_requested):
        window.close()


def test_areas_are_built_after_the_first_paint(qapp: QApplication, qtbot: QtBot) -> None:
    application = Application(
        parse_args(["--lang", "zh_CN"]), credentials=CredentialStore(MemoryKeyring()), defer_areas=True
    )
    try:
        knowledge = application.window.panel(Panel.KNOWLEDGE)
        assert isinstance(knowledge, EmptyPanel)
        assert _label(knowledge, "emptyText").text() == "正在加载…"
        with qtbot.waitSignal(application.areas_ready, timeout=20000):
            application.window.show()
        assert application.window.panel(Panel.KNOWLEDGE) is not knowledge
        for panel in Panel:
            widget = application.window.panel(panel)
            if isinstance(widget, EmptyPanel):
                assert _label(widget, "emptyText").text() != "正在加载…"
    finally:
        application.dispose()  # shutdown, then its Qt objects deleted now
