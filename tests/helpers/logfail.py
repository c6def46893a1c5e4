"""Fail a test that logs an unexpected WARNING or worse (after qutebrowser's ``tests/helpers/logfail.py``).

A warning nobody asserted is usually a bug the test did not look for. Exempt:
- tests marked ``@pytest.mark.allow_log_warnings`` (or modules with it in ``pytestmark``),
- tests that request the ``caplog`` fixture (they look at the log themselves),
- records from loggers outside AgentDesk's packages (third-party libraries have their own opinions).
"""

from __future__ import annotations

import logging

OUR_LOGGERS = ("app", "ui", "sip", "vpn_check", "server", "qt")


class LogFailHandler(logging.Handler):
    """Collects WARNING+ records from AgentDesk's loggers during one test."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in OUR_LOGGERS:
            self.records.append(record)

    def report(self) -> str:
        return "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in self.records)
