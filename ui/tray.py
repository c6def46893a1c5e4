"""The tray icon: shows AgentDesk is running when the window is hidden, and brings it back.

Signals:
    show_requested(): the user clicked the icon or chose Show.
    quit_requested(): the user chose Quit.

Main thread only. Where the platform has no system tray (``QSystemTrayIcon.isSystemTrayAvailable()`` is false, as on
the offscreen platform), the icon stays hidden and the window does not close to the tray.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon


class TrayIcon(QSystemTrayIcon):
    """AgentDesk's tray icon and its menu (see the module docstring for its signals)."""

    show_requested = Signal()
    quit_requested = Signal()

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(icon, parent)
        self._menu = QMenu()
        self._menu.installEventFilter(self)
        self.action_show = QAction(self._menu)
        self.action_show.triggered.connect(self.show_requested)
        self.action_quit = QAction(self._menu)
        self.action_quit.triggered.connect(self.quit_requested)
        self._menu.addAction(self.action_show)
        self._menu.addSeparator()
        self._menu.addAction(self.action_quit)
        self.setContextMenu(self._menu)
        self.activated.connect(self._on_self_activated)
        self.retranslate_ui()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def set_status(self, text: str) -> None:
        """The tooltip: AgentDesk and the agent's current status (state, call)."""
        self.setToolTip(self.tr("AgentDesk") + (f" — {text}" if text else ""))

    def retranslate_ui(self) -> None:
        self.action_show.setText(self.tr("Show AgentDesk"))
        self.action_quit.setText(self.tr("Quit"))
        self.set_status("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # QSystemTrayIcon is not a widget and gets no LanguageChange; its menu does.
        if watched is self._menu and event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        return super().eventFilter(watched, event)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_self_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()
