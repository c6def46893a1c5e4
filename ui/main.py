"""The composition root of the desktop client (console script ``agentdesk``, ``python -m ui.main``).

Responsibility: build every object of the application once, in order, and pass dependencies through constructors;
no other module creates services or looks them up globally. Order: Qt version check → configuration → logging →
Qt message routing → ``QApplication`` → crash handling → translations → style → window, tray, notifier → show →
(first paint) → the areas' objects. Shutdown (:meth:`Application.shutdown`) runs from ``QApplication.aboutToQuit``.

Fast first paint (``bench/startup.py``; docs/architecture.md "Start-up and shutdown"): before the window is painted
only the shell is built, and only the shell's modules are imported. After the first paint a background thread imports
the areas' Qt-free modules (:func:`_preload_area_modules`), then the areas are built on the GUI thread one per
event-loop turn (:data:`Application.AREA_STEPS`), so the window stays responsive; what the agent asks for meanwhile
(sign in, settings) runs once they are built. Heavy libraries (numpy, psutil, requests, websockets, cryptography,
jieba, pjsua2, keyring) are imported where they are used, never at module level of the shell's modules.

To add an area (softphone, audio, state, sync, health): build its Qt-free core and its widgets in a ``_build_*``
method listed in :data:`Application.AREA_STEPS`, pass them what they need (``self.config_store``, ``self.runner``,
``self.notifier``, ``self.credentials``), put the widgets in the window with ``self.window.set_phone_panel(...)``
and friends, and stop the core in :meth:`Application.shutdown`. Main thread only.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QSocketNotifier, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from app.bridge import BackgroundRunner, Task, join_executor
from app.config import ConfigError, ConfigStore, Language, LoadedConfig, user_config_file
from app.crash import CrashHandler, CrashReport, diagnostics_text
from app.credentials import CredentialError, CredentialStore, SecretKind
from app.logs import LogSetup, setup_logging
from app.signin import (
    HubNotConfigured,
    SignedIn,
    SignInError,
    SignInErrorKind,
    SignInRequest,
    SignInService,
    validate_request,
)
from ui.crash_dialog import CrashReporter
from ui.gui_gc import GuiThreadCollector
from ui.i18n import Translations
from ui.login import LoginDialog
from ui.main_window import MainWindow, MenuName
from ui.notify import Notifier
from ui.qt_version import unsupported_qt_message
from ui.qtlog import install_qt_message_handler, restore_qt_message_handler
from ui.resources import read_text, resource_path
from ui.tray import TrayIcon

if TYPE_CHECKING:
    from app.diagnostics import DiagnosticsInput
    from app.version_policy import UpdateRequired
    from sip.engine import SipEngine
    from sip.history import CallHistory
    from ui.about import AboutDialog
    from ui.phone.controller import PhoneController
    from ui.settings import SettingsDialog
    from ui.state.quit import QuitGuard
    from ui.support.update_required import UpdateRequiredDialog
    from vpn_check.audio import AudioProbe  # imports numpy: only when the health area is built
    from vpn_check.model import Report

VersionCheck = Callable[[str, str, float], "UpdateRequired | None"]
"""Asks the hub whether this client is too old (``app.version_policy.fetch``); runs on the background runner."""

log = logging.getLogger("ui.main")  # not __name__: that is "__main__" under ``python -m ui.main``


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="agentdesk", description="AgentDesk desktop client")
    parser.add_argument(
        "--set",
        metavar="SECTION.KEY=VALUE",
        action="append",
        default=[],
        help="override a setting for this run (e.g. --set sip.server=pbx.example.com); locked keys are refused",
    )
    parser.add_argument("--lang", choices=("zh_CN", "en", "system"), help="interface language for this run")
    parser.add_argument("--log-json", action="store_true", help="write console log lines as JSON (tests)")
    parser.add_argument("--verbose", action="store_true", help="log INFO and above to the console")
    parser.add_argument("--report-startup", action="store_true", help="print a JSON line when the window is painted")
    parser.add_argument("--exit-after-paint", action="store_true", help="quit once the main window is painted")
    parser.add_argument("--screenshot", type=Path, help="save the painted main window to this PNG, then quit")
    parser.add_argument(
        "--sign-in",
        metavar="USER",
        help="sign in as USER at start with the password saved in the keyring for the configured hub (after the "
        "pre-shift check); the login dialog opens when none is saved. Used by the demo; no password option exists",
    )
    parser.add_argument(
        "--exit-after-sign-in",
        action="store_true",
        help="with --sign-in: quit once signed in (exit code 0) or when signing in fails (exit code 4) (tests)",
    )
    parser.add_argument(
        "--start-shift",
        choices=("ready", "not_ready"),
        help="once signed in to the hub, start the shift when it is not under way: 签入, then 示闲 for 'ready' "
        "(the demo); with --exit-after-sign-in, quit once the hub holds that state",
    )
    parser.add_argument(
        "--exit-after-screen-pop",
        action="store_true",
        help="quit once the hub's screen pop for an incoming call is shown, printing it as a JSON line (tests)",
    )
    parser.add_argument("--version", action="store_true", help="print the versions (app, Qt, pjsip) and exit")
    # Answered by ui.commands.dispatch before this parser runs; listed here for --help.
    parser.add_argument("--self-test", action="store_true", help="check this installation headless and exit (--json)")
    parser.add_argument("--json", action="store_true", help="with --self-test: print the report as JSON")
    parser.add_argument("--diagnostics", metavar="FILE", help="write a diagnostics bundle (zip) for IT and exit")
    return parser.parse_args(argv)


def _rss_bytes() -> int:
    """Resident set size now (Linux /proc), else the peak from getrusage."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak if sys.platform == "darwin" else peak * 1024)


class Application(QObject):
    """Builds and owns every object of the running client (see the module docstring).

    Signals:
        areas_ready(): every area is built (at once in the constructor, or after the first paint when deferred).
    """

    areas_ready = Signal()

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        sign_in_service: SignInService | None = None,
        credentials: CredentialStore | None = None,
        version_check: VersionCheck | None = None,
        defer_areas: bool = False,
    ) -> None:
        super().__init__()
        self.args = args
        overrides = list(args.set)
        if args.lang:
            overrides.append(f"ui.language={args.lang}")

        # -- configuration and logging (Qt-free cores first, so their problems are logged)
        self.config_store = ConfigStore(cli_overrides=overrides)
        config = self.config_store.config
        self.logs: LogSetup = setup_logging(
            file_level=config.logging.level.value,
            console_level=logging.INFO if args.verbose or args.log_json else logging.WARNING,
            console_json=args.log_json,
            max_bytes=config.logging.file_max_bytes,
            backups=config.logging.file_backups,
        )
        self.logs.set_sip_trace(config.logging.sip_trace)
        self._previous_qt_handler = install_qt_message_handler()

        # -- Qt
        existing = QApplication.instance()
        self.qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
        self.qapp.setApplicationName("AgentDesk")
        self.qapp.setOrganizationName("AgentDesk")
        self.qapp.setDesktopFileName("agentdesk")
        self.qapp.setQuitOnLastWindowClosed(False)  # the tray may keep us running; quitting is explicit
        self.icon = QIcon(str(resource_path("icons", "agentdesk.svg")))
        self.qapp.setWindowIcon(self.icon)
        self._set_fonts()
        self.qapp.setStyleSheet(read_text("styles", "agentdesk.qss"))

        # -- crash handling: the reporter marshals reports from any thread to a non-modal dialog
        self.crash_reporter = CrashReporter(self._diagnostics, lambda: self.window, self)
        state_dir = self.logs.log_file.parent if self.logs.log_file else user_config_file().parent
        self.crash_handler = CrashHandler(state_dir, self.crash_reporter.report, self.logs.redactor.redact)
        self._previous_crash = self.crash_handler.previous_native_crash()
        self.crash_handler.install()

        # -- Python's cycle collector only on this thread (see ui/gui_gc.py), before any worker thread exists
        self.gc_collector = GuiThreadCollector(self)
        self.gc_collector.start()

        # -- shared services
        self.runner = BackgroundRunner()
        self.credentials = credentials or CredentialStore()
        self.sign_in_service: SignInService = sign_in_service or HubNotConfigured()
        self.qsettings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "AgentDesk", "AgentDesk")

        # -- translations (before any widget, so first paint is already in the right language)
        self.translations = Translations(self.qapp)
        self.translations.set_language(config.ui.language)

        # -- the shell
        self.notifier = Notifier(self)
        self.window = MainWindow(self.qsettings)
        self.window.set_current_language((self.translations.language or Language.ZH_CN).value)
        self.window.set_language_locked(self.config_store.loaded.is_locked("ui.language"))
        self.tray: TrayIcon | None = TrayIcon(self.icon, self) if TrayIcon.available() else None
        self.window.set_close_to_tray(self.tray is not None and config.ui.close_to_tray)
        self.notifier.attach(self.window, self.tray)
        self.login_dialog: LoginDialog | None = None
        self.about_dialog: AboutDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.quit_guard: QuitGuard | None = None  # built with the state area: signs the agent out before quitting
        self._connect_shell()

        self._signed_in_names: list[str] = []
        self._signed_in_event: dict[str, str] = {}  # --exit-after-sign-in: the JSON line printed before quitting
        self._exit_waits: set[str] = set()  # --exit-after-sign-in: what is still awaited before quitting
        self._shift_state: str | None = None  # --start-shift: the hub's state once the shift started
        self._version_check = version_check
        self._shut_down = False
        self._disposed = False
        self._painted = False
        # -- the areas: built at once (tests), or, for a real start, after the window is first painted so the agent
        # sees the window while the heavier areas (SIP engine, hub connection, health) load
        self._defer_areas = defer_areas
        self._built_steps: set[str] = set()  # names of AREA_STEPS done (shutdown stops only what exists)
        self._areas_built = False
        self._area_build_started = False
        self._when_built: list[Callable[[], None]] = []  # what the agent asked for before the areas existed
        self._starting_sip_engine: SipEngine | None = None  # deferred start: pjsua2's endpoint being created
        if defer_areas:
            self.window.set_panels_loading(True)
        else:
            self._area_build_started = True
            for step in self.AREA_STEPS:
                self._run_area_step(step)
            self._finish_areas()

        self.qapp.aboutToQuit.connect(self._on_app_about_to_quit)
        self.window.installEventFilter(self)
        self._report_config_issues(self.config_store.loaded)

    # ------------------------------------------------------------------------------------------- construction
    #: The areas, in build order (each step may use what the earlier ones built). A deferred start runs one step per
    #: event-loop turn after the first paint; ``shutdown`` stops the ones that were built, in reverse dependency order.
    AREA_STEPS: tuple[str, ...] = ("support", "health", "tickets_and_knowledge", "audio", "phone", "state")

    def _start_area_build(self) -> None:
        """Deferred start: import the areas' modules off the GUI thread, then build the areas one per turn."""
        if self._area_build_started or self._shut_down:
            return
        self._area_build_started = True
        sip_configured = bool(self.config_store.config.sip.server)
        task = self.runner.run(_preload_area_modules, sip_configured, name="preload area modules")
        task.success(self._on_area_modules_preloaded).failure(self._on_area_modules_preload_failed)

    def _on_area_modules_preloaded(self, _result: object) -> None:
        self._later(0, self._build_next_area)

    def _on_area_modules_preload_failed(self, error: BaseException) -> None:
        # The build imports them again on the GUI thread and reports a real problem where it happens.
        log.warning("areas: modules not preloaded (%s); importing them while building", error)
        self._later(0, self._build_next_area)

    @Slot()
    def _build_next_area(self) -> None:
        if self._shut_down:
            return
        step = next((name for name in self.AREA_STEPS if name not in self._built_steps), None)
        if step is None:
            self._finish_areas()
            return
        if self._run_area_step(step):
            self._later(0, self._build_next_area)  # let the event loop paint and handle input between areas

    def _run_area_step(self, step: str) -> bool:
        """Build one area; False when it finishes later (it waits for a service off the GUI thread)."""
        build: Callable[[], Task[Any] | None] = getattr(self, f"_build_{step}")
        pending = build()
        if pending is None:
            self._built_steps.add(step)
            return True
        pending.success(lambda _result: self._on_area_step_done(step))
        pending.failure(lambda _error: self._on_area_step_done(step))  # the area reported its own failure
        return False

    def _on_area_step_done(self, step: str) -> None:
        self._built_steps.add(step)
        self._later(0, self._build_next_area)

    def _finish_areas(self) -> None:
        if self.sip_engine is not None:  # screen pop: the softphone's calls reach the ticket panel
            self.phone_bridge.incoming_call.connect(self.tickets_panel.on_softphone_incoming)
            self.phone_bridge.call_ended.connect(self.tickets_panel.on_softphone_call_ended)
        self._areas_built = True
        self.window.set_panels_loading(False)
        self.areas_ready.emit()
        pending, self._when_built = self._when_built, []
        for action in pending:
            action()
        if self._defer_areas:
            self._on_areas_ready()

    def _after_areas(self, action: Callable[[], None]) -> bool:
        """Run ``action`` once the areas exist; True when they already do (the caller goes on at once)."""
        if self._areas_built:
            return True
        if action not in self._when_built:
            self._when_built.append(action)
        self._start_area_build()  # e.g. started minimized to the tray: no paint starts it
        return False

    def _later(self, msec: int, slot: Callable[[], None]) -> None:
        """Call ``slot`` after ``msec`` ms on the GUI thread, through a timer this object owns (``shutdown`` stops
        it: nothing of the root fires into stopped services, unlike ``QTimer.singleShot``)."""
        if self._shut_down:
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(msec)
        timer.timeout.connect(slot)
        timer.timeout.connect(timer.deleteLater)
        timer.start()

    def _build_audio(self) -> None:
        """The headset audio bridge (issue 4): device engine, its settings page and status indicator. The engine
        starts on its own thread; without a sound server the indicator and the page say so, and it picks the
        server up when one appears. The softphone takes ``self.audio_engine`` for its ``BridgedCallAudio``."""
        from app.audio import AudioEvents, audio_settings
        from sip.audio import AudioEngine, default_backend
        from ui.audio.indicator import AudioIndicator
        from ui.audio.page import AudioPage

        config = self.config_store.config.audio
        self.audio_events = AudioEvents(self)
        self.audio_engine = AudioEngine(
            default_backend(),
            audio_settings(config),
            self.audio_events.post,
            output_latency=config.output_latency,
        )
        self.audio_engine.start()
        self.audio_indicator = AudioIndicator(self.audio_events)
        self.window.add_status_indicator(self.audio_indicator)
        self.window.add_settings_page(AudioPage(self.audio_engine, self.audio_events, self.config_store, self.runner))

    def _build_health(self) -> None:
        """The health check (issue 8): gate before sign-in when a SIP server is configured, monitor while signed in."""
        from app.health import HealthService, health_config
        from ui.health.controller import HealthController

        config = self.config_store.config
        service = HealthService(health_config(config), audio=_health_audio_probe())
        self.health = HealthController(
            service,
            self.window,
            gate_required=bool(config.sip.server),
            upload=self._upload_health_report,
            keep=self._keep_health_report,
        )
        self.window.set_health_panel(self.health.panel)
        self.window.add_status_indicator(self.health.indicator)

    @staticmethod
    def _keep_health_report(report: Report) -> None:
        """Worker thread: the latest report, kept for the diagnostics bundle (Help → Save diagnostics bundle)."""
        from app import diagnostics

        diagnostics.save_health_report(diagnostics.default_state_dir(), report.to_json())

    def _upload_health_report(self, report: Report) -> None:
        """Worker thread: the gate's report to the hub over the signed-in session (app/sync adds the token)."""
        from app.health import health_submit

        self.sync_engine.request("POST", "/health/reports", health_submit(report)).result(timeout=30)

    def _build_support(self) -> None:
        """Help → Save diagnostics bundle (a zip for IT; ``app.diagnostics`` masks secrets and personal data)."""
        from ui.support.diagnostics import DiagnosticsSaver

        self.diagnostics_saver = DiagnosticsSaver(self.window, self.runner, self._diagnostics_input, self.logs.redactor)
        self.window.menu(MenuName.HELP).insertAction(self.window.action_about, self.diagnostics_saver.action)
        # Version policy: the hub announces the oldest client it accepts (no self-updater: IT upgrades the fleet).
        self.update_dialog: UpdateRequiredDialog | None = None
        self.blocked_by_version_policy = False
        # ``main()`` passes version_policy.fetch; tests that build an Application leave it out (no network).
        hub = self.config_store.config.hub
        if self._version_check is not None:
            self.runner.run(
                self._version_check, hub.url, hub.ca_file, hub.connect_timeout, name="version policy"
            ).success(self._on_version_policy_checked).failure(self._on_version_policy_failed)

    def _on_version_policy_checked(self, required: UpdateRequired | None) -> None:
        if required is None or self._shut_down:
            return
        log.warning("this client (%s) is older than the hub's minimum %s", required.current, required.minimum)
        from ui.support.update_required import UpdateRequiredDialog

        self.update_dialog = UpdateRequiredDialog(required.current, required.minimum, required.update_url, self.window)
        self.update_dialog.finished.connect(self._on_update_dialog_finished)
        self.update_dialog.open()

    @Slot()
    def _on_update_dialog_finished(self) -> None:
        """Blocking: there is no working with a client the hub refuses, whichever button closed the dialog."""
        log.info("quitting: this client must be updated first")
        self.blocked_by_version_policy = True
        self.qapp.quit()

    def _on_version_policy_failed(self, error: BaseException) -> None:
        log.info("version policy not checked (hub not reachable yet): %s", error)

    def _diagnostics_input(self) -> DiagnosticsInput:
        """What the diagnostics bundle contains (runs on the background runner: reads only thread-safe state)."""
        from app import diagnostics
        from ui.about import component_versions

        return diagnostics.collect_input(
            loaded=self.config_store.loaded,
            log_dir=self.logs.log_file.parent if self.logs.log_file else None,
            ring_lines=self.logs.ring.lines(),
            versions=component_versions(),
            call_entries=diagnostics.read_call_history(diagnostics.default_call_history_file()),
            names=self._signed_in_names,
        )

    def _build_phone(self) -> Task[None] | None:
        """The softphone (issue 3): the SIP engine on its own thread, its Qt bridge, the phone panel. Registers after
        sign-in (SIP password from the keyring, else the sign-in password); nothing is built without a SIP server.

        Creating pjsua2's endpoint takes a while (the SIP thread loads the library, opens transports): on a deferred
        start the wait for it runs on the background runner and the panel is built when the engine is up (the area
        build goes on then); built at once (tests), it is waited for here."""
        self.sip_engine: SipEngine | None = None
        self.phone: PhoneController | None = None
        sip = self.config_store.config.sip
        if not sip.server:
            return None
        from app import diagnostics
        from app.phone import PhoneBridge, fan_out
        from sip.audio.pjport import BridgedCallAudio
        from sip.engine import SipEngine
        from sip.history import CallHistory
        from sip.model import EngineSettings, SipError

        # The same file the diagnostics bundle reads its call-quality history from.
        history = CallHistory(diagnostics.default_call_history_file())
        self.phone_bridge = PhoneBridge(self)
        engine = SipEngine(
            EngineSettings(codecs=tuple(sip.codecs), sip_trace=self.config_store.config.logging.sip_trace),
            fan_out(self.phone_bridge.post),
            history=history,
            call_audio=BridgedCallAudio(self.audio_engine),  # the headset bridge (issue 4)
        )
        if self._defer_areas:
            self._starting_sip_engine = engine
            task = self.runner.run(engine.start, name="SIP engine start")
            return task.success(lambda _none: self._on_sip_engine_started(engine, history)).failure(
                self._on_sip_engine_failed
            )
        try:
            engine.start()
        except SipError as exc:
            self._on_sip_engine_failed(exc)
            return None
        self._on_sip_engine_started(engine, history)
        return None

    def _on_sip_engine_started(self, engine: SipEngine, history: CallHistory) -> None:
        from ui.phone.controller import PhoneController

        self._starting_sip_engine = None
        self.sip_engine = engine
        self.phone = PhoneController(
            engine,
            self.phone_bridge,
            history,
            notify_error=self.notifier.warning,
            notify_desktop=self.notifier.desktop,
            parent=self,
        )
        self.window.set_phone_panel(self.phone.panel)
        self.phone.install_shortcuts(self.window)

    def _on_sip_engine_failed(self, error: BaseException) -> None:
        from sip.model import SipErrorKind
        from ui.phone.texts import error_text

        self._starting_sip_engine = None
        log.error("the softphone could not start: %s", error)
        self.notifier.error(error_text(SipErrorKind.START_FAILED), str(error))

    def _register_phone(self, request: SignInRequest, signed: SignedIn) -> None:
        if self.sip_engine is None:
            return
        from app.phone import account_settings

        sip = self.config_store.config.sip
        settings = account_settings(sip, display_name=signed.display_name)
        if not settings.user:
            settings = dataclasses.replace(settings, user=signed.user)
        engine, fallback = self.sip_engine, request.password

        def load_and_register() -> None:
            # Worker thread: the keyring may block; the engine's register() is thread-safe.
            saved = None
            try:
                saved = self.credentials.load(SecretKind.SIP_PASSWORD, f"{settings.user}@{settings.server}")
            except Exception:
                log.info("no SIP password in the keyring; using the sign-in password")
            # Settings the engine refuses come back as SipError; the registrar's answer arrives as an event.
            engine.register(settings, saved or fallback).result(15)

        self.runner.run(load_and_register, name="phone registration").failure(self._on_phone_registration_failed)

    def _on_phone_registration_failed(self, error: BaseException) -> None:
        from sip.model import SipError, SipErrorKind
        from ui.phone.texts import error_text

        log.warning("phone registration could not start: %s", error)
        kind = error.kind if isinstance(error, SipError) else SipErrorKind.OPERATION_FAILED
        self.notifier.warning(error_text(kind), str(error))

    def _build_state(self) -> None:
        """Agent state (issue 6): the state bar over the shared hub connection, coupled to the softphone's ACD calls;
        supervisor mode (live team board, commands, metrics) as a tab for supervisors once they are signed in."""
        from ui.state.area import StateArea
        from ui.state.quit import QuitGuard

        self.state_area = StateArea(
            self.sync_engine,
            self.sync_bridge,
            window=self.window,
            set_status=self.tray.set_status if self.tray is not None else None,
            set_icon=self.tray.setIcon if self.tray is not None else None,
            notify=self.notifier.info,
            sip=self.sip_engine,
            phone_bridge=self.phone_bridge if self.sip_engine is not None else None,
            # The audio layer's auto-answer guard (issue 4): False while the configured headset is absent.
            headset_present=self.audio_engine.auto_answer_allowed,
            chinese=_reason_labels_in_chinese(self.config_store.config.ui.language),
            parent=self,
        )
        self.window.set_state_bar(self.state_area.bar)
        self.state_area.supervisor_panel_ready.connect(self._on_state_supervisor_panel_ready)
        self.quit_guard = QuitGuard(self.state_area, self.window, self)
        self.quit_guard.quit_approved.connect(self.qapp.quit)
        self.quit_guard.quit_cancelled.connect(self._on_tray_show_requested)
        if self.args.start_shift:
            from app.protocol import AgentState

            self.state_area.start_shift(AgentState(self.args.start_shift), self._on_shift_started)

    def _on_shift_started(self, state: object) -> None:
        """``--start-shift``: the hub holds the agent's state at the start of the shift."""
        value = getattr(state, "value", str(state))
        self._shift_state = value
        if "shift" in self._exit_waits:  # --exit-after-sign-in, signed in already (else it picks the state up)
            self._signed_in_event["state"] = value
            self._exit_wait_done("shift")

    @Slot()
    def _on_quit_requested(self) -> None:
        """File → Quit, the tray's Quit, or closing the window without a tray: the state area's quit guard first
        (confirmation, 签出 on the hub with a bounded wait, refused during a call)."""
        if self.quit_guard is None or self.quit_guard.take_programmatic_close():
            self.qapp.quit()  # nothing to guard yet, or a quit already decided closes the window
        else:
            self.quit_guard.request_quit()

    @Slot(QWidget)
    def _on_state_supervisor_panel_ready(self, panel: QWidget) -> None:
        self.window.add_center_tab(panel)

    def _build_tickets_and_knowledge(self) -> None:
        """The hub connection (issue 7: ``app/sync``, shared with the state area), the 工单 panel and the knowledge
        pane. The engine runs on its own thread; a saved session resumes offline-first from the encrypted cache."""
        import platform

        import platformdirs

        from app.sync.engine import SyncConfig, SyncEngine
        from app.sync.secrets import KeyringSecretStore
        from app.sync.signin import SyncSignIn
        from app.sync_bridge import SyncBridge
        from ui.knowledge.pane import KnowledgePane
        from ui.tickets.panel import TicketPanel

        hub = self.config_store.config.hub
        self.sync_engine = SyncEngine(
            SyncConfig(
                hub_url=hub.url,
                data_dir=Path(platformdirs.user_data_dir("AgentDesk", appauthor=False)) / "sync",
                ca_file=Path(hub.ca_file) if hub.ca_file else None,
                device=platform.node(),
                request_timeout_s=hub.connect_timeout,
            ),
            KeyringSecretStore(self.credentials),
        )
        self.sync_engine.start()
        self.sync_bridge = SyncBridge(self.sync_engine, self)
        self.tickets_panel = TicketPanel(self.sync_bridge)
        self.knowledge_pane = KnowledgePane(self.sync_bridge)
        self.tickets_panel.suggestions_requested.connect(self.knowledge_pane.suggest_for)
        self.tickets_panel.call_context_changed.connect(self.knowledge_pane.on_call_context)
        self.window.set_tickets_panel(self.tickets_panel)
        if self.args.exit_after_screen_pop:
            self.tickets_panel.screen_pop_shown.connect(self._on_screen_pop_shown_exit)
        self.window.set_knowledge_panel(self.knowledge_pane)
        if isinstance(self.sign_in_service, HubNotConfigured):
            self.sign_in_service = SyncSignIn(self.sync_engine)
        user = str(self.qsettings.value("login/user", "") or "")
        if user:
            self.sync_bridge.watch(self.sync_engine.resume(user), self._on_sync_resumed, self._on_sync_resume_failed)

    def _on_sync_resumed(self, user: object) -> None:
        if user is not None:
            log.info("hub session resumed from the saved sign-in")

    def _on_sync_resume_failed(self, error: Exception) -> None:
        log.info("no saved hub session resumed: %s", error)  # the agent signs in as usual

    def _set_fonts(self) -> None:
        # Chinese-first UI: make sure a CJK family is in the fallback list on Linux (fonts-noto-cjk or
        # fonts-wqy-microhei); Windows and macOS have CJK system fonts.
        if sys.platform.startswith("linux"):
            font = QFont(self.qapp.font())
            font.setFamilies([font.family(), "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Droid Sans Fallback"])
            self.qapp.setFont(font)

    def _connect_shell(self) -> None:
        self.window.sign_in_requested.connect(self._on_window_sign_in_requested)
        self.window.sign_out_requested.connect(self._on_window_sign_out_requested)
        self.window.settings_requested.connect(self._on_window_settings_requested)
        self.window.about_requested.connect(self._on_window_about_requested)
        self.window.diagnostics_requested.connect(self._on_window_diagnostics_requested)
        self.window.language_requested.connect(self._on_window_language_requested)
        self.window.quit_requested.connect(self._on_quit_requested)
        if self.tray is not None:
            self.tray.show_requested.connect(self._on_tray_show_requested)
            self.tray.quit_requested.connect(self._on_quit_requested)
        self.config_store.subscribe(self._on_config_changed)

    # ------------------------------------------------------------------------------------------- run
    def run(self) -> int:
        """Show the window (or only the tray) and run the event loop."""
        start_hidden = self.config_store.config.ui.start_minimized and self.tray is not None
        if self.tray is not None:
            self.tray.show()
        if not start_hidden or self.args.exit_after_paint or self.args.screenshot or self.args.report_startup:
            self.window.show()  # the first paint starts building the deferred areas
        elif self._defer_areas:
            self._later(0, self._on_areas_wanted)  # no window to paint: build them now
        if self._previous_crash is not None:
            self.crash_reporter.report(self._previous_crash)
        self._quit_on_sigterm()
        log.info("AgentDesk started (log file %s)", self.logs.log_file)
        code = int(self.qapp.exec())
        self.dispose()
        return code

    def _quit_on_sigterm(self) -> None:
        """SIGTERM (the demo stopping the client, a service manager, a Linux logout) quits cleanly — shutdown then
        signs the agent out on the hub — instead of killing the process. Python runs signal handlers only between
        bytecodes: the wakeup fd wakes the Qt event loop so the handler runs at once."""
        if sys.platform == "win32":
            return  # no SIGTERM from the session there: Windows ends a session through Qt (commitDataRequest)
        import signal
        import socket

        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        self._signal_sockets = (reader, writer)
        self._signal_notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, self)
        self._signal_notifier.activated.connect(self._on_signal_wakeup)
        signal.signal(signal.SIGTERM, self._on_sigterm)

    @Slot()
    def _on_signal_wakeup(self) -> None:
        with contextlib.suppress(OSError):
            self._signal_sockets[0].recv(64)

    def _on_sigterm(self, signum: int, frame: object) -> None:
        del signum, frame
        log.info("SIGTERM: quitting")
        self._later(0, self.qapp.quit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self._later(0, self._on_first_paint)
        return super().eventFilter(watched, event)

    @Slot()
    def _on_first_paint(self) -> None:
        self.window.removeEventFilter(self)
        if self.args.report_startup:
            print(json.dumps(_startup_event("painted")), flush=True)
        if self._areas_built:  # built at once (tests)
            self._on_areas_ready()
        else:
            self._start_area_build()  # _on_areas_ready follows

    @Slot()
    def _on_areas_wanted(self) -> None:
        self._start_area_build()

    def _on_areas_ready(self) -> None:
        """Every area is built (deferred start) or the window was painted (areas built at once)."""
        if self._shut_down:
            return
        if self.args.report_startup:
            print(json.dumps(_startup_event("ready")), flush=True)
        if self.args.sign_in:
            self._later(0, self._auto_sign_in)
            if self.args.exit_after_sign_in or self.args.screenshot:
                return  # after signing in (see _on_auto_signed_in)
        if self.args.screenshot:
            # After the panels just built have been laid out and painted (posted events run before this timer).
            self._later(200, self._take_screenshot)
        elif self.args.exit_after_paint:
            self.qapp.quit()

    @Slot()
    def _take_screenshot(self) -> None:
        assert self.args.screenshot is not None
        self.args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        self.window.grab().save(str(self.args.screenshot))
        self.qapp.quit()

    @Slot()
    def _on_app_about_to_quit(self) -> None:
        log.info("AgentDesk quitting")
        self.shutdown()

    def shutdown(self) -> None:
        """Stop everything this root built; idempotent. Runs from ``aboutToQuit`` (tests, which do not run ``exec()``,
        call it in their fixtures' teardown).

        Order: (1) the root's own timers, so nothing it scheduled fires into stopped services; (2) the areas' widgets
        and controllers (their timers, dialogs and probe threads); (3) the softphone (hangs up, un-REGISTERs, while
        the audio bridge still exists), then the audio engine; (4) the hub connection (network thread, WebSocket,
        cache files); (5) the background runner (queued work dropped, running calls' results dropped, its threads
        joined with a bound); (6) the shell (tray, crash hooks, translations, Qt message handler, log files). Every
        wait is bounded, so quitting never hangs on a stuck peer."""
        if self._shut_down:
            return
        self._shut_down = True
        self._when_built.clear()
        self._stop_timers(self)
        self.window.removeEventFilter(self)
        self.window.save_state()
        built = self._built_steps
        if "state" in built:
            # An agent still signed in (a quit nobody was asked about): 签出 first, before a call is hung up (bounded).
            self.state_area.sign_out_on_exit()
        if "health" in built:
            self.health.shutdown()
            join_executor(self.health.executor, 5.0, what="health")
        if "phone" in built and self.phone is not None:
            self.phone.shutdown()
        if "state" in built:
            self._stop_timers(self.state_area)
        # The widgets' own timers (SLA countdowns, meters, debounces): the window stays until Qt deletes it, and no
        # timer may call into the services stopped below.
        self._stop_timers(self.window)
        if "phone" in built and self.sip_engine is not None:
            self.sip_engine.shutdown()  # hangs up, un-REGISTERs, destroys the endpoint (bounded)
        starting = self._starting_sip_engine  # quit while pjsua2 was starting (deferred start)
        if starting is not None:
            starting.shutdown()
        if "audio" in built:
            self.audio_engine.shutdown()  # after the SIP engine, which dropped the bridge port
        if "tickets_and_knowledge" in built:
            # Their timers are stopped above; stop() also makes late signals (a call ending, a keystroke) unable to
            # start them again before the engine goes.
            self.knowledge_pane.stop()
            self.tickets_panel.stop()
            self.sync_bridge.close()
            self.sync_engine.stop()  # ends the session's tasks and the WebSocket, closes the cache, joins the thread
        self.runner.shutdown()  # also waits for a SIP engine start still running: that engine is then stopped too
        if starting is not None:
            starting.shutdown()
        self.gc_collector.stop()  # the worker threads are gone: automatic collection is safe again
        self._shutdown_shell()

    def dispose(self) -> None:
        """:meth:`shutdown`, then delete the window (with its dialogs) and this root's Qt objects now, on the GUI thread.

        Without this the C++ objects die whenever Python's cycle collector reaches them — possibly on a worker thread
        and in the middle of unrelated Qt work (a later test, or interpreter teardown), which is how a leftover
        application once crashed pytest-qt. In-process tests call it in their teardown; ``run()`` calls it after the
        event loop returns."""
        self.shutdown()
        if self._disposed:
            return
        self._disposed = True
        for page in self.window.settings_pages():  # kept by the window without a Qt parent (the dialog adopts them)
            page.deleteLater()
        self.window.deleteLater()
        self.qsettings.deleteLater()
        self.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    @staticmethod
    def _stop_timers(owner: QObject) -> None:
        for timer in owner.findChildren(QTimer):
            timer.stop()

    def _shutdown_shell(self) -> None:
        if self.tray is not None:
            self.tray.hide()
        self.window.set_close_to_tray(False)
        self.crash_handler.uninstall(clean_exit=True)
        self.translations.clear()
        restore_qt_message_handler(self._previous_qt_handler)
        self.logs.close()

    # ------------------------------------------------------------------------------------------- reporting
    def _diagnostics(self, reports: list[CrashReport]) -> str:
        from ui.about import component_versions

        return diagnostics_text(
            versions=component_versions(),
            log_lines=self.logs.ring.lines()[-500:],
            reports=reports,
            redact=self.logs.redactor.redact,
        )

    def _report_config_issues(self, loaded: LoadedConfig) -> None:
        errors = [issue for issue in loaded.issues if issue.is_error]
        if errors:
            self.notifier.warning(
                self.tr("Some settings could not be read and their defaults are used. Details are in the log."),
                "\n".join(str(issue) for issue in errors),
            )

    # ------------------------------------------------------------------------------------------- window actions
    @Slot()
    def _on_window_diagnostics_requested(self) -> None:
        QGuiApplication.clipboard().setText(self._diagnostics([]))
        self.notifier.info(self.tr("Diagnostics copied to the clipboard."))

    @Slot()
    def _on_window_about_requested(self) -> None:
        from ui.about import AboutDialog

        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self.icon, self.window)
        self.about_dialog.show()
        self.about_dialog.raise_()

    @Slot()
    def _on_window_settings_requested(self) -> None:
        from ui.settings import SettingsDialog

        if not self._after_areas(self._on_window_settings_requested):
            return  # the areas add settings pages (audio devices): opened once they are built
        self.settings_dialog = SettingsDialog(self.config_store, self.window.settings_pages(), self.window)
        self.settings_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog.open()

    @Slot(str)
    def _on_window_language_requested(self, code: str) -> None:
        language = Language(code)
        try:
            self.config_store.save({"ui.language": language})  # _on_config_changed switches the language
        except ConfigError as exc:
            log.warning("language: not saved (%s); switching for this session only", exc)
            self.translations.set_language(language)

    def _on_config_changed(self, loaded: LoadedConfig) -> None:
        applied = self.translations.set_language(loaded.config.ui.language)
        self.window.set_current_language(applied.value)
        self.window.set_close_to_tray(self.tray is not None and loaded.config.ui.close_to_tray)
        self._on_health_config_changed(loaded)

    def _on_health_config_changed(self, loaded: LoadedConfig) -> None:
        from app.health import health_config

        if "health" not in self._built_steps:
            return  # built later from the then-current configuration
        self.health.set_service(self.health.service.with_config(health_config(loaded.config)))
        self.health.gate_required = bool(loaded.config.sip.server)

    @Slot()
    def _on_tray_show_requested(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    # ------------------------------------------------------------------------------------------- sign-in
    @Slot()
    def _on_window_sign_in_requested(self) -> None:
        if self.login_dialog is not None:
            self.login_dialog.raise_()
            return
        if not self._after_areas(self._on_window_sign_in_requested):
            return  # the pre-shift gate and the hub connection are being built: signing in follows
        if self.health.gate_required and not self.health.gate_passed:
            self.health.run_gate(self._on_window_sign_in_requested)  # the pre-shift gate, then sign-in
            return
        loaded = self.config_store.loaded
        user = str(self.qsettings.value("login/user", "") or "")
        dialog = LoginDialog(
            loaded.config.hub.url, hub_url_locked=loaded.is_locked("hub.url"), user=user, parent=self.window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sign_in_requested.connect(self._on_login_sign_in_requested)
        dialog.destroyed.connect(self._on_login_destroyed)
        self.login_dialog = dialog
        dialog.open()
        account = f"{user}@{dialog.request().hub_url}"
        task = self.runner.run(self._saved_password, account, name="keyring lookup")
        task.success(self._on_saved_password_loaded).failure(self._on_keyring_failed)

    def _saved_password(self, account: str) -> str | None:
        """Worker thread: the keyring check and lookup (may wait on D-Bus)."""
        status = self.credentials.status()
        if not status.usable:
            assert status.problem is not None
            raise CredentialError(status.problem, status.detail)
        if account.startswith("@"):
            return None
        return self.credentials.load(SecretKind.HUB_PASSWORD, account)

    def _on_saved_password_loaded(self, password: str | None) -> None:
        if self.login_dialog is not None and password:
            self.logs.redactor.add_secret(password)
            self.login_dialog.set_saved_password(password)

    def _on_keyring_failed(self, error: BaseException) -> None:
        if isinstance(error, CredentialError):
            log.warning("keyring: %s", error)
            if self.login_dialog is not None:
                self.login_dialog.set_keyring_problem(error.kind)
        else:
            log.error("keyring lookup failed", exc_info=error)

    @Slot()
    def _on_login_destroyed(self) -> None:
        self.login_dialog = None

    @Slot(object)
    def _on_login_sign_in_requested(self, request: SignInRequest) -> None:
        assert self.login_dialog is not None
        self.logs.redactor.add_secret(request.password)
        try:
            validate_request(request)
        except SignInError as exc:
            self.login_dialog.show_error(exc.kind)
            return
        self.login_dialog.set_busy(True)
        log.info("sign-in: %s at %s", request.user, request.hub_url)
        task = self.runner.run(self.sign_in_service.sign_in, request, name="sign-in")
        task.success(lambda signed: self._on_signed_in(request, signed)).failure(self._on_sign_in_failed)

    def _on_sign_in_failed(self, error: BaseException) -> None:
        kind = error.kind if isinstance(error, SignInError) else SignInErrorKind.HUB_ERROR
        if isinstance(error, SignInError):
            log.warning("sign-in failed: %s", error)
        else:
            log.error("sign-in failed unexpectedly", exc_info=error)
        if self.login_dialog is not None:
            self.login_dialog.show_error(kind)

    def _on_signed_in(self, request: SignInRequest, signed: SignedIn) -> None:
        log.info("signed in as %s", signed.user)
        self._signed_in_names = [signed.user, signed.display_name]  # masked in diagnostics bundles
        self.qsettings.setValue("login/user", request.user)
        self.runner.run(self._remember_password, request, request.remember, name="keyring store").failure(
            self._on_keyring_failed
        )
        self.window.set_account_text(f"{signed.display_name} ({signed.user})")
        self.health.signed_in(signed.user)
        self._register_phone(request, signed)
        if self.login_dialog is not None:
            self.login_dialog.accept()

    def _remember_password(self, request: SignInRequest, remember: bool) -> None:
        """Worker thread: store or forget the password in the keyring as the agent chose."""
        if remember:
            self.credentials.store(SecretKind.HUB_PASSWORD, request.account, request.password)
        elif self.credentials.status().usable:
            self.credentials.delete(SecretKind.HUB_PASSWORD, request.account)

    # ------------------------------------------------------------------------------------------- --sign-in USER
    @Slot()
    def _auto_sign_in(self) -> None:
        """``--sign-in USER``: the pre-shift gate when one is required (continued by itself when nothing blocks),
        then sign in with the password the keyring holds for ``USER@hub``; without one, the login dialog."""
        if self._shut_down:
            return
        if self.health.gate_required and not self.health.gate_passed:
            self.health.run_gate(self._auto_sign_in)
            if self.health.gate is not None:
                self.health.gate.report_ready.connect(self._on_auto_gate_report)
            return
        user, hub_url = str(self.args.sign_in), self.config_store.config.hub.url
        log.info("automatic sign-in: %s at %s", user, hub_url)
        task = self.runner.run(self._saved_password, f"{user}@{hub_url}", name="keyring lookup")
        task.success(lambda password: self._on_auto_password(user, hub_url, password))
        task.failure(self._on_auto_sign_in_failed)

    @Slot(object)
    def _on_auto_gate_report(self, report: object) -> None:
        from vpn_check.model import Report

        gate = self.health.gate
        if gate is not None and isinstance(report, Report) and not report.blocks_sign_in:
            self._later(0, gate.accept)  # after the dialog has shown the report
        elif self.args.exit_after_sign_in:
            log.error("automatic sign-in: the pre-shift check blocks signing in")
            self.qapp.exit(4)

    def _on_auto_password(self, user: str, hub_url: str, password: str | None) -> None:
        if not password:
            log.info("automatic sign-in: no password saved in the keyring for %s@%s", user, hub_url)
            self._on_auto_sign_in_failed(None)
            return
        self.logs.redactor.add_secret(password)
        request = SignInRequest(hub_url, user, password, remember=True)
        try:
            validate_request(request)
        except SignInError as exc:
            self._on_auto_sign_in_failed(exc)
            return
        task = self.runner.run(self.sign_in_service.sign_in, request, name="sign-in")
        task.success(lambda signed: self._on_auto_signed_in(request, signed)).failure(self._on_auto_sign_in_failed)

    def _on_auto_signed_in(self, request: SignInRequest, signed: SignedIn) -> None:
        self._on_signed_in(request, signed)
        if self.args.exit_after_sign_in:
            self._signed_in_event = {"event": "signed-in", "user": signed.user, "hub": signed.hub_url}
            # What to wait for before quitting: the phone's registration, the hub's state of the started shift.
            self._exit_waits = {"sign-in"}
            if self.args.start_shift and self._shift_state is None:
                self._exit_waits.add("shift")
            elif self._shift_state is not None:
                self._signed_in_event["state"] = self._shift_state
            if self.sip_engine is None:
                self._later(30_000, self._on_auto_registration_timeout)  # bounds the wait for the shift
                self._exit_wait_done("sign-in")
            else:  # the phone too: wait for the registrar's answer (bounded)
                self._exit_waits.add("phone")
                self._exit_wait_done("sign-in")
                self.phone_bridge.registration_changed.connect(self._on_auto_registration_changed)
                self._later(30_000, self._on_auto_registration_timeout)
        elif self.args.screenshot:
            self._later(3000, self._take_screenshot)  # once the panels have their first data from the hub

    @Slot(object)
    def _on_auto_registration_changed(self, event: object) -> None:
        from sip.model import RegistrationChanged, RegState

        if not isinstance(event, RegistrationChanged):
            return
        if event.state is RegState.REGISTERED:
            self._signed_in_event["phone"] = "registered"
            self._exit_wait_done("phone")
        elif event.state is RegState.FAILED:
            log.error("automatic sign-in: the phone did not register: %s %s", event.code, event.reason)
            self.qapp.exit(4)

    @Slot()
    def _on_auto_registration_timeout(self) -> None:
        if self._shut_down or not self._exit_waits:
            return
        if "phone" in self._exit_waits:
            log.error("automatic sign-in: no answer from the phone registrar")
        else:
            log.error("automatic sign-in: the shift did not start (%s)", ", ".join(sorted(self._exit_waits)))
        self.qapp.exit(4)

    @Slot(object)
    def _on_screen_pop_shown_exit(self, event: object) -> None:
        """``--exit-after-screen-pop``: the hub's answer (not only the cache's) is on screen."""
        from app.sync.events import DataSource, ScreenPop

        if isinstance(event, ScreenPop) and event.source is DataSource.HUB:
            result = event.result
            line = {
                "event": "screen-pop",
                "phone": event.phone,
                "customer": result.customer_name if result else None,
                "open_tickets": len(result.open_tickets) if result else 0,
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)
            self.qapp.quit()

    def _exit_wait_done(self, what: str) -> None:
        self._exit_waits.discard(what)
        if not self._exit_waits and self._signed_in_event:
            self._exit_signed_in()

    def _exit_signed_in(self) -> None:
        print(json.dumps(self._signed_in_event), flush=True)
        self.qapp.quit()

    def _on_auto_sign_in_failed(self, error: BaseException | None) -> None:
        """``error`` is None when the keyring has no password for the user (not a failure of anything)."""
        if error is not None:
            log.warning("automatic sign-in failed: %s", error)
        if self.args.exit_after_sign_in:
            self.qapp.exit(4)
            return
        if self.args.screenshot:
            self._later(200, self._take_screenshot)
        self.qsettings.setValue("login/user", str(self.args.sign_in))
        self._on_window_sign_in_requested()  # the agent signs in by hand; the dialog says what went wrong
        if self.login_dialog is not None and isinstance(error, SignInError):
            self.login_dialog.show_error(error.kind)

    @Slot()
    def _on_window_sign_out_requested(self) -> None:
        if not self._after_areas(self._on_window_sign_out_requested):
            return
        log.info("signed out")
        self.sync_bridge.watch(self.sync_engine.logout())
        self.window.set_account_text("")
        self.health.signed_out()
        if self.sip_engine is not None:
            self.sip_engine.unregister()


def _reason_labels_in_chinese(language: Language) -> bool | None:
    """Reason labels come from the hub in both languages; None follows the system locale."""
    return None if language is Language.SYSTEM else language is Language.ZH_CN


def _health_audio_probe() -> AudioProbe:
    """The health check's audio probe: the softphone's own device layer (sip/audio), so the gate tests the devices
    and streams calls will use, on every platform."""
    from app.health_audio import DeviceBackendProbe
    from sip.audio.backends import default_backend

    return DeviceBackendProbe(default_backend())


def _fetch_version_policy(hub_url: str, ca_file: str, timeout: float) -> UpdateRequired | None:
    """Worker thread: ``app.version_policy.fetch``, imported here (it imports requests and the wire protocol)."""
    from app import version_policy

    return version_policy.fetch(hub_url, ca_file, timeout)


def _preload_area_modules(sip_configured: bool) -> None:
    """Worker thread (deferred start): import the areas' Qt-free modules, so building the areas on the GUI thread
    does not stop it for the imports (the largest part of that work). Only modules without Qt objects at import
    time; the areas' widget modules are small and are imported on the GUI thread when built. A module that cannot be
    imported is left to the build, which reports it where it is needed."""
    import importlib

    names = ["app.protocol", "app.sync.engine", "app.sync.signin", "app.sync.secrets", "app.health", "app.health_audio"]
    names += ["app.audio", "sip.audio", "app.state.controller", "app.state.model"]
    if sip_configured:
        names += ["sip.engine", "sip.history", "sip.audio.pjport", "app.phone"]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            log.debug("preload: %s not imported (%s)", name, exc)


def _startup_event(event: str) -> dict[str, object]:
    """A ``--report-startup`` line: wall-clock time, CPU seconds used so far (all threads) and RSS."""
    return {"event": event, "time": time.time(), "cpu_seconds": time.process_time(), "rss_bytes": _rss_bytes()}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the client; returns the process exit code."""
    from ui.commands import dispatch  # --version, --self-test, --diagnostics: answer and exit, no window

    handled = dispatch(sys.argv[1:] if argv is None else argv)
    if handled is not None:
        return handled
    args = parse_args(argv)
    if args.version:
        from app.version import __version__

        print(f"agentdesk {__version__}")
        return 0
    problem = unsupported_qt_message()
    if problem:
        print(problem, file=sys.stderr)
        return 3
    return Application(args, defer_areas=True, version_check=_fetch_version_policy).run()


if __name__ == "__main__":
    sys.exit(main())
