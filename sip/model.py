"""The softphone's public vocabulary: settings, states, snapshots, events and errors.

Plain frozen dataclasses and enums only, so they cross threads freely (the SIP thread creates them, the GUI thread
reads them) and never carry a pjsua2 object. Qt-free.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


# ---------------------------------------------------------------------------------------------- settings
class Transport(enum.StrEnum):
    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class SrtpMode(enum.StrEnum):
    DISABLED = "disabled"
    OPTIONAL = "optional"
    MANDATORY = "mandatory"


class DtmfMode(enum.StrEnum):
    RFC2833 = "rfc2833"
    SIP_INFO = "info"


class AutoAnswerMode(enum.StrEnum):
    OFF = "off"
    ALWAYS = "always"
    #: only calls whose INVITE asks for it (``Call-Info: ...;answer-after=N`` or ``Alert-Info: ...auto-answer``),
    #: as ACD platforms send for agents in auto-answer mode.
    WHEN_REQUESTED = "requested"


@dataclass(frozen=True)
class AccountSettings:
    """One SIP account. The password is passed separately (it comes from the OS keyring, never a file)."""

    server: str
    user: str
    domain: str = ""  # empty: ``server``
    port: int = 0  # 0: the transport's default
    transport: Transport = Transport.TCP
    outbound_proxy: str = ""  # full URI; empty: route through ``server:port`` with ``transport``
    auth_user: str = ""  # empty: ``user``
    display_name: str = ""
    expires_s: int = 300
    retry_interval_s: int = 2  # retry while the registrar is unreachable (TCP/TLS notice a restart at once)
    first_retry_interval_s: int = 1
    ca_file: str = ""  # PEM of the CA that signed the registrar's certificate; empty: system CAs
    verify_server: bool = True
    srtp: SrtpMode = SrtpMode.OPTIONAL
    dtmf: DtmfMode = DtmfMode.RFC2833
    auto_answer: AutoAnswerMode = AutoAnswerMode.OFF
    auto_answer_delay_s: float = 2.0
    external_prefix: str = ""  # dialled before outside numbers (e.g. "9"); empty: none
    local_area_code: str = ""  # e.g. "010": added to 7–8 digit local landline numbers

    @property
    def sip_domain(self) -> str:
        return self.domain or self.server

    @property
    def default_port(self) -> int:
        return self.port or (5061 if self.transport is Transport.TLS else 5060)


@dataclass(frozen=True)
class EngineSettings:
    """Endpoint-wide settings, fixed for the life of the process."""

    user_agent: str = "AgentDesk"
    codecs: tuple[str, ...] = ("G722/16000", "PCMA/8000", "PCMU/8000")
    log_level: int = 4  # pjsip log level forwarded to Python logging (``sip.pjsip``); 5 adds SIP messages
    sip_trace: bool = False  # log full SIP messages (switchable at runtime)
    udp_port: int = 0  # 0: any free port
    tcp_port: int = 0
    bind_address: str = ""  # empty: all addresses
    quality_interval_s: float = 5.0
    ip_monitor: bool = True
    #: percentage of outgoing RTP packets pjmedia drops on purpose (tests and the benchmark only)
    tx_drop_pct: int = 0


# ---------------------------------------------------------------------------------------------- registration
class RegState(enum.Enum):
    UNREGISTERED = "unregistered"
    REGISTERING = "registering"
    REGISTERED = "registered"
    FAILED = "failed"


class RegFailure(enum.Enum):
    """Why registration failed, in terms a person can act on."""

    WRONG_PASSWORD = "wrong_password"  # 401/403/407 after credentials were sent
    UNKNOWN_USER = "unknown_user"  # 404
    UNREACHABLE = "unreachable"  # no route, connection refused, DNS failure
    TLS_VERIFY_FAILED = "tls_verify_failed"  # the server's certificate did not verify against the CA
    TIMEOUT = "timeout"  # 408: no answer
    REJECTED = "rejected"  # any other final error from the registrar (code in the event)


@dataclass(frozen=True)
class RegistrationChanged:
    state: RegState
    failure: RegFailure | None = None
    code: int = 0
    reason: str = ""
    expires_s: int = 0


# ---------------------------------------------------------------------------------------------- calls
class CallDirection(enum.Enum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class CallState(enum.Enum):
    DIALING = "dialing"  # INVITE sent, nothing back yet
    RINGING = "ringing"  # incoming: ringing here; outgoing: 180/183 received
    CONNECTING = "connecting"  # answered, waiting for ACK/media
    CONNECTED = "connected"
    ENDED = "ended"


class CallOutcome(enum.Enum):
    ANSWERED = "answered"
    MISSED = "missed"  # incoming, the caller gave up (or was picked up elsewhere) before an answer
    REJECTED = "rejected"  # incoming, refused here (busy/decline)
    NO_ANSWER = "no_answer"  # outgoing, not answered
    BUSY = "busy"  # outgoing, 486/600
    FAILED = "failed"  # outgoing, any other error
    TRANSFERRED = "transferred"  # answered and handed on by a transfer


class RejectReason(enum.Enum):
    BUSY = 486
    DECLINE = 603


class NumberKind(enum.Enum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    EXTENSION = "extension"
    INTERNATIONAL = "international"
    SERVICE = "service"  # short service numbers (95588, 10086, 110) and feature codes (*72)
    URI = "uri"


@dataclass(frozen=True)
class DialTarget:
    kind: NumberKind
    number: str  # what is dialled (user part), or the whole URI for kind URI
    display: str  # the number as a person reads it


@dataclass(frozen=True)
class CallSnapshot:
    """Everything the UI shows about one call, at one moment."""

    call_id: int
    direction: CallDirection
    state: CallState
    remote_number: str
    remote_name: str = ""
    local_hold: bool = False
    remote_hold: bool = False
    mic_muted: bool = False  # the remote party does not hear the agent
    speaker_muted: bool = False  # the agent does not hear the remote party
    srtp: bool = False
    codec: str = ""
    started_at: float = 0.0  # time.time() when the call appeared
    connected_at: float | None = None
    in_conference: bool = False
    auto_answer_in_s: float | None = None  # set while an automatic answer is pending
    last_code: int = 0
    last_reason: str = ""


@dataclass(frozen=True)
class QualitySample:
    """One 5-second sample of a call's media quality (from RTCP)."""

    rtt_ms: float | None
    jitter_ms: float
    loss_pct: float
    jbuf_ms: float
    r_factor: float
    mos: float
    at: float = 0.0


class QualityIssue(enum.Enum):
    HIGH_RTT = "high_rtt"  # > 400 ms
    HIGH_JITTER = "high_jitter"  # > 30 ms
    HIGH_LOSS = "high_loss"  # > 3 %
    LOW_MOS = "low_mos"  # < 3.5


# ---------------------------------------------------------------------------------------------- events
@dataclass(frozen=True)
class CallUpdated:
    """Anything about a call changed (state, hold, mute, codec, ...)."""

    call: CallSnapshot


@dataclass(frozen=True)
class IncomingCall:
    call: CallSnapshot
    waiting: bool  # another call is already up: call waiting


@dataclass(frozen=True)
class CallEnded:
    call: CallSnapshot
    outcome: CallOutcome
    code: int
    reason: str


@dataclass(frozen=True)
class DtmfReceived:
    call_id: int
    digit: str


@dataclass(frozen=True)
class TransferProgress:
    call_id: int
    code: int
    final: bool
    ok: bool


@dataclass(frozen=True)
class QualityUpdated:
    call_id: int
    sample: QualitySample
    issues: frozenset[QualityIssue] = field(default_factory=frozenset)  # warnings active now (3 of the last 5)


@dataclass(frozen=True)
class NetworkChanged:
    old_address: str
    new_address: str


@dataclass(frozen=True)
class EngineFailed:
    """The engine could not start or stopped unexpectedly; the softphone is unusable until restarted."""

    error: SipError


SipEvent = (
    RegistrationChanged
    | CallUpdated
    | IncomingCall
    | CallEnded
    | DtmfReceived
    | TransferProgress
    | QualityUpdated
    | NetworkChanged
    | EngineFailed
)


# ---------------------------------------------------------------------------------------------- errors
class SipErrorKind(enum.Enum):
    NOT_STARTED = "not_started"
    START_FAILED = "start_failed"  # pjsua2 missing, no free port, ...
    NO_ACCOUNT = "no_account"
    BAD_SETTINGS = "bad_settings"
    INVALID_NUMBER = "invalid_number"
    NO_SUCH_CALL = "no_such_call"
    WRONG_STATE = "wrong_state"  # e.g. hold on a call that is not connected
    TOO_MANY_CALLS = "too_many_calls"
    NOTHING_TO_REDIAL = "nothing_to_redial"
    OPERATION_FAILED = "operation_failed"  # pjsua2 refused (detail in the message)
    SHUT_DOWN = "shut_down"


class SipError(Exception):
    """A softphone operation failed; ``kind`` says why (the UI maps it to a translated message)."""

    def __init__(self, kind: SipErrorKind, detail: str = "") -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail
