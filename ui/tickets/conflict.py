"""The 409 conflict dialog: both versions side by side and a choice; nothing is overwritten silently. Main thread.

Signals:
    resolved(str, bool): op id, and True to keep the agent's change (re-applied on the hub's version).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import protocol as proto
from app.sync.events import ConflictRaised
from ui.tickets.labels import priority_label, status_label

_FIELDS = ("subject", "description", "customer_name", "customer_phone", "category", "priority", "status")


def _show(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "status":
        try:
            return status_label(proto.TicketStatus(value))
        except ValueError:
            return str(value)
    if name == "priority":
        try:
            return priority_label(proto.TicketPriority(value))
        except ValueError:
            return str(value)
    return str(value)


class ConflictDialog(QDialog):
    """Shows what the agent changed, what the hub holds now, and asks which to keep."""

    resolved = Signal(str, bool)

    def __init__(self, conflict: ConflictRaised, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._op_id = conflict.op_id
        self.setWindowTitle(self.tr("Ticket changed by someone else"))
        theirs = conflict.theirs
        intro = QLabel(
            self.tr(
                "Ticket %1 was changed on the hub while you were editing it. "
                "Choose which version to keep; nothing is overwritten without your choice."
            ).replace("%1", theirs.number)
        )
        intro.setWordWrap(True)
        labels = {
            "subject": self.tr("Subject"),
            "description": self.tr("Description"),
            "customer_name": self.tr("Customer"),
            "customer_phone": self.tr("Phone"),
            "category": self.tr("Category"),
            "priority": self.tr("Priority"),
            "status": self.tr("Status"),
            "custom_fields": self.tr("Fields"),
        }
        model = QStandardItemModel(0, 3, self)
        model.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Your change"), self.tr("Now on the hub")])
        theirs_wire = proto.to_wire(theirs)
        for name in _FIELDS:
            mine = conflict.mine.get(name)
            if mine is None:
                continue
            row = [
                QStandardItem(labels[name]),
                QStandardItem(_show(name, mine)),
                QStandardItem(_show(name, theirs_wire.get(name))),
            ]
            model.appendRow(row)
        mine_fields = conflict.mine.get("custom_fields") or {}
        if isinstance(mine_fields, dict):
            for key, value in mine_fields.items():
                model.appendRow(
                    [
                        QStandardItem(labels["custom_fields"] + " · " + key),
                        QStandardItem(str(value)),
                        QStandardItem(str(theirs.custom_fields.get(key, ""))),
                    ]
                )
        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        buttons = QDialogButtonBox(self)
        self.keep_mine = QPushButton(self.tr("Keep my change"), self)
        self.take_theirs = QPushButton(self.tr("Use the hub's version"), self)
        buttons.addButton(self.keep_mine, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.take_theirs, QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_mine.clicked.connect(self._on_keep_mine_clicked)
        self.take_theirs.clicked.connect(self._on_take_theirs_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 320)

    @Slot()
    def _on_keep_mine_clicked(self) -> None:
        self.resolved.emit(self._op_id, True)
        self.accept()

    @Slot()
    def _on_take_theirs_clicked(self) -> None:
        self.resolved.emit(self._op_id, False)
        self.accept()

    def reject(self) -> None:
        """Closing the window decides nothing: the conflict stays queued and can be resolved later."""
        super().reject()


__all__ = ["ConflictDialog"]
