"""Supervisor mode: the live team board with filters, force state / sign out (with confirmation), broadcast with an
expiry, and shift metrics (table + chart). Shown only to users with the supervisor (or admin) role. Main thread only.

Signals:
    notice_shown(str): a translated message (command refused, broadcast sent, …) for the shell's notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QEvent, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.protocol import AgentState, CommandOutcome, ReasonCategory, SupervisorCommandRecord, TeamMetrics
from app.state.model import reasons_of
from app.state.supervisor import BoardNotice, BoardNoticeKind, SupervisorBoard
from ui.state.names import StateNames, ui_language_is_chinese
from ui.supervisor.audit import CommandAuditModel
from ui.supervisor.board_model import AGENT_ID_ROLE, StateFilter, TeamBoardFilter, TeamBoardModel
from ui.supervisor.metrics import MetricsChart, MetricsTableModel

# The board's filter list, in order (texts: ``SupervisorPanel._filter_text``).
FILTERS = (
    StateFilter.ALL,
    StateFilter.SIGNED_IN,
    StateFilter.READY,
    StateFilter.NOT_READY,
    StateFilter.IN_CALL,
    StateFilter.WRAP_UP,
    StateFilter.OFFLINE,
    StateFilter.HEALTH_PROBLEM,
)
# The metrics periods offered, in hours.
PERIOD_HOURS = (8, 24, 24 * 7)
AUDIT_TAB = 2


class SupervisorPanel(QWidget):
    """See the module docstring."""

    notice_shown = Signal(str)

    def __init__(
        self,
        board: SupervisorBoard,
        parent: QWidget | None = None,
        *,
        chinese: bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("supervisorPanel")
        self._board = board
        self._clock = clock
        self._chinese = chinese
        self._names = StateNames(self)
        self.model = TeamBoardModel(board, self, chinese=chinese)
        self.proxy = TeamBoardFilter(self)
        self.proxy.setSourceModel(self.model)

        # -- board tab
        self.filter_combo = QComboBox(self)
        self.filter_combo.setObjectName("stateFilter")
        for value in FILTERS:
            self.filter_combo.addItem("", value)  # texts: retranslate_ui()
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_changed)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search agent"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.proxy.set_search)

        self.table = QTableView(self)
        self.table.setObjectName("teamBoard")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.force_ready_button = QPushButton(self.tr("Force ready"), self)
        self.force_ready_button.setObjectName("forceReady")
        self.force_ready_button.clicked.connect(self._on_force_ready_clicked)
        self.force_not_ready_menu = QMenu(self)
        # Filled when it opens: the team's reasons arrive from the hub after the panel exists, and change with the
        # team's policy and the interface language.
        self.force_not_ready_menu.aboutToShow.connect(self._on_force_not_ready_menu_about_to_show)
        self.force_not_ready_button = QPushButton(self.tr("Force not ready"), self)
        self.force_not_ready_button.setObjectName("forceNotReady")
        self.force_not_ready_button.setMenu(self.force_not_ready_menu)
        self.force_sign_out_button = QPushButton(self.tr("Sign out agent"), self)
        self.force_sign_out_button.setObjectName("forceSignOut")
        self.force_sign_out_button.clicked.connect(self._on_force_sign_out_clicked)

        self.broadcast_edit = QLineEdit(self)
        self.broadcast_edit.setObjectName("broadcastText")
        self.broadcast_edit.setPlaceholderText(self.tr("Message to the whole team"))
        self.broadcast_edit.setMaxLength(500)
        self.expiry_spin = QSpinBox(self)
        self.expiry_spin.setRange(1, 12 * 60)
        self.expiry_spin.setValue(30)
        self.broadcast_button = QPushButton(self.tr("Broadcast"), self)
        self.broadcast_button.setObjectName("broadcastButton")
        self.broadcast_button.clicked.connect(self._on_broadcast_clicked)
        self.broadcast_edit.returnPressed.connect(self._on_broadcast_clicked)

        self.message_label = QLabel(self)
        self.message_label.setObjectName("supervisorMessage")
        self.message_label.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.filter_combo)
        filters.addWidget(self.search_edit, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.force_ready_button)
        actions.addWidget(self.force_not_ready_button)
        actions.addWidget(self.force_sign_out_button)
        actions.addStretch(1)
        broadcast = QHBoxLayout()
        broadcast.addWidget(self.broadcast_edit, 1)
        self.expires_label = QLabel(self)
        broadcast.addWidget(self.expires_label)
        broadcast.addWidget(self.expiry_spin)
        broadcast.addWidget(self.broadcast_button)
        board_page = QWidget(self)
        board_layout = QVBoxLayout(board_page)
        board_layout.addLayout(filters)
        board_layout.addWidget(self.table, 1)
        board_layout.addLayout(actions)
        board_layout.addLayout(broadcast)

        # -- metrics tab
        self.metrics_model = MetricsTableModel(self)
        self.metrics_table = QTableView(self)
        self.metrics_table.setObjectName("metricsTable")
        self.metrics_table.setModel(self.metrics_model)
        self.metrics_table.verticalHeader().hide()
        self.metrics_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.metrics_chart = MetricsChart(self)
        self.period_combo = QComboBox(self)
        self.period_combo.setObjectName("metricsPeriod")
        for hours in PERIOD_HOURS:
            self.period_combo.addItem("", hours)  # texts: retranslate_ui()
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setObjectName("refreshMetrics")
        self.refresh_button.clicked.connect(self.refresh_metrics)
        metrics_bar = QHBoxLayout()
        metrics_bar.addWidget(self.period_combo)
        metrics_bar.addStretch(1)
        metrics_bar.addWidget(self.refresh_button)
        metrics_page = QWidget(self)
        metrics_layout = QVBoxLayout(metrics_page)
        metrics_layout.addLayout(metrics_bar)
        metrics_layout.addWidget(self.metrics_table, 2)
        metrics_layout.addWidget(self.metrics_chart, 1)

        # -- audit tab: the hub's record of force commands (who, what, when, what became of it)
        self.audit_model = CommandAuditModel(board.team, self, chinese=chinese)
        self.audit_table = QTableView(self)
        self.audit_table.setObjectName("commandAudit")
        self.audit_table.setModel(self.audit_model)
        self.audit_table.verticalHeader().hide()
        self.audit_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.audit_table.horizontalHeader().setStretchLastSection(True)
        self.audit_refresh_button = QPushButton(self)
        self.audit_refresh_button.setObjectName("refreshAudit")
        self.audit_refresh_button.clicked.connect(self.refresh_audit)
        audit_bar = QHBoxLayout()
        audit_bar.addStretch(1)
        audit_bar.addWidget(self.audit_refresh_button)
        audit_page = QWidget(self)
        audit_layout = QVBoxLayout(audit_page)
        audit_layout.addLayout(audit_bar)
        audit_layout.addWidget(self.audit_table, 1)
        # A pending command resolves when the agent's call ends: refetch (once) after the agent's row changes.
        self._audit_timer = QTimer(self)
        self._audit_timer.setSingleShot(True)
        self._audit_timer.setInterval(300)
        self._audit_timer.timeout.connect(self.refresh_audit)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(board_page, self.tr("Team board"))
        self.tabs.addTab(metrics_page, self.tr("Shift metrics"))
        self.tabs.addTab(audit_page, self.tr("Command log"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message_label)

        self.retranslate_ui()
        board.on_notice.append(self._on_board_notice)
        board.on_metrics.append(self._on_board_metrics)
        board.on_row_changed.append(self._on_board_row_changed)
        board.on_audit.append(self._on_board_audit)
        self._confirm: QMessageBox | None = None
        self._update_buttons()

    @Slot(int)
    def _on_filter_combo_changed(self, index: int) -> None:
        value = self.filter_combo.itemData(index)
        if isinstance(value, StateFilter):
            self.proxy.set_state_filter(value)

    def _filter_text(self, value: StateFilter) -> str:
        texts = {
            StateFilter.ALL: self.tr("All agents"),
            StateFilter.SIGNED_IN: self.tr("Signed in"),
            StateFilter.READY: self._names.state(AgentState.READY),
            StateFilter.NOT_READY: self._names.state(AgentState.NOT_READY),
            StateFilter.IN_CALL: self._names.state(AgentState.ON_CALL),
            StateFilter.WRAP_UP: self._names.state(AgentState.WRAP_UP),
            StateFilter.OFFLINE: self.tr("Offline"),
            StateFilter.HEALTH_PROBLEM: self.tr("Health problems"),
        }
        return texts[value]

    def _period_text(self, hours: int) -> str:
        texts = {8: self.tr("Last 8 hours"), 24: self.tr("Last 24 hours"), 24 * 7: self.tr("Last 7 days")}
        return texts[hours]

    def retranslate_ui(self) -> None:
        """Every text, again after a language switch at run time (the tab title first): labels, buttons, the items
        of the filter and period lists (their selection stays), the models' headers and cells, the chart. Reason
        labels come from the hub in both languages and follow the interface language."""
        self.setWindowTitle(self.tr("Team board"))
        self.tabs.setTabText(0, self.tr("Team board"))
        self.tabs.setTabText(1, self.tr("Shift metrics"))
        self.tabs.setTabText(2, self.tr("Command log"))
        self.audit_refresh_button.setText(self.tr("Refresh"))
        self.force_ready_button.setText(self.tr("Force ready"))
        self.force_not_ready_button.setText(self.tr("Force not ready"))
        self.force_sign_out_button.setText(self.tr("Sign out agent"))
        self.broadcast_button.setText(self.tr("Broadcast"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.search_edit.setPlaceholderText(self.tr("Search agent"))
        self.broadcast_edit.setPlaceholderText(self.tr("Message to the whole team"))
        self.expires_label.setText(self.tr("Expires in"))
        self.expiry_spin.setSuffix(self.tr(" min"))
        self.expiry_spin.setToolTip(self.tr("The message disappears from the agents' screens after this time"))
        for index in range(self.filter_combo.count()):
            self.filter_combo.setItemText(index, self._filter_text(self.filter_combo.itemData(index)))
        for index in range(self.period_combo.count()):
            self.period_combo.setItemText(index, self._period_text(int(self.period_combo.itemData(index))))
        self._fill_reason_menu()
        self.model.retranslate(self._chinese)
        self.metrics_model.retranslate()
        self.audit_model.retranslate(self._chinese)
        self.metrics_chart.update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._chinese = ui_language_is_chinese()
            self.retranslate_ui()
        super().changeEvent(event)

    # -- selection and buttons -----------------------------------------------------------------------------------
    def selected_agent_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(AGENT_ID_ROLE)
        return value if isinstance(value, int) else None

    def select_agent(self, agent_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(AGENT_ID_ROLE) == agent_id:
                self.table.selectRow(row)
                return

    @Slot()
    def _on_selection_changed(self) -> None:
        self._update_buttons()

    def _on_board_row_changed(self, agent_id: int) -> None:
        if agent_id == self.selected_agent_id():
            self._update_buttons()
        if self._audit_visible() and any(
            r.agent_id == agent_id and r.outcome is CommandOutcome.PENDING for r in self.audit_model.records
        ):
            self._audit_timer.start()

    # -- command audit ------------------------------------------------------------------------------------------
    def _audit_visible(self) -> bool:
        return self.tabs.currentIndex() == AUDIT_TAB

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if index == AUDIT_TAB:
            self.refresh_audit()

    @Slot()
    def refresh_audit(self) -> None:
        self.audit_refresh_button.setEnabled(False)
        self._board.refresh_audit()

    def _on_board_audit(self, records: list[SupervisorCommandRecord]) -> None:
        self.audit_refresh_button.setEnabled(True)
        self.audit_model.set_records(records, self._board.team)

    def _update_buttons(self) -> None:
        agent = self.selected_agent_id()
        can = self._board.can_force
        self.force_ready_button.setEnabled(agent is not None and can(agent, AgentState.READY))
        self.force_not_ready_button.setEnabled(agent is not None and can(agent, AgentState.NOT_READY))
        self.force_sign_out_button.setEnabled(agent is not None and can(agent, AgentState.SIGNED_OUT))

    @Slot()
    def _on_force_not_ready_menu_about_to_show(self) -> None:
        self._fill_reason_menu()

    def _fill_reason_menu(self) -> None:
        self.force_not_ready_menu.clear()
        default = self.force_not_ready_menu.addAction(self.tr("Supervisor (no reason)"))
        default.setData("")
        default.triggered.connect(self._on_force_reason_triggered)
        for category in (ReasonCategory.BUSY, ReasonCategory.BREAK):
            for reason in reasons_of(self._board.team, category):
                action = self.force_not_ready_menu.addAction(reason.label_zh if self._chinese else reason.label_en)
                action.setData(reason.code)
                action.triggered.connect(self._on_force_reason_triggered)

    @Slot()
    def _on_force_ready_clicked(self) -> None:
        self._confirm_force(AgentState.READY, None)

    @Slot()
    def _on_force_sign_out_clicked(self) -> None:
        self._confirm_force(AgentState.SIGNED_OUT, None)

    @Slot()
    def _on_force_reason_triggered(self) -> None:
        action = self.sender()
        code = action.data() if isinstance(action, QAction) else None
        self._confirm_force(AgentState.NOT_READY, code if isinstance(code, str) and code else None)

    def _confirm_force(self, target: AgentState, reason: str | None) -> None:
        agent_id = self.selected_agent_id()
        row = self._board.row(agent_id) if agent_id is not None else None
        if agent_id is None or row is None:
            return
        name = row.status.display_name
        state = self._names.state(target)
        if row.status.state in (AgentState.RINGING, AgentState.ON_CALL):
            text = self.tr("%1 is on a call. Set %2 for when the call ends?")
        else:
            text = self.tr("Change %1 to %2 now? The agent will see that you made this change.")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Change agent state"),
            text.replace("%1", name).replace("%2", state),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmForce")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def done(result: int) -> None:
            self._confirm = None
            if result == QMessageBox.StandardButton.Yes:
                refusal = self._board.force(agent_id, target, reason)
                if refusal is not None:
                    self._show(self._names.refusal(refusal))
            box.deleteLater()

        box.finished.connect(done)
        self._confirm = box
        box.open()

    # -- broadcast ----------------------------------------------------------------------------------------------
    @Slot()
    def _on_broadcast_clicked(self) -> None:
        text = self.broadcast_edit.text().strip()
        if not text:
            self._show(self.tr("Write a message first."))
            return
        expires = self._clock() + timedelta(minutes=self.expiry_spin.value())
        self.broadcast_button.setEnabled(False)
        self._board.broadcast(text, expires)

    # -- metrics ------------------------------------------------------------------------------------------------
    @Slot()
    def refresh_metrics(self) -> None:
        hours = self.period_combo.currentData()
        until = self._clock()
        self.refresh_button.setEnabled(False)
        self._board.refresh_metrics(until - timedelta(hours=int(hours or 8)), until)

    def _on_board_metrics(self, metrics: TeamMetrics) -> None:
        self.refresh_button.setEnabled(True)
        self.metrics_model.set_metrics(metrics)
        self.metrics_chart.set_metrics(metrics)

    # -- notices ------------------------------------------------------------------------------------------------
    def _on_board_notice(self, notice: BoardNotice) -> None:
        state = self._names.state(notice.state) if notice.state else ""
        kind = notice.kind
        if kind is BoardNoticeKind.FORCE_APPLIED and self._audit_visible():
            self.refresh_audit()
        if kind is BoardNoticeKind.FORCE_APPLIED:
            template = (
                self.tr("%1 will be set to %2 when the call ends.") if notice.deferred else self.tr("%1 is now %2.")
            )
            text = template.replace("%1", notice.agent_name).replace("%2", state)
        elif kind is BoardNoticeKind.FORCE_REFUSED:
            text = (
                self.tr("Could not change %1: %2")
                .replace("%1", notice.agent_name)
                .replace("%2", self._names.refusal(notice.refusal))
            )
        elif kind is BoardNoticeKind.BROADCAST_SENT:
            self.broadcast_edit.clear()
            self.broadcast_button.setEnabled(True)
            text = self.tr("Message sent to the team.")
        elif kind is BoardNoticeKind.BROADCAST_FAILED:
            self.broadcast_button.setEnabled(True)
            text = self.tr("The message was not sent: %1").replace("%1", self._names.refusal(notice.refusal))
        elif kind is BoardNoticeKind.AUDIT_FAILED:
            self.audit_refresh_button.setEnabled(True)
            text = self.tr("Could not load the command log: %1").replace("%1", self._names.refusal(notice.refusal))
        else:
            self.refresh_button.setEnabled(True)
            text = self.tr("Could not load the metrics: %1").replace("%1", self._names.refusal(notice.refusal))
        self._update_buttons()
        self._show(text)

    def _show(self, text: str) -> None:
        self.message_label.setText(text)
        self.notice_shown.emit(text)

    def confirm_dialog(self) -> QMessageBox | None:
        """The open confirmation dialog, if any (for tests and accessibility tools)."""
        return self._confirm


__all__ = ["SupervisorPanel"]
