"""Translated texts for the softphone's enums (``sip.model``). Main thread only."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from sip.model import CallOutcome, CallState, QualityIssue, RegFailure, RegState, SipErrorKind


def registration_text(state: RegState, failure: RegFailure | None) -> str:
    if state is RegState.REGISTERED:
        return QCoreApplication.translate("PhoneTexts", "Online")
    if state is RegState.REGISTERING:
        return QCoreApplication.translate("PhoneTexts", "Connecting…")
    if state is RegState.UNREGISTERED:
        return QCoreApplication.translate("PhoneTexts", "Offline")
    return {
        RegFailure.WRONG_PASSWORD: QCoreApplication.translate("PhoneTexts", "Sign-in refused: wrong password"),
        RegFailure.UNKNOWN_USER: QCoreApplication.translate("PhoneTexts", "Sign-in refused: unknown extension"),
        RegFailure.UNREACHABLE: QCoreApplication.translate("PhoneTexts", "Phone server unreachable"),
        RegFailure.TLS_VERIFY_FAILED: QCoreApplication.translate("PhoneTexts", "Phone server certificate not trusted"),
        RegFailure.TIMEOUT: QCoreApplication.translate("PhoneTexts", "Phone server does not answer"),
        RegFailure.REJECTED: QCoreApplication.translate("PhoneTexts", "Phone server refused the sign-in"),
        None: QCoreApplication.translate("PhoneTexts", "Phone sign-in failed"),
    }[failure]


def call_state_text(state: CallState, incoming: bool) -> str:
    return {
        CallState.DIALING: QCoreApplication.translate("PhoneTexts", "Calling…"),
        CallState.RINGING: QCoreApplication.translate("PhoneTexts", "Incoming call")
        if incoming
        else QCoreApplication.translate("PhoneTexts", "Ringing…"),
        CallState.CONNECTING: QCoreApplication.translate("PhoneTexts", "Connecting…"),
        CallState.CONNECTED: QCoreApplication.translate("PhoneTexts", "In call"),
        CallState.ENDED: QCoreApplication.translate("PhoneTexts", "Call ended"),
    }[state]


def outcome_text(outcome: CallOutcome) -> str:
    return {
        CallOutcome.ANSWERED: QCoreApplication.translate("PhoneTexts", "Answered"),
        CallOutcome.MISSED: QCoreApplication.translate("PhoneTexts", "Missed"),
        CallOutcome.REJECTED: QCoreApplication.translate("PhoneTexts", "Rejected"),
        CallOutcome.NO_ANSWER: QCoreApplication.translate("PhoneTexts", "No answer"),
        CallOutcome.BUSY: QCoreApplication.translate("PhoneTexts", "Busy"),
        CallOutcome.FAILED: QCoreApplication.translate("PhoneTexts", "Failed"),
        CallOutcome.TRANSFERRED: QCoreApplication.translate("PhoneTexts", "Transferred"),
    }[outcome]


def issue_text(issue: QualityIssue) -> str:
    return {
        QualityIssue.HIGH_RTT: QCoreApplication.translate("PhoneTexts", "High delay"),
        QualityIssue.HIGH_JITTER: QCoreApplication.translate("PhoneTexts", "Unstable network (jitter)"),
        QualityIssue.HIGH_LOSS: QCoreApplication.translate("PhoneTexts", "Packet loss"),
        QualityIssue.LOW_MOS: QCoreApplication.translate("PhoneTexts", "Poor voice quality"),
    }[issue]


def error_text(kind: SipErrorKind) -> str:
    return {
        SipErrorKind.NOT_STARTED: QCoreApplication.translate("PhoneTexts", "The phone is not started."),
        SipErrorKind.START_FAILED: QCoreApplication.translate("PhoneTexts", "The phone could not start."),
        SipErrorKind.NO_ACCOUNT: QCoreApplication.translate("PhoneTexts", "The phone is not signed in."),
        SipErrorKind.BAD_SETTINGS: QCoreApplication.translate("PhoneTexts", "The phone settings are incomplete."),
        SipErrorKind.INVALID_NUMBER: QCoreApplication.translate(
            "PhoneTexts", "That is not a number that can be dialled."
        ),
        SipErrorKind.NO_SUCH_CALL: QCoreApplication.translate("PhoneTexts", "That call has already ended."),
        SipErrorKind.WRONG_STATE: QCoreApplication.translate("PhoneTexts", "Not possible in the call's current state."),
        SipErrorKind.TOO_MANY_CALLS: QCoreApplication.translate("PhoneTexts", "Too many calls at once."),
        SipErrorKind.NOTHING_TO_REDIAL: QCoreApplication.translate("PhoneTexts", "No number to redial yet."),
        SipErrorKind.OPERATION_FAILED: QCoreApplication.translate("PhoneTexts", "The phone could not do that."),
        SipErrorKind.SHUT_DOWN: QCoreApplication.translate("PhoneTexts", "The phone is shutting down."),
    }[kind]
