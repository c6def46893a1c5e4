"""The blocking dialog shown when the hub says this client is older than the site's minimum version.

Main thread only. The agent cannot work with a client the hub refuses, so the dialog offers exactly two ways out:
open the site's update page (when IT configured one) or quit. There is no self-updater: managed fleets are upgraded
by IT's software distribution (MSI through GPO/Intune, the .deb through the site's repository).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget


class UpdateRequiredDialog(QDialog):
    """Modal and blocking: ``exec()``/``open()`` finishes only when the agent quits or opens the update page.

    Signals: none beyond ``QDialog``'s (``rejected`` means quit, ``accepted`` means the update page was opened).
    """

    def __init__(self, current: str, minimum: str, update_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("update_required_dialog")
        self.setModal(True)
        self.setWindowTitle(self.tr("Update required"))
        self._update_url = update_url

        headline = QLabel(self.tr("This version of AgentDesk is no longer supported by your contact center."))
        headline.setWordWrap(True)
        headline.setObjectName("headline")
        versions = QLabel(
            self.tr("Installed version: %1. Minimum version required: %2.")
            .replace("%1", current)
            .replace("%2", minimum)
        )
        versions.setObjectName("versions")
        if update_url:
            how = self.tr("Install the new version from %1, then start AgentDesk again.").replace(
                "%1", f'<a href="{_escape(update_url)}">{_escape(update_url)}</a>'
            )
        else:
            how = self.tr("Ask your IT service desk to install the new version, then start AgentDesk again.")
        advice = QLabel(how)
        advice.setObjectName("advice")
        advice.setWordWrap(True)
        advice.setTextFormat(Qt.TextFormat.RichText)
        advice.setOpenExternalLinks(True)

        buttons = QDialogButtonBox()
        self.open_button: QPushButton | None = None
        if update_url:
            self.open_button = buttons.addButton(self.tr("Open update page"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.open_button.setObjectName("open_update_page")
        self.quit_button = buttons.addButton(self.tr("Quit AgentDesk"), QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.setObjectName("quit")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        for widget in (headline, versions, advice, buttons):
            layout.addWidget(widget)

    def _on_buttons_accepted(self) -> None:
        QDesktopServices.openUrl(QUrl(self._update_url))
        self.accept()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
