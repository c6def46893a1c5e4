"""Translated names, colours and icons for agent states, reasons and notices (shared by the state bar and the
supervisor board). Main thread only."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QObject, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app.protocol import AgentState, ReasonCategory, SystemReason, TeamPolicy
from app.state.controller import Notice, NoticeKind
from app.state.model import RefusalKind, reason_category

#: One colour per state (and per not-ready category): what agents and supervisors learn to read at a glance.
STATE_COLORS: dict[AgentState, str] = {
    AgentState.SIGNED_OUT: "#757575",
    AgentState.NOT_READY: "#c62828",
    AgentState.READY: "#2e7d32",
    AgentState.RINGING: "#0277bd",
    AgentState.ON_CALL: "#1565c0",
    AgentState.WRAP_UP: "#6a1b9a",
}
BREAK_COLOR = "#ef6c00"


def ui_language_is_chinese() -> bool:
    """Whether the interface language now in effect is Chinese (``ui.i18n.Translations`` sets the default locale
    before widgets get ``LanguageChange``): the hub's reason labels exist in both languages and follow it."""
    return QLocale().language() == QLocale.Language.Chinese


def state_color(state: AgentState, category: ReasonCategory | None = None) -> QColor:
    if state is AgentState.NOT_READY and category is ReasonCategory.BREAK:
        return QColor(BREAK_COLOR)
    return QColor(STATE_COLORS[state])


def state_icon(color: QColor, size: int = 32) -> QIcon:
    """A filled circle of ``color``: the tray and window icon follow the state."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(color)
    painter.setPen(color.darker(130))
    painter.drawEllipse(2, 2, size - 4, size - 4)
    painter.end()
    return QIcon(pixmap)


class StateNames(QObject):
    """Every user-visible name of the state area, translated (``tr`` context ``StateNames``)."""

    def state(self, state: AgentState, category: ReasonCategory | None = None) -> str:
        if state is AgentState.NOT_READY and category is ReasonCategory.BREAK:
            return self.tr("Break")
        names = {
            AgentState.SIGNED_OUT: self.tr("Signed out"),
            AgentState.NOT_READY: self.tr("Not ready"),
            AgentState.READY: self.tr("Ready"),
            AgentState.RINGING: self.tr("Ringing"),
            AgentState.ON_CALL: self.tr("On call"),
            AgentState.WRAP_UP: self.tr("Wrap-up"),
        }
        return names[state]

    def system_reason(self, code: str) -> str | None:
        names = {
            SystemReason.SIGN_IN.value: self.tr("Just signed in"),
            SystemReason.MISSED_CALL.value: self.tr("Missed call"),
            SystemReason.SUPERVISOR.value: self.tr("Set by supervisor"),
            SystemReason.OFFLINE.value: self.tr("Offline too long"),
            SystemReason.SESSION_REPLACED.value: self.tr("Signed in elsewhere"),
            SystemReason.DEVICE.value: self.tr("Device problem"),
            SystemReason.ACCOUNT_DISABLED.value: self.tr("Account disabled"),
        }
        return names.get(code)

    def reason(self, team: TeamPolicy, code: str | None, chinese: bool) -> str:
        if code is None:
            return ""
        for r in team.reasons:
            if r.code == code:
                return r.label_zh if chinese else r.label_en
        return self.system_reason(code) or code

    def state_with_reason(
        self, team: TeamPolicy, state: AgentState, reason: str | None, chinese: bool
    ) -> tuple[str, ReasonCategory | None]:
        category = reason_category(team, reason) if state is AgentState.NOT_READY else None
        name = self.state(state, category)
        label = self.reason(team, reason, chinese) if state in (AgentState.NOT_READY, AgentState.SIGNED_OUT) else ""
        return (self.tr("%1 · %2").replace("%1", name).replace("%2", label) if label else name), category

    def refusal(self, kind: RefusalKind | None) -> str:
        texts = {
            RefusalKind.NOT_ALLOWED: self.tr("That change is not possible in the current state."),
            RefusalKind.NOT_PERMITTED: self.tr("You are not allowed to make that change."),
            RefusalKind.REASON_REQUIRED: self.tr("Choose a reason."),
            RefusalKind.UNKNOWN_REASON: self.tr("That reason is not available for your team."),
            RefusalKind.NO_EXTENSION_LEFT: self.tr("Wrap-up cannot be extended any more."),
            RefusalKind.WRAP_UP_NOT_OVER: self.tr("Wrap-up is not over yet."),
            RefusalKind.WRONG_CALL: self.tr("That call is no longer current."),
            RefusalKind.FORBIDDEN: self.tr("Not allowed: this agent is not in your team."),
            RefusalKind.CONFLICT: self.tr("Your state was changed at the same moment by someone else."),
            RefusalKind.TIMEOUT: self.tr("The hub did not answer in time."),
            RefusalKind.DISCONNECTED: self.tr("Not connected to the hub."),
            RefusalKind.SUPERSEDED: self.tr("Your state changed before the request could be sent."),
            RefusalKind.HUB_ERROR: self.tr("The hub refused the change."),
        }
        return texts.get(kind, self.tr("The change failed.")) if kind else self.tr("The change failed.")

    def notice(self, notice: Notice) -> str:
        kind = notice.kind
        target = self.state(notice.state) if notice.state else ""
        if kind is NoticeKind.REVERTED:
            return (
                self.tr("Could not change to %1: %2").replace("%1", target).replace("%2", self.refusal(notice.refusal))
            )
        if kind is NoticeKind.CHANGED_BY_SUPERVISOR:
            who = notice.by_name or self.tr("a supervisor")
            if notice.pending:
                return (
                    self.tr("%1 set your next state to %2 (after this call).").replace("%1", who).replace("%2", target)
                )
            return self.tr("%1 changed your state to %2.").replace("%1", who).replace("%2", target)
        texts = {
            NoticeKind.SIGNED_OUT_OFFLINE: self.tr("You were signed out: no connection to the hub for too long."),
            NoticeKind.SESSION_REPLACED: self.tr(
                "You were signed out because your account signed in on another computer."
            ),
            NoticeKind.MISSED_CALL: self.tr("Missed call: you are now Not ready. Choose Ready to take calls again."),
            NoticeKind.REJECTED_BUSY: self.tr("A queue call was passed to another agent because you are not ready."),
            NoticeKind.AUTO_ANSWER_NO_HEADSET: self.tr("Auto-answer is off: no headset is connected."),
            NoticeKind.CONNECTION_LOST: self.tr("Connection to the hub lost. You stay signed in; reconnecting…"),
            NoticeKind.CONNECTION_RESTORED: self.tr("Connection to the hub restored."),
        }
        return texts.get(kind, "")
