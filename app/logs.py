"""Logging: per-module loggers, a rotating file in the user log directory, an in-memory ring buffer, and redaction.

Responsibility: configure Python ``logging`` once at start-up (``setup_logging``, called by the composition root) and
make sure no secret reaches any log output. Every module logs through ``logging.getLogger(__name__)``; Qt's own
messages arrive on the ``qt`` logger (``ui/qtlog.py`` installs the handler), pjsip's on ``sip.pjsip``.

Redaction happens in the formatter shared by every handler this module installs, so the file, the ring buffer (used by
"copy diagnostics" and the diagnostics bundle) and the console all see the same redacted text, including tracebacks.
:class:`Redactor` removes ``Authorization``/``Proxy-Authorization``/``Cookie`` header values (HTTP and SIP, including
Digest ``response=``), ``password``/``token``/``secret`` fields in JSON, Python reprs, query strings and key=value text,
passwords in URLs (``sip:user:pw@host``), ``Bearer`` tokens, and any literal secret registered at run time with
:meth:`Redactor.add_secret` (e.g. the password typed into the login dialog).

Threads: handlers are thread-safe (``logging`` locks each handler); any thread may log. Qt-free.
"""

from __future__ import annotations

import collections
import json
import logging
import logging.handlers
import re
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

REDACTED = "<redacted>"
LOG_FILE_NAME = "agentdesk.log"
FILE_FORMAT = "%(asctime)s.%(msecs)03d %(levelname)-7s [%(threadName)s] %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

_SECRET_WORDS = (
    r"pass(?:word|wd)?|pwd|secret|client_secret|token|access_token|refresh_token|id_token|api_?key|"
    r"session_?id|auth_?token|ha1|private_?key"
)

# Headers whose whole value is a credential (HTTP and SIP). SIP compact forms have no credential headers.
_HEADER = re.compile(
    r"(?im)^(?P<h>[ \t>]*(?:Authorization|Proxy-Authorization|Cookie|Set-Cookie|X-Api-Key|X-Auth-Token)[ \t]*:[ \t]*)"
    r"(?P<v>[^\r\n]*)"
)
# The same headers quoted inside one line (e.g. a repr of a dict of headers, or a single-line log message).
_HEADER_INLINE = re.compile(
    r"(?i)(?P<h>['\"]?(?:Authorization|Proxy-Authorization|Cookie|Set-Cookie|X-Api-Key|X-Auth-Token)['\"]?"
    r"[ \t]*[:=][ \t]*)(?P<q>['\"]?)(?P<v>(?:Digest|Basic|Bearer)[ \t]+[^'\"\r\n]*|[^'\"\s,;}\r\n]+)"
)
# Digest parameters that prove knowledge of the password.
_DIGEST = re.compile(r'(?i)\b(?P<h>response|cnonce)\s*=\s*(?P<q>"?)(?P<v>[^",\s]*)')
# "password": "x"  /  'token': 'x'  /  password=x  /  password: x   (JSON, reprs, query strings, key=value text)
_FIELD = re.compile(
    rf"(?i)(?P<h>['\"]?\b(?:[a-z0-9_]*_)?(?:{_SECRET_WORDS})\b['\"]?\s*[:=]\s*)"
    r"(?P<q>['\"])?(?P<v>(?(q)(?:\\.|(?!(?P=q)).)*|[^\s&,;}\]\)'\"]+))"
)
# Bearer tokens anywhere.
_BEARER = re.compile(r"(?i)\b(?P<h>Bearer\s+)(?P<v>[A-Za-z0-9\-._~+/]+=*)")
# scheme://user:password@host and sip:user:password@host
_URL_PASSWORD = re.compile(r"(?i)\b(?P<h>(?:[a-z][a-z0-9+.-]*://|sips?:)[^\s:/@'\"]+:)(?P<v>[^\s@/'\"]+)(?=@)")


class Redactor:
    """Removes credentials from log text. Thread-safe: secrets may be added from any thread while others log."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: frozenset[str] = frozenset()
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, secret: str) -> None:
        """Redact this exact text wherever it appears (ignored if shorter than 4 characters: too many false hits)."""
        if len(secret) >= 4:
            with self._lock:
                self._secrets = self._secrets | {secret}

    def discard_secret(self, secret: str) -> None:
        with self._lock:
            self._secrets = self._secrets - {secret}

    def redact(self, text: str) -> str:
        """``text`` with every credential replaced by ``<redacted>``."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        text = _HEADER.sub(lambda m: m["h"] + REDACTED, text)
        text = _HEADER_INLINE.sub(lambda m: m["h"] + m["q"] + REDACTED, text)
        text = _DIGEST.sub(lambda m: m["h"] + "=" + m["q"] + REDACTED, text)
        text = _BEARER.sub(lambda m: m["h"] + REDACTED, text)
        text = _URL_PASSWORD.sub(lambda m: m["h"] + REDACTED, text)
        return _FIELD.sub(lambda m: m["h"] + (m["q"] or "") + REDACTED if m["v"] != REDACTED else m[0], text)


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output (message, arguments, traceback) goes through a :class:`Redactor`."""

    def __init__(self, redactor: Redactor, fmt: str = FILE_FORMAT, datefmt: str = DATE_FORMAT) -> None:
        super().__init__(fmt, datefmt)
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor.redact(super().format(record))


class JsonFormatter(RedactingFormatter):
    """One JSON object per line (for end-to-end tests that parse the client's log), redacted field by field."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "created": record.created,
            "level": record.levelname,
            "logger": record.name,
            "thread": record.threadName,
            "message": self.redactor.redact(record.getMessage()),
        }
        if record.exc_info:
            entry["traceback"] = self.redactor.redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RingBufferHandler(logging.Handler):
    """Keeps the last ``capacity`` formatted (redacted) lines in memory for "copy diagnostics"."""

    def __init__(self, capacity: int = 2000) -> None:
        super().__init__()
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(self.format(record))
        except Exception:  # logging must never raise into the caller
            self.handleError(record)

    def lines(self) -> list[str]:
        """A copy of the buffered lines, oldest first."""
        self.acquire()
        try:
            return list(self._lines)
        finally:
            self.release()

    def text(self) -> str:
        return "\n".join(self.lines())


@dataclass
class LogSetup:
    """What :func:`setup_logging` installed; pass it (not globals) to whoever needs the ring buffer or redactor."""

    redactor: Redactor
    ring: RingBufferHandler
    file_handler: logging.Handler | None
    console_handler: logging.Handler | None
    log_file: Path | None

    def handlers(self) -> list[logging.Handler]:
        return [h for h in (self.ring, self.file_handler, self.console_handler) if h is not None]

    def set_file_level(self, level: int | str) -> None:
        """Change the minimum level written to the file (settings change at run time)."""
        if self.file_handler is not None:
            self.file_handler.setLevel(level)

    def set_sip_trace(self, enabled: bool) -> None:
        """Turn the full SIP message trace (logger ``sip.trace``) on or off at run time."""
        logging.getLogger("sip.trace").setLevel(logging.DEBUG if enabled else logging.WARNING)

    def close(self) -> None:
        """Remove and close the handlers (tests, shutdown)."""
        root = logging.getLogger()
        for handler in self.handlers():
            root.removeHandler(handler)
            handler.close()


def default_log_dir() -> Path:
    """``platformdirs.user_log_dir`` for AgentDesk."""
    import platformdirs  # lazily: keeps start-up lean

    return Path(platformdirs.user_log_dir("AgentDesk", appauthor=False))


def setup_logging(
    *,
    log_dir: Path | None = None,
    file_level: int | str = logging.INFO,
    console_level: int | str | None = logging.WARNING,
    console_stream: TextIO | None = None,
    console_json: bool = False,
    ring_capacity: int = 2000,
    max_bytes: int = 5_000_000,
    backups: int = 5,
    redactor: Redactor | None = None,
) -> LogSetup:
    """Install the handlers on the root logger and return them. Call once, on the main thread, before other threads.

    ``log_dir=None`` uses :func:`default_log_dir`. If the log directory cannot be created or opened, logging continues
    to the ring buffer and console (the error is reported on the console) rather than failing the start.
    """
    redactor = redactor or Redactor()
    formatter = RedactingFormatter(redactor)
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)

    ring = RingBufferHandler(ring_capacity)
    ring.setLevel(logging.DEBUG)
    ring.setFormatter(formatter)
    root.addHandler(ring)

    file_handler: logging.Handler | None = None
    log_file: Path | None = None
    problem: str | None = None
    try:
        directory = default_log_dir() if log_dir is None else log_dir
        directory.mkdir(parents=True, exist_ok=True)
        log_file = directory / LOG_FILE_NAME
        file_handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=False
        )
        file_handler.setLevel(file_level)
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    except OSError as exc:
        problem = f"cannot write the log file: {exc}"
        log_file = None

    console_handler: logging.Handler | None = None
    if console_level is not None:
        console_handler = logging.StreamHandler(console_stream or sys.stderr)
        console_handler.setLevel(console_level)
        console_handler.setFormatter(JsonFormatter(redactor) if console_json else formatter)
        root.addHandler(console_handler)

    logging.captureWarnings(True)
    logging.getLogger("sip.trace").setLevel(logging.WARNING)
    if problem:
        logging.getLogger(__name__).error("%s", problem)
    return LogSetup(redactor, ring, file_handler, console_handler, log_file)
