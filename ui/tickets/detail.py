"""One ticket in detail: fields, notes (internal / customer-visible), history, status moves, closing templates.

Main thread. Everything it changes goes through the engine's outbox (works offline; a conflict comes back as a
``ConflictRaised`` event handled by the panel).

Signals:
    edit_requested(object): the agent wants to edit this ``Ticket``.
    text_for_suggestions(str, str): category code and ticket text, for the knowledge pane's suggestions.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import protocol as proto
from app.sync.errors import SyncError
from app.sync.events import DataSource, TicketDetailLoaded
from app.sync_bridge import SyncBridge
from ui.tickets.labels import category_name, error_message, priority_label, status_action, status_label
from ui.tickets.model import format_time, is_chinese

COMPLIANCE_DEBOUNCE_MS = 500


class TicketDetailView(QWidget):
    """The right-hand side of the ticket panel (see the module docstring for the signals)."""

    edit_requested = Signal(object)
    text_for_suggestions = Signal(str, str)

    def __init__(self, bridge: SyncBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._ticket: proto.Ticket | None = None
        self._detail: proto.TicketDetail | None = None
        self._pending_notes: tuple[proto.NoteCreate, ...] = ()
        self._categories: dict[str, proto.TicketCategory] = {}

        self.title = QLabel(self)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.pending_label = QLabel(self.tr("Changes waiting to be sent to the hub"), self)
        self.pending_label.setStyleSheet("color: #b26a00;")
        self.pending_label.hide()
        self.facts = QFormLayout()
        self.edit_button = QPushButton(self.tr("Edit"), self)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.status_row = QHBoxLayout()

        self.tabs = QTabWidget(self)
        self.notes_view = QTextBrowser(self)
        self.notes_view.setOpenExternalLinks(False)
        self.history_view = QTextBrowser(self)
        self.tabs.addTab(self.notes_view, self.tr("Notes"))
        self.tabs.addTab(self.history_view, self.tr("History"))

        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText(self.tr("Add a note…"))
        self.note_edit.setMaximumHeight(90)
        self.note_edit.textChanged.connect(self._on_note_changed)
        self.visibility = QComboBox(self)
        self.visibility.addItem(self.tr("Internal note"), proto.NoteVisibility.INTERNAL.value)
        self.visibility.addItem(self.tr("Visible to the customer"), proto.NoteVisibility.CUSTOMER.value)
        self.closing = QComboBox(self)
        self.closing.currentIndexChanged.connect(self._on_closing_chosen)
        self.add_note_button = QPushButton(self.tr("Add note"), self)
        self.add_note_button.clicked.connect(self._on_add_note_clicked)
        self.compliance_label = QLabel(self)
        self.compliance_label.setWordWrap(True)
        self.compliance_label.setStyleSheet("color: #b00020;")
        self.compliance_label.hide()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()

        note_row = QHBoxLayout()
        note_row.addWidget(self.visibility)
        note_row.addWidget(self.closing, 1)
        note_row.addWidget(self.add_note_button)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.pending_label)
        layout.addLayout(self.facts)
        layout.addLayout(self.status_row)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note_edit)
        layout.addLayout(note_row)
        layout.addWidget(self.compliance_label)
        layout.addWidget(self.message)

        self._compliance_timer = QTimer(self)
        self._compliance_timer.setSingleShot(True)
        self._compliance_timer.setInterval(COMPLIANCE_DEBOUNCE_MS)
        self._compliance_timer.timeout.connect(self._on_compliance_timer)
        self._stopped = False
        bridge.event_received.connect(self._on_sync_event)
        self.show_ticket(None)

    def stop(self) -> None:
        """Stop the compliance debounce for good and ignore further events (shutdown). Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._compliance_timer.stop()
        self._bridge.event_received.disconnect(self._on_sync_event)

    # ------------------------------------------------------------------------------------------ content
    def set_categories(self, categories: list[proto.TicketCategory]) -> None:
        self._categories = {c.code: c for c in categories}

    @property
    def ticket(self) -> proto.Ticket | None:
        return self._ticket

    def show_ticket(self, ticket: proto.Ticket | None, pending: bool = False) -> None:
        """Show ``ticket`` (None: nothing selected). Loads notes and history in the background."""
        same = ticket is not None and self._ticket is not None and ticket.id == self._ticket.id
        self._ticket = ticket
        self.setEnabled(ticket is not None)
        self.pending_label.setVisible(pending)
        if not same:
            self._detail = None
            self._pending_notes = ()
            self.message.hide()
            self.note_edit.clear()
        self._render_facts()
        self._render_status_buttons()
        self._render_closing()
        self._render_notes()
        if ticket is None:
            return
        if not same and ticket.id > 0:
            self._bridge.watch(self._bridge.engine.fetch_detail(ticket.id), None, self._on_detail_failed, self)
        self.text_for_suggestions.emit(ticket.category, ticket.subject + "\n" + ticket.description)

    def _render_facts(self) -> None:
        while self.facts.rowCount():
            self.facts.removeRow(0)
        ticket = self._ticket
        if ticket is None:
            self.title.setText(self.tr("No ticket selected"))
            return
        self.title.setText(f"{ticket.number or self.tr('(not sent yet)')} · {ticket.subject}")
        chinese = is_chinese()
        category = self._categories.get(ticket.category)

        def row(label: str, value: str) -> None:
            text = QLabel(value, self)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addRow(label, text)

        row(self.tr("Customer"), f"{ticket.customer_name}  {ticket.customer_phone or ''}")
        row(self.tr("Category"), category_name(category, ticket.category, chinese))
        row(self.tr("Status"), status_label(ticket.status))
        row(self.tr("Priority"), priority_label(ticket.priority))
        row(self.tr("Assignee"), ticket.assignee_name or self.tr("Unassigned"))
        if ticket.sla_due is not None:
            row(self.tr("SLA due"), format_time(ticket.sla_due))
        if ticket.description:
            row(self.tr("Description"), ticket.description)
        labels = {f.key: (f.label_zh if chinese else f.label_en) for f in category.fields} if category else {}
        for key, value in ticket.custom_fields.items():
            row(labels.get(key, key), str(value))
        if ticket.linked_call_ids:
            row(self.tr("Calls"), ", ".join(ticket.linked_call_ids))

    def _render_status_buttons(self) -> None:
        while self.status_row.count():
            item = self.status_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        ticket = self._ticket
        if ticket is None:
            return
        for target in sorted(proto.TICKET_TRANSITIONS[ticket.status], key=lambda s: list(proto.TicketStatus).index(s)):
            button = QPushButton(status_action(target, ticket.status), self)
            button.setProperty("target_status", target.value)
            button.clicked.connect(self._on_status_clicked)
            self.status_row.addWidget(button)
        self.status_row.addStretch(1)

    def _render_closing(self) -> None:
        self.closing.blockSignals(True)
        self.closing.clear()
        self.closing.addItem(self.tr("Closing template…"), "")
        ticket = self._ticket
        category = self._categories.get(ticket.category) if ticket else None
        chinese = is_chinese()
        for tpl in category.closing_templates if category else []:
            self.closing.addItem(tpl.label_zh if chinese else tpl.label_en, tpl.code)
        self.closing.setVisible(self.closing.count() > 1)
        self.closing.blockSignals(False)

    def _render_notes(self) -> None:
        detail = self._detail
        parts = []
        for pending in self._pending_notes:
            parts.append(
                "<p style='color:#b26a00'><b>{}</b><br>{}</p>".format(
                    html.escape(self.tr("Waiting to be sent")), html.escape(pending.body).replace("\n", "<br>")
                )
            )
        for note in reversed(detail.notes if detail else []):
            badge = (
                self.tr("Visible to the customer")
                if note.visibility is proto.NoteVisibility.CUSTOMER
                else self.tr("Internal")
            )
            colour = "#1565c0" if note.visibility is proto.NoteVisibility.CUSTOMER else "#555"
            flags = ""
            if note.compliance_flags:
                flags = "<br><span style='color:#b00020'>{}</span>".format(
                    html.escape(self.tr("Compliance: %1").replace("%1", "、".join(note.compliance_flags)))
                )
            parts.append(
                "<p><b>{}</b> · {} · <span style='color:{}'>{}</span><br>{}{}</p>".format(
                    html.escape(note.author_name),
                    html.escape(format_time(note.created_at)),
                    colour,
                    html.escape(badge),
                    html.escape(note.body).replace("\n", "<br>"),
                    flags,
                )
            )
        if not parts:
            parts.append("<p style='color:#777'>{}</p>".format(html.escape(self.tr("No notes yet."))))
        self.notes_view.setHtml("".join(parts))
        history = []
        for entry in reversed(detail.audit if detail else []):
            changes = "; ".join(
                f"{html.escape(k)}: {html.escape(str(v[0]) if isinstance(v, list) and v else '')} → "
                f"{html.escape(str(v[-1]) if isinstance(v, list) and v else str(v))}"
                for k, v in entry.changes.items()
            )
            history.append(
                "<p>{} · <b>{}</b> · {}<br>{}</p>".format(
                    html.escape(format_time(entry.at)),
                    html.escape(entry.actor_name or self.tr("System")),
                    html.escape(entry.action),
                    changes,
                )
            )
        self.history_view.setHtml("".join(history) or "<p style='color:#777'>{}</p>".format(self.tr("No history.")))

    # ------------------------------------------------------------------------------------------ events
    @Slot(object)
    def _on_sync_event(self, event: object) -> None:
        if isinstance(event, TicketDetailLoaded) and self._ticket and event.detail.ticket.id == self._ticket.id:
            if event.source is DataSource.CACHE and self._detail is not None:
                return  # the hub's copy is already shown
            self._detail = event.detail
            self._pending_notes = event.pending_notes
            self._render_notes()

    def _on_detail_failed(self, exc: Exception) -> None:
        if self._detail is None:
            self.notes_view.setHtml(
                "<p style='color:#777'>{}</p>".format(html.escape(self.tr("Notes are not available offline.")))
            )
        del exc

    @Slot()
    def _on_edit_clicked(self) -> None:
        if self._ticket is not None:
            self.edit_requested.emit(self._ticket)

    @Slot()
    def _on_status_clicked(self) -> None:
        ticket = self._ticket
        button = self.sender()
        if ticket is None or not isinstance(button, QPushButton):
            return
        target = proto.TicketStatus(str(button.property("target_status")))
        closing = str(self.closing.currentData() or "") or None
        update = proto.TicketUpdate(
            version=ticket.version,
            status=target,
            closing_template=closing if target in (proto.TicketStatus.RESOLVED, proto.TicketStatus.CLOSED) else None,
        )
        self._bridge.watch(
            self._bridge.engine.update_ticket(ticket.id, update), self._on_queued, self._on_queue_failed, self
        )

    @Slot(int)
    def _on_closing_chosen(self, index: int) -> None:
        ticket = self._ticket
        code = self.closing.itemData(index)
        category = self._categories.get(ticket.category) if ticket else None
        if not code or category is None:
            return
        for tpl in category.closing_templates:
            if tpl.code == code:
                self.note_edit.setPlainText(tpl.text_zh if is_chinese() else tpl.text_en)
                self.visibility.setCurrentIndex(self.visibility.findData(proto.NoteVisibility.CUSTOMER.value))

    @Slot()
    def _on_note_changed(self) -> None:
        if not self._stopped:
            self._compliance_timer.start()

    @Slot()
    def _on_compliance_timer(self) -> None:
        text = self.note_edit.toPlainText().strip()
        if not text:
            self.compliance_label.hide()
            return
        self._bridge.watch(
            self._bridge.engine.check_compliance(text), self._on_compliance, self._on_compliance_failed, self
        )

    def _on_compliance(self, result: proto.ComplianceResult) -> None:
        if result.ok or not result.hits:
            self.compliance_label.hide()
            return
        phrases = "、".join(sorted({h.phrase for h in result.hits}))
        self.compliance_label.setText(
            self.tr("Compliance warning: the note contains forbidden phrases: %1").replace("%1", phrases)
        )
        self.compliance_label.show()

    def _on_compliance_failed(self, exc: Exception) -> None:
        del exc  # advisory only

    @Slot()
    def _on_add_note_clicked(self) -> None:
        ticket = self._ticket
        body = self.note_edit.toPlainText().strip()
        if ticket is None or not body:
            return
        note = proto.NoteCreate(body=body, visibility=proto.NoteVisibility(self.visibility.currentData()))
        self._pending_notes = (note, *self._pending_notes)
        self._render_notes()
        self.note_edit.clear()
        self._bridge.watch(self._bridge.engine.add_note(ticket.id, note), self._on_queued, self._on_queue_failed, self)

    def _on_queued(self, _op_id: object) -> None:
        self.message.hide()

    def _on_queue_failed(self, exc: Exception) -> None:

        self.message.setText(error_message(exc.kind) if isinstance(exc, SyncError) else str(exc))
        self.message.show()
