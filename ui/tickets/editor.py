"""Create / edit a ticket from its category's template. Main thread.

Required fields (the ticket's own and the template's) are checked before anything is sent; the hub's category
suggestion and compliance check run in the background as the agent types (debounced); before a create, the duplicate
check warns about open tickets of the same customer and category and asks for a second confirmation. A ticket started
from a call carries the number, call id and start time, and the duration once the call ends.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QTimer, Slot
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import protocol as proto
from app.sync.errors import SyncError
from app.sync_bridge import SyncBridge
from ui.tickets.labels import category_name, error_message, field_error_message, priority_label
from ui.tickets.model import format_time, is_chinese

DEBOUNCE_MS = 600


@dataclass(frozen=True)
class CallPrefill:
    """What the screen pop knows about the call a ticket is started from."""

    call_id: str
    phone: str  # E.164 or the raw caller id
    started_at: datetime
    customer_name: str = ""
    duration_s: float | None = None


def format_duration(seconds: float) -> str:
    total = round(seconds)
    return f"{total // 60:02d}:{total % 60:02d}"


class TicketEditorDialog(QDialog):
    """Create (``ticket=None``) or edit a ticket. Sends through the outbox, so it works offline too."""

    def __init__(
        self,
        bridge: SyncBridge,
        categories: list[proto.TicketCategory],
        ticket: proto.Ticket | None = None,
        prefill: CallPrefill | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._categories = {c.code: c for c in categories}
        self._ticket = ticket
        self._prefill = prefill
        self._field_widgets: dict[str, QWidget] = {}
        self._duplicates_confirmed = False
        self._suggestion: proto.CategorySuggestion | None = None
        self.setWindowTitle(
            self.tr("New ticket") if ticket is None else self.tr("Edit ticket %1").replace("%1", ticket.number)
        )
        chinese = is_chinese()

        self.category = QComboBox(self)
        for cat in categories:
            self.category.addItem(category_name(cat, cat.code, chinese), cat.code)
        self.subject = QLineEdit(self)
        self.subject.setMaxLength(200)
        self.customer_name = QLineEdit(self)
        self.customer_phone = QLineEdit(self)
        self.customer_phone.setPlaceholderText(self.tr("e.g. 138 0013 8000 or 010-6552 1234"))
        self.priority = QComboBox(self)
        for prio in proto.TicketPriority:
            self.priority.addItem(priority_label(prio), prio.value)
        self.priority.setCurrentIndex(self.priority.findData(proto.TicketPriority.NORMAL.value))
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)

        self.suggestion_label = QLabel(self)
        self.suggestion_label.setWordWrap(True)
        self.apply_suggestion = QPushButton(self.tr("Use suggested category"), self)
        self.apply_suggestion.clicked.connect(self._on_apply_suggestion_clicked)
        suggestion_row = QHBoxLayout()
        suggestion_row.addWidget(self.suggestion_label, 1)
        suggestion_row.addWidget(self.apply_suggestion)
        self._show_suggestion(None)

        self.compliance_label = QLabel(self)
        self.compliance_label.setWordWrap(True)
        self.compliance_label.setStyleSheet("color: #b00020;")
        self.compliance_label.hide()
        self.duplicate_label = QLabel(self)
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.setStyleSheet("color: #b26a00;")
        self.duplicate_label.hide()
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        self.call_label = QLabel(self)
        self.call_label.setVisible(prefill is not None)

        form = QFormLayout()
        form.addRow(self.tr("Category *"), self.category)
        form.addRow(self.tr("Subject *"), self.subject)
        form.addRow(self.tr("Customer *"), self.customer_name)
        form.addRow(self.tr("Phone"), self.customer_phone)
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(self.tr("Description"), self.description)
        self.fields_box = QGroupBox(self.tr("Category fields"), self)
        self.fields_form = QFormLayout(self.fields_box)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save = self.buttons.addButton(
            self.tr("Create") if ticket is None else self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save.clicked.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.call_label)
        layout.addLayout(form)
        layout.addLayout(suggestion_row)
        layout.addWidget(self.fields_box)
        layout.addWidget(self.compliance_label)
        layout.addWidget(self.duplicate_label)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)

        self._fill(ticket, prefill)
        self._rebuild_fields()
        self.category.currentIndexChanged.connect(self._on_category_changed)
        for line in (self.subject, self.customer_name, self.customer_phone):
            line.textChanged.connect(self._on_text_changed)
        self.description.textChanged.connect(self._on_text_changed)
        self._validate()
        self.resize(560, 640)

    # ------------------------------------------------------------------------------------------ filling
    def _fill(self, ticket: proto.Ticket | None, prefill: CallPrefill | None) -> None:
        if ticket is not None:
            self.category.setCurrentIndex(max(self.category.findData(ticket.category), 0))
            self.subject.setText(ticket.subject)
            self.customer_name.setText(ticket.customer_name)
            self.customer_phone.setText(ticket.customer_phone or "")
            self.priority.setCurrentIndex(max(self.priority.findData(ticket.priority.value), 0))
            self.description.setPlainText(ticket.description)
        if prefill is not None:
            self.customer_phone.setText(prefill.phone)
            self.customer_name.setText(prefill.customer_name)
            self._update_call_label()

    def _update_call_label(self) -> None:
        prefill = self._prefill
        if prefill is None:
            return
        text = self.tr("From call %1 · %2 · started %3").replace("%1", prefill.call_id)
        text = text.replace("%2", prefill.phone).replace("%3", format_time(prefill.started_at))
        if prefill.duration_s is not None:
            text += " · " + self.tr("duration %1").replace("%1", format_duration(prefill.duration_s))
        self.call_label.setText(text)

    def set_call_duration(self, seconds: float) -> None:
        """The call this ticket was started from has ended."""
        if self._prefill is not None:
            self._prefill = CallPrefill(
                self._prefill.call_id,
                self._prefill.phone,
                self._prefill.started_at,
                self._prefill.customer_name,
                seconds,
            )
            self._update_call_label()

    @property
    def call_id(self) -> str | None:
        return self._prefill.call_id if self._prefill else None

    def current_category(self) -> proto.TicketCategory | None:
        return self._categories.get(str(self.category.currentData()))

    def _rebuild_fields(self) -> None:
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self._field_widgets.clear()
        category = self.current_category()
        values: dict[str, Any] = dict(self._ticket.custom_fields) if self._ticket else {}
        chinese = is_chinese()
        for spec in category.fields if category else []:
            widget = self._field_widget(spec, values.get(spec.key))
            label = spec.label_zh if chinese else spec.label_en
            self.fields_form.addRow(label + (" *" if spec.required else ""), widget)
            self._field_widgets[spec.key] = widget
        self.fields_box.setVisible(bool(self._field_widgets))

    def _field_widget(self, spec: proto.CustomFieldSpec, value: Any) -> QWidget:
        match spec.type:
            case proto.CustomFieldType.CHOICE:
                combo = QComboBox(self)
                combo.addItem("", "")
                for choice in spec.choices:
                    combo.addItem(choice, choice)
                if value is not None:
                    combo.setCurrentIndex(max(combo.findData(str(value)), 0))
                combo.currentIndexChanged.connect(self._on_text_changed)
                return combo
            case proto.CustomFieldType.BOOL:
                box = QCheckBox(self)
                box.setChecked(bool(value))
                return box
            case proto.CustomFieldType.DATE:
                date = QDateEdit(self)
                date.setCalendarPopup(True)
                date.setDisplayFormat("yyyy-MM-dd")
                parsed = QDate.fromString(str(value), "yyyy-MM-dd") if value else QDate.currentDate()
                date.setDate(parsed if parsed.isValid() else QDate.currentDate())
                return date
            case _:
                line = QLineEdit(self)
                line.setMaxLength(spec.max_length)
                if spec.type is proto.CustomFieldType.NUMBER:
                    line.setValidator(QDoubleValidator(line))
                if value is not None:
                    line.setText(str(value))
                line.textChanged.connect(self._on_text_changed)
                return line

    def custom_values(self) -> dict[str, Any]:
        category = self.current_category()
        values: dict[str, Any] = {}
        for spec in category.fields if category else []:
            widget = self._field_widgets.get(spec.key)
            if isinstance(widget, QComboBox):
                text = str(widget.currentData() or "")
                if text:
                    values[spec.key] = text
            elif isinstance(widget, QCheckBox):
                values[spec.key] = widget.isChecked()
            elif isinstance(widget, QDateEdit):
                values[spec.key] = widget.date().toString("yyyy-MM-dd")
            elif isinstance(widget, QLineEdit) and widget.text().strip():
                text = widget.text().strip()
                if spec.type is proto.CustomFieldType.NUMBER:
                    try:
                        number = float(text)
                    except ValueError:
                        values[spec.key] = text  # the validator allows locale forms; the hub reports it
                    else:
                        values[spec.key] = int(number) if number.is_integer() else number
                else:
                    values[spec.key] = text
        return values

    # ------------------------------------------------------------------------------------------ validation
    def missing(self) -> list[str]:
        """Labels of required fields that are still empty (and other problems), in form order."""
        problems = []
        if self.current_category() is None:
            problems.append(self.tr("Category"))
        if not self.subject.text().strip():
            problems.append(self.tr("Subject"))
        if not self.customer_name.text().strip():
            problems.append(self.tr("Customer"))
        category = self.current_category()
        values = self.custom_values()
        chinese = is_chinese()
        for spec in category.fields if category else []:
            if spec.required and spec.type is not proto.CustomFieldType.BOOL and values.get(spec.key) in (None, ""):
                problems.append(spec.label_zh if chinese else spec.label_en)
        return problems

    def phone_problem(self) -> bool:
        text = self.customer_phone.text().strip()
        if not text:
            return False
        try:
            proto.normalize_phone(text)
        except proto.PhoneError:
            return True
        return False

    def _validate(self) -> bool:
        missing = self.missing()
        messages = []
        if missing:
            messages.append(
                self.tr("Required: %1").replace("%1", "、".join(missing) if is_chinese() else ", ".join(missing))
            )
        if self.phone_problem():
            messages.append(self.tr("The phone number is not valid."))
        self.problems.setText("\n".join(messages))
        self.problems.setVisible(bool(messages))
        self.save.setEnabled(not messages)
        return not messages

    # ------------------------------------------------------------------------------------------ hub helpers
    @Slot()
    def _on_text_changed(self) -> None:
        self._duplicates_confirmed = False
        self.duplicate_label.hide()
        if self._ticket is None:
            self.save.setText(self.tr("Create"))
        self._validate()
        self._debounce.start()

    @Slot(int)
    def _on_category_changed(self, _index: int) -> None:
        self._rebuild_fields()
        self._on_text_changed()

    def stop(self) -> None:
        """Stop the suggestion/compliance debounce (the dialog closes, or the application shuts down)."""
        self._debounce.stop()
        self._debounce.blockSignals(True)  # a start() from a late keystroke can no longer reach the hub

    def done(self, result: int) -> None:
        self._debounce.stop()  # a check due after the dialog closed would only be thrown away
        super().done(result)

    @Slot()
    def _on_debounce_timeout(self) -> None:
        text = (self.subject.text() + "\n" + self.description.toPlainText()).strip()
        if not text:
            return
        engine = self._bridge.engine
        self._bridge.watch(engine.suggest_category(text), self._on_suggestions, self._on_helper_failed, self)
        self._bridge.watch(engine.check_compliance(text), self._on_compliance, self._on_helper_failed, self)

    def _on_helper_failed(self, exc: Exception) -> None:
        del exc  # suggestions and checks are advisory: offline they simply do not appear

    def _on_suggestions(self, suggestions: list[proto.CategorySuggestion]) -> None:
        best = max(suggestions, key=lambda s: s.score, default=None)
        if best is None or best.category == self.category.currentData() or best.category not in self._categories:
            self._show_suggestion(None)
        else:
            self._show_suggestion(best)

    def _show_suggestion(self, suggestion: proto.CategorySuggestion | None) -> None:
        self._suggestion = suggestion
        self.suggestion_label.setVisible(suggestion is not None)
        self.apply_suggestion.setVisible(suggestion is not None)
        if suggestion is None:
            return
        cat = self._categories.get(suggestion.category)
        name = category_name(cat, suggestion.category, is_chinese())
        text = self.tr("Suggested category: %1 (matched: %2)").replace("%1", name)
        self.suggestion_label.setText(text.replace("%2", "、".join(suggestion.matched_keywords)))

    @Slot()
    def _on_apply_suggestion_clicked(self) -> None:
        if self._suggestion is not None:
            self.category.setCurrentIndex(max(self.category.findData(self._suggestion.category), 0))
            self._show_suggestion(None)

    def _on_compliance(self, result: proto.ComplianceResult) -> None:
        if result.ok or not result.hits:
            self.compliance_label.hide()
            return
        phrases = "、".join(sorted({h.phrase for h in result.hits}))
        self.compliance_label.setText(
            self.tr("Compliance warning: the text contains forbidden phrases: %1").replace("%1", phrases)
        )
        self.compliance_label.show()

    # ------------------------------------------------------------------------------------------ save
    @Slot()
    def _on_save_clicked(self) -> None:
        if not self._validate():
            return
        if self._ticket is None and not self._duplicates_confirmed and self.customer_phone.text().strip():
            self.save.setEnabled(False)
            future = self._bridge.engine.check_duplicates(
                self.customer_phone.text().strip(), str(self.category.currentData())
            )
            self._bridge.watch(future, self._on_duplicates, self._on_duplicates_failed, self)
            return
        self._send()

    def _on_duplicates(self, duplicates: list[proto.Ticket]) -> None:
        self.save.setEnabled(True)
        if not duplicates:
            self._send()
            return
        self._duplicates_confirmed = True
        numbers = "、".join(html.escape(t.number or "?") for t in duplicates[:5])
        self.duplicate_label.setText(
            self.tr("This customer already has open tickets in this category: %1. Create another one anyway?").replace(
                "%1", numbers
            )
        )
        self.duplicate_label.show()
        self.save.setText(self.tr("Create anyway"))

    def _on_duplicates_failed(self, exc: Exception) -> None:
        del exc  # the check is advisory; the hub checks again on create
        self.save.setEnabled(True)
        self._send()

    def build_create(self) -> proto.TicketCreate:
        phone = self.customer_phone.text().strip() or None
        note: str | None = None
        calls: list[str] = []
        if self._prefill is not None:
            calls = [self._prefill.call_id]
            note = self.tr("Created from call %1 (%2), started %3").replace("%1", self._prefill.call_id)
            note = note.replace("%2", self._prefill.phone).replace("%3", format_time(self._prefill.started_at))
            if self._prefill.duration_s is not None:
                note += "; " + self.tr("duration %1").replace("%1", format_duration(self._prefill.duration_s))
        return proto.TicketCreate(
            subject=self.subject.text().strip(),
            customer_name=self.customer_name.text().strip(),
            category=str(self.category.currentData()),
            description=self.description.toPlainText().strip(),
            customer_phone=phone,
            priority=proto.TicketPriority(self.priority.currentData()),
            custom_fields=self.custom_values(),
            linked_call_ids=calls,
            allow_duplicate=True,  # the agent saw the duplicate warning and confirmed
            initial_note=note,
        )

    def build_update(self) -> proto.TicketUpdate:
        ticket = self._ticket
        assert ticket is not None
        changes: dict[str, Any] = {}
        for name, value in (
            ("subject", self.subject.text().strip()),
            ("customer_name", self.customer_name.text().strip()),
            ("description", self.description.toPlainText().strip()),
            ("category", str(self.category.currentData())),
        ):
            if value != getattr(ticket, name):
                changes[name] = value
        phone = self.customer_phone.text().strip()
        if phone != (ticket.customer_phone or ""):
            changes["customer_phone"] = phone or None
        priority = proto.TicketPriority(self.priority.currentData())
        if priority is not ticket.priority:
            changes["priority"] = priority
        fields = {k: v for k, v in self.custom_values().items() if ticket.custom_fields.get(k) != v}
        if fields:
            changes["custom_fields"] = fields
        return proto.TicketUpdate(version=ticket.version, **changes)

    def _send(self) -> None:
        engine = self._bridge.engine
        if self._ticket is None:
            self._bridge.watch(engine.create_ticket(self.build_create()), self._on_sent, self._on_send_failed, self)
        else:
            self._bridge.watch(
                engine.update_ticket(self._ticket.id, self.build_update()), self._on_sent, self._on_send_failed, self
            )
        self.save.setEnabled(False)

    def _on_sent(self, _result: object) -> None:
        self.accept()

    def _on_send_failed(self, exc: Exception) -> None:
        self.save.setEnabled(True)
        if isinstance(exc, SyncError):
            detail = [f"{name}: {field_error_message(code)}" for name, code in exc.fields.items()]
            self.problems.setText("\n".join([error_message(exc.kind), *detail]))
        else:
            self.problems.setText(self.tr("Could not save the ticket."))
        self.problems.show()


__all__ = ["CallPrefill", "TicketEditorDialog", "format_duration"]
