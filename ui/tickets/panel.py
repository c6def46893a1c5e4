"""The ticket panel: views, search, the table, the detail, the screen pop banner and the sync status. Main thread.

Everything arrives through ``SyncBridge.event_received`` (queued from the network thread); the panel never waits on
the hub. The softphone's call events come in through ``on_call_incoming`` / ``on_call_ended`` (connected by the
composition root).

Signals:
    suggestions_requested(str, str): category code and text of the open ticket (for the knowledge pane).
    call_context_changed(str): the caller's number while a call is active ("" when it ends).
    screen_pop_shown(object): the ``ScreenPop`` event now on screen (tests and the benchmark measure it).
    sync_progress_shown(object): the ``SyncProgress`` of a full sync now on screen (the indicator above the table).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from PySide6.QtCore import QItemSelection, QLocale, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import protocol as proto
from app.sync.events import (
    CacheRebuilt,
    ConflictRaised,
    ConnectionChanged,
    ConnectionState,
    DataSource,
    OpRejected,
    OutboxChanged,
    ScreenPop,
    SessionEnded,
    SessionStarted,
    SyncProgress,
    TicketChanged,
    TicketRemoved,
    TicketReplaced,
    TicketsReset,
)
from app.sync_bridge import SyncBridge
from sip.model import CallEnded, CallSnapshot, IncomingCall
from ui.tickets.conflict import ConflictDialog
from ui.tickets.detail import TicketDetailView
from ui.tickets.editor import CallPrefill, TicketEditorDialog
from ui.tickets.labels import error_message
from ui.tickets.model import TICKET_ROLE, Column, TicketFilterProxy, TicketTableModel, TicketView

SLA_TICK_MS = 30_000


def softphone_call_id(call: CallSnapshot) -> str:
    """A call id that stays unique across softphone restarts (the engine's ids restart at 0)."""
    started = datetime.fromtimestamp(call.started_at, UTC) if call.started_at else datetime.now(UTC)
    return f"{started:%Y%m%d%H%M%S}-{call.call_id}"


class TicketPanel(QWidget):
    """The 工单 panel (see the module docstring for signals and threading)."""

    suggestions_requested = Signal(str, str)
    sync_progress_shown = Signal(object)
    call_context_changed = Signal(str)
    screen_pop_shown = Signal(object)

    def __init__(self, bridge: SyncBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._user: proto.UserInfo | None = None
        self._pop: ScreenPop | None = None
        self._view_before_pop = TicketView.MY_OPEN
        self._editors: list[TicketEditorDialog] = []
        self._conflicts: dict[str, ConflictDialog] = {}
        self._state = ConnectionState.SIGNED_OUT
        self._outbox = OutboxChanged(0, 0, 0)
        self._pop_duration: float | None = None

        self.model = TicketTableModel(self)
        # The caller view shows the screen pop's customer from a model of their tickets only: refiltering all
        # 10,000 rows (a Python callback per row) was most of the screen pop's time on screen.
        self.caller_model = TicketTableModel(self)
        self._caller_phone: str | None = None
        self.proxy = TicketFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._shown_model = self.model  # the proxy's source: the full model, or the caller's
        self.proxy.sort(Column.SLA_DUE, Qt.SortOrder.AscendingOrder)

        self.view_combo = QComboBox(self)
        self.view_combo.addItem(self.tr("My open tickets"), TicketView.MY_OPEN.value)
        self.view_combo.addItem(self.tr("Team queue"), TicketView.TEAM_QUEUE.value)
        self.view_combo.addItem(self.tr("Recently updated"), TicketView.RECENT.value)
        self.view_combo.addItem(self.tr("Caller's tickets"), TicketView.CALLER.value)
        self.view_combo.currentIndexChanged.connect(self._on_view_changed)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Filter by number, customer, phone…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_changed)
        self.new_button = QPushButton(self.tr("New ticket"), self)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.status_label = QLabel(self)

        self.banner = QFrame(self)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setStyleSheet("QFrame { background: #e8f1fd; }")
        self.banner_label = QLabel(self.banner)
        self.banner_label.setWordWrap(True)
        self.pop_new_button = QPushButton(self.tr("New ticket from this call"), self.banner)
        self.pop_new_button.clicked.connect(self._on_pop_new_clicked)
        self.pop_close_button = QPushButton(self.tr("Dismiss"), self.banner)
        self.pop_close_button.clicked.connect(self._on_pop_dismissed)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.pop_new_button)
        banner_layout.addWidget(self.pop_close_button)
        self.banner.hide()

        # The first sync (and a full resync) of 10,000 tickets takes a moment: say how far it is.
        self.sync_box = QWidget(self)
        self.sync_label = QLabel(self.sync_box)
        self.sync_bar = QProgressBar(self.sync_box)
        self.sync_bar.setTextVisible(False)
        self.sync_bar.setMaximumHeight(12)
        sync_layout = QHBoxLayout(self.sync_box)
        sync_layout.setContentsMargins(0, 0, 0, 0)
        sync_layout.addWidget(self.sync_label)
        sync_layout.addWidget(self.sync_bar, 1)
        self.sync_box.hide()

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b26a00;")
        self.message.hide()

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.SLA_DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(self._on_row_double_clicked)

        self.detail = TicketDetailView(bridge, self)
        self.detail.edit_requested.connect(self._on_edit_requested)
        self.detail.text_for_suggestions.connect(self.suggestions_requested)

        top = QHBoxLayout()
        top.addWidget(self.view_combo)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.sync_box)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)

        self._sla_timer = QTimer(self)
        self._sla_timer.setInterval(SLA_TICK_MS)
        self._sla_timer.timeout.connect(self._on_sla_tick)
        self._sla_timer.start()
        self._stopped = False
        bridge.event_received.connect(self._on_sync_event)
        self._render_status()

    def stop(self) -> None:
        """Stop the SLA countdown timer and the detail's and open editors' debounce timers, and ignore further
        events (the application is shutting down). Idempotent; the composition root calls it."""
        if self._stopped:
            return
        self._stopped = True
        self._sla_timer.stop()
        self._bridge.event_received.disconnect(self._on_sync_event)
        self.detail.stop()
        for editor in self._editors:
            editor.stop()

    @property
    def stopped(self) -> bool:
        return self._stopped

    # ------------------------------------------------------------------------------------------ sync events
    @Slot()
    def _on_sla_tick(self) -> None:
        self._source().tick()  # the rows on screen; the other model's countdowns are refreshed when shown

    def _source(self) -> TicketTableModel:
        return self._shown_model

    def _upsert(self, ticket: proto.Ticket, pending: bool) -> None:
        """A ticket changed: update it in place in the full model and, if it is the caller's, in the caller's."""
        self.model.upsert(ticket, pending)
        if self._caller_phone is not None and (
            ticket.customer_phone == self._caller_phone or self.caller_model.row_of(ticket.id) is not None
        ):
            self.caller_model.upsert(ticket, pending)

    @Slot(object)
    def _on_sync_event(self, event: object) -> None:
        if isinstance(event, TicketChanged):
            self._upsert(event.ticket, event.pending)
            if self.detail.ticket is not None and self.detail.ticket.id == event.ticket.id:
                self.detail.show_ticket(event.ticket, event.pending)
        elif isinstance(event, TicketsReset):
            self.model.apply_snapshot(event.tickets, event.pending)
            if self._caller_phone is not None:
                self._fill_caller(self._caller_phone)
            self._refresh_detail()
        elif isinstance(event, TicketReplaced):
            self.model.replace_local(event.local_id, event.ticket)
            if self.caller_model.row_of(event.local_id) is not None:
                self.caller_model.replace_local(event.local_id, event.ticket)
            elif self._caller_phone is not None and event.ticket.customer_phone == self._caller_phone:
                self.caller_model.upsert(event.ticket)
            if self.detail.ticket is not None and self.detail.ticket.id == event.local_id:
                self.detail.show_ticket(event.ticket)
        elif isinstance(event, TicketRemoved):
            self.model.remove(event.ticket_id)
            self.caller_model.remove(event.ticket_id)
        elif isinstance(event, ScreenPop):
            self._show_pop(event)
        elif isinstance(event, ConflictRaised):
            self._show_conflict(event)
        elif isinstance(event, OpRejected):
            self._show_message(
                self.tr("A change to a ticket was refused by the hub: %1").replace("%1", error_message(event.kind))
            )
        elif isinstance(event, CacheRebuilt):
            self._show_message(
                self.tr(
                    "The local ticket cache was damaged and has been rebuilt from the hub. Unsent changes are kept."
                )
            )
        elif isinstance(event, SessionStarted):
            self._user = event.user
            self.proxy.set_user(event.user.id, event.user.team_id)
            self._load_categories()
        elif isinstance(event, SessionEnded):
            self._show_message(error_message(event.kind))
        elif isinstance(event, ConnectionChanged):
            was_online = self._state is ConnectionState.ONLINE
            self._state = event.state
            if event.state is ConnectionState.ONLINE and not was_online:
                self._load_categories()
            self._render_status()
        elif isinstance(event, OutboxChanged):
            self._outbox = event
            self._render_status()
        elif isinstance(event, SyncProgress):
            self._show_sync_progress(event)

    def _show_sync_progress(self, progress: SyncProgress) -> None:
        if progress.finished:
            self.sync_box.hide()
        else:
            locale = QLocale()
            fetched = locale.toString(progress.fetched)
            if progress.total is None:
                self.sync_bar.setRange(0, 0)  # busy: the hub did not say how many
                self.sync_label.setText(self.tr("Syncing tickets %1").replace("%1", fetched))
            else:
                self.sync_bar.setRange(0, max(progress.total, 1))
                self.sync_bar.setValue(min(progress.fetched, progress.total))
                self.sync_label.setText(
                    self.tr("Syncing tickets %1 / %2")
                    .replace("%1", fetched)
                    .replace("%2", locale.toString(progress.total))
                )
            self.sync_box.show()
        self.sync_progress_shown.emit(progress)

    def _load_categories(self) -> None:
        self._bridge.watch(self._bridge.engine.categories(), self._on_categories, self._on_categories_failed, self)

    def _on_categories(self, categories: list[proto.TicketCategory]) -> None:
        self.model.set_categories(categories)
        self.caller_model.set_categories(categories)
        self.detail.set_categories(categories)
        self._refresh_detail()

    def _on_categories_failed(self, exc: Exception) -> None:
        del exc  # retried on the next reconnect; rows show category codes meanwhile

    def _refresh_detail(self) -> None:
        current = self.detail.ticket
        if current is not None:
            fresh = self.model.ticket(current.id)
            self.detail.show_ticket(fresh, self.model.is_pending(current.id) if fresh else False)

    def _render_status(self) -> None:
        match self._state:
            case ConnectionState.ONLINE:
                text = self.tr("Connected to the hub")
            case ConnectionState.CONNECTING:
                text = self.tr("Connecting…")
            case ConnectionState.OFFLINE:
                text = self.tr("Offline — showing saved tickets; changes will be sent later")
            case ConnectionState.AUTH_REQUIRED:
                text = self.tr("Signed out — sign in again to sync")
            case ConnectionState.SIGNED_OUT:
                text = self.tr("Not signed in")
        parts = [text]
        if self._outbox.pending:
            parts.append(self.tr("%n change(s) waiting to be sent", "", self._outbox.pending))
        if self._outbox.conflicts:
            parts.append(self.tr("%n conflict(s) to resolve", "", self._outbox.conflicts))
        if self._outbox.rejected:
            parts.append(self.tr("%n change(s) refused", "", self._outbox.rejected))
        self.status_label.setText(" · ".join(parts))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # ------------------------------------------------------------------------------------------ conflicts
    def _show_conflict(self, event: ConflictRaised) -> None:
        if event.op_id in self._conflicts:
            return
        dialog = ConflictDialog(event, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resolved.connect(self._on_conflict_resolved)
        dialog.finished.connect(self._on_conflict_dialog_finished)
        self._conflicts[event.op_id] = dialog
        dialog.open()

    @Slot(str, bool)
    def _on_conflict_resolved(self, op_id: str, keep_mine: bool) -> None:
        self._bridge.watch(self._bridge.engine.resolve_conflict(op_id, keep_mine), None, None, self)

    @Slot(int)
    def _on_conflict_dialog_finished(self, _result: int) -> None:
        dialog = self.sender()
        for op_id, known in list(self._conflicts.items()):
            if known is dialog:
                del self._conflicts[op_id]

    def open_conflicts(self) -> list[ConflictDialog]:
        return list(self._conflicts.values())

    # ------------------------------------------------------------------------------------------ view + selection
    @Slot(int)
    def _on_view_changed(self, _index: int) -> None:
        view = TicketView(self.view_combo.currentData())
        phone = self._pop.phone if self._pop else None
        self._show_view(view, phone)

    def _show_view(self, view: TicketView, phone: str | None) -> None:
        """Switch the table to ``view``. The caller view swaps in the small caller model first (so the filter runs
        over a handful of rows); leaving it sets the view first, then the full model (one refilter)."""
        if view is TicketView.CALLER:
            self._fill_caller(phone)
            self._set_source(self.caller_model)
            self.proxy.set_view(view, phone)
        else:
            self.proxy.set_view(view, phone)
            self._set_source(self.model)
            self._caller_phone = None
            self.caller_model.apply_snapshot(())

    def _fill_caller(self, phone: str | None) -> None:
        self._caller_phone = phone
        mine = [t for t in self.model.tickets() if phone is not None and t.customer_phone == phone]
        self.caller_model.apply_snapshot(mine, [t.id for t in mine if self.model.is_pending(t.id)])

    def _set_source(self, model: TicketTableModel) -> None:
        if self._shown_model is model:
            return
        order = self._shown_model.sort_order()
        if order is not None and model.sort_order() != order:
            model.sort(*order)
        model.tick()  # countdowns as of now
        self._shown_model = model
        self.proxy.setSourceModel(model)

    @Slot(str)
    def _on_search_changed(self, text: str) -> None:
        self.proxy.set_text(text)

    def set_view(self, view: TicketView) -> None:
        self.view_combo.setCurrentIndex(self.view_combo.findData(view.value))

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        selected = [t.id for t in (r.data(TICKET_ROLE) for r in rows) if isinstance(t, proto.Ticket)]
        self.model.keep_identity(selected)
        self.caller_model.keep_identity(selected)
        if not rows:
            return
        ticket = rows[0].data(TICKET_ROLE)
        if isinstance(ticket, proto.Ticket):
            self.detail.show_ticket(ticket, self.model.is_pending(ticket.id))

    @Slot(QModelIndex)
    def _on_row_double_clicked(self, index: QModelIndex) -> None:
        ticket = index.data(TICKET_ROLE)
        if isinstance(ticket, proto.Ticket):
            self._on_edit_requested(ticket)

    def select_ticket(self, ticket_id: int) -> bool:
        source = self._source()
        row = source.row_of(ticket_id)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(source.index(row, 0))
        if not proxy_index.isValid():
            return False
        self.table.selectRow(proxy_index.row())
        return True

    # ------------------------------------------------------------------------------------------ create / edit
    def _open_editor(self, ticket: proto.Ticket | None, prefill: CallPrefill | None = None) -> TicketEditorDialog:
        dialog = TicketEditorDialog(self._bridge, self.model.categories(), ticket, prefill, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_editor_finished)
        self._editors.append(dialog)
        dialog.open()
        return dialog

    @Slot(int)
    def _on_editor_finished(self, _result: int) -> None:
        self._editors = [e for e in self._editors if e is not self.sender()]

    def editors(self) -> list[TicketEditorDialog]:
        return list(self._editors)

    @Slot()
    def _on_new_clicked(self) -> None:
        self._open_editor(None)

    @Slot(object)
    def _on_edit_requested(self, ticket: object) -> None:
        if isinstance(ticket, proto.Ticket) and ticket.id > 0:
            self._open_editor(ticket)

    # ------------------------------------------------------------------------------------------ screen pop
    @Slot(str, str)
    def on_call_incoming(self, call_id: str, remote: str, started_at: datetime | None = None) -> None:
        """An incoming call (``remote`` is the caller's number, or a caller id / SIP URI)."""
        if self._stopped:
            return
        started = started_at or datetime.now(UTC)
        self._bridge.watch(self._bridge.engine.screen_pop(call_id, remote, started), None, None, self)

    @Slot(object)
    def on_softphone_incoming(self, event: object) -> None:
        """``sip.model.IncomingCall`` from the softphone's bridge (GUI thread)."""
        if isinstance(event, IncomingCall):
            call = event.call
            started = datetime.fromtimestamp(call.started_at, UTC) if call.started_at else datetime.now(UTC)
            self.on_call_incoming(softphone_call_id(call), call.remote_number, started)

    @Slot(object)
    def on_softphone_call_ended(self, event: object) -> None:
        """``sip.model.CallEnded``: the talk time goes into a ticket being written from that call."""
        if isinstance(event, CallEnded):
            call = event.call
            duration = max(0.0, time.time() - call.connected_at) if call.connected_at else 0.0
            self.on_call_ended(softphone_call_id(call), duration)

    @Slot(str, float)
    def on_call_ended(self, call_id: str, duration_s: float) -> None:
        """The call ended: a ticket being written from it gets the duration."""
        for editor in self._editors:
            if editor.call_id == call_id:
                editor.set_call_duration(duration_s)
        if self._pop is not None and self._pop.call_id == call_id:
            self._pop_duration = duration_s
            self.call_context_changed.emit("")

    def _show_pop(self, event: ScreenPop) -> None:
        if (
            self._pop is not None
            and self._pop.call_id == event.call_id
            and event.source is DataSource.CACHE
            and self._pop.source is DataSource.HUB
        ):
            return  # the hub's answer won the race: keep it
        new_call = self._pop is None or self._pop.call_id != event.call_id
        if new_call and self.proxy.view is not TicketView.CALLER:
            self._view_before_pop = self.proxy.view
        if new_call:
            self._pop_duration = None
        self._pop = event
        result = event.result
        if result is not None:
            for ticket in [*result.open_tickets, *result.recent_tickets]:
                if self.model.ticket(ticket.id) is None or event.source is DataSource.HUB:
                    self._upsert(ticket, self.model.is_pending(ticket.id))
        name = (result.customer_name if result else None) or self.tr("Unknown caller")
        number = event.phone or event.raw_number
        open_count = len(result.open_tickets) if result else 0
        text = self.tr("Incoming call: %1 (%2) — %n open ticket(s)", "", open_count)
        self.banner_label.setText(text.replace("%1", name).replace("%2", number))
        self.banner.show()
        if event.phone:
            # The combo follows quietly; _show_view fills the caller model for this phone and swaps it in (for the
            # hub's answer after the cached one it only refreshes the caller model: same source, same view).
            self.view_combo.blockSignals(True)
            self.view_combo.setCurrentIndex(self.view_combo.findData(TicketView.CALLER.value))
            self.view_combo.blockSignals(False)
            self._show_view(TicketView.CALLER, event.phone)
            if result and result.open_tickets:
                self.select_ticket(sorted(result.open_tickets, key=lambda t: t.updated_at)[-1].id)
            self.call_context_changed.emit(number)
        self.screen_pop_shown.emit(event)

    @Slot()
    def _on_pop_new_clicked(self) -> None:
        pop = self._pop
        if pop is None:
            return
        name = (pop.result.customer_name if pop.result else None) or ""
        prefill = CallPrefill(
            call_id=pop.call_id,
            phone=pop.phone or pop.raw_number,
            started_at=pop.started_at,
            customer_name=name,
            duration_s=self._pop_duration,
        )
        self._open_editor(None, prefill)

    @Slot()
    def _on_pop_dismissed(self) -> None:
        self.banner.hide()
        self._pop = None
        self.set_view(self._view_before_pop)

    @property
    def current_pop(self) -> ScreenPop | None:
        return self._pop


__all__ = ["TicketPanel"]
