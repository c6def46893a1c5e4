"""The softphone engine: the only code that talks to pjsua2, on one thread it owns.

Threading model (see ``docs/softphone.md`` for the measurements behind it):

- **The SIP thread** (``sip-engine``) creates the endpoint, and makes *every* pjsua2 call for the life of the
  process. It sleeps inside ``libHandleEvents(timeout)``, i.e. in pjsip's ``select()`` on the SIP *and* RTP sockets
  (``medConfig.hasIoqueue = False``: no separate media ioqueue thread, whose 10 ms poll alone costs ~0.5 % of a core)
  until a packet arrives, a pjsip timer is due, one of our timers is due, or it is woken up. Idle, it wakes at most
  once a second. pjsua2's SWIG wrapper releases the GIL inside every call, so a sleeping SIP thread never blocks the
  GUI, and a pjsip lock held by another pjlib thread waiting for the GIL cannot deadlock against us (the pjproject
  #3125 deadlock needs two threads calling *into* pjsua with the GIL held; here only one thread ever calls in).
- **Other threads** (the GUI, the network monitor) never touch pjsua2: public methods put a closure on a queue and
  wake the SIP thread with a CRLF keep-alive datagram to its own UDP transport (pjsip drops CRLF keep-alives
  silently), and return a ``concurrent.futures.Future``.
- **Events** (:mod:`sip.model`) are delivered by calling ``on_event`` *on the SIP thread*; the Qt adapter
  (``app/phone.py``) re-emits them as a signal, which Qt queues to the GUI thread in order.
- **The media clock** (pjsua's null sound device) runs only while a call has media: ``setNoDev()`` otherwise, so
  an idle endpoint has no 50 Hz clock thread.

Shutdown (``shutdown()``, also from ``atexit``): hang up every call, pump until they are gone, drop every wrapper,
shut the audio hook down, un-REGISTER and pump until the registrar answers (bounded), then ``libDestroy()``.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import gc
import heapq
import itertools
import logging
import queue
import re
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pjsua2 as pj

from sip import numbers, quality
from sip.history import CallHistory
from sip.media import CallAudio, NullCallAudio
from sip.model import (
    AccountSettings,
    AutoAnswerMode,
    CallDirection,
    CallEnded,
    CallOutcome,
    CallSnapshot,
    CallState,
    CallUpdated,
    DialTarget,
    DtmfMode,
    DtmfReceived,
    EngineFailed,
    EngineSettings,
    IncomingCall,
    NetworkChanged,
    NumberKind,
    QualityUpdated,
    RegFailure,
    RegistrationChanged,
    RegState,
    RejectReason,
    SipError,
    SipErrorKind,
    SipEvent,
    SrtpMode,
    TransferProgress,
    Transport,
)
from sip.netmon import NetworkMonitor

log = logging.getLogger(__name__)
pjlog = logging.getLogger("sip.pjsip")
tracelog = logging.getLogger("sip.trace")

T = TypeVar("T")
MAX_CALLS = 4
CLOCK_LINGER_S = 1.0
PJ_EINVALIDOP = 70013  # pjsip: another INVITE transaction is still pending on the dialog
IDLE_WAIT_MS = 1000
_CRLF = b"\r\n\r\n"
_MSG_LOG = re.compile(r"^(TX|RX) \d+ bytes ")
_AUTH_HEADER = re.compile(r"^((?:Proxy-)?Authorization:\s*\w+\s).*$", re.IGNORECASE | re.MULTILINE)
_ANSWER_AFTER = re.compile(r"^Call-Info:.*answer-after=(\d+(?:\.\d+)?)", re.IGNORECASE | re.MULTILINE)
_ALERT_AUTO = re.compile(r"^Alert-Info:.*auto[-_]?answer", re.IGNORECASE | re.MULTILINE)
_NAME_URI = re.compile(r'^\s*(?:"(?P<q>(?:[^"\\]|\\.)*)"|(?P<t>[^<"]*?))\s*<(?P<uri>[^>]*)>')


def redact(text: str) -> str:
    """Hide digest credentials in a logged SIP message."""
    return _AUTH_HEADER.sub(r"\1<redacted>", text)


def parse_remote(remote_uri: str) -> tuple[str, str]:
    """``'"Name" <sip:1380013@host>'`` → (``"1380013"``, ``"Name"``)."""
    match = _NAME_URI.match(remote_uri)
    name, uri = "", remote_uri.strip()
    if match:
        name = (match.group("q") or match.group("t") or "").strip().replace('\\"', '"')
        uri = match.group("uri")
    uri = uri.split(";", 1)[0]
    user = uri.split(":", 1)[1] if ":" in uri else uri
    user = user.split("@", 1)[0] if "@" in user else user
    return user, name


# ---------------------------------------------------------------------------------------------- pjsua2 subclasses
class _LogWriter(pj.LogWriter):  # type: ignore[misc]  # SWIG class, untyped
    """pjsip's log → ``logging``. May run on any pjlib thread: it only formats and forwards."""

    def __init__(self, engine: SipEngine) -> None:
        super().__init__()
        self._engine = engine

    def write(self, entry: Any) -> None:
        try:
            msg = str(entry.msg).rstrip()
            if _MSG_LOG.match(msg.lstrip()):
                # On when the engine's switch is on, or when the "sip.trace" logger is opened to DEBUG
                # (app/logs.py's runtime switch): then format and log the message, credentials redacted.
                if self._engine.sip_trace or logging.NOTSET < tracelog.level <= logging.DEBUG:
                    tracelog.info("%s", redact(msg))
                return
            level = int(entry.level)
            pjlog.log(
                logging.ERROR if level <= 1 else logging.WARNING if level == 2 else logging.INFO if level == 3 else 5,
                "%s",
                msg,
            )
        except Exception:  # never let a traceback keep pj objects alive
            pass


class _Account(pj.Account):  # type: ignore[misc]
    def __init__(self, engine: SipEngine) -> None:
        super().__init__()
        self._engine = engine

    def onRegStarted(self, prm: Any) -> None:  # noqa: N802  (pjsua2 API)
        self._engine._guard(self._engine._on_reg_started, bool(prm.renew))

    def onRegState(self, prm: Any) -> None:  # noqa: N802
        self._engine._guard(
            self._engine._on_reg_state, int(prm.code), str(prm.reason), int(prm.status), int(prm.expiration)
        )

    def onIncomingCall(self, prm: Any) -> None:  # noqa: N802
        self._engine._guard(self._engine._on_incoming_call, int(prm.callId), str(prm.rdata.wholeMsg))


class _Call(pj.Call):  # type: ignore[misc]
    def __init__(self, engine: SipEngine, account: Any, pj_call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(account, pj_call_id)
        self._engine = engine
        self.rec: _CallRec | None = None

    def onCallState(self, prm: Any) -> None:  # noqa: N802, ARG002  (pjsua2 API; the state comes from getInfo())
        self._engine._guard(self._engine._on_call_state, self)

    def onCallMediaState(self, prm: Any) -> None:  # noqa: N802, ARG002  (pjsua2 API)
        self._engine._guard(self._engine._on_call_media_state, self)

    def onDtmfDigit(self, prm: Any) -> None:  # noqa: N802
        self._engine._guard(self._engine._on_dtmf, self, str(prm.digit))

    def onCallTransferRequest(self, prm: Any) -> None:  # noqa: N802
        # Accept REFERs (a supervisor or the far end transferring us elsewhere) and track the new call.
        prm.statusCode = 202
        self._engine._guard(self._engine._on_transfer_request, self, prm)

    def onCallTransferStatus(self, prm: Any) -> None:  # noqa: N802
        self._engine._guard(
            self._engine._on_transfer_status, self, int(prm.statusCode), str(prm.reason), bool(prm.finalNotify)
        )
        prm.cont = not prm.finalNotify

    def onCallReplaced(self, prm: Any) -> None:  # noqa: N802
        self._engine._guard(self._engine._on_call_replaced, self, prm)


# ---------------------------------------------------------------------------------------------- per-call state
@dataclass
class _CallRec:
    id: int
    call: _Call
    direction: CallDirection
    number: str
    name: str
    state: CallState
    started_at: float = field(default_factory=time.time)
    connected_at: float | None = None
    local_hold: bool = False
    remote_hold: bool = False
    mic_muted: bool = False
    speaker_muted: bool = False
    srtp: bool = False
    codec: str = ""
    in_conference: bool = False
    auto_answer_at: float | None = None
    auto_answer_timer: int | None = None
    rejected: bool = False
    transferred: bool = False
    hung_up_here: bool = False
    last_code: int = 0
    last_reason: str = ""
    media: Any = None  # the wired pj.AudioMedia, or None
    tracker: quality.QualityTracker = field(default_factory=quality.QualityTracker)
    loss: quality.LossCounter = field(default_factory=quality.LossCounter)
    quality_timer: int | None = None
    ended: bool = False

    def snapshot(self) -> CallSnapshot:
        return CallSnapshot(
            call_id=self.id,
            direction=self.direction,
            state=self.state,
            remote_number=self.number,
            remote_name=self.name,
            local_hold=self.local_hold,
            remote_hold=self.remote_hold,
            mic_muted=self.mic_muted,
            speaker_muted=self.speaker_muted,
            srtp=self.srtp,
            codec=self.codec,
            started_at=self.started_at,
            connected_at=self.connected_at,
            in_conference=self.in_conference,
            auto_answer_in_s=max(0.0, self.auto_answer_at - time.monotonic()) if self.auto_answer_at else None,
            last_code=self.last_code,
            last_reason=self.last_reason,
        )


# ---------------------------------------------------------------------------------------------- the engine
class SipEngine:
    """Owns the pjsua2 endpoint, one account and its calls. See the module docstring for the threading rules.

    ``on_event(event)`` is called on the SIP thread for every :data:`sip.model.SipEvent`; it must return quickly.
    ``auto_answer_veto()`` (any thread-safe callable) may refuse an automatic answer, as may ``call_audio``.
    """

    def __init__(
        self,
        settings: EngineSettings,
        on_event: Callable[[SipEvent], None],
        *,
        call_audio: CallAudio | None = None,
        call_audio_factory: Callable[[], CallAudio] | None = None,
        history: CallHistory | None = None,
        auto_answer_veto: Callable[[], bool] | None = None,
    ) -> None:
        self.settings = settings
        self._on_event = on_event
        self._audio: CallAudio = call_audio or NullCallAudio()
        self._audio_factory = call_audio_factory
        self._history = history
        self._veto = auto_answer_veto
        self.sip_trace = settings.sip_trace
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._cancelled: set[int] = set()
        self._seq = itertools.count(1)
        self._call_ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._start_error: SipError | None = None
        self._stopping = False
        self._stopped = threading.Event()
        self._wake_sock: socket.socket | None = None
        self._wake_addr: tuple[str, int] | None = None
        # Owned by the SIP thread:
        self._ep: Any = None
        self._log_writer: _LogWriter | None = None
        self._transports: dict[Transport, int] = {}
        self._tls_ca: str | None = None
        self._account: _Account | None = None
        self._acc_settings: AccountSettings | None = None
        self._reg_state = RegState.UNREGISTERED
        self._calls: dict[int, _CallRec] = {}
        self._by_pj: dict[int, _CallRec] = {}
        self._graveyard: list[Any] = []
        self._clock_on = False
        self._clock_off_timer: int | None = None
        self._last_dialled: str | None = None
        self._netmon: NetworkMonitor | None = None
        self._local_ip = ""

    # ================================================================ lifecycle (any thread)
    def start(self, timeout: float = 15.0) -> None:
        """Create the endpoint on the SIP thread; raise :class:`SipError` (``START_FAILED``) if that fails."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="sip-engine", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise SipError(SipErrorKind.START_FAILED, "the SIP thread did not start in time")
        if self._start_error is not None:
            raise self._start_error
        atexit.register(self.shutdown)

    def shutdown(self, timeout: float = 8.0) -> None:
        """Hang up, un-REGISTER and destroy the endpoint (idempotent; blocks up to ``timeout``)."""
        thread = self._thread
        if thread is None or self._stopped.is_set():
            return
        self._stopping = True
        self._wake()
        thread.join(timeout)
        with contextlib.suppress(Exception):
            atexit.unregister(self.shutdown)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._started.is_set() and not self._stopped.is_set()

    # ================================================================ public API (any thread; returns futures)
    def submit(self, fn: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run ``fn`` on the SIP thread. Used by the methods below, test drivers and the audio hook."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        if self._stopping or self._stopped.is_set() or self._thread is None:
            future.set_exception(SipError(SipErrorKind.SHUT_DOWN if self._thread else SipErrorKind.NOT_STARTED))
            return future

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc if isinstance(exc, SipError) else _op_error(exc))

        self._commands.put(run)
        self._wake()
        return future

    def register(self, account: AccountSettings, password: str) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._register(account, password))

    def unregister(self) -> concurrent.futures.Future[None]:
        return self.submit(self._unregister)

    def make_call(self, number: str) -> concurrent.futures.Future[int]:
        return self.submit(lambda: self._make_call(number))

    def redial(self) -> concurrent.futures.Future[int]:
        return self.submit(self._redial)

    def answer(self, call_id: int) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._answer(call_id))

    def reject(self, call_id: int, reason: RejectReason = RejectReason.BUSY) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._reject(call_id, reason))

    def hangup(self, call_id: int) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._hangup(call_id))

    def hold(self, call_id: int) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._hold(call_id))

    def resume(self, call_id: int) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._resume(call_id))

    def set_mute(
        self, call_id: int, *, mic: bool | None = None, speaker: bool | None = None
    ) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._set_mute(call_id, mic, speaker))

    def send_dtmf(self, call_id: int, digits: str, mode: DtmfMode | None = None) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._send_dtmf(call_id, digits, mode))

    def transfer_blind(self, call_id: int, number: str) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._transfer_blind(call_id, number))

    def transfer_attended(self, call_id: int, consult_call_id: int) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._transfer_attended(call_id, consult_call_id))

    def conference(self, call_ids: tuple[int, ...]) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._conference(call_ids))

    def set_sip_trace(self, enabled: bool) -> None:
        """Switch the full SIP message trace (logger ``sip.trace``, credentials redacted) on or off at once."""
        self.sip_trace = enabled

    def handle_ip_change(self) -> concurrent.futures.Future[None]:
        return self.submit(lambda: self._handle_ip_change("", ""))

    def media_stats(self, call_id: int) -> concurrent.futures.Future[dict[str, int]]:
        """RTP packet counters of a call (diagnostics, the benchmark): rx/tx packets and lost packets."""
        return self.submit(lambda: self._media_stats(call_id))

    def calls(self) -> concurrent.futures.Future[list[CallSnapshot]]:
        return self.submit(lambda: [rec.snapshot() for rec in self._calls.values()])

    # ================================================================ the SIP thread
    def _wake(self) -> None:
        sock, addr = self._wake_sock, self._wake_addr
        if sock is not None and addr is not None:
            with contextlib.suppress(OSError):
                sock.sendto(_CRLF, addr)

    def _run(self) -> None:
        try:
            self._create_endpoint()
        except Exception as exc:
            log.exception("SIP endpoint failed to start")
            self._start_error = exc if isinstance(exc, SipError) else SipError(SipErrorKind.START_FAILED, str(exc))
            self._destroy_endpoint()
            self._stopped.set()
            self._started.set()
            return
        self._started.set()
        try:
            self._loop()
        except Exception as exc:
            log.exception("SIP thread crashed")
            self._emit(EngineFailed(SipError(SipErrorKind.OPERATION_FAILED, str(exc))))
        finally:
            self._stopping = True
            self._teardown()
            self._stopped.set()

    def _loop(self) -> None:
        ep = self._ep
        while not self._stopping:
            wait_ms = IDLE_WAIT_MS
            if not self._commands.empty():
                wait_ms = 0
            elif self._timers:
                wait_ms = max(0, min(IDLE_WAIT_MS, int((self._timers[0][0] - time.monotonic()) * 1000) + 1))
            ep.libHandleEvents(wait_ms)
            self._graveyard.clear()
            self._drain()
            self._run_timers()

    def _drain(self) -> None:
        while True:
            try:
                fn = self._commands.get_nowait()
            except queue.Empty:
                return
            fn()

    def _run_timers(self) -> None:
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            _, seq, fn = heapq.heappop(self._timers)
            if seq in self._cancelled:
                self._cancelled.discard(seq)
                continue
            self._guard(fn)

    def _call_later(self, delay_s: float, fn: Callable[[], None]) -> int:
        seq = next(self._seq)
        heapq.heappush(self._timers, (time.monotonic() + delay_s, seq, fn))
        return seq

    def _cancel(self, seq: int | None) -> None:
        if seq is not None:
            self._cancelled.add(seq)

    def _guard(self, fn: Callable[..., None], *args: Any) -> None:
        """Run a callback body; log (as text, so no traceback keeps pj objects alive) instead of raising."""
        try:
            fn(*args)
        except Exception:
            log.error("SIP callback %s failed:\n%s", getattr(fn, "__name__", fn), traceback.format_exc())

    def _emit(self, event: SipEvent) -> None:
        try:
            self._on_event(event)
        except Exception:
            log.error("event handler failed for %s:\n%s", type(event).__name__, traceback.format_exc())

    # ---------------------------------------------------------------- endpoint
    def _create_endpoint(self) -> None:
        s = self.settings
        ep = pj.Endpoint()
        ep.libCreate()
        self._ep = ep
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = False  # callbacks run on the thread that calls libHandleEvents: ours
        cfg.uaConfig.userAgent = s.user_agent
        cfg.uaConfig.maxCalls = MAX_CALLS + 2
        self._log_writer = _LogWriter(self)
        cfg.logConfig.writer = self._log_writer
        # The writer is pjsua's "console": it receives entries up to consoleLevel. Level 4 carries the SIP
        # messages (msgLogging); the writer drops them unless the trace is on, and maps levels to logging's.
        cfg.logConfig.level = max(s.log_level, 4)
        cfg.logConfig.consoleLevel = max(s.log_level, 4)
        cfg.logConfig.msgLogging = True
        cfg.logConfig.decor = 0
        cfg.medConfig.hasIoqueue = False  # RTP on the SIP ioqueue: no media thread polling every 10 ms
        cfg.medConfig.threadCnt = 0
        cfg.medConfig.clockRate = 16000
        cfg.medConfig.sndClockRate = 16000
        cfg.medConfig.noVad = True
        cfg.medConfig.ecTailLen = 0
        # The conference bridge's resampler (an 8 kHz PCMA call against the 16 kHz bridge): quality 3-4 selects
        # pjmedia's small sinc filter. The default (8) took ~0.6 % of a core in FilterUD/FilterUp per PCMA call
        # (perf, docs/audio.md "Where the CPU goes"); speech through a narrowband codec does not need more.
        cfg.medConfig.quality = 4
        cfg.medConfig.txDropPct = s.tx_drop_pct
        ep.libInit(cfg)
        tcfg = pj.TransportConfig()
        tcfg.port = s.udp_port
        if s.bind_address:
            tcfg.boundAddress = s.bind_address
        self._transports[Transport.UDP] = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        tcfg = pj.TransportConfig()
        tcfg.port = s.tcp_port
        if s.bind_address:
            tcfg.boundAddress = s.bind_address
        self._transports[Transport.TCP] = ep.transportCreate(pj.PJSIP_TRANSPORT_TCP, tcfg)
        ep.libStart()
        ep.audDevManager().setNoDev()  # no media clock until a call has media
        if self._audio_factory is not None:
            # An audio hook that owns pj objects (e.g. the headset bridge's AudioMediaPort) is built here, on the
            # SIP thread, after libStart().
            self._audio = self._audio_factory()
        self._set_codecs(s.codecs)
        udp_info = ep.transportGetInfo(self._transports[Transport.UDP])
        port = int(udp_info.localName.rsplit(":", 1)[1])
        self._wake_addr = (s.bind_address or "127.0.0.1", port)
        self._wake_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        log.info("SIP endpoint started (pjsip %s), UDP %s", ep.libVersion().full, udp_info.localName)

    def _set_codecs(self, wanted: tuple[str, ...]) -> None:
        prio = {name.upper(): 255 - i for i, name in enumerate(wanted)}
        for codec in self._ep.codecEnum2():
            cid = str(codec.codecId)
            key = "/".join(cid.split("/")[:2]).upper()
            self._ep.codecSetPriority(cid, prio.get(key, 0))

    def _ensure_tls(self, ca_file: str) -> int:
        if Transport.TLS in self._transports and self._tls_ca == ca_file:
            return self._transports[Transport.TLS]
        tcfg = pj.TransportConfig()
        tcfg.port = 0
        if self.settings.bind_address:
            tcfg.boundAddress = self.settings.bind_address
        ca = ca_file or next((p for p in _SYSTEM_CAS if Path(p).exists()), "")
        tcfg.tlsConfig.CaListFile = ca
        tcfg.tlsConfig.verifyServer = True
        tcfg.tlsConfig.method = pj.PJSIP_TLSV1_2_METHOD
        tid = int(self._ep.transportCreate(pj.PJSIP_TRANSPORT_TLS, tcfg))
        self._transports[Transport.TLS] = tid
        self._tls_ca = ca_file
        return tid

    def _clock_off_if_idle(self) -> None:
        self._clock_off_timer = None
        if not any(not r.ended for r in self._calls.values()):
            self._set_clock(False)

    def flush_media(self) -> None:
        """(SIP thread) Let pjmedia apply queued conference changes, e.g. so a removed recorder closes its file."""
        was_on = self._clock_on
        self._set_clock(True)
        time.sleep(0.1)  # five 20 ms clock ticks
        if not was_on:
            self._set_clock(False)

    def _set_clock(self, on: bool) -> None:
        if on:
            self._cancel(self._clock_off_timer)
            self._clock_off_timer = None
        if on == self._clock_on:
            return
        adm = self._ep.audDevManager()
        if on:
            adm.setNullDev()
        else:
            adm.setNoDev()
        self._clock_on = on
        log.debug("media clock %s", "on" if on else "off")

    def _teardown(self) -> None:
        ep = self._ep
        if ep is None:
            return
        if self._netmon is not None:
            self._netmon.stop()
            self._netmon = None
        try:
            # Loops live in helpers: a loop variable left in this frame would keep a Call wrapper alive past
            # libDestroy() (its destructor then aborts the process).
            self._hangup_all()
            self._pump_until(lambda: not self._calls, 3.0)
            self._forget_all()  # calls that never confirmed their end
            self._audio.shutdown()
            if self._account is not None:
                acc = self._account
                if self._reg_state is RegState.REGISTERED:
                    with contextlib.suppress(pj.Error):
                        acc.setRegistration(False)
                    self._pump_until(lambda: self._reg_state is not RegState.REGISTERED, 2.0)
                with contextlib.suppress(pj.Error):
                    acc.shutdown()
                self._pump_until(lambda: False, 0.2)  # let the last messages leave
                self._account = None
                del acc
        except Exception:
            log.error("error while shutting down SIP:\n%s", traceback.format_exc())
        self._destroy_endpoint()

    def _hangup_all(self) -> None:
        for rec in list(self._calls.values()):
            rec.hung_up_here = True
            with contextlib.suppress(pj.Error):
                rec.call.hangup(pj.CallOpParam(True))

    def _forget_all(self) -> None:
        for rec in list(self._calls.values()):
            self._forget(rec)

    def _destroy_endpoint(self) -> None:
        ep = self._ep
        if ep is None:
            return
        self._calls.clear()
        self._by_pj.clear()
        self._graveyard.clear()
        self._timers.clear()
        gc.collect()  # every Call/Account/AudioMedia wrapper must be gone before libDestroy
        try:
            ep.libDestroy()
        except Exception:
            log.error("libDestroy failed:\n%s", traceback.format_exc())
        self._ep = None
        self._log_writer = None
        if self._wake_sock is not None:
            self._wake_sock.close()
            self._wake_sock = None
        log.info("SIP endpoint destroyed")

    def _pump_until(self, done: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            self._ep.libHandleEvents(20)
            self._graveyard.clear()
            self._run_timers()

    # ---------------------------------------------------------------- registration
    def _register(self, acc: AccountSettings, password: str) -> None:
        if not acc.server or not acc.user:
            raise SipError(SipErrorKind.BAD_SETTINGS, "server and user are required")
        if self._account is not None:
            self._unregister()
        tid = self._ensure_tls(acc.ca_file) if acc.transport is Transport.TLS else self._transports[acc.transport]
        domain = acc.sip_domain
        cfg = pj.AccountConfig()
        ident = f"sip:{acc.user}@{domain}"
        cfg.idUri = f'"{acc.display_name}" <{ident}>' if acc.display_name else ident
        scheme = "sip"
        cfg.regConfig.registrarUri = f"{scheme}:{domain}"
        cfg.regConfig.timeoutSec = acc.expires_s
        cfg.regConfig.retryIntervalSec = acc.retry_interval_s
        cfg.regConfig.firstRetryIntervalSec = acc.first_retry_interval_s
        cfg.regConfig.randomRetryIntervalSec = 0
        cfg.regConfig.dropCallsOnFail = False
        proxy = acc.outbound_proxy or f"sip:{acc.server}:{acc.default_port};transport={acc.transport.value}"
        if ";lr" not in proxy:
            proxy += ";lr"
        cfg.sipConfig.proxies.append(proxy)
        cfg.sipConfig.transportId = tid
        cfg.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", acc.auth_user or acc.user, 0, password))
        cfg.natConfig.sipOutboundUse = 0
        cfg.natConfig.iceEnabled = False
        cfg.mediaConfig.srtpUse = {
            SrtpMode.DISABLED: pj.PJMEDIA_SRTP_DISABLED,
            SrtpMode.OPTIONAL: pj.PJMEDIA_SRTP_OPTIONAL,
            SrtpMode.MANDATORY: pj.PJMEDIA_SRTP_MANDATORY,
        }[acc.srtp]
        # SDES sends the keys in the SDP: insist on TLS for mandatory SRTP over TLS accounts only.
        cfg.mediaConfig.srtpSecureSignaling = (
            1 if (acc.transport is Transport.TLS and acc.srtp is SrtpMode.MANDATORY) else 0
        )
        account = _Account(self)
        self._acc_settings = acc
        self._account = account
        self._set_reg(RegistrationChanged(RegState.REGISTERING))
        account.create(cfg, True)
        if self.settings.ip_monitor:
            self._start_netmon(acc)

    def _unregister(self) -> None:
        acc = self._account
        if acc is None:
            return
        if self._netmon is not None:
            self._netmon.stop()
            self._netmon = None
        if self._reg_state is RegState.REGISTERED:
            with contextlib.suppress(pj.Error):
                acc.setRegistration(False)
            self._pump_until(lambda: self._reg_state is not RegState.REGISTERED, 2.0)
        with contextlib.suppress(pj.Error):
            acc.shutdown()
        # Drop the wrapper *now*: pjsua reuses account slots, and a stale wrapper's destructor deletes whatever
        # account holds its old id (pjsua2's Account::shutdown() checks only that the id is valid).
        self._account = None
        del acc
        gc.collect()
        self._set_reg(RegistrationChanged(RegState.UNREGISTERED))

    def _set_reg(self, event: RegistrationChanged) -> None:
        self._reg_state = event.state
        self._emit(event)

    def _on_reg_started(self, renew: bool) -> None:
        if renew and self._reg_state not in (RegState.REGISTERED, RegState.REGISTERING):
            self._set_reg(RegistrationChanged(RegState.REGISTERING))

    def _on_reg_state(self, code: int, reason: str, status: int, expiration: int) -> None:
        if 200 <= code < 300:
            if expiration > 0:
                self._set_reg(RegistrationChanged(RegState.REGISTERED, code=code, reason=reason, expires_s=expiration))
            else:
                self._set_reg(RegistrationChanged(RegState.UNREGISTERED, code=code, reason=reason))
            return
        detail = reason
        if status != 0:
            with contextlib.suppress(Exception):
                detail = f"{reason} ({self._ep.utilStrError(status)})"
        failure = classify_reg_failure(code, detail)
        log.warning("registration failed: %s %s -> %s", code, detail, failure.value)
        self._set_reg(RegistrationChanged(RegState.FAILED, failure, code, detail))

    # ---------------------------------------------------------------- network change
    def _start_netmon(self, acc: AccountSettings) -> None:
        if self._netmon is not None:
            self._netmon.stop()
        host = acc.server
        if acc.outbound_proxy:
            m = re.match(r"sips?:(?:[^@]*@)?\[?([^;:\]>]+)\]?(?::(\d+))?", acc.outbound_proxy)
            if m:
                host = m.group(1)
        netmon = NetworkMonitor(host, acc.default_port, self._on_network_change)
        self._local_ip = netmon.current or ""
        netmon.start()
        self._netmon = netmon

    def _on_network_change(self, old: str, new: str) -> None:
        # On the monitor thread: hand over to the SIP thread.
        self.submit(lambda: self._handle_ip_change(old, new))

    def _handle_ip_change(self, old: str, new: str) -> None:
        log.info("network change (%s -> %s): re-registering and re-inviting calls", old or "?", new or "?")
        self._local_ip = new or self._local_ip
        prm = pj.IpChangeParam()
        prm.restartListener = False
        self._ep.handleIpChange(prm)
        self._emit(NetworkChanged(old, new))

    # ---------------------------------------------------------------- calls: helpers
    def _rec(self, call_id: int) -> _CallRec:
        rec = self._calls.get(call_id)
        if rec is None or rec.ended:
            raise SipError(SipErrorKind.NO_SUCH_CALL, str(call_id))
        return rec

    def _require_account(self) -> _Account:
        if self._account is None or self._acc_settings is None:
            raise SipError(SipErrorKind.NO_ACCOUNT)
        return self._account

    def _new_rec(self, call: _Call, direction: CallDirection, number: str, name: str, state: CallState) -> _CallRec:
        rec = _CallRec(next(self._call_ids), call, direction, number, name, state)
        call.rec = rec
        self._calls[rec.id] = rec
        return rec

    def _updated(self, rec: _CallRec) -> None:
        self._emit(CallUpdated(rec.snapshot()))

    def _active_others(self, rec: _CallRec | None) -> list[_CallRec]:
        return [
            r
            for r in self._calls.values()
            if r is not rec and not r.ended and r.state is CallState.CONNECTED and not r.local_hold
        ]

    def _target_uri(self, target: DialTarget) -> str:
        acc = self._acc_settings
        assert acc is not None
        if target.kind is NumberKind.URI:
            return target.number
        return f"sip:{target.number}@{acc.sip_domain}"

    def _normalize(self, number: str) -> DialTarget:
        acc = self._acc_settings
        return numbers.normalize(
            number,
            external_prefix=acc.external_prefix if acc else "",
            local_area_code=acc.local_area_code if acc else "",
        )

    # ---------------------------------------------------------------- calls: commands
    def _make_call(self, number: str) -> int:
        account = self._require_account()
        if len([r for r in self._calls.values() if not r.ended]) >= MAX_CALLS:
            raise SipError(SipErrorKind.TOO_MANY_CALLS)
        target = self._normalize(number)
        for other in self._active_others(None):
            self._hold(other.id)  # a new call puts the current one on hold
        call = _Call(self, account)
        rec = self._new_rec(call, CallDirection.OUTGOING, target.number, "", CallState.DIALING)
        self._last_dialled = number
        self._audio.outgoing_started()
        prm = pj.CallOpParam(True)
        try:
            call.makeCall(self._target_uri(target), prm)
        except pj.Error as exc:
            self._forget(rec)
            raise SipError(SipErrorKind.OPERATION_FAILED, exc.info()) from None
        self._updated(rec)
        return rec.id

    def _redial(self) -> int:
        number = self._last_dialled or (self._history.last_dialled() if self._history else None)
        if not number:
            raise SipError(SipErrorKind.NOTHING_TO_REDIAL)
        return self._make_call(number)

    def _answer(self, call_id: int) -> None:
        rec = self._rec(call_id)
        if rec.direction is not CallDirection.INCOMING or rec.state is not CallState.RINGING:
            raise SipError(SipErrorKind.WRONG_STATE, rec.state.value)
        self._cancel(rec.auto_answer_timer)
        rec.auto_answer_at = None
        for other in self._active_others(rec):
            self._hold(other.id)  # call waiting: answering the new call holds the current one
        prm = pj.CallOpParam(True)
        prm.statusCode = 200
        rec.call.answer(prm)
        self._audio.answered()
        self._updated(rec)

    def _reject(self, call_id: int, reason: RejectReason) -> None:
        rec = self._rec(call_id)
        if rec.direction is not CallDirection.INCOMING or rec.state is not CallState.RINGING:
            raise SipError(SipErrorKind.WRONG_STATE, rec.state.value)
        self._cancel(rec.auto_answer_timer)
        rec.rejected = True
        prm = pj.CallOpParam(True)
        prm.statusCode = reason.value
        rec.call.hangup(prm)

    def _hangup(self, call_id: int) -> None:
        rec = self._rec(call_id)
        rec.hung_up_here = True
        self._cancel(rec.auto_answer_timer)
        if rec.direction is CallDirection.INCOMING and rec.state is CallState.RINGING:
            rec.rejected = True
        try:
            rec.call.hangup(pj.CallOpParam(True))
        except pj.Error as exc:
            raise SipError(SipErrorKind.OPERATION_FAILED, exc.info()) from None

    def _hold(self, call_id: int) -> None:
        rec = self._rec(call_id)
        if rec.state is not CallState.CONNECTED:
            raise SipError(SipErrorKind.WRONG_STATE, rec.state.value)
        if rec.local_hold:
            return
        rec.local_hold = True
        self._send_hold_state(rec.id, 0)
        self._updated(rec)

    def _resume(self, call_id: int) -> None:
        rec = self._rec(call_id)
        if rec.state is not CallState.CONNECTED:
            raise SipError(SipErrorKind.WRONG_STATE, rec.state.value)
        if not rec.local_hold:
            return
        for other in self._active_others(rec):
            if not (rec.in_conference and other.in_conference):
                self._hold(other.id)
        rec.local_hold = False
        self._send_hold_state(rec.id, 0)
        self._updated(rec)

    def _send_hold_state(self, call_id: int, attempt: int) -> None:
        """Send the re-INVITE for the wanted hold state; if one is still pending on the dialog (the agent
        clicked quickly), try again shortly instead of failing."""
        rec = self._calls.get(call_id)
        if rec is None or rec.ended or rec.state is not CallState.CONNECTED:
            return
        try:
            if rec.local_hold:
                rec.call.setHold(pj.CallOpParam(True))
            else:
                prm = pj.CallOpParam(True)
                prm.opt.flag = pj.PJSUA_CALL_UNHOLD
                rec.call.reinvite(prm)
        except pj.Error as exc:
            if int(exc.status) == PJ_EINVALIDOP and attempt < 50:
                self._call_later(0.1, lambda: self._send_hold_state(call_id, attempt + 1))
                return
            raise SipError(SipErrorKind.OPERATION_FAILED, exc.info()) from None

    def _set_mute(self, call_id: int, mic: bool | None, speaker: bool | None) -> None:
        rec = self._rec(call_id)
        if mic is not None:
            rec.mic_muted = mic
        if speaker is not None:
            rec.speaker_muted = speaker
        self._apply_levels(rec)
        self._updated(rec)

    def _apply_levels(self, rec: _CallRec) -> None:
        media = rec.media
        if media is None:
            return
        # On the call's AudioMedia, the "rx" level is what the call port receives from the bridge, i.e. what the
        # remote party hears (our microphone); "tx" is what it transmits into the bridge: what the agent hears.
        media.adjustRxLevel(0.0 if rec.mic_muted else 1.0)
        media.adjustTxLevel(0.0 if rec.speaker_muted else 1.0)

    def _send_dtmf(self, call_id: int, digits: str, mode: DtmfMode | None) -> None:
        rec = self._rec(call_id)
        if not re.fullmatch(r"[0-9*#A-Da-d]+", digits):
            raise SipError(SipErrorKind.INVALID_NUMBER, digits)
        if rec.state is not CallState.CONNECTED:
            raise SipError(SipErrorKind.WRONG_STATE, rec.state.value)
        mode = mode or (self._acc_settings.dtmf if self._acc_settings else DtmfMode.RFC2833)
        prm = pj.CallSendDtmfParam()
        prm.method = pj.PJSUA_DTMF_METHOD_SIP_INFO if mode is DtmfMode.SIP_INFO else pj.PJSUA_DTMF_METHOD_RFC2833
        prm.digits = digits.upper()
        try:
            rec.call.sendDtmf(prm)
        except pj.Error as exc:
            raise SipError(SipErrorKind.OPERATION_FAILED, exc.info()) from None

    def _transfer_blind(self, call_id: int, number: str) -> None:
        rec = self._rec(call_id)
        if rec.state is not CallState.CONNECTED:
            raise SipError(SipErrorKind.WRONG_STATE, rec.state.value)
        uri = self._target_uri(self._normalize(number))
        rec.call.xfer(uri, pj.CallOpParam(True))

    def _transfer_attended(self, call_id: int, consult_call_id: int) -> None:
        rec = self._rec(call_id)
        consult = self._rec(consult_call_id)
        if rec.state is not CallState.CONNECTED or consult.state is not CallState.CONNECTED:
            raise SipError(SipErrorKind.WRONG_STATE, "both calls must be connected")
        rec.call.xferReplaces(consult.call, pj.CallOpParam(True))

    def _conference(self, call_ids: tuple[int, ...]) -> None:
        recs = [self._rec(cid) for cid in call_ids]
        if len(recs) < 2 or any(r.state is not CallState.CONNECTED for r in recs):
            raise SipError(SipErrorKind.WRONG_STATE, "a conference needs at least two connected calls")
        for rec in recs:
            rec.in_conference = True
        for rec in recs:
            if rec.local_hold:
                rec.local_hold = False
                self._send_hold_state(rec.id, 0)
        self._wire_conference()
        for rec in recs:
            self._updated(rec)

    def _wire_conference(self) -> None:
        members = [r for r in self._calls.values() if r.in_conference and r.media is not None and not r.ended]
        for a in members:
            for b in members:
                if a is not b:
                    a.media.startTransmit(b.media)

    # ---------------------------------------------------------------- calls: callbacks
    def _on_incoming_call(self, pj_call_id: int, whole_msg: str) -> None:
        account = self._account
        if account is None:
            return
        call = _Call(self, account, pj_call_id)
        info = call.getInfo()
        number, name = parse_remote(str(info.remoteUri))
        live = [r for r in self._calls.values() if not r.ended]
        rec = self._new_rec(call, CallDirection.INCOMING, number, name, CallState.RINGING)
        self._by_pj[pj_call_id] = rec
        if len(live) >= MAX_CALLS:
            rec.rejected = True
            prm = pj.CallOpParam(True)
            prm.statusCode = 486
            call.answer(prm)
            return
        prm = pj.CallOpParam(True)
        prm.statusCode = 180
        call.answer(prm)
        waiting = any(r.state in (CallState.CONNECTED, CallState.CONNECTING) for r in live)
        if waiting:
            self._audio.call_waiting()
        else:
            self._audio.incoming_ringing()
        delay = self._auto_answer_delay(whole_msg)
        if delay is not None and not waiting:
            rec.auto_answer_at = time.monotonic() + delay
            rec.auto_answer_timer = self._call_later(delay, lambda: self._auto_answer(rec.id))
        log.info("incoming call %s from %s%s", rec.id, number, " (waiting)" if waiting else "")
        self._emit(IncomingCall(rec.snapshot(), waiting))

    def _auto_answer_delay(self, whole_msg: str) -> float | None:
        acc = self._acc_settings
        if acc is None or acc.auto_answer is AutoAnswerMode.OFF:
            return None
        requested = _ANSWER_AFTER.search(whole_msg)
        asked = requested is not None or _ALERT_AUTO.search(whole_msg) is not None
        if acc.auto_answer is AutoAnswerMode.WHEN_REQUESTED and not asked:
            return None
        if requested is not None and acc.auto_answer is AutoAnswerMode.WHEN_REQUESTED:
            return min(float(requested.group(1)), 30.0)
        return acc.auto_answer_delay_s

    def _auto_answer(self, call_id: int) -> None:
        rec = self._calls.get(call_id)
        if rec is None or rec.ended or rec.state is not CallState.RINGING:
            return
        rec.auto_answer_at = None
        rec.auto_answer_timer = None
        allowed = self._audio.auto_answer_allowed() and not (self._veto is not None and self._veto())
        if not allowed:
            log.info("automatic answer of call %s vetoed (audio device or policy)", call_id)
            self._updated(rec)
            return
        self._answer(call_id)

    def _on_call_state(self, call: _Call) -> None:
        rec = call.rec
        if rec is None or rec.ended:
            return
        info = call.getInfo()
        st = info.state
        rec.last_code = int(info.lastStatusCode)
        rec.last_reason = str(info.lastReason)
        if rec.direction is CallDirection.OUTGOING and not rec.name:
            _, name = parse_remote(str(info.remoteUri))
            rec.name = name
        if st == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._call_ended(rec)
            return
        if st in (pj.PJSIP_INV_STATE_CALLING,):
            rec.state = CallState.DIALING
        elif st == pj.PJSIP_INV_STATE_EARLY:
            rec.state = CallState.RINGING
        elif st == pj.PJSIP_INV_STATE_CONNECTING:
            rec.state = CallState.CONNECTING
        elif st == pj.PJSIP_INV_STATE_CONFIRMED:
            if rec.state is not CallState.CONNECTED:
                rec.connected_at = time.time()
                rec.quality_timer = self._call_later(self.settings.quality_interval_s, lambda: self._sample(rec.id))
            rec.state = CallState.CONNECTED
        self._by_pj[int(info.id)] = rec
        self._updated(rec)

    def _on_call_media_state(self, call: _Call) -> None:
        rec = call.rec
        if rec is None or rec.ended:
            return
        info = call.getInfo()
        old = rec.media
        if old is not None:
            self._audio.media_inactive(old)
            rec.media = None
        remote_hold = False
        for i, mi in enumerate(info.media):
            if mi.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            status = mi.status
            remote_hold = status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD
            if status in (pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD):
                self._set_clock(True)
                media = call.getAudioMedia(i)
                rec.media = media
                self._apply_levels(rec)
                self._audio.media_active(media)
                if rec.in_conference:
                    self._wire_conference()
            break
        rec.remote_hold = remote_hold
        with contextlib.suppress(pj.Error):
            si = call.getStreamInfo(0)
            rec.codec = f"{si.codecName}/{si.codecClockRate}"
        rec.srtp = _srtp_active(call)
        self._updated(rec)

    def _on_dtmf(self, call: _Call, digit: str) -> None:
        if call.rec is not None:
            self._emit(DtmfReceived(call.rec.id, digit))

    def _on_transfer_status(self, call: _Call, code: int, reason: str, final: bool) -> None:
        rec = call.rec
        if rec is None:
            return
        ok = 200 <= code < 300
        log.info("transfer of call %s: %s %s%s", rec.id, code, reason, " (final)" if final else "")
        self._emit(TransferProgress(rec.id, code, final, ok))
        if final and ok and not rec.ended:
            rec.transferred = True
            rec.hung_up_here = True
            with contextlib.suppress(pj.Error):
                call.hangup(pj.CallOpParam(True))

    def _on_transfer_request(self, call: _Call, prm: Any) -> None:
        account = self._account
        if call.rec is None or account is None:
            return
        number, name = parse_remote(str(prm.dstUri))
        new_call = _Call(self, account)
        rec = self._new_rec(new_call, CallDirection.OUTGOING, number, name, CallState.DIALING)
        prm.newCall = new_call
        self._updated(rec)

    def _on_call_replaced(self, call: _Call, prm: Any) -> None:
        # A peer replaced our call with a new one (we were the target of an attended transfer).
        old = call.rec
        account = self._account
        if old is None or account is None:
            return
        new_pj_call_id = int(prm.newCallId)
        new_call = _Call(self, account, new_pj_call_id)
        prm.newCall = new_call
        info = new_call.getInfo()
        number, name = parse_remote(str(info.remoteUri))
        rec = self._new_rec(new_call, old.direction, number, name, CallState.CONNECTING)
        self._by_pj[new_pj_call_id] = rec
        self._updated(rec)

    def _call_ended(self, rec: _CallRec) -> None:
        rec.ended = True
        rec.state = CallState.ENDED
        self._cancel(rec.auto_answer_timer)
        self._cancel(rec.quality_timer)
        if rec.media is not None:
            self._audio.media_inactive(rec.media)
            rec.media = None
        outcome = _outcome(rec)
        snapshot = rec.snapshot()
        if self._history is not None:
            try:
                self._history.record(
                    number=rec.number,
                    name=rec.name,
                    direction=rec.direction,
                    started_at=rec.started_at,
                    answered_at=rec.connected_at,
                    outcome=outcome,
                    code=rec.last_code,
                    quality=tuple(rec.tracker.samples),
                )
            except Exception:
                log.error("could not write the call history:\n%s", traceback.format_exc())
        self._forget(rec)
        live = [r for r in self._calls.values() if not r.ended]
        ringing = [r for r in live if r.state is CallState.RINGING and r.direction is CallDirection.INCOMING]
        self._audio.call_ended(len(live), len(ringing))
        if not live:
            # pjmedia (2.14+) queues conference changes (port removal, disconnects) and applies them on the
            # clock thread: keep the clock a moment so the ended call's ports are really released.
            self._clock_off_timer = self._call_later(CLOCK_LINGER_S, self._clock_off_if_idle)
        self._emit(CallEnded(snapshot, outcome, rec.last_code, rec.last_reason))

    def _forget(self, rec: _CallRec) -> None:
        self._calls.pop(rec.id, None)
        for key, value in list(self._by_pj.items()):
            if value is rec:
                del self._by_pj[key]
        rec.call.rec = None
        # Drop the wrapper only after the callback that ended the call has returned (see _loop).
        self._graveyard.append(rec.call)
        rec.media = None

    def _media_stats(self, call_id: int) -> dict[str, int]:
        rec = self._rec(call_id)
        try:
            rtcp = rec.call.getStreamStat(0).rtcp
        except pj.Error:
            return {"rx_pkt": 0, "tx_pkt": 0, "rx_lost": 0}
        return {"rx_pkt": int(rtcp.rxStat.pkt), "tx_pkt": int(rtcp.txStat.pkt), "rx_lost": int(rtcp.rxStat.loss)}

    # ---------------------------------------------------------------- quality
    def _sample(self, call_id: int) -> None:
        rec = self._calls.get(call_id)
        if rec is None or rec.ended or rec.state is not CallState.CONNECTED:
            return
        rec.quality_timer = self._call_later(self.settings.quality_interval_s, lambda: self._sample(call_id))
        if rec.local_hold or rec.media is None:
            return
        try:
            stat = rec.call.getStreamStat(0)
        except pj.Error:
            return
        rtcp = stat.rtcp
        rx = rtcp.rxStat
        loss_pct = rec.loss.interval_loss_pct(int(rx.pkt), int(rx.loss))
        rtt_ms = rtcp.rttUsec.last / 1000.0 if int(rtcp.rttUsec.n) > 0 else None
        jitter_ms = (rx.jitterUsec.last if int(rx.jitterUsec.n) > 0 else 0) / 1000.0
        sample = quality.make_sample(
            rtt_ms=rtt_ms,
            jitter_ms=float(jitter_ms),
            loss_pct=loss_pct,
            jbuf_ms=float(stat.jbuf.avgDelayMsec),
            codec=rec.codec or "PCMA",
            at=time.time(),
        )
        issues = rec.tracker.add(sample)
        self._emit(QualityUpdated(rec.id, sample, issues))


_SYSTEM_CAS = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem")


def _srtp_active(call: Any) -> bool:
    """True when the call's audio runs over SRTP. pjsua2 exposes no flag (with optional SRTP the SDP profile stays
    RTP/AVP), so read pjsua's own call dump, which prints the SRTP transport's state."""
    try:
        dump = str(call.dump(True, ""))
    except Exception:
        return False
    return bool(re.search(r"SRTP status:\s*Active", dump, re.IGNORECASE))


def _op_error(exc: BaseException) -> SipError:
    if isinstance(exc, pj.Error):
        return SipError(SipErrorKind.OPERATION_FAILED, str(exc.info()))
    return SipError(SipErrorKind.OPERATION_FAILED, f"{type(exc).__name__}: {exc}")


def classify_reg_failure(code: int, detail: str) -> RegFailure:
    """Map a failed REGISTER (status code and pjsip's reason) to what the agent can act on."""
    text = detail.lower()
    if "certif" in text or "ssl" in text or ("tls" in text and "verif" in text) or "ecertverif" in text:
        return RegFailure.TLS_VERIFY_FAILED
    if code in (401, 403, 407):
        return RegFailure.WRONG_PASSWORD
    if code == 404:
        return RegFailure.UNKNOWN_USER
    if code == 408:
        return RegFailure.TIMEOUT
    if code in (502, 503) or "refused" in text or "unreachable" in text or "resolve" in text or code == 0:
        return RegFailure.UNREACHABLE
    return RegFailure.REJECTED


def _outcome(rec: _CallRec) -> CallOutcome:
    if rec.transferred:
        return CallOutcome.TRANSFERRED
    if rec.connected_at is not None:
        return CallOutcome.ANSWERED
    if rec.direction is CallDirection.INCOMING:
        return CallOutcome.REJECTED if rec.rejected else CallOutcome.MISSED
    if rec.last_code in (486, 600):
        return CallOutcome.BUSY
    if rec.last_code in (408, 480, 487) or rec.hung_up_here:
        return CallOutcome.NO_ANSWER
    return CallOutcome.FAILED


__all__ = ["SipEngine", "classify_reg_failure", "parse_remote", "redact"]
