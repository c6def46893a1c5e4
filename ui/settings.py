"""The preferences dialog: a general page (language, tray, notifications) plus pages other areas register.

Each page is a widget whose ``windowTitle()`` is its name in the list. The general page saves through
``app.config.ConfigStore`` (the user file); a key locked by IT is shown disabled with a tooltip saying so, and a
refused change is reported without losing the other changes. Pages from other areas save themselves (they get the
``ConfigStore`` from the composition root) when the dialog is accepted: they implement ``apply()`` if they want to be
told. Main thread only.
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import ConfigError, ConfigStore, Language

log = logging.getLogger(__name__)


@runtime_checkable
class ApplicablePage(Protocol):
    """A settings page that wants to save when the dialog is accepted."""

    def apply(self) -> None: ...


class GeneralPage(QWidget):
    """Language, tray and notification settings."""

    def __init__(self, store: ConfigStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("GeneralPage")
        self._store = store
        form = QFormLayout(self)
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("language")
        for language in Language:
            self.language_combo.addItem("", language.value)
        self.close_to_tray_box = QCheckBox(self)
        self.start_minimized_box = QCheckBox(self)
        self.notifications_box = QCheckBox(self)
        self._language_label = QLabel(self)
        form.addRow(self._language_label, self.language_combo)
        form.addRow(self.close_to_tray_box)
        form.addRow(self.start_minimized_box)
        form.addRow(self.notifications_box)
        self._widgets: dict[str, QWidget] = {
            "ui.language": self.language_combo,
            "ui.close_to_tray": self.close_to_tray_box,
            "ui.start_minimized": self.start_minimized_box,
            "ui.notifications": self.notifications_box,
        }
        self.load()
        self.retranslate_ui()

    def load(self) -> None:
        """Show the effective values and the locks."""
        ui = self._store.config.ui
        self.language_combo.setCurrentIndex(self.language_combo.findData(ui.language.value))
        self.close_to_tray_box.setChecked(ui.close_to_tray)
        self.start_minimized_box.setChecked(ui.start_minimized)
        self.notifications_box.setChecked(ui.notifications)
        for key, widget in self._widgets.items():
            widget.setEnabled(not self._store.loaded.is_locked(key))

    def changes(self) -> dict[str, object]:
        """What differs from the effective configuration (locked keys are never included)."""
        ui = self._store.config.ui
        wanted: dict[str, object] = {
            "ui.language": Language(self.language_combo.currentData()),
            "ui.close_to_tray": self.close_to_tray_box.isChecked(),
            "ui.start_minimized": self.start_minimized_box.isChecked(),
            "ui.notifications": self.notifications_box.isChecked(),
        }
        current = {
            "ui.language": ui.language,
            "ui.close_to_tray": ui.close_to_tray,
            "ui.start_minimized": ui.start_minimized,
            "ui.notifications": ui.notifications,
        }
        return {k: v for k, v in wanted.items() if v != current[k] and not self._store.loaded.is_locked(k)}

    def apply(self) -> None:
        changes = self.changes()
        if changes:
            self._store.save(changes)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("General"))
        self._language_label.setText(self.tr("Language:"))
        names = {Language.SYSTEM: self.tr("System language"), Language.ZH_CN: "简体中文", Language.EN: "English"}
        for index in range(self.language_combo.count()):
            self.language_combo.setItemText(index, names[Language(self.language_combo.itemData(index))])
        self.close_to_tray_box.setText(self.tr("Keep running in the tray when the window is closed"))
        self.start_minimized_box.setText(self.tr("Start minimized to the tray"))
        self.notifications_box.setText(self.tr("Show desktop notifications"))
        locked_tip = self.tr("Set by your IT department")
        for key, widget in self._widgets.items():
            widget.setToolTip(locked_tip if self._store.loaded.is_locked(key) else "")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


class SettingsDialog(QDialog):
    """Preferences: a list of pages on the left, the page on the right.

    Signals:
        save_failed(object): a ``ConfigError`` raised while saving (the dialog stays open).
    """

    save_failed = Signal(object)

    def __init__(self, store: ConfigStore, pages: list[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsDialog")
        self.general = GeneralPage(store, self)
        self.pages: list[QWidget] = [self.general, *pages]
        self._list = QListWidget(self)
        self._list.setObjectName("pageList")
        self._list.setMaximumWidth(180)
        self._stack = QStackedWidget(self)
        for page in self.pages:
            self._stack.addWidget(page)
            self._list.addItem(page.windowTitle())
            page.windowTitleChanged.connect(self._on_page_window_title_changed)
        self._list.currentRowChanged.connect(self._stack.setCurrentIndex)
        self._list.setCurrentRow(0)
        body = QHBoxLayout()
        body.addWidget(self._list)
        body.addWidget(self._stack, 1)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    @Slot()
    def _on_buttons_accepted(self) -> None:
        for page in self.pages:
            if isinstance(page, ApplicablePage):
                try:
                    page.apply()
                except ConfigError as exc:
                    log.warning("settings: %s", exc)
                    self.error_label.setText(self.tr("This setting could not be saved: %1").replace("%1", exc.key))
                    self.error_label.show()
                    self.save_failed.emit(exc)
                    return
        self.accept()

    @Slot(str)
    def _on_page_window_title_changed(self, title: str) -> None:
        page = self.sender()
        if isinstance(page, QWidget) and page in self.pages:
            item = self._list.item(self.pages.index(page))
            if item is not None:
                item.setText(title)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Preferences"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
