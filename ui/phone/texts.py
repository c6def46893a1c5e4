"""Translated texts for the softphone's enums (``sip.model``). Main thread only."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from sip.model import CallOutcome, CallState, QualityIssue, RegFailure, RegState, SipErrorKind


def _tr(text: str) -> str:
    return QCoreApplication.translate("PhoneTexts", text)


def registration_text(state: RegState, failure: RegFailure | None) -> str:
    if state is RegState.REGISTERED:
        return _tr("Online")
    if state is RegState.REGISTERING:
        return _tr("Connecting…")
    if state is RegState.UNREGISTERED:
        return _tr("Offline")
    return {
        RegFailure.WRONG_PASSWORD: _tr("Sign-in refused: wrong password"),
        RegFailure.UNKNOWN_USER: _tr("Sign-in refused: unknown extension"),
        RegFailure.UNREACHABLE: _tr("Phone server unreachable"),
        RegFailure.TLS_VERIFY_FAILED: _tr("Phone server certificate not trusted"),
        RegFailure.TIMEOUT: _tr("Phone server does not answer"),
        RegFailure.REJECTED: _tr("Phone server refused the sign-in"),
        None: _tr("Phone sign-in failed"),
    }[failure]


def call_state_text(state: CallState, incoming: bool) -> str:
    return {
        CallState.DIALING: _tr("Calling…"),
        CallState.RINGING: _tr("Incoming call") if incoming else _tr("Ringing…"),
        CallState.CONNECTING: _tr("Connecting…"),
        CallState.CONNECTED: _tr("In call"),
        CallState.ENDED: _tr("Call ended"),
    }[state]


def outcome_text(outcome: CallOutcome) -> str:
    return {
        CallOutcome.ANSWERED: _tr("Answered"),
        CallOutcome.MISSED: _tr("Missed"),
        CallOutcome.REJECTED: _tr("Rejected"),
        CallOutcome.NO_ANSWER: _tr("No answer"),
        CallOutcome.BUSY: _tr("Busy"),
        CallOutcome.FAILED: _tr("Failed"),
        CallOutcome.TRANSFERRED: _tr("Transferred"),
    }[outcome]


def issue_text(issue: QualityIssue) -> str:
    return {
        QualityIssue.HIGH_RTT: _tr("High delay"),
        QualityIssue.HIGH_JITTER: _tr("Unstable network (jitter)"),
        QualityIssue.HIGH_LOSS: _tr("Packet loss"),
        QualityIssue.LOW_MOS: _tr("Poor voice quality"),
    }[issue]


def error_text(kind: SipErrorKind) -> str:
    return {
        SipErrorKind.NOT_STARTED: _tr("The phone is not started."),
        SipErrorKind.START_FAILED: _tr("The phone could not start."),
        SipErrorKind.NO_ACCOUNT: _tr("The phone is not signed in."),
        SipErrorKind.BAD_SETTINGS: _tr("The phone settings are incomplete."),
        SipErrorKind.INVALID_NUMBER: _tr("That is not a number that can be dialled."),
        SipErrorKind.NO_SUCH_CALL: _tr("That call has already ended."),
        SipErrorKind.WRONG_STATE: _tr("Not possible in the call's current state."),
        SipErrorKind.TOO_MANY_CALLS: _tr("Too many calls at once."),
        SipErrorKind.NOTHING_TO_REDIAL: _tr("No number to redial yet."),
        SipErrorKind.OPERATION_FAILED: _tr("The phone could not do that."),
        SipErrorKind.SHUT_DOWN: _tr("The phone is shutting down."),
    }[kind]
