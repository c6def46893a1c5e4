"""Translated names for ticket enums and sync error kinds (``app/`` returns enums; the words live here)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app import protocol as proto
from app.sync.errors import SyncErrorKind


def status_label(status: proto.TicketStatus) -> str:
    match status:
        case proto.TicketStatus.NEW:
            return QCoreApplication.translate("TicketLabels", "New")
        case proto.TicketStatus.IN_PROGRESS:
            return QCoreApplication.translate("TicketLabels", "In progress")
        case proto.TicketStatus.PENDING_CUSTOMER:
            return QCoreApplication.translate("TicketLabels", "Waiting for customer")
        case proto.TicketStatus.RESOLVED:
            return QCoreApplication.translate("TicketLabels", "Resolved")
        case proto.TicketStatus.CLOSED:
            return QCoreApplication.translate("TicketLabels", "Closed")


def status_action(status: proto.TicketStatus, current: proto.TicketStatus) -> str:
    """The button text for moving a ticket to ``status``."""
    if status is proto.TicketStatus.IN_PROGRESS and current in (proto.TicketStatus.RESOLVED, proto.TicketStatus.CLOSED):
        return QCoreApplication.translate("TicketLabels", "Reopen")
    match status:
        case proto.TicketStatus.NEW:
            return QCoreApplication.translate("TicketLabels", "Mark new")
        case proto.TicketStatus.IN_PROGRESS:
            return QCoreApplication.translate("TicketLabels", "Start work")
        case proto.TicketStatus.PENDING_CUSTOMER:
            return QCoreApplication.translate("TicketLabels", "Wait for customer")
        case proto.TicketStatus.RESOLVED:
            return QCoreApplication.translate("TicketLabels", "Resolve")
        case proto.TicketStatus.CLOSED:
            return QCoreApplication.translate("TicketLabels", "Close")


def priority_label(priority: proto.TicketPriority) -> str:
    match priority:
        case proto.TicketPriority.LOW:
            return QCoreApplication.translate("TicketLabels", "Low")
        case proto.TicketPriority.NORMAL:
            return QCoreApplication.translate("TicketLabels", "Normal")
        case proto.TicketPriority.HIGH:
            return QCoreApplication.translate("TicketLabels", "High")
        case proto.TicketPriority.URGENT:
            return QCoreApplication.translate("TicketLabels", "Urgent")


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
            return QCoreApplication.translate("TicketLabels", "Your session has ended. Please sign in again.")
        case SyncErrorKind.LOCKED:
            return QCoreApplication.translate("TicketLabels", "Too many failed sign-ins. Try again in a few minutes.")
        case SyncErrorKind.SESSION_TAKEN_OVER:
            return QCoreApplication.translate(
                "TicketLabels", "You signed in on another computer, so this session was closed."
            )
        case SyncErrorKind.NETWORK | SyncErrorKind.OFFLINE:
            return QCoreApplication.translate(
                "TicketLabels", "The hub cannot be reached. Your work is kept and will be sent when it is back."
            )
        case SyncErrorKind.TLS:
            return QCoreApplication.translate(
                "TicketLabels", "The hub's certificate is not trusted. Ask IT to check the site CA setting."
            )
        case SyncErrorKind.CONFLICT:
            return QCoreApplication.translate("TicketLabels", "Someone else changed this ticket at the same time.")
        case SyncErrorKind.VALIDATION:
            return QCoreApplication.translate(
                "TicketLabels", "The hub did not accept the data. Check the highlighted fields."
            )
        case SyncErrorKind.NOT_FOUND:
            return QCoreApplication.translate("TicketLabels", "This ticket or article no longer exists.")
        case SyncErrorKind.SERVER:
            return QCoreApplication.translate("TicketLabels", "The hub had a problem. Please try again shortly.")
        case SyncErrorKind.MALFORMED:
            return QCoreApplication.translate("TicketLabels", "The hub sent data this version cannot read.")
        case SyncErrorKind.CACHE:
            return QCoreApplication.translate("TicketLabels", "The local ticket cache could not be read.")
        case SyncErrorKind.NO_KEYRING:
            return QCoreApplication.translate(
                "TicketLabels", "The system keyring is not available, so data cannot be stored securely."
            )
        case SyncErrorKind.FORBIDDEN:
            return QCoreApplication.translate("TicketLabels", "You are not allowed to do this.")
        case SyncErrorKind.DUPLICATE:
            return QCoreApplication.translate(
                "TicketLabels", "This customer already has an open ticket in this category."
            )
        case SyncErrorKind.CLIENT_TOO_OLD:
            return QCoreApplication.translate(
                "TicketLabels", "This AgentDesk version is too old for the hub. Please update."
            )


def field_error_message(code: str) -> str:
    """The hub's per-field error codes (``FieldError.code``)."""
    match code:
        case "required":
            return QCoreApplication.translate("TicketLabels", "Required")
        case "too_long":
            return QCoreApplication.translate("TicketLabels", "Too long")
        case "invalid_phone":
            return QCoreApplication.translate("TicketLabels", "Not a valid phone number")
        case "invalid_choice":
            return QCoreApplication.translate("TicketLabels", "Not one of the allowed values")
        case "wrong_type":
            return QCoreApplication.translate("TicketLabels", "Wrong format")
        case _:
            return QCoreApplication.translate("TicketLabels", "Invalid value")


def category_name(category: proto.TicketCategory | None, code: str, chinese: bool) -> str:
    if category is None:
        return code
    return category.name_zh if chinese else category.name_en
