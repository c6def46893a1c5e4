"""Small windows of the phone: the incoming-call toast, the transfer dialog and the quality details. Main thread."""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sip.model import CallSnapshot, QualityIssue, QualitySample
from sip.numbers import display_number
from ui.phone.texts import issue_text


class IncomingCallToast(QFrame):
    """A small always-on-top window for an incoming call, with answer and reject.

    Signals:
        answer_requested(int): call id
        reject_requested(int): call id
    """

    answer_requested = Signal(int)
    reject_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.FramelessWindowHint
        )
        self.setObjectName("incomingCallToast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.call_id = 0
        self._title = QLabel()
        self._title.setObjectName("toastTitle")
        self._caller = QLabel()
        self._caller.setObjectName("toastCaller")
        self._caller.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._answer = QPushButton()
        self._answer.setObjectName("toastAnswer")
        self._reject = QPushButton()
        self._reject.setObjectName("toastReject")
        self._answer.clicked.connect(self._on_answer_clicked)
        self._reject.clicked.connect(self._on_reject_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self._answer)
        buttons.addWidget(self._reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._caller)
        layout.addLayout(buttons)
        self._waiting = False
        self.retranslate_ui()

    def show_call(self, call: CallSnapshot, waiting: bool) -> None:
        self.call_id = call.call_id
        self._waiting = waiting
        number = display_number(call.remote_number)
        self._caller.setText(f"{call.remote_name}\n{number}" if call.remote_name else number)
        self.retranslate_ui()
        self.adjustSize()
        area = self.screen().availableGeometry()
        self.move(area.right() - self.width() - 24, area.bottom() - self.height() - 24)
        self.show()  # stays on top by its window flags (raise() is not supported everywhere)

    def retranslate_ui(self) -> None:
        self._title.setText(self.tr("Call waiting") if self._waiting else self.tr("Incoming call"))
        self._answer.setText(self.tr("Answer"))
        self._reject.setText(self.tr("Reject"))

    @Slot()
    def _on_answer_clicked(self) -> None:
        self.answer_requested.emit(self.call_id)
        self.hide()

    @Slot()
    def _on_reject_clicked(self) -> None:
        self.reject_requested.emit(self.call_id)
        self.hide()


class TransferMode(enum.Enum):
    BLIND = "blind"
    CONSULT = "consult"


class TransferDialog(QDialog):
    """Asks where to transfer the current call: at once (blind) or after talking to the target (consult).

    Signals:
        transfer_requested(str, object): number and :class:`TransferMode`
    """

    transfer_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transferDialog")
        self._label = QLabel()
        self._number = QLineEdit()
        self._number.setObjectName("transferNumber")
        self._blind = QPushButton()
        self._blind.setObjectName("transferBlind")
        self._consult = QPushButton()
        self._consult.setObjectName("transferConsult")
        self._cancel = QPushButton()
        self._blind.clicked.connect(self._on_blind_clicked)
        self._consult.clicked.connect(self._on_consult_clicked)
        self._cancel.clicked.connect(self.reject)
        box = QDialogButtonBox()
        box.addButton(self._blind, QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton(self._consult, QDialogButtonBox.ButtonRole.ActionRole)
        box.addButton(self._cancel, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self._label)
        layout.addWidget(self._number)
        layout.addWidget(box)
        self._number.textChanged.connect(self._on_number_text_changed)
        self.retranslate_ui()
        self._on_number_text_changed("")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Transfer call"))
        self._label.setText(self.tr("Transfer to (extension or number):"))
        self._blind.setText(self.tr("Transfer now"))
        self._consult.setText(self.tr("Consult first"))
        self._cancel.setText(self.tr("Cancel"))

    @Slot(str)
    def _on_number_text_changed(self, text: str) -> None:
        ok = bool(text.strip())
        self._blind.setEnabled(ok)
        self._consult.setEnabled(ok)

    def _submit(self, mode: TransferMode) -> None:
        number = self._number.text().strip()
        if number:
            self.transfer_requested.emit(number, mode)
            self.accept()

    @Slot()
    def _on_blind_clicked(self) -> None:
        self._submit(TransferMode.BLIND)

    @Slot()
    def _on_consult_clicked(self) -> None:
        self._submit(TransferMode.CONSULT)


class QualityDialog(QDialog):
    """The last quality sample of the current call in figures, and the active warnings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qualityDialog")
        self._form = QFormLayout()
        self._values = {key: QLabel("–") for key in ("mos", "r", "rtt", "jitter", "loss", "jbuf")}
        self._names = {key: QLabel() for key in self._values}
        for key, value in self._values.items():
            value.setObjectName(f"quality_{key}")
            self._form.addRow(self._names[key], value)
        self._issues = QLabel()
        self._issues.setObjectName("qualityIssues")
        self._issues.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form)
        layout.addWidget(self._issues)
        layout.addWidget(close)
        self._sample: QualitySample | None = None
        self._active: frozenset[QualityIssue] = frozenset()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Call quality"))
        names = {
            "mos": self.tr("MOS (1–5)"),
            "r": self.tr("R factor"),
            "rtt": self.tr("Round-trip time"),
            "jitter": self.tr("Jitter"),
            "loss": self.tr("Packet loss"),
            "jbuf": self.tr("Jitter buffer delay"),
        }
        for key, label in self._names.items():
            label.setText(names[key])
        self.show_sample(self._sample, self._active)

    def show_sample(self, sample: QualitySample | None, issues: frozenset[QualityIssue]) -> None:
        self._sample, self._active = sample, issues
        if sample is None:
            for value in self._values.values():
                value.setText("–")
            self._issues.setText(self.tr("No measurement yet (the first one comes 5 seconds into the call)."))
            return
        ms = self.tr("%1 ms")
        self._values["mos"].setText(f"{sample.mos:.2f}")
        self._values["r"].setText(f"{sample.r_factor:.0f}")
        self._values["rtt"].setText(ms.replace("%1", f"{sample.rtt_ms:.0f}") if sample.rtt_ms is not None else "–")
        self._values["jitter"].setText(ms.replace("%1", f"{sample.jitter_ms:.1f}"))
        self._values["loss"].setText(f"{sample.loss_pct:.1f} %")
        self._values["jbuf"].setText(ms.replace("%1", f"{sample.jbuf_ms:.0f}"))
        if issues:
            self._issues.setText("\n".join(issue_text(i) for i in sorted(issues, key=lambda i: i.value)))
        else:
            self._issues.setText(self.tr("No problems detected."))
