"""What the sync engine tells the rest of the client (delivered on the network thread; ``SyncBridge`` re-emits
them on the GUI thread). Every event is a frozen dataclass; listeners dispatch on the type."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.protocol import CustomerTickets, KbChange, NoteCreate, Ticket, TicketDetail, UserInfo
from app.sync.errors import SyncErrorKind


class ConnectionState(enum.Enum):
    SIGNED_OUT = "signed_out"  # no session
    CONNECTING = "connecting"  # first connection attempt of a session
    ONLINE = "online"  # WebSocket up, pushes flowing
    OFFLINE = "offline"  # hub unreachable: working from the cache, edits queue in the outbox, retrying
    AUTH_REQUIRED = "auth_required"  # the session ended (revoked, taken over): sign in again


class DataSource(enum.Enum):
    CACHE = "cache"
    HUB = "hub"


class SyncEvent:
    """Base class of everything the engine reports."""


@dataclass(frozen=True, slots=True)
class ConnectionChanged(SyncEvent):
    state: ConnectionState
    error: SyncErrorKind | None = None
    detail: str = ""
    retry_in_s: float | None = None


@dataclass(frozen=True, slots=True)
class SessionStarted(SyncEvent):
    user: UserInfo
    offline: bool  # True when the session was resumed from the cache without reaching the hub


@dataclass(frozen=True, slots=True)
class TicketsReset(SyncEvent):
    """The whole visible set (first load from the cache, or after a full resync). ``pending`` ids carry local edits."""

    tickets: tuple[Ticket, ...]
    source: DataSource
    pending: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class TicketChanged(SyncEvent):
    """One ticket inserted or updated (push, our own edit, or an edit queued offline when ``pending``)."""

    ticket: Ticket
    pending: bool = False


@dataclass(frozen=True, slots=True)
class TicketReplaced(SyncEvent):
    """A ticket created offline (negative local id) now exists on the hub as ``ticket``."""

    local_id: int
    ticket: Ticket


@dataclass(frozen=True, slots=True)
class TicketRemoved(SyncEvent):
    ticket_id: int


@dataclass(frozen=True, slots=True)
class TicketDetailLoaded(SyncEvent):
    detail: TicketDetail
    source: DataSource
    pending_notes: tuple[NoteCreate, ...] = ()


@dataclass(frozen=True, slots=True)
class OutboxChanged(SyncEvent):
    pending: int
    conflicts: int
    rejected: int


@dataclass(frozen=True, slots=True)
class ConflictRaised(SyncEvent):
    """The hub refused our edit (409): show both versions and let the agent choose (``resolve_conflict``)."""

    op_id: str
    ticket_id: int
    mine: dict[str, Any]  # the fields we tried to change (TicketUpdate wire form)
    base: Ticket | None  # the version our edit was based on (from the cache), if known
    theirs: Ticket  # the hub's current version


@dataclass(frozen=True, slots=True)
class OpRejected(SyncEvent):
    op_id: str
    ticket_id: int
    kind: SyncErrorKind
    fields: dict[str, str]
    detail: str


@dataclass(frozen=True, slots=True)
class CacheRebuilt(SyncEvent):
    """The local cache file was unusable and has been recreated (the outbox is untouched)."""

    reason: str


@dataclass(frozen=True, slots=True)
class SyncProgress(SyncEvent):
    """A full ticket sync (the first one, or one the hub asked for) is under way: ``fetched`` tickets received so far
    of ``total`` (None when the hub does not say). ``finished`` comes once, when it ends (the rows are in the panel,
    or it failed and the cached tickets stay)."""

    fetched: int
    total: int | None
    finished: bool = False


@dataclass(frozen=True, slots=True)
class CacheWritten(SyncEvent):
    """A full sync's tickets are now sealed in the local cache (they reached the panel just before)."""

    tickets: int


@dataclass(frozen=True, slots=True)
class SessionEnded(SyncEvent):
    kind: SyncErrorKind  # SESSION_TAKEN_OVER, AUTH, CLIENT_TOO_OLD
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScreenPop(SyncEvent):
    """Who is calling: the customer and their tickets, first from the cache, then (if it answers) from the hub."""

    call_id: str
    raw_number: str
    phone: str | None  # E.164; None when the caller id is not a phone number
    started_at: datetime
    result: CustomerTickets | None
    source: DataSource


@dataclass(frozen=True, slots=True)
class KbChanged(SyncEvent):
    change: KbChange


@dataclass(frozen=True, slots=True)
class MalformedSkipped(SyncEvent):
    """A push or payload was malformed and skipped (for diagnostics and tests)."""

    where: str
    detail: str


@dataclass(frozen=True, slots=True)
class HubEvent:
    """A raw, parsed hub push for ``subscribe()`` callers: ``payload`` is the protocol dataclass."""

    type: str
    seq: int
    payload: Any
    ts: datetime | None
