"""The live team board as a Qt model: ``TeamBoardModel`` over ``app.state.supervisor.SupervisorBoard`` rows and
``TeamBoardFilter`` (state filter + name search). Main thread only.

Pushes update one row (``dataChanged``), new agents are inserted (``beginInsertRows``); a one-second tick refreshes
only the two clock columns.
"""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QBrush, QColor

from app.protocol import AgentState, HealthVerdict
from app.state.model import reason_category
from app.state.supervisor import BoardRow, SupervisorBoard
from ui.state.names import StateNames, state_color
from ui.state.state_bar import format_duration

_Index = QModelIndex | QPersistentModelIndex

#: Raw sort value of each row (UserRole): seconds for the clocks, the MOS, names for text columns.
SORT_ROLE = Qt.ItemDataRole.UserRole
AGENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(enum.IntEnum):
    AGENT = 0
    STATE = 1
    REASON = 2
    TIME_IN_STATE = 3
    CALL = 4
    HEALTH = 5
    MOS = 6


HEALTH_COLORS = {HealthVerdict.OK: "#2e7d32", HealthVerdict.WARN: "#ef6c00", HealthVerdict.FAIL: "#c62828"}


class TeamBoardModel(QAbstractTableModel):
    """One row per agent of the supervisor's team."""

    def __init__(self, board: SupervisorBoard, parent: QObject | None = None, *, chinese: bool = True) -> None:
        super().__init__(parent)
        self._board = board
        self._names = StateNames(self)
        self._chinese = chinese
        board.on_rows_reset.append(self._on_board_reset)
        board.on_row_changed.append(self._on_board_row_changed)
        board.on_row_inserting.append(self._on_board_row_inserting)
        board.on_row_added.append(self._on_board_row_added)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick_timeout)
        self._tick.start()

    @property
    def board(self) -> SupervisorBoard:
        return self._board

    def retranslate(self, chinese: bool) -> None:
        """After a language switch: headers and every cell again (states, reasons in the hub's other language)."""
        self._chinese = chinese
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(Column) - 1))

    # -- board listeners -------------------------------------------------------------------------------------------
    def _on_board_reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _on_board_row_changed(self, agent_id: int) -> None:
        row = self._board.index_of(agent_id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _on_board_row_inserting(self, position: int) -> None:
        self.beginInsertRows(QModelIndex(), position, position)

    def _on_board_row_added(self, agent_id: int) -> None:
        del agent_id
        self.endInsertRows()

    @Slot()
    def _on_tick_timeout(self) -> None:
        if self.rowCount():
            top = self.index(0, Column.TIME_IN_STATE)
            bottom = self.index(self.rowCount() - 1, Column.CALL)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DisplayRole, SORT_ROLE])

    # -- model API -------------------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._board)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        headers = {
            Column.AGENT: self.tr("Agent"),
            Column.STATE: self.tr("State"),
            Column.REASON: self.tr("Reason"),
            Column.TIME_IN_STATE: self.tr("Time in state"),
            Column.CALL: self.tr("Call duration"),
            Column.HEALTH: self.tr("Health"),
            Column.MOS: self.tr("MOS"),
        }
        return headers.get(Column(section))

    def row_at(self, row: int) -> BoardRow:
        return self._board.row_at(row)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._board):
            return None
        row = self._board.row_at(index.row())
        column = Column(index.column())
        status = row.status
        now = self._board.now()
        team = self._board.team
        if role == AGENT_ID_ROLE:
            return status.agent_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, now)
        if role == SORT_ROLE:
            return self._sort_value(row, column, now)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is Column.STATE:
                return QBrush(QColor("white"))
            if column is Column.HEALTH and row.health is not None:
                return QBrush(QColor(HEALTH_COLORS[row.health]))
            if column is Column.AGENT and not status.online and status.state is not AgentState.SIGNED_OUT:
                return QBrush(QColor("#9e9e9e"))
        if role == Qt.ItemDataRole.BackgroundRole and column is Column.STATE:
            category = reason_category(team, status.reason) if status.state is AgentState.NOT_READY else None
            return QBrush(state_color(status.state, category))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is Column.STATE and status.changed_by_name:
                return self.tr("Last change by %1").replace("%1", status.changed_by_name)
            if column is Column.AGENT and not status.online and status.state is not AgentState.SIGNED_OUT:
                return self.tr("Offline: no heartbeat from this agent's computer")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.TIME_IN_STATE, Column.CALL, Column.MOS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: BoardRow, column: Column, now: Any) -> str:
        status = row.status
        team = self._board.team
        if column is Column.AGENT:
            name = status.display_name
            if not status.online and status.state is not AgentState.SIGNED_OUT:
                name = self.tr("%1 (offline)").replace("%1", name)
            return name
        if column is Column.STATE:
            category = reason_category(team, status.reason) if status.state is AgentState.NOT_READY else None
            text = self._names.state(status.state, category)
            if row.pending_force is not None:
                text = self.tr("%1 → %2…").replace("%1", text).replace("%2", self._names.state(row.pending_force))
            elif status.pending_state is not None:
                text = (
                    self.tr("%1 (next: %2)").replace("%1", text).replace("%2", self._names.state(status.pending_state))
                )
            return text
        if column is Column.REASON:
            if status.state in (AgentState.NOT_READY, AgentState.SIGNED_OUT):
                return self._names.reason(team, status.reason, self._chinese)
            return ""
        if column is Column.TIME_IN_STATE:
            return "" if status.state is AgentState.SIGNED_OUT else format_duration(row.seconds_in_state(now))
        if column is Column.CALL:
            call = row.call_seconds(now)
            return "" if call is None else format_duration(call)
        if column is Column.HEALTH:
            return self._health_text(row.health)
        return "" if row.mos is None else f"{row.mos:.1f}"  # Column.MOS

    def _health_text(self, verdict: HealthVerdict | None) -> str:
        if verdict is None:
            return ""
        return {
            HealthVerdict.OK: self.tr("OK"),
            HealthVerdict.WARN: self.tr("Warning"),
            HealthVerdict.FAIL: self.tr("Failed"),
        }[verdict]

    def _sort_value(self, row: BoardRow, column: Column, now: Any) -> Any:
        if column is Column.TIME_IN_STATE:
            return row.seconds_in_state(now)
        if column is Column.CALL:
            return row.call_seconds(now) or 0.0
        if column is Column.MOS:
            return row.mos if row.mos is not None else -1.0
        if column is Column.STATE:
            return list(AgentState).index(row.status.state)
        return self._display(row, column, now)


class StateFilter(enum.Enum):
    ALL = "all"
    READY = "ready"
    NOT_READY = "not_ready"  # 示忙 and 小休
    IN_CALL = "in_call"  # ringing or on call
    WRAP_UP = "wrap_up"
    SIGNED_IN = "signed_in"
    OFFLINE = "offline"  # signed in on the hub but no heartbeat
    HEALTH_PROBLEM = "health_problem"  # last health verdict warn or fail


class TeamBoardFilter(QSortFilterProxyModel):
    """Filters the board by state group and by a name search; sorts on raw values (``SORT_ROLE``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state_filter = StateFilter.ALL
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(Column.AGENT)
        self.setDynamicSortFilter(True)

    def set_state_filter(self, value: StateFilter) -> None:
        self.beginFilterChange()
        self._state_filter = value
        self.endFilterChange()

    def set_search(self, text: str) -> None:
        self.setFilterFixedString(text)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, TeamBoardModel) or source_row >= model.rowCount():
            return False
        row = model.row_at(source_row)
        state = row.status.state
        wanted = self._state_filter
        ok = {
            StateFilter.ALL: True,
            StateFilter.READY: state is AgentState.READY,
            StateFilter.NOT_READY: state is AgentState.NOT_READY,
            StateFilter.IN_CALL: state in (AgentState.RINGING, AgentState.ON_CALL),
            StateFilter.WRAP_UP: state is AgentState.WRAP_UP,
            StateFilter.SIGNED_IN: state is not AgentState.SIGNED_OUT,
            StateFilter.OFFLINE: state is not AgentState.SIGNED_OUT and not row.status.online,
            StateFilter.HEALTH_PROBLEM: row.health in (HealthVerdict.WARN, HealthVerdict.FAIL),
        }[wanted]
        return ok and super().filterAcceptsRow(source_row, source_parent)
