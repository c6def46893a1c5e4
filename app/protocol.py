"""The AgentDesk wire protocol: every message the client and the hub exchange, as typed, frozen dataclasses.

This is the only module the hub (``server/``) shares with the client. It is pure: standard library only, no I/O, no Qt,
no threads, so both sides (and tests) can import it anywhere.

Conventions
-----------
- REST lives under ``/api/v1`` (``API_PREFIX``); JSON bodies map 1:1 to the dataclasses below (field names unchanged,
  enums as their string values, datetimes as ISO 8601 strings with a UTC offset, ``None`` as ``null``).
- Errors are ``ErrorBody`` with a stable ``ErrorCode`` and per-field details (``FieldError``), whatever the status code.
- The WebSocket (``WS_PATH``) carries ``Envelope`` frames. Control frames (``welcome``, ``pong``, ``resync_required``,
  ``session_taken_over``, ``error``) have ``seq = None``; event frames carry the hub's global, strictly increasing
  sequence number. Sequences have gaps for a given client (events it may not see are filtered out), so a client only
  remembers the highest ``seq`` it has processed and sends it back as ``Hello.last_seq`` when it reconnects: the hub
  replays what it missed, or answers ``resync_required`` when that is older than its replay window.
- Parsing is strict about types and required fields and lenient about unknown extra fields (a newer hub may add
  some). Any malformed input raises ``ProtocolError`` (with a ``kind`` and the JSON path of the problem): a client
  logs it and skips the message, never crashes.

Agent state transitions (``AGENT_TRANSITIONS``) are data here so that the client's state machine (``app/state/``) and
the hub's validation use one table.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import types
import typing
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final, TypeVar, Union

PROTOCOL_VERSION: Final = 1
API_PREFIX: Final = "/api/v1"
WS_PATH: Final = "/api/v1/ws"
#: Oldest client the hub accepts (``Hello.client_version`` / ``X-AgentDesk-Client`` header); older ones get
#: ``ErrorCode.CLIENT_TOO_OLD`` (HTTP 426) and must be upgraded.
MIN_CLIENT_VERSION: Final = "0.1.0"
#: The client sends ``ping`` this often; the hub calls an agent offline after ``HEARTBEAT_MISSES`` missed beats.
HEARTBEAT_INTERVAL_S: Final = 20.0
HEARTBEAT_MISSES: Final = 3
#: Lower bound for the configurable delay between "offline" and a forced sign-out.
MIN_OFFLINE_GRACE_S: Final = 60.0
#: Header carrying an idempotency key on ticket create/update (any string of 8..128 characters).
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
CLIENT_VERSION_HEADER: Final = "X-AgentDesk-Client"


# ====================================================================================================== errors
class ProtocolErrorKind(enum.Enum):
    NOT_JSON = "not_json"
    WRONG_TYPE = "wrong_type"
    MISSING_FIELD = "missing_field"
    BAD_VALUE = "bad_value"
    UNKNOWN_MESSAGE = "unknown_message"


class ProtocolError(ValueError):
    """A message did not match the protocol. ``path`` is where (e.g. ``payload.state``)."""

    def __init__(self, kind: ProtocolErrorKind, path: str, detail: str) -> None:
        super().__init__(f"{kind.value} at {path or '<root>'}: {detail}")
        self.kind = kind
        self.path = path
        self.detail = detail


class ErrorCode(enum.StrEnum):
    """Stable error codes in ``ErrorBody.code``. Never renamed; new ones may be added."""

    VALIDATION = "validation_error"  # 422: see ErrorBody.fields
    MALFORMED = "malformed_request"  # 400: not JSON / wrong shape
    BODY_TOO_LARGE = "body_too_large"  # 413
    UNAUTHENTICATED = "unauthenticated"  # 401: no/invalid/expired access token
    INVALID_CREDENTIALS = "invalid_credentials"  # 401 on login
    ACCOUNT_LOCKED = "account_locked"  # 423 (details.retry_after_s)
    ACCOUNT_DISABLED = "account_disabled"  # 403
    REFRESH_INVALID = "refresh_invalid"  # 401: unknown, expired, reused or revoked refresh token
    SESSION_REPLACED = "session_replaced"  # 401: this desktop session was taken over by a newer sign-in
    FORBIDDEN = "forbidden"  # 403: role or team does not allow it
    NOT_FOUND = "not_found"  # 404
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    CONFLICT = "version_conflict"  # 409: optimistic concurrency (details.current holds the current version)
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"  # 422: key reused with a different body
    INVALID_TRANSITION = "invalid_transition"  # 409: agent state or ticket status transition not allowed
    DUPLICATE = "duplicate_ticket"  # 409 when the client asked to refuse duplicates
    CLIENT_TOO_OLD = "client_too_old"  # 426
    RATE_LIMITED = "rate_limited"  # 429
    UNSUPPORTED_MEDIA = "unsupported_media_type"  # 415
    INTERNAL = "internal_error"  # 500 (never expected; logged with a correlation id)


@dataclasses.dataclass(frozen=True, slots=True)
class FieldError:
    field: str  # dotted path, e.g. "custom_fields.account_no" or "customer_phone"
    code: str  # e.g. "required", "too_long", "invalid_phone", "invalid_choice", "wrong_type"
    message: str  # English, for logs; the client translates by ``code``


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorBody:
    code: ErrorCode
    message: str
    fields: list[FieldError] = dataclasses.field(default_factory=list)
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    request_id: str | None = None


# ====================================================================================================== enums
class Role(enum.StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class ClientKind(enum.StrEnum):
    DESKTOP = "desktop"  # one active desktop session per user: a new sign-in takes the old one over
    SERVICE = "service"  # scripts, dashboards, tests: any number


class AgentState(enum.StrEnum):
    SIGNED_OUT = "signed_out"  # 签出
    NOT_READY = "not_ready"  # 示忙 (with a reason; breaks 小休 are not-ready reasons of category BREAK)
    READY = "ready"  # 示闲
    RINGING = "ringing"
    ON_CALL = "on_call"  # hold is a call detail, not an agent state
    WRAP_UP = "wrap_up"  # 话后整理


class ReasonCategory(enum.StrEnum):
    BUSY = "busy"  # 示忙
    BREAK = "break"  # 小休
    SYSTEM = "system"  # set by the hub or the client, not chosen by the agent


class SystemReason(enum.StrEnum):
    """Reason codes every team has; they cannot be chosen by hand."""

    SIGN_IN = "sign_in"  # the initial not-ready after 签入
    MISSED_CALL = "missed_call"  # ring timeout
    SUPERVISOR = "supervisor"  # forced by a supervisor
    OFFLINE = "offline"  # heartbeats missed past the grace: forced sign-out
    SESSION_REPLACED = "session_replaced"  # signed in elsewhere
    DEVICE = "device"  # headset missing, softphone unregistered
    ACCOUNT_DISABLED = "account_disabled"  # an administrator disabled the account: signed out


class StateCause(enum.StrEnum):
    """Who or what caused a state change (shown to the agent with ``changed_by``)."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    CALL = "call"  # call events reported by the client (ringing, answered, hung up)
    SYSTEM = "system"  # the hub (offline, timeout, session replaced)


class WrapUpMode(enum.StrEnum):
    OPTIONAL = "optional"  # agent may skip or end wrap-up at any time
    MANDATORY_TIMED = "mandatory_timed"  # wrap-up happens; may end early
    TIMED_NO_EARLY_EXIT = "timed_no_early_exit"  # wrap-up lasts exactly the timer (extensions if allowed)


#: Agent-requested (and call-driven) transitions. Key: current state; value: allowed next states. A same-state entry
#: (NOT_READY → NOT_READY) means "change the reason" (or extend wrap-up). Supervisor commands use
#: ``SUPERVISOR_TARGETS`` instead and may apply to any state (as a pending state while ringing or on a call).
AGENT_TRANSITIONS: Final[Mapping[AgentState, frozenset[AgentState]]] = types.MappingProxyType(
    {
        AgentState.SIGNED_OUT: frozenset({AgentState.NOT_READY}),
        AgentState.NOT_READY: frozenset({AgentState.NOT_READY, AgentState.READY, AgentState.SIGNED_OUT}),
        AgentState.READY: frozenset({AgentState.NOT_READY, AgentState.RINGING, AgentState.SIGNED_OUT}),
        # ring timeout → NOT_READY (missed_call); caller hung up before answer → READY (or the pending next state,
        # e.g. SIGNED_OUT when 签出 was chosen while it rang).
        AgentState.RINGING: frozenset(
            {AgentState.ON_CALL, AgentState.NOT_READY, AgentState.READY, AgentState.SIGNED_OUT}
        ),
        # call ended: wrap-up, or straight to the pending/next state when the policy allows skipping wrap-up.
        AgentState.ON_CALL: frozenset(
            {AgentState.WRAP_UP, AgentState.READY, AgentState.NOT_READY, AgentState.SIGNED_OUT}
        ),
        AgentState.WRAP_UP: frozenset(
            {AgentState.WRAP_UP, AgentState.READY, AgentState.NOT_READY, AgentState.SIGNED_OUT}
        ),
    }
)
#: States a supervisor may force.
SUPERVISOR_TARGETS: Final = frozenset({AgentState.READY, AgentState.NOT_READY, AgentState.SIGNED_OUT})
#: States during which a requested or forced change is stored as the pending next state instead of applied at once.
BUSY_STATES: Final = frozenset({AgentState.RINGING, AgentState.ON_CALL})
#: States that may be chosen as the pending next state.
PENDING_TARGETS: Final = frozenset({AgentState.READY, AgentState.NOT_READY, AgentState.SIGNED_OUT})


def can_transition(current: AgentState, target: AgentState) -> bool:
    """Whether an agent (or the call flow) may move from ``current`` to ``target``."""
    return target in AGENT_TRANSITIONS[current]


class TicketStatus(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    PENDING_CUSTOMER = "pending_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


TICKET_TRANSITIONS: Final[Mapping[TicketStatus, frozenset[TicketStatus]]] = types.MappingProxyType(
    {
        TicketStatus.NEW: frozenset({TicketStatus.IN_PROGRESS, TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED}),
        TicketStatus.IN_PROGRESS: frozenset({TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED}),
        TicketStatus.PENDING_CUSTOMER: frozenset({TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED}),
        # reopen
        TicketStatus.RESOLVED: frozenset({TicketStatus.CLOSED, TicketStatus.IN_PROGRESS}),
        TicketStatus.CLOSED: frozenset({TicketStatus.IN_PROGRESS}),
    }
)
OPEN_TICKET_STATUSES: Final = frozenset({TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.PENDING_CUSTOMER})


class TicketPriority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class NoteVisibility(enum.StrEnum):
    INTERNAL = "internal"
    CUSTOMER = "customer"  # returned by the customer tracking endpoint


class CustomFieldType(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"  # YYYY-MM-DD
    CHOICE = "choice"
    BOOL = "bool"


class HealthVerdict(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


class EventType(enum.StrEnum):
    """Sequenced events pushed over the WebSocket; the payload type is ``EVENT_PAYLOADS[type]``."""

    AGENT_STATE = "agent.state"  # AgentStatus (agent: own; supervisor: team)
    BROADCAST = "broadcast"  # Broadcast (team)
    TICKET_CREATED = "ticket.created"  # Ticket (assignee, team queue, team supervisors)
    TICKET_UPDATED = "ticket.updated"  # Ticket
    TICKET_NOTE = "ticket.note"  # TicketNote
    KB_ARTICLE = "kb.article"  # KbChange (everyone)
    HEALTH_REPORT = "health.report"  # HealthReport (team supervisors and the agent)
    POLICY_UPDATED = "policy.updated"  # TeamPolicy (team)


class ControlType(enum.StrEnum):
    """Frames that are not events (``seq`` is ``None``)."""

    HELLO = "hello"  # client → hub, first frame: Hello
    PING = "ping"  # client → hub, every HEARTBEAT_INTERVAL_S: Ping
    WELCOME = "welcome"  # hub → client: Welcome (then replayed events, or resync_required)
    PONG = "pong"  # hub → client: Pong
    RESYNC_REQUIRED = "resync_required"  # hub → client: ResyncRequired; refetch over REST, then use ``head_seq``
    SESSION_TAKEN_OVER = "session_taken_over"  # hub → client: SessionTakenOver, then the hub closes (code 4001)
    ERROR = "error"  # hub → client: ErrorBody, then the hub closes (4400/4401/4426)


class WsCloseCode(enum.IntEnum):
    SESSION_TAKEN_OVER = 4001
    SESSION_REVOKED = 4003
    BAD_HELLO = 4400
    UNAUTHENTICATED = 4401
    CLIENT_TOO_OLD = 4426
    SERVER_SHUTDOWN = 1001
    #: An admin changed the user's role or team: reconnect (and resume) to get the events the new rights allow.
    PERMISSIONS_CHANGED = 4009


# ====================================================================================================== auth
@dataclasses.dataclass(frozen=True, slots=True)
class LoginRequest:
    username: str
    password: str
    client_kind: ClientKind = ClientKind.DESKTOP
    client_version: str = MIN_CLIENT_VERSION
    device: str = ""  # a label for audit ("LAPTOP-ZHANG / Windows 11")


@dataclasses.dataclass(frozen=True, slots=True)
class RefreshRequest:
    refresh_token: str


@dataclasses.dataclass(frozen=True, slots=True)
class LogoutRequest:
    refresh_token: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None
    team_name: str | None = None
    locale: str = "zh_CN"


@dataclasses.dataclass(frozen=True, slots=True)
class TokenPair:
    """Login/refresh answer. The access token is a bearer token for REST and the WebSocket; the refresh token is
    opaque, single-use (each refresh returns a new one; replaying an old one revokes the session)."""

    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    session_id: str
    user: UserInfo
    token_type: str = "bearer"
    min_client_version: str = MIN_CLIENT_VERSION


# ====================================================================================================== teams, states
@dataclasses.dataclass(frozen=True, slots=True)
class ReasonCode:
    code: str  # stable code, e.g. "lunch"
    category: ReasonCategory
    label_zh: str
    label_en: str
    max_minutes: int | None = None  # breaks: expected length (for supervisors' board)


@dataclasses.dataclass(frozen=True, slots=True)
class WrapUpPolicy:
    mode: WrapUpMode = WrapUpMode.OPTIONAL
    seconds: int = 30  # timer length for the timed modes (and the default for OPTIONAL's countdown)
    max_extensions: int = 0  # how many times the agent may extend (TIMED modes)
    extension_seconds: int = 30


@dataclasses.dataclass(frozen=True, slots=True)
class TeamPolicy:
    team_id: int
    team_name: str
    reasons: list[ReasonCode]
    wrap_up: WrapUpPolicy
    offline_grace_s: int = 120  # ≥ MIN_OFFLINE_GRACE_S
    ring_timeout_s: int = 20
    auto_answer_delay_s: float | None = None  # None: no auto-answer


@dataclasses.dataclass(frozen=True, slots=True)
class AgentStatus:
    """The hub's authoritative view of one agent (also the payload of ``agent.state`` events)."""

    agent_id: int
    username: str
    display_name: str
    team_id: int | None
    state: AgentState
    reason: str | None  # ReasonCode.code or SystemReason value; set for NOT_READY (and SIGNED_OUT by force)
    since: datetime
    version: int  # increases with every change; send it back as ``expected_version`` to avoid lost updates
    pending_state: AgentState | None = None
    pending_reason: str | None = None
    cause: StateCause = StateCause.AGENT
    changed_by: int | None = None  # user id (a supervisor for SUPERVISOR)
    changed_by_name: str | None = None
    online: bool = False  # heartbeats seen within HEARTBEAT_MISSES * HEARTBEAT_INTERVAL_S
    last_seen: datetime | None = None
    call_id: str | None = None  # the current call when RINGING / ON_CALL / WRAP_UP
    wrap_up_until: datetime | None = None
    wrap_up_extensions: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class StateChangeRequest:
    """``PUT /agents/me/state``: the agent (or its softphone) asks for a change.

    ``pending=True`` asks for ``state`` as the next state after the current call instead (only while RINGING / ON_CALL
    / WRAP_UP; ``state=None`` with ``pending=True`` clears it). ``expected_version`` guards against races with a
    supervisor: on mismatch the hub answers 409 ``version_conflict`` with the current ``AgentStatus`` in details.
    """

    state: AgentState | None
    reason: str | None = None
    pending: bool = False
    call_id: str | None = None
    expected_version: int | None = None
    extend_wrap_up: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class ForceStateCommand:
    """``POST /agents/{agent_id}/force``: supervisor of the agent's team (or an admin) only."""

    state: AgentState  # one of SUPERVISOR_TARGETS
    reason: str | None = None  # for NOT_READY; defaults to SystemReason.SUPERVISOR
    note: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class BroadcastRequest:
    text: str
    expires_at: datetime
    team_id: int | None = None  # default: the sender's team; admins may target any team


@dataclasses.dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    team_id: int
    text: str
    sender_id: int
    sender_name: str
    created_at: datetime
    expires_at: datetime


@dataclasses.dataclass(frozen=True, slots=True)
class StateHistoryEntry:
    agent_id: int
    state: AgentState
    reason: str | None
    started_at: datetime
    ended_at: datetime | None
    cause: StateCause
    changed_by: int | None
    call_id: str | None = None
    changed_by_name: str | None = None  # the supervisor's (or agent's) display name, for the audit view


class CommandOutcome(enum.StrEnum):
    """What became of a supervisor's force command (the hub's audit, ``SupervisorCommandRecord``)."""

    APPLIED = "applied"  # the agent's state changed (at once, or after the call when ``deferred``)
    PENDING = "pending"  # the agent is on a call: it is the agent's next state, waiting for the call to end
    SUPERSEDED = "superseded"  # replaced before the call ended: another next state, or the agent left meanwhile


@dataclasses.dataclass(frozen=True, slots=True)
class SupervisorCommandRecord:
    """``GET /teams/{team_id}/commands``, ``GET /agents/{agent_id}/commands``: every force command, newest first.

    ``deferred``: the agent was ringing or on a call, so the command became the pending next state
    (``agent_state`` is the state it met); ``applied_at`` is when the agent's state actually changed (for a deferred
    command: after the call, and wrap-up when the team's policy has one). ``resolved_by`` is who replaced a
    superseded command (``None``: the hub, e.g. an offline sign-out)."""

    id: int
    agent_id: int
    agent_name: str
    team_id: int | None
    supervisor_id: int
    supervisor_name: str
    state: AgentState  # what was forced
    reason: str | None
    note: str
    issued_at: datetime
    agent_state: AgentState  # the agent's state when the command arrived
    deferred: bool
    outcome: CommandOutcome
    applied_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by: int | None = None
    resolved_by_name: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class AgentMetrics:
    agent_id: int
    display_name: str
    seconds_in_state: dict[str, float]  # AgentState value → seconds within the window
    calls_offered: int
    calls_handled: int
    missed_calls: int
    answer_rate: float | None  # handled / offered, None with no calls
    average_handle_s: float | None  # on call + wrap-up per handled call


@dataclasses.dataclass(frozen=True, slots=True)
class TeamMetrics:
    team_id: int
    since: datetime
    until: datetime
    agents: list[AgentMetrics]
    totals: AgentMetrics


# ====================================================================================================== tickets
@dataclasses.dataclass(frozen=True, slots=True)
class CustomFieldSpec:
    key: str
    label_zh: str
    label_en: str
    type: CustomFieldType = CustomFieldType.TEXT
    required: bool = False
    choices: list[str] = dataclasses.field(default_factory=list)
    max_length: int = 500


@dataclasses.dataclass(frozen=True, slots=True)
class ClosingTemplate:
    code: str
    label_zh: str
    label_en: str
    text_zh: str
    text_en: str


@dataclasses.dataclass(frozen=True, slots=True)
class TicketCategory:
    code: str
    name_zh: str
    name_en: str
    sla_minutes: int  # SLA due = created + sla_minutes (adjusted by priority factor on the hub)
    fields: list[CustomFieldSpec]
    keywords: list[str]  # explainable suggestion rules: a keyword found in the text scores for this category
    closing_templates: list[ClosingTemplate] = dataclasses.field(default_factory=list)
    duplicate_window_days: int = 7


@dataclasses.dataclass(frozen=True, slots=True)
class TicketNote:
    id: int
    ticket_id: int
    author_id: int
    author_name: str
    visibility: NoteVisibility
    body: str
    created_at: datetime
    compliance_flags: list[str] = dataclasses.field(default_factory=list)  # forbidden phrases found


@dataclasses.dataclass(frozen=True, slots=True)
class TicketAuditEntry:
    id: int
    ticket_id: int
    actor_id: int | None
    actor_name: str | None
    action: str  # "created", "updated", "status", "note", "assigned", "call_linked"
    changes: dict[str, Any]  # field → [old, new]
    at: datetime


@dataclasses.dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    number: str  # "T20261123-000123"
    subject: str
    description: str
    customer_name: str
    customer_phone: str | None  # E.164, e.g. "+8613800138000", "+861088886666"
    category: str  # TicketCategory.code
    priority: TicketPriority
    status: TicketStatus
    assignee_id: int | None
    assignee_name: str | None
    team_id: int
    sla_due: datetime | None
    custom_fields: dict[str, Any]
    linked_call_ids: list[str]
    created_by: int
    created_at: datetime
    updated_at: datetime
    version: int
    closing_template: str | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class TicketDetail:
    ticket: Ticket
    notes: list[TicketNote]
    audit: list[TicketAuditEntry]


@dataclasses.dataclass(frozen=True, slots=True)
class TicketCreate:
    """``POST /tickets`` (with an ``Idempotency-Key`` header). ``allow_duplicate=False`` makes the hub answer 409
    ``duplicate_ticket`` (details.duplicates) instead of creating when the duplicate check finds open tickets."""

    subject: str
    customer_name: str
    category: str
    description: str = ""
    customer_phone: str | None = None  # any Chinese format; stored as E.164
    priority: TicketPriority = TicketPriority.NORMAL
    assignee_id: int | None = None
    team_id: int | None = None  # default: creator's team
    custom_fields: dict[str, Any] = dataclasses.field(default_factory=dict)
    linked_call_ids: list[str] = dataclasses.field(default_factory=list)
    allow_duplicate: bool = True
    initial_note: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class TicketUpdate:
    """``PATCH /tickets/{id}``: only the fields given (non-``None``) change. ``version`` is required (409 on
    mismatch, with the current ticket in ``details.current``)."""

    version: int
    subject: str | None = None
    description: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    category: str | None = None
    priority: TicketPriority | None = None
    status: TicketStatus | None = None
    assignee_id: int | None = None
    unassign: bool = False
    custom_fields: dict[str, Any] | None = None  # merged into the existing fields
    add_call_ids: list[str] = dataclasses.field(default_factory=list)
    closing_template: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class NoteCreate:
    body: str
    visibility: NoteVisibility = NoteVisibility.INTERNAL


@dataclasses.dataclass(frozen=True, slots=True)
class TicketPage:
    items: list[Ticket]
    total: int
    offset: int
    limit: int


@dataclasses.dataclass(frozen=True, slots=True)
class TicketSyncPage:
    """``GET /sync/tickets``: every ticket the caller may see, by id, in large pages (the client's full sync).

    Ask again with ``after=next_after`` until ``next_after`` is null. The first page (``after=0``) also gives
    ``total``, how many tickets the caller may see (for a progress indicator); later pages give null."""

    items: list[Ticket]
    next_after: int | None
    total: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class DuplicateCheckResult:
    duplicates: list[Ticket]


@dataclasses.dataclass(frozen=True, slots=True)
class CategorySuggestionRequest:
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class CategorySuggestion:
    category: str
    score: float
    matched_keywords: list[str]  # the explanation: which rule keywords were found


@dataclasses.dataclass(frozen=True, slots=True)
class ComplianceCheckRequest:
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class ComplianceHit:
    phrase: str
    start: int  # character offset in the text
    end: int


@dataclasses.dataclass(frozen=True, slots=True)
class ComplianceResult:
    ok: bool
    hits: list[ComplianceHit]


@dataclasses.dataclass(frozen=True, slots=True)
class TrackingRequest:
    """Customer tracking (no login): ticket number + the last 4 digits of the phone on the ticket."""

    number: str
    phone_last4: str


@dataclasses.dataclass(frozen=True, slots=True)
class PublicNote:
    body: str
    created_at: datetime


@dataclasses.dataclass(frozen=True, slots=True)
class TrackingResult:
    number: str
    status: TicketStatus
    category: str
    updated_at: datetime
    notes: list[PublicNote]  # customer-visible notes only


@dataclasses.dataclass(frozen=True, slots=True)
class CustomerTickets:
    """``GET /customers/lookup?phone=``: screen pop."""

    phone: str  # normalised
    customer_name: str | None
    open_tickets: list[Ticket]
    recent_tickets: list[Ticket]


# ====================================================================================================== knowledge base
@dataclasses.dataclass(frozen=True, slots=True)
class KbArticle:
    id: int
    title: str
    body: str  # Markdown
    category: str
    tags: list[str]
    updated_at: datetime
    version: int
    lang: str = "zh"


@dataclasses.dataclass(frozen=True, slots=True)
class KbArticleWrite:
    title: str
    body: str
    category: str
    tags: list[str] = dataclasses.field(default_factory=list)
    lang: str = "zh"


@dataclasses.dataclass(frozen=True, slots=True)
class KbHit:
    id: int
    title: str
    category: str
    tags: list[str]
    updated_at: datetime
    score: float  # higher is better
    snippet: str  # plain text with matches wrapped in HIGHLIGHT_START / HIGHLIGHT_END
    title_highlighted: str


HIGHLIGHT_START: Final = "\u0002"  # STX: never in article text; the client turns it into markup
HIGHLIGHT_END: Final = "\u0003"


@dataclasses.dataclass(frozen=True, slots=True)
class KbSearchResult:
    query: str
    terms: list[str]  # the segmented terms actually searched
    hits: list[KbHit]
    total: int


@dataclasses.dataclass(frozen=True, slots=True)
class KbChange:
    """``kb.article`` event payload and ``GET /kb/changes?since=`` item."""

    id: int
    change: str  # "upsert" | "delete"
    version: int
    updated_at: datetime
    title: str = ""
    category: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class KbChangeFeed:
    changes: list[KbChange]
    cursor: int  # pass back as ``since``


# ====================================================================================================== administration
@dataclasses.dataclass(frozen=True, slots=True)
class AdminUser:
    """A user account as administrators see it (``/admin/users``). Never carries a password or its hash."""

    id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None
    team_name: str | None
    locale: str
    active: bool
    locked_until: datetime | None  # set while too many failed sign-ins lock the account
    created_at: datetime


@dataclasses.dataclass(frozen=True, slots=True)
class AdminUserPage:
    items: list[AdminUser]
    total: int
    offset: int
    limit: int


@dataclasses.dataclass(frozen=True, slots=True)
class UserCreate:
    """``POST /admin/users``. Agents and supervisors need a team; the password must meet the hub's policy."""

    username: str  # 2..64 of letters, digits, ``.``, ``_``, ``-``, ``@``; unique, case-insensitively
    display_name: str
    role: Role
    password: str
    team_id: int | None = None
    locale: str = "zh_CN"  # zh_CN or en


@dataclasses.dataclass(frozen=True, slots=True)
class UserUpdate:
    """``PATCH /admin/users/{id}``: only the fields given change. ``active=False`` disables the account (its
    sessions end at once); ``unlock=True`` clears a failed-sign-in lockout."""

    display_name: str | None = None
    role: Role | None = None
    team_id: int | None = None
    clear_team: bool = False  # admins only: take the user out of any team
    locale: str | None = None
    active: bool | None = None
    unlock: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class PasswordSet:
    """``POST /admin/users/{id}/password``: set a new password. The user's sessions end (other than the caller's
    own, when admins set their own password)."""

    password: str


@dataclasses.dataclass(frozen=True, slots=True)
class TeamPolicySpec:
    """A team's policy without its identity (``TeamPolicy`` minus ``team_id``/``team_name``), for creating teams."""

    reasons: list[ReasonCode]
    wrap_up: WrapUpPolicy
    offline_grace_s: int = 120
    ring_timeout_s: int = 20
    auto_answer_delay_s: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class TeamInfo:
    id: int
    name: str
    members: int  # active users in the team
    policy: TeamPolicy


@dataclasses.dataclass(frozen=True, slots=True)
class TeamCreate:
    name: str  # 1..100 characters, unique
    policy: TeamPolicySpec | None = None  # default: the hub's default reasons and optional wrap-up


@dataclasses.dataclass(frozen=True, slots=True)
class TeamUpdate:
    """``PATCH /admin/teams/{id}``: rename and/or replace the policy; members get ``policy.updated``."""

    name: str | None = None
    policy: TeamPolicySpec | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class AdminAuditEntry:
    """One administrative change (who, what, on which user or team, the changed fields as ``[old, new]``)."""

    id: int
    at: datetime
    actor_id: int | None  # None: the command line (``agentdesk-hub``)
    actor_name: str | None
    action: str  # user.created, user.updated, user.password_set, team.created, team.updated
    target_type: str  # "user" or "team"
    target_id: int
    changes: dict[str, Any]


# ====================================================================================================== health
@dataclasses.dataclass(frozen=True, slots=True)
class HealthCheckItem:
    name: str  # "vpn", "sip_registration", "headset", "disk", "latency"...
    verdict: HealthVerdict
    detail: str = ""
    value: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class HealthReportSubmit:
    verdict: HealthVerdict
    checks: list[HealthCheckItem]
    client_version: str = ""
    mos: float | None = None  # current call quality, if any


@dataclasses.dataclass(frozen=True, slots=True)
class HealthReport:
    agent_id: int
    agent_name: str
    team_id: int | None
    received_at: datetime
    verdict: HealthVerdict
    checks: list[HealthCheckItem]
    client_version: str = ""
    mos: float | None = None


# ====================================================================================================== WebSocket
@dataclasses.dataclass(frozen=True, slots=True)
class Envelope:
    """One WebSocket frame. ``type`` is an ``EventType`` (with ``seq``) or a ``ControlType`` (``seq`` is None);
    unknown types from a newer hub parse fine and should be ignored."""

    type: str
    payload: dict[str, Any]
    seq: int | None = None
    ts: datetime | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Hello:
    """First client frame. ``access_token`` may be omitted when sent as ``Authorization: Bearer`` on the upgrade."""

    client_version: str
    last_seq: int | None = None  # highest seq processed; None on a fresh start (no replay)
    access_token: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Ping:
    client_time: datetime | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Pong:
    server_time: datetime
    client_time: datetime | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Welcome:
    session_id: str
    user: UserInfo
    head_seq: int  # the latest event seq at connect time
    replay_from: int | None  # first seq being replayed (events follow), None when nothing is replayed
    replay_window_s: int
    heartbeat_interval_s: float = HEARTBEAT_INTERVAL_S
    min_client_version: str = MIN_CLIENT_VERSION
    hub_instance: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ResyncRequired:
    """``last_seq`` is older than the replay window (or from another database): refetch state over REST, then treat
    ``head_seq`` as the last processed sequence."""

    head_seq: int
    reason: str  # "too_old" | "unknown_seq"


@dataclasses.dataclass(frozen=True, slots=True)
class SessionTakenOver:
    """This desktop session ended because the same user signed in elsewhere."""

    new_session_device: str
    at: datetime
    reason: str = SystemReason.SESSION_REPLACED.value


# ====================================================================================================== generic codec
_T = TypeVar("_T")

EVENT_PAYLOADS: Final[Mapping[EventType, type[Any]]] = types.MappingProxyType(
    {
        EventType.AGENT_STATE: AgentStatus,
        EventType.BROADCAST: Broadcast,
        EventType.TICKET_CREATED: Ticket,
        EventType.TICKET_UPDATED: Ticket,
        EventType.TICKET_NOTE: TicketNote,
        EventType.KB_ARTICLE: KbChange,
        EventType.HEALTH_REPORT: HealthReport,
        EventType.POLICY_UPDATED: TeamPolicy,
    }
)
CONTROL_PAYLOADS: Final[Mapping[ControlType, type[Any]]] = types.MappingProxyType(
    {
        ControlType.HELLO: Hello,
        ControlType.PING: Ping,
        ControlType.WELCOME: Welcome,
        ControlType.PONG: Pong,
        ControlType.RESYNC_REQUIRED: ResyncRequired,
        ControlType.SESSION_TAKEN_OVER: SessionTakenOver,
        ControlType.ERROR: ErrorBody,
    }
)

_hints_cache: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    hints = _hints_cache.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls)
        _hints_cache[cls] = hints
    return hints


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def parse_datetime(value: object, path: str = "") -> datetime:
    """ISO 8601 with an offset (``Z`` allowed) → aware ``datetime``. Naive times are refused."""
    if not isinstance(value, str):
        raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"expected an ISO 8601 string, got {_type_name(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ProtocolError(ProtocolErrorKind.BAD_VALUE, path, f"not an ISO 8601 time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise ProtocolError(ProtocolErrorKind.BAD_VALUE, path, "time without a UTC offset")
    return parsed


def _decode(tp: Any, value: object, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None:
            if type(None) in args:
                return None
            raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, "null not allowed")
        errors: list[ProtocolError] = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _decode(arg, value, path)
            except ProtocolError as exc:
                errors.append(exc)
        raise errors[0]
    if tp is Any or tp is object:
        _check_json_value(value, path, 0)
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"expected a list, got {_type_name(value)}")
        (item_tp,) = typing.get_args(tp)
        return [_decode(item_tp, item, _join(path, i)) for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"expected an object, got {_type_name(value)}")
        _key_tp, val_tp = typing.get_args(tp)
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, "object keys must be strings")
            out[key] = _decode(val_tp, item, _join(path, key))
        return out
    if value is None:
        raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, "null not allowed")
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            try:
                return tp(value)
            except ValueError:
                allowed = ", ".join(str(m.value) for m in tp)
                raise ProtocolError(
                    ProtocolErrorKind.BAD_VALUE, path, f"{str(value)[:40]!r} is not one of: {allowed}"
                ) from None
        if tp is bool:
            if not isinstance(value, bool):
                raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"expected a boolean, got {_type_name(value)}")
            return value
        if tp is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"expected an integer, got {_type_name(value)}")
            return value
        if tp is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"expected a number, got {_type_name(value)}")
            if value != value or value in (float("inf"), float("-inf")):
                raise ProtocolError(ProtocolErrorKind.BAD_VALUE, path, "not a finite number")
            return float(value)
        if tp is str:
            if not isinstance(value, str):
                raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"expected a string, got {_type_name(value)}")
            return value
        if tp is datetime:
            return parse_datetime(value, path)
        if dataclasses.is_dataclass(tp):
            return _decode_dataclass(tp, value, path)
    raise ProtocolError(ProtocolErrorKind.BAD_VALUE, path, f"unsupported type {tp!r}")  # a bug in this module


def _check_json_value(value: object, path: str, depth: int) -> None:
    if depth > 32:
        raise ProtocolError(ProtocolErrorKind.BAD_VALUE, path, "nested too deeply")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ProtocolError(ProtocolErrorKind.BAD_VALUE, path, "not a finite number")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_json_value(item, _join(path, i), depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, "object keys must be strings")
            _check_json_value(item, _join(path, key), depth + 1)
        return
    raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"not a JSON value: {_type_name(value)}")


def _decode_dataclass(cls: type[_T], value: object, path: str) -> _T:
    if not isinstance(value, dict):
        raise ProtocolError(ProtocolErrorKind.WRONG_TYPE, path, f"expected an object, got {_type_name(value)}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name in value:
            kwargs[field.name] = _decode(hints[field.name], value[field.name], _join(path, field.name))
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ProtocolError(ProtocolErrorKind.MISSING_FIELD, _join(path, field.name), "required field missing")
    return cls(**kwargs)


def from_wire(cls: type[_T], data: object, path: str = "") -> _T:
    """Build ``cls`` (a protocol dataclass) from decoded JSON, strictly. Raises ``ProtocolError``."""
    return _decode_dataclass(cls, data, path)


def to_wire(obj: object) -> Any:
    """A protocol dataclass (or any nesting of them, enums, datetimes, lists, dicts) → JSON-ready values."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_wire(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, datetime):
        if obj.tzinfo is None:
            obj = obj.replace(tzinfo=UTC)
        return obj.isoformat()
    if isinstance(obj, list | tuple):
        return [to_wire(item) for item in obj]
    if isinstance(obj, dict):
        return {str(k): to_wire(v) for k, v in obj.items()}
    return obj


def dumps(obj: object) -> str:
    """Serialise a protocol object to compact JSON text."""
    return json.dumps(to_wire(obj), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def loads(cls: type[_T], text: str | bytes) -> _T:
    """Parse JSON text into ``cls``. Raises ``ProtocolError`` for anything malformed."""
    return from_wire(cls, _json(text))


def _json(text: str | bytes) -> object:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ProtocolError(ProtocolErrorKind.NOT_JSON, "", str(exc)[:120]) from None


def parse_envelope(text: str | bytes) -> Envelope:
    """Parse one WebSocket frame. Event frames must carry a positive ``seq``; control frames may not."""
    env = from_wire(Envelope, _json(text))
    if env.type in _EVENT_TYPES:
        if env.seq is None or env.seq <= 0:
            raise ProtocolError(ProtocolErrorKind.BAD_VALUE, "seq", "event frame without a positive seq")
    elif env.type in _CONTROL_TYPES and env.seq is not None:
        raise ProtocolError(ProtocolErrorKind.BAD_VALUE, "seq", "control frame with a seq")
    return env


def envelope_payload(env: Envelope) -> Any:
    """The typed payload of a parsed envelope (an ``EVENT_PAYLOADS`` / ``CONTROL_PAYLOADS`` dataclass).

    Raises ``ProtocolError`` (``UNKNOWN_MESSAGE`` for a type this client does not know: skip it)."""
    if env.type in _EVENT_TYPES:
        return from_wire(EVENT_PAYLOADS[EventType(env.type)], env.payload, "payload")
    if env.type in _CONTROL_TYPES:
        return from_wire(CONTROL_PAYLOADS[ControlType(env.type)], env.payload, "payload")
    raise ProtocolError(ProtocolErrorKind.UNKNOWN_MESSAGE, "type", f"unknown message type {env.type[:40]!r}")


def make_envelope(
    kind: EventType | ControlType, payload: object, seq: int | None = None, ts: datetime | None = None
) -> str:
    """Serialise a frame (used by the hub for events and control frames, and by the client for hello/ping)."""
    return dumps(Envelope(type=kind.value, payload=to_wire(payload), seq=seq, ts=ts))


_EVENT_TYPES: Final = frozenset(t.value for t in EventType)
_CONTROL_TYPES: Final = frozenset(t.value for t in ControlType)


# ====================================================================================================== versions
def parse_version(text: str) -> tuple[int, ...]:
    """``"1.2.3"`` → ``(1, 2, 3)``; pre-release/build suffixes are ignored (``"1.2.3rc1"`` → ``(1, 2, 3)``)."""
    parts: list[int] = []
    for piece in text.strip().split(".")[:4]:
        match = re.match(r"\d+", piece)
        if match is None:
            break
        parts.append(int(match.group()))
    if not parts:
        raise ProtocolError(ProtocolErrorKind.BAD_VALUE, "client_version", f"not a version: {text[:40]!r}")
    return tuple(parts)


def client_version_supported(version: str, minimum: str = MIN_CLIENT_VERSION) -> bool:
    try:
        return parse_version(version) >= parse_version(minimum)
    except ProtocolError:
        return False


# ====================================================================================================== phones
class PhoneError(ValueError):
    """Not a Chinese mobile/landline or an international E.164 number."""


_CN_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes: 10 and 2x are two digits (Beijing, Shanghai, Guangzhou, ...); others three (e.g. 571, 755).
_CN_LANDLINE = re.compile(r"0(?:(?:10|2\d)\d{8}|[3-9]\d{2}\d{7,8})")
_CN_SERVICE = re.compile(r"(?:400|800)\d{7}")


def normalize_phone(raw: str) -> str:
    """Normalise a phone number as Chinese contact centers write it to E.164 (``+86...``).

    Accepts mobile (``138 0013 8000``, ``+86 138-0013-8000``, ``0086 13800138000``), landline with area code
    (``010-8888 6666``, ``(0571) 8888-6666``, ``+86 10 8888 6666``), 400/800 service numbers, and international numbers
    written with ``+`` or ``00``. Separators (space, ``-``, ``.``, ``()``, full-width forms) are ignored; an extension
    (``转``/``ext``/``x``) is dropped. Raises ``PhoneError``.
    """
    text = raw.strip().translate(_FULLWIDTH)
    text = re.split(r"(?:转|分机|ext\.?|x|#)", text, maxsplit=1, flags=re.IGNORECASE)[0]
    plus = text.startswith("+")
    digits = re.sub(r"[\s\-.()/]", "", text.lstrip("+"))
    if not digits.isdigit() or not digits.isascii():
        raise PhoneError(f"not a phone number: {raw[:40]!r}")
    if plus or digits.startswith("00"):
        if digits.startswith("00"):
            digits = digits[2:]
        if digits.startswith("86"):
            national = digits[2:]
            if _CN_MOBILE.fullmatch(national) or _CN_SERVICE.fullmatch(national):
                return "+86" + national
            if _CN_LANDLINE.fullmatch("0" + national):
                return "+86" + national
            if national.startswith("0") and _CN_LANDLINE.fullmatch(national):  # "+86 (0)10 ..."
                return "+86" + national[1:]
            raise PhoneError(f"not a valid Chinese number: {raw[:40]!r}")
        if 8 <= len(digits) <= 15 and digits[0] != "0":
            return "+" + digits
        raise PhoneError(f"not a valid international number: {raw[:40]!r}")
    if digits.startswith("86") and len(digits) == 13 and _CN_MOBILE.fullmatch(digits[2:]):
        return "+" + digits
    if _CN_MOBILE.fullmatch(digits) or _CN_SERVICE.fullmatch(digits):
        return "+86" + digits
    if _CN_LANDLINE.fullmatch(digits):
        return "+86" + digits[1:]
    raise PhoneError(f"not a Chinese mobile or landline number with area code: {raw[:40]!r}")


_FULLWIDTH: Final = {0xFF10 + i: ord("0") + i for i in range(10)} | {
    0xFF0B: ord("+"),
    0xFF0D: ord("-"),
    0xFF08: ord("("),
    0xFF09: ord(")"),
    0x3000: ord(" "),
    0x2014: ord("-"),
    0x2013: ord("-"),
}


def phone_last4(e164: str) -> str:
    return e164[-4:]
