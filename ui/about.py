"""The About dialog: what AgentDesk is and the versions of its parts (for support calls and bug reports).

Main thread only. The pjsip version comes from ``sip.version`` (no pjsua2 import here, no SIP endpoint touched).
"""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, Qt, qVersion
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.version import __version__


def component_versions() -> list[tuple[str, str]]:
    """``(component, version)`` pairs shown in the dialog and put in diagnostics. Names are not translated."""
    from sip.version import pjsip_version  # lazily: importlib.metadata is slow to import, and only needed here

    return [
        ("AgentDesk", __version__),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
        ("pjsip", pjsip_version() or "-"),
        ("Python", platform.python_version()),
        ("OS", platform.platform(terse=True)),
    ]


class AboutDialog(QDialog):
    """Non-modal About box with the component versions and a button to copy them."""

    def __init__(self, icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AboutDialog")
        self.versions = component_versions()
        outer = QVBoxLayout(self)
        header = QHBoxLayout()
        logo = QLabel(self)
        logo.setPixmap(icon.pixmap(64, 64))
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        self._title = QLabel(self)
        self._title.setObjectName("aboutTitle")
        self._title.setWordWrap(True)
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        header.addWidget(self._title, 1)
        outer.addLayout(header)
        form = QFormLayout()
        self.version_labels: dict[str, QLabel] = {}
        for name, value in self.versions:
            label = QLabel(value, self)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(name, label)
            self.version_labels[name] = label
        outer.addLayout(form)
        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self._copy = self._buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self._copy.clicked.connect(self.copy_versions)
        self._buttons.rejected.connect(self.close)
        outer.addWidget(self._buttons)
        self.retranslate_ui()

    def copy_versions(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(f"{name}: {value}" for name, value in self.versions))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("About AgentDesk"))
        self._title.setText(
            self.tr(
                "AgentDesk\nSoftphone, agent state, tickets and knowledge base for contact-center agents working "
                "from home."
            )
        )
        self._copy.setText(self.tr("Copy versions"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
