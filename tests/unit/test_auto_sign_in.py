"""``agentdesk --sign-in USER``: signing in at start with the keyring's saved password (what the demo uses)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication, QLabel

from app.credentials import CredentialStore, SecretKind
from app.signin import SignedIn, SignInError, SignInErrorKind, SignInRequest
from tests.helpers.keyrings import MemoryKeyring
from ui.main import Application, parse_args

pytestmark = pytest.mark.unit

HUB = "https://127.0.0.1:8443"  # the default hub.url


class FakeHub:
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
def hub() -> FakeHub:
    return FakeHub()


@pytest.fixture
def started(qapp: QApplication, keyring_backend: MemoryKeyring, hub: FakeHub) -> Iterator[Application]:
    application = Application(
        parse_args(["--lang", "en", "--sign-in", "alice"]),
        sign_in_service=hub,
        credentials=CredentialStore(keyring_backend),
    )
    try:
        application.window.show()  # the first paint starts the automatic sign-in
        yield application
    finally:
        application.dispose()  # shutdown, then its Qt objects deleted now


def _account_text(app: Application) -> str:
    label = app.window.findChild(QLabel, "accountLabel")
    assert label is not None
    return label.text()


@pytest.fixture
def saved(request: pytest.FixtureRequest, keyring_backend: MemoryKeyring) -> None:
    CredentialStore(keyring_backend).store(SecretKind.HUB_PASSWORD, f"alice@{HUB}", request.param)


@pytest.mark.parametrize("saved", ["correct-horse"], indirect=True)
@pytest.mark.usefixtures("saved")
def test_signs_in_with_the_saved_password_without_a_dialog(started: Application, hub: FakeHub, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: _account_text(started) == "Alice Wang (alice)", timeout=10000)
    assert started.login_dialog is None
    assert [(r.user, r.hub_url) for r in hub.requests] == [("alice", HUB)]
    assert "correct-horse" not in started.logs.ring.text()


def test_without_a_saved_password_the_login_dialog_opens_for_the_user(
    started: Application, hub: FakeHub, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: started.login_dialog is not None, timeout=10000)
    assert started.login_dialog is not None
    assert started.login_dialog.user_edit.text() == "alice"
    assert hub.requests == []
    assert _account_text(started) != "Alice Wang (alice)"


@pytest.mark.parametrize("saved", ["old-password"], indirect=True)
@pytest.mark.usefixtures("saved")
@pytest.mark.allow_log_warnings  # "automatic sign-in failed: bad-credentials" is the expected warning
def test_a_rejected_saved_password_opens_the_dialog_with_the_reason(
    started: Application, hub: FakeHub, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: started.login_dialog is not None, timeout=10000)
    dialog = started.login_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.error_label.isVisible)
    assert dialog.error_label.text() == "Wrong user name or password."
    assert len(hub.requests) == 1
    assert "old-password" not in started.logs.ring.text()


def test_exit_after_sign_in_needs_no_password_option() -> None:
    args = parse_args(["--sign-in", "agent.li", "--exit-after-sign-in"])
    assert args.sign_in == "agent.li"
    assert args.exit_after_sign_in
    with pytest.raises(SystemExit):
        parse_args(["--password", "x"])
