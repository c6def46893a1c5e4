"""Crash handling: uncaught Python exceptions (any thread) and native crashes (faulthandler), plus diagnostics text.

Responsibility: install ``sys.excepthook`` and ``threading.excepthook`` that log the exception (redacted by the log
handlers) and hand a :class:`CrashReport` to a callback (the UI shows a non-modal dialog); keep ``faulthandler``
writing to a file so a native crash (pjsua2, Qt) leaves a trace that the next start reports
(:meth:`CrashHandler.previous_native_crash`), after qutebrowser's ``misc/crashsignal.py``.

Threads: the hooks run on whichever thread raised; the callback is called there too, so the UI side must marshal it
to the GUI thread (``ui/crash_dialog.py`` does, through a queued signal). Qt-free.
"""

from __future__ import annotations

import contextlib
import enum
import faulthandler
import logging
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TextIO

from app.version import __version__

log = logging.getLogger(__name__)
NATIVE_CRASH_FILE = "native-crash.log"


class CrashOrigin(enum.Enum):
    """Where an uncaught exception came from."""

    MAIN = "main"  # sys.excepthook: the GUI thread, including exceptions escaping Qt slots and virtual methods
    THREAD = "thread"  # threading.excepthook: a Python worker thread
    NATIVE = "native"  # faulthandler output left by a previous run


@dataclass(frozen=True)
class CrashReport:
    """What went wrong, as text safe to show and copy (the traceback is redacted by the caller's redactor)."""

    origin: CrashOrigin
    exc_type: str
    message: str
    traceback: str
    thread: str
    when: datetime


class CrashHandler:
    """Installs the exception hooks and the faulthandler file; see the module docstring.

    Args:
        state_dir: where the native crash file lives (the user state/log directory).
        on_crash: called with each :class:`CrashReport`, on the thread that raised.
        redact: applied to every text put in a report (``Redactor.redact``).
    """

    def __init__(
        self,
        state_dir: Path,
        on_crash: Callable[[CrashReport], None],
        redact: Callable[[str], str] = lambda text: text,
    ) -> None:
        self.state_dir = state_dir
        self.native_file = state_dir / NATIVE_CRASH_FILE
        self._on_crash = on_crash
        self._redact = redact
        self._fault_stream: TextIO | None = None
        self._previous_excepthook: Callable[..., object] | None = None
        self._previous_threading_hook: Callable[[threading.ExceptHookArgs], object] | None = None
        self._handling = threading.local()

    # -- install / uninstall -------------------------------------------------------------------------
    def install(self) -> None:
        """Install both hooks and start faulthandler (after reading what a previous crash left)."""
        self._previous_excepthook = sys.excepthook
        self._previous_threading_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._threading_hook
        self._enable_faulthandler()

    def uninstall(self, *, clean_exit: bool = True) -> None:
        """Restore the previous hooks; on a clean exit remove the (empty) native crash file."""
        if self._previous_excepthook is not None:
            sys.excepthook = self._previous_excepthook
            self._previous_excepthook = None
        if self._previous_threading_hook is not None:
            threading.excepthook = self._previous_threading_hook
            self._previous_threading_hook = None
        if self._fault_stream is not None:
            faulthandler.disable()
            self._fault_stream.close()
            self._fault_stream = None
            if clean_exit:
                with contextlib.suppress(OSError):
                    if self.native_file.stat().st_size == 0:
                        self.native_file.unlink()

    # -- native crashes ----------------------------------------------------------------------------
    def previous_native_crash(self) -> CrashReport | None:
        """What faulthandler wrote before the last run died, if anything; read it before :meth:`install`."""
        try:
            text = self.native_file.read_text(encoding="utf-8", errors="replace").strip()
            when = datetime.fromtimestamp(self.native_file.stat().st_mtime, tz=UTC)
        except OSError:
            return None
        if not text:
            return None
        first = next((line for line in text.splitlines() if line.startswith("Fatal Python error")), "native crash")
        return CrashReport(CrashOrigin.NATIVE, "native", self._redact(first), self._redact(text), "", when)

    def _enable_faulthandler(self) -> None:
        previous = self.previous_native_crash()
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            if previous is not None:
                stamp = previous.when.strftime("%Y%m%d-%H%M%S")
                os.replace(self.native_file, self.native_file.with_name(f"native-crash-{stamp}.log"))
            self._fault_stream = self.native_file.open("w", encoding="utf-8")
            faulthandler.enable(self._fault_stream, all_threads=True)
        except OSError as exc:
            log.warning("crash: cannot keep a native crash file in %s: %s", self.state_dir, exc)

    # -- Python exceptions ----------------------------------------------------------------------------
    def _excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt) and self._previous_excepthook is not None:
            self._previous_excepthook(exc_type, exc, tb)
            return
        self.handle(CrashOrigin.MAIN, exc_type, exc, tb, threading.current_thread().name)

    def _threading_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "?"
        self.handle(CrashOrigin.THREAD, args.exc_type, args.exc_value, args.exc_traceback, name)

    def handle(
        self,
        origin: CrashOrigin,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        thread: str,
    ) -> None:
        """Log the exception and report it. Never raises (a failing crash handler must not hide the crash)."""
        if getattr(self._handling, "active", False):
            return  # an exception inside the handler itself: the log already has the first one
        self._handling.active = True
        try:
            log.critical("uncaught exception in %s thread %s", origin.value, thread, exc_info=(exc_type, exc, tb))
            text = "".join(traceback.format_exception(exc_type, exc, tb))
            report = CrashReport(
                origin,
                exc_type.__qualname__,
                self._redact(str(exc)),
                self._redact(text),
                thread,
                datetime.now(tz=UTC),
            )
            self._on_crash(report)
        except Exception:  # the last line of defence must not raise
            if sys.__stderr__ is not None:
                with contextlib.suppress(Exception):
                    sys.__stderr__.write("crash handler failed:\n" + traceback.format_exc())
        finally:
            self._handling.active = False


def diagnostics_text(
    *,
    versions: Iterable[tuple[str, str]],
    log_lines: Iterable[str],
    reports: Iterable[CrashReport] = (),
    redact: Callable[[str], str] = lambda text: text,
) -> str:
    """Plain text for "copy diagnostics": versions, the crashes (if any) and the recent (already redacted) log."""
    parts = [f"AgentDesk {__version__} diagnostics, {datetime.now(tz=UTC).isoformat(timespec='seconds')}"]
    parts += [f"{name}: {value}" for name, value in versions]
    parts.append(f"Platform: {platform.platform()}; Python {platform.python_version()}")
    for report in reports:
        when = report.when.isoformat(timespec="seconds")
        parts += ["", f"== {report.origin.value} error at {when} in thread {report.thread!r}: {report.exc_type}"]
        parts.append(report.traceback.rstrip())
    parts += ["", "== recent log"]
    parts += list(log_lines)
    return redact("\n".join(parts)) + "\n"
