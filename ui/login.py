"""The sign-in dialog: hub URL (from the configuration), user, password, and "remember" into the OS keyring.

The dialog only collects input and shows progress and errors; the composition root does the work:
it receives :attr:`LoginDialog.sign_in_requested`, runs the sign-in in the background, stores or forgets the
password in the keyring, and calls :meth:`LoginDialog.set_busy`, :meth:`LoginDialog.show_error` or
:meth:`LoginDialog.accept`. A hub URL locked by IT is shown read-only. The password field is never logged.

Signals:
    sign_in_requested(object): a ``app.signin.SignInRequest``.

Main thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.credentials import CredentialErrorKind
from app.signin import SignInErrorKind, SignInRequest


class LoginDialog(QDialog):
    """Collects the hub URL, user and password (see the module docstring)."""

    sign_in_requested = Signal(object)

    def __init__(
        self,
        hub_url: str,
        *,
        hub_url_locked: bool = False,
        user: str = "",
        keyring_problem: CredentialErrorKind | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("LoginDialog")
        self._keyring_problem = keyring_problem
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.setMinimumWidth(460)
        self.hub_url_edit = QLineEdit(hub_url, self)
        self.hub_url_edit.setObjectName("hubUrl")
        self.hub_url_edit.setCursorPosition(0)
        self.hub_url_edit.setReadOnly(hub_url_locked)
        self.hub_url_edit.setEnabled(not hub_url_locked)
        self._hub_url_locked = hub_url_locked
        self.user_edit = QLineEdit(user, self)
        self.user_edit.setObjectName("user")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox(self)
        self.remember_box.setObjectName("remember")
        self.remember_box.setEnabled(keyring_problem is None)
        self._hub_label, self._user_label, self._password_label = QLabel(self), QLabel(self), QLabel(self)
        form.addRow(self._hub_label, self.hub_url_edit)
        form.addRow(self._user_label, self.user_edit)
        form.addRow(self._password_label, self.password_edit)
        form.addRow("", self.remember_box)
        layout.addLayout(form)
        self.keyring_note = QLabel(self)
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(keyring_problem is not None)
        layout.addWidget(self.keyring_note)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy indicator
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for edit in (self.hub_url_edit, self.user_edit, self.password_edit):
            edit.textChanged.connect(self._on_input_changed)
        self.retranslate_ui()
        self._on_input_changed()
        (self.password_edit if user else self.user_edit).setFocus()

    # ------------------------------------------------------------------------------------------- API for the root
    def set_keyring_problem(self, kind: CredentialErrorKind | None) -> None:
        """The keyring cannot remember passwords (``kind`` says why): disable "remember" and explain."""
        self._keyring_problem = kind
        self.remember_box.setEnabled(kind is None and not self.progress.isVisible())
        if kind is not None:
            self.remember_box.setChecked(False)
            self.keyring_note.setText(self.keyring_text(kind))
        self.keyring_note.setVisible(kind is not None)

    def set_saved_password(self, password: str) -> None:
        """Fill in a password found in the keyring (and tick "remember", since it was remembered)."""
        self.password_edit.setText(password)
        self.remember_box.setChecked(True)

    def set_busy(self, busy: bool) -> None:
        """Show progress and block input while signing in (the GUI stays responsive)."""
        self.progress.setVisible(busy)
        for widget in (self.user_edit, self.password_edit, self.remember_box):
            widget.setEnabled(not busy and (widget is not self.remember_box or self._keyring_problem is None))
        self.hub_url_edit.setEnabled(not busy and not self._hub_url_locked)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not busy and self._input_complete())
        if busy:
            self.error_label.hide()

    def show_error(self, kind: SignInErrorKind) -> None:
        """Explain a failed sign-in; nothing typed is lost."""
        self.set_busy(False)
        self.error_label.setText(self.error_text(kind))
        self.error_label.show()
        if kind is SignInErrorKind.BAD_CREDENTIALS:
            self.password_edit.selectAll()
            self.password_edit.setFocus()

    def error_text(self, kind: SignInErrorKind) -> str:
        return {
            SignInErrorKind.BAD_CREDENTIALS: self.tr("Wrong user name or password."),
            SignInErrorKind.HUB_UNREACHABLE: self.tr(
                "Cannot reach the hub. Check your network and VPN connection, then try again."
            ),
            SignInErrorKind.TLS_FAILURE: self.tr(
                "The hub's certificate is not trusted. Ask IT to check the hub address and CA file."
            ),
            SignInErrorKind.HUB_ERROR: self.tr("The hub reported an error. Try again later or contact IT."),
            SignInErrorKind.NOT_AVAILABLE: self.tr("This installation has no hub connection."),
            SignInErrorKind.INVALID_INPUT: self.tr(
                "Enter your user name and password; the hub address must start with https://."
            ),
        }[kind]

    def keyring_text(self, kind: CredentialErrorKind) -> str:
        return {
            CredentialErrorKind.NO_BACKEND: self.tr(
                "Passwords cannot be remembered: no system keyring is available on this computer."
            ),
            CredentialErrorKind.INSECURE_BACKEND: self.tr(
                "Passwords cannot be remembered: the only keyring available stores them unencrypted."
            ),
            CredentialErrorKind.LOCKED: self.tr("Passwords cannot be remembered: the system keyring is locked."),
            CredentialErrorKind.TOO_LONG: self.tr("Passwords cannot be remembered: the password is too long."),
            CredentialErrorKind.BACKEND_FAILURE: self.tr(
                "Passwords cannot be remembered: the system keyring reported an error."
            ),
        }[kind]

    def request(self) -> SignInRequest:
        return SignInRequest(
            hub_url=self.hub_url_edit.text().strip().rstrip("/"),
            user=self.user_edit.text().strip(),
            password=self.password_edit.text(),
            remember=self.remember_box.isChecked() and self.remember_box.isEnabled(),
        )

    # ------------------------------------------------------------------------------------------- internals
    def _input_complete(self) -> bool:
        return bool(self.hub_url_edit.text().strip() and self.user_edit.text().strip() and self.password_edit.text())

    @Slot()
    def _on_input_changed(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self._input_complete() and not self.progress.isVisible()
        )

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if self._input_complete():
            self.sign_in_requested.emit(self.request())

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Sign in to AgentDesk"))
        self._hub_label.setText(self.tr("Hub address:"))
        self._user_label.setText(self.tr("User name:"))
        self._password_label.setText(self.tr("Password:"))
        self.remember_box.setText(self.tr("Remember my password (in the system keyring)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        if self._hub_url_locked:
            self.hub_url_edit.setToolTip(self.tr("Set by your IT department"))
        if self._keyring_problem is not None:
            self.keyring_note.setText(self.keyring_text(self._keyring_problem))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
