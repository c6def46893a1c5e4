"""``HistoryModel``: the local call history (``sip.history``) as a Qt table model. Main thread only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sip.history import HistoryEntry
from sip.model import CallDirection, CallOutcome
from sip.numbers import display_number
from ui.phone.texts import outcome_text

_Index = QModelIndex | QPersistentModelIndex


class HistoryModel(QAbstractTableModel):
    """Columns: time, direction, number (name), duration, outcome, MOS."""

    COLUMNS = 6
    ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def prepend(self, entry: HistoryEntry) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._entries.insert(0, entry)
        self.endInsertRows()

    def entry(self, row: int) -> HistoryEntry:
        return self._entries[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [
            self.tr("Time"),
            self.tr("Direction"),
            self.tr("Number"),
            self.tr("Duration"),
            self.tr("Result"),
            self.tr("MOS"),
        ][section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        e = self._entries[index.row()]
        col = index.column()
        if role == self.ENTRY_ROLE:
            return e
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                when = dt.datetime.fromtimestamp(e.started_at)
                fmt = "%H:%M" if when.date() == dt.date.today() else "%m-%d %H:%M"
                return when.strftime(fmt)
            if col == 1:
                return self.tr("In") if e.direction is CallDirection.INCOMING else self.tr("Out")
            if col == 2:
                number = display_number(e.number)
                return f"{e.name} ({number})" if e.name else number
            if col == 3:
                seconds = int(e.duration_s)
                return f"{seconds // 60}:{seconds % 60:02d}" if e.answered_at else ""
            if col == 4:
                return outcome_text(e.outcome)
            if col == 5:
                return f"{e.mos_avg:.1f}" if e.mos_avg is not None else ""
        if role == Qt.ItemDataRole.ForegroundRole and e.outcome is CallOutcome.MISSED:
            return QBrush(QColor("#c0392b"))
        if role == Qt.ItemDataRole.ToolTipRole and col == 5 and e.mos_min is not None:
            return self.tr("Worst MOS during the call: %1").replace("%1", f"{e.mos_min:.1f}")
        return None
