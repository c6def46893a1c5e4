"""Shift metrics for supervisors: a table per agent (plus the team's totals) and a stacked-bar chart of time in each
state, drawn with QPainter (QtCharts is not part of pyside6-essentials). Main thread only."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.protocol import AgentMetrics, AgentState, TeamMetrics
from ui.state.names import STATE_COLORS, StateNames
from ui.state.state_bar import format_duration

_Index = QModelIndex | QPersistentModelIndex

#: States shown in the metrics (signed out is not working time).
CHART_STATES = (AgentState.READY, AgentState.NOT_READY, AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP)


class MetricsColumn(enum.IntEnum):
    AGENT = 0
    OFFERED = 1
    HANDLED = 2
    MISSED = 3
    ANSWER_RATE = 4
    AVERAGE_HANDLE = 5
    READY = 6
    NOT_READY = 7
    ON_CALL = 8
    WRAP_UP = 9


_STATE_COLUMNS = {
    MetricsColumn.READY: AgentState.READY,
    MetricsColumn.NOT_READY: AgentState.NOT_READY,
    MetricsColumn.ON_CALL: AgentState.ON_CALL,
    MetricsColumn.WRAP_UP: AgentState.WRAP_UP,
}


def seconds_in(metrics: AgentMetrics, state: AgentState) -> float:
    return float(metrics.seconds_in_state.get(state.value, 0.0))


class MetricsTableModel(QAbstractTableModel):
    """Rows: each agent, then the team's totals."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AgentMetrics] = []
        self._names = StateNames(self)

    def set_metrics(self, metrics: TeamMetrics) -> None:
        self.beginResetModel()
        self._rows = [*sorted(metrics.agents, key=lambda a: a.display_name), metrics.totals]
        self.endResetModel()

    def retranslate(self) -> None:
        """After a language switch: the headers and the team-total row's label."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(MetricsColumn) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(MetricsColumn) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(MetricsColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        column = MetricsColumn(section)
        if column in _STATE_COLUMNS:
            return self._names.state(_STATE_COLUMNS[column])
        return {
            MetricsColumn.AGENT: self.tr("Agent"),
            MetricsColumn.OFFERED: self.tr("Calls offered"),
            MetricsColumn.HANDLED: self.tr("Calls handled"),
            MetricsColumn.MISSED: self.tr("Missed calls"),
            MetricsColumn.ANSWER_RATE: self.tr("Answer rate"),
            MetricsColumn.AVERAGE_HANDLE: self.tr("Average handle time"),
        }.get(column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        m = self._rows[index.row()]
        column = MetricsColumn(index.column())
        totals = index.row() == len(self._rows) - 1
        if role == Qt.ItemDataRole.FontRole and totals:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column is not MetricsColumn.AGENT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column is MetricsColumn.AGENT:
            return self.tr("Team total") if totals else m.display_name
        if column is MetricsColumn.OFFERED:
            return str(m.calls_offered)
        if column is MetricsColumn.HANDLED:
            return str(m.calls_handled)
        if column is MetricsColumn.MISSED:
            return str(m.missed_calls)
        if column is MetricsColumn.ANSWER_RATE:
            return "—" if m.answer_rate is None else f"{m.answer_rate * 100:.0f}%"
        if column is MetricsColumn.AVERAGE_HANDLE:
            return "—" if m.average_handle_s is None else format_duration(m.average_handle_s)
        return format_duration(seconds_in(m, _STATE_COLUMNS[column]))


class MetricsChart(QWidget):
    """Horizontal stacked bars: one per agent, each segment the share of the shift spent in a state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._agents: list[AgentMetrics] = []
        self._names = StateNames(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(120)

    def set_metrics(self, metrics: TeamMetrics) -> None:
        self._agents = sorted(metrics.agents, key=lambda a: a.display_name)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 40 + 28 * max(1, len(self._agents)))

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        label_w = max([metrics.horizontalAdvance(a.display_name) for a in self._agents] + [60]) + 12
        legend_h = metrics.height() + 10
        # legend
        x = 4.0
        for state in CHART_STATES:
            painter.fillRect(QRectF(x, 4, 12, 12), QColor(STATE_COLORS[state]))
            text = self._names.state(state)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(x + 16, 0, 200, legend_h), Qt.AlignmentFlag.AlignVCenter, text)
            x += 16 + metrics.horizontalAdvance(text) + 14
        if not self._agents:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No data for this period"))
            painter.end()
            return
        longest = max(sum(seconds_in(a, s) for s in CHART_STATES) for a in self._agents) or 1.0
        bar_area = max(10.0, self.width() - label_w - 70)
        y = float(legend_h + 6)
        for agent in self._agents:
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(4, y, label_w - 8, 20), Qt.AlignmentFlag.AlignVCenter, agent.display_name)
            x = float(label_w)
            total = 0.0
            for state in CHART_STATES:
                seconds = seconds_in(agent, state)
                width = bar_area * seconds / longest
                if width > 0:
                    painter.fillRect(QRectF(x, y + 2, width, 16), QColor(STATE_COLORS[state]))
                x += width
                total += seconds
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(x + 6, y, 70, 20), Qt.AlignmentFlag.AlignVCenter, format_duration(total))
            y += 28
        painter.end()
