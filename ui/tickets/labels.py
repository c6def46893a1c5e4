"""Translated names for ticket enums and sync error kinds (``app/`` returns enums; the words live here)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app import protocol as proto
from app.sync.errors import SyncErrorKind


def _t(text: str) -> str:
    return QCoreApplication.translate("TicketLabels", text)


def status_label(status: proto.TicketStatus) -> str:
    match status:
        case proto.TicketStatus.NEW:
            return _t("New")
        case proto.TicketStatus.IN_PROGRESS:
            return _t("In progress")
        case proto.TicketStatus.PENDING_CUSTOMER:
            return _t("Waiting for customer")
        case proto.TicketStatus.RESOLVED:
            return _t("Resolved")
        case proto.TicketStatus.CLOSED:
            return _t("Closed")


def status_action(status: proto.TicketStatus, current: proto.TicketStatus) -> str:
    """The button text for moving a ticket to ``status``."""
    if status is proto.TicketStatus.IN_PROGRESS and current in (proto.TicketStatus.RESOLVED, proto.TicketStatus.CLOSED):
        return _t("Reopen")
    match status:
        case proto.TicketStatus.NEW:
            return _t("Mark new")
        case proto.TicketStatus.IN_PROGRESS:
            return _t("Start work")
        case proto.TicketStatus.PENDING_CUSTOMER:
            return _t("Wait for customer")
        case proto.TicketStatus.RESOLVED:
            return _t("Resolve")
        case proto.TicketStatus.CLOSED:
            return _t("Close")


def priority_label(priority: proto.TicketPriority) -> str:
    match priority:
        case proto.TicketPriority.LOW:
            return _t("Low")
        case proto.TicketPriority.NORMAL:
            return _t("Normal")
        case proto.TicketPriority.HIGH:
            return _t("High")
        case proto.TicketPriority.URGENT:
            return _t("Urgent")


PRIORITY_RANK = {
    proto.TicketPriority.LOW: 0,
    proto.TicketPriority.NORMAL: 1,
    proto.TicketPriority.HIGH: 2,
    proto.TicketPriority.URGENT: 3,
}

STATUS_RANK = {
    proto.TicketStatus.NEW: 0,
    proto.TicketStatus.IN_PROGRESS: 1,
    proto.TicketStatus.PENDING_CUSTOMER: 2,
    proto.TicketStatus.RESOLVED: 3,
    proto.TicketStatus.CLOSED: 4,
}


def error_message(kind: SyncErrorKind) -> str:
    match kind:
        case SyncErrorKind.AUTH:
            return _t("Your session has ended. Please sign in again.")
        case SyncErrorKind.LOCKED:
            return _t("Too many failed sign-ins. Try again in a few minutes.")
        case SyncErrorKind.SESSION_TAKEN_OVER:
            return _t("You signed in on another computer, so this session was closed.")
        case SyncErrorKind.NETWORK | SyncErrorKind.OFFLINE:
            return _t("The hub cannot be reached. Your work is kept and will be sent when it is back.")
        case SyncErrorKind.TLS:
            return _t("The hub's certificate is not trusted. Ask IT to check the site CA setting.")
        case SyncErrorKind.CONFLICT:
            return _t("Someone else changed this ticket at the same time.")
        case SyncErrorKind.VALIDATION:
            return _t("The hub did not accept the data. Check the highlighted fields.")
        case SyncErrorKind.NOT_FOUND:
            return _t("This ticket or article no longer exists.")
        case SyncErrorKind.SERVER:
            return _t("The hub had a problem. Please try again shortly.")
        case SyncErrorKind.MALFORMED:
            return _t("The hub sent data this version cannot read.")
        case SyncErrorKind.CACHE:
            return _t("The local ticket cache could not be read.")
        case SyncErrorKind.NO_KEYRING:
            return _t("The system keyring is not available, so data cannot be stored securely.")
        case SyncErrorKind.FORBIDDEN:
            return _t("You are not allowed to do this.")
        case SyncErrorKind.DUPLICATE:
            return _t("This customer already has an open ticket in this category.")
        case SyncErrorKind.CLIENT_TOO_OLD:
            return _t("This AgentDesk version is too old for the hub. Please update.")


def field_error_message(code: str) -> str:
    """The hub's per-field error codes (``FieldError.code``)."""
    match code:
        case "required":
            return _t("Required")
        case "too_long":
            return _t("Too long")
        case "invalid_phone":
            return _t("Not a valid phone number")
        case "invalid_choice":
            return _t("Not one of the allowed values")
        case "wrong_type":
            return _t("Wrong format")
        case _:
            return _t("Invalid value")


def category_name(category: proto.TicketCategory | None, code: str, chinese: bool) -> str:
    if category is None:
        return code
    return category.name_zh if chinese else category.name_en
