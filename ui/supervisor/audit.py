"""The supervisor's command audit: one row per force command on the team's agents (the hub's
``supervisor_commands``), newest first — when, who, on whom, what, the state the agent was in, and what became of it
(applied at once; pending until the call ends; applied after the call, with the time; superseded, by whom).
Main thread only."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.protocol import CommandOutcome, SupervisorCommandRecord, TeamPolicy
from ui.state.names import StateNames

_Index = QModelIndex | QPersistentModelIndex


class AuditColumn(enum.IntEnum):
    ISSUED = 0
    SUPERVISOR = 1
    AGENT = 2
    COMMAND = 3
    AGENT_STATE = 4
    OUTCOME = 5


OUTCOME_COLORS = {
    CommandOutcome.APPLIED: "#2e7d32",
    CommandOutcome.PENDING: "#0277bd",
    CommandOutcome.SUPERSEDED: "#757575",
}


def local_time(value: Any) -> str:
    """``HH:MM:SS`` in the computer's time zone (the hub sends UTC)."""
    return str(value.astimezone().strftime("%H:%M:%S")) if value is not None else ""


class CommandAuditModel(QAbstractTableModel):
    """The audit records as a table (see the module docstring)."""

    def __init__(self, team: TeamPolicy, parent: QObject | None = None, *, chinese: bool = True) -> None:
        super().__init__(parent)
        self._records: list[SupervisorCommandRecord] = []
        self._names = StateNames(self)
        self._team = team
        self._chinese = chinese

    @property
    def records(self) -> list[SupervisorCommandRecord]:
        return list(self._records)

    def set_records(self, records: list[SupervisorCommandRecord], team: TeamPolicy | None = None) -> None:
        self.beginResetModel()
        self._records = list(records)
        if team is not None:
            self._team = team
        self.endResetModel()

    def retranslate(self, chinese: bool) -> None:
        self._chinese = chinese
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(AuditColumn) - 1)
        if self._records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._records) - 1, len(AuditColumn) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(AuditColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            AuditColumn.ISSUED: self.tr("Time"),
            AuditColumn.SUPERVISOR: self.tr("Supervisor"),
            AuditColumn.AGENT: self.tr("Agent"),
            AuditColumn.COMMAND: self.tr("Command"),
            AuditColumn.AGENT_STATE: self.tr("Agent was"),
            AuditColumn.OUTCOME: self.tr("Result"),
        }.get(AuditColumn(section))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._records):
            return None
        record = self._records[index.row()]
        column = AuditColumn(index.column())
        if role == Qt.ItemDataRole.ForegroundRole and column is AuditColumn.OUTCOME:
            return QColor(OUTCOME_COLORS[record.outcome])
        if role == Qt.ItemDataRole.ToolTipRole and record.note:
            return self.tr("Note: %1").replace("%1", record.note)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column is AuditColumn.ISSUED:
            return local_time(record.issued_at)
        if column is AuditColumn.SUPERVISOR:
            return record.supervisor_name
        if column is AuditColumn.AGENT:
            return record.agent_name
        if column is AuditColumn.COMMAND:
            return self._names.state_with_reason(self._team, record.state, record.reason, self._chinese)[0]
        if column is AuditColumn.AGENT_STATE:
            return self._names.state(record.agent_state)
        return self.outcome_text(record)

    def outcome_text(self, record: SupervisorCommandRecord) -> str:
        if record.outcome is CommandOutcome.PENDING:
            return self.tr("Waiting for the call to end")
        if record.outcome is CommandOutcome.APPLIED:
            if record.deferred:
                return self.tr("Applied after the call at %1").replace("%1", local_time(record.applied_at))
            return self.tr("Applied at once")
        who = record.resolved_by_name or self.tr("the hub")
        return (
            self.tr("Replaced at %1 by %2")
            .replace("%1", local_time(record.resolved_at))
            .replace("%2", who if record.resolved_by != record.agent_id else self.tr("the agent"))
        )


__all__ = ["AuditColumn", "CommandAuditModel", "local_time"]
