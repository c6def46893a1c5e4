"""Quitting with the agent's state in mind: a signed-in agent is asked to confirm, then signed out (签出) on the hub
before the application closes, with a bounded wait so quitting never hangs when the hub is unreachable (the hub's
offline grace then signs the agent out). Quitting during a call is refused: the customer would be cut off.
Main thread only.

Signals:
    quit_approved(): close the application now.
    quit_cancelled(): the agent kept the application open (or quitting was refused): show the window again.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.state.shift import QuitCheck, QuitOutcome
from ui.state.area import StateArea

log = logging.getLogger(__name__)


class QuitGuard(QObject):
    """See the module docstring."""

    quit_approved = Signal()
    quit_cancelled = Signal()

    def __init__(
        self, area: StateArea, window: QWidget, parent: QObject | None = None, *, timeout_s: float | None = None
    ) -> None:
        super().__init__(parent)
        self._area = area
        self._window = window
        self._timeout_s = timeout_s
        self._box: QMessageBox | None = None
        self._signing_out = False
        self.sign_out_button: QPushButton | None = None
        self.outcome: QuitOutcome | None = None
        self._programmatic_close = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Qt 6's QApplication.quit() closes every window first (QEvent.Quit, then non-spontaneous close events): such
        # a close is a quit already decided (ours after 签出, or the program's), not the agent closing the window.
        if watched is self._window and event.type() == QEvent.Type.Close:
            self._programmatic_close = not event.spontaneous()
        return False

    def take_programmatic_close(self) -> bool:
        """Whether the window's latest close came from the program rather than the agent (asked once per close)."""
        value, self._programmatic_close = self._programmatic_close, False
        return value

    @property
    def dialog(self) -> QMessageBox | None:
        """The open question or refusal, if any (tests, accessibility tools)."""
        return self._box

    def request_quit(self) -> None:
        """The agent chose Quit (menu, tray, window close)."""
        if self._signing_out:
            return  # already on the way out
        if self._box is not None:
            self._box.raise_()
            return
        check = self._area.quit_check()
        log.info("quit requested (%s)", check.value)
        if check is QuitCheck.NOTHING_TO_DO:
            self.quit_approved.emit()
        elif check is QuitCheck.IN_CALL:
            self._ask(
                QMessageBox.Icon.Warning,
                self.tr("You are on a call. End the call before quitting AgentDesk, so the customer is not cut off."),
                None,
            )
        elif check is QuitCheck.OFFLINE:
            self._ask(
                QMessageBox.Icon.Question,
                self.tr(
                    "AgentDesk cannot reach the hub, so it cannot sign you out now. The hub signs you out by itself "
                    "after you have been offline for a while. Quit anyway?"
                ),
                self.tr("Quit"),
            )
        else:
            self._ask(
                QMessageBox.Icon.Question,
                self.tr("You are signed in. Sign out and quit AgentDesk? You will receive no more queue calls."),
                self.tr("Sign out and quit"),
            )

    def _ask(self, icon: QMessageBox.Icon, text: str, accept_text: str | None) -> None:
        box = QMessageBox(icon, self.tr("Quit AgentDesk"), text, QMessageBox.StandardButton.NoButton, self._window)
        box.setObjectName("quitQuestion")
        accept: QPushButton | None = None
        if accept_text is None:
            box.addButton(QMessageBox.StandardButton.Ok)
        else:
            accept = box.addButton(accept_text, QMessageBox.ButtonRole.AcceptRole)
            cancel = box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(accept)
            box.setEscapeButton(cancel)
        self.sign_out_button = accept

        def done(_result: int) -> None:
            self._box = None
            chosen = box.clickedButton() is accept and accept is not None
            box.deleteLater()
            if chosen:
                self._sign_out_and_quit()
            else:
                log.info("quit cancelled")
                self.quit_cancelled.emit()

        box.finished.connect(done)
        self._box = box
        box.open()

    def _sign_out_and_quit(self) -> None:
        if self._area.quit_check() is not QuitCheck.SIGN_OUT:  # offline (or changed meanwhile): nothing to send
            self._approve(QuitOutcome.NOT_SENT)
            return
        self._signing_out = True
        self._area.bar.show_message(self.tr("Signing out…"))
        self._area.sign_out_for_quit(self._approve, self._timeout_s)

    def _approve(self, outcome: QuitOutcome) -> None:
        self.outcome = outcome
        self._signing_out = False
        self.quit_approved.emit()


__all__ = ["QuitGuard"]
