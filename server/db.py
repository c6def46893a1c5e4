"""Database schema (SQLAlchemy 2 ORM) and engine set-up, for SQLite (default) and PostgreSQL.

The schema is owned by Alembic migrations (``server/migrations``); these models describe it for queries. Times are
stored as naive UTC and returned as aware UTC datetimes (``UtcDateTime``), on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002 - SQLAlchemy's signature
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002 - SQLAlchemy's signature
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# BIGINT primary keys do not autoincrement on SQLite; INTEGER there, BIGINT on PostgreSQL.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Setting(Base):
    """Hub-wide settings shared by every hub process (the token signing secret lives here)."""

    __tablename__ = "hub_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # TeamPolicy minus team id/name, as JSON: reasons, wrap_up, offline_grace_s, ring_timeout_s, auto_answer_delay_s
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    locale: Mapped[str] = mapped_column(String(16), default="zh_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AuthSession(Base):
    """One signed-in client. Desktop sessions are exclusive per user; revoking one ends its refresh tokens."""

    __tablename__ = "auth_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    client_kind: Mapped[str] = mapped_column(String(16))
    device: Mapped[str] = mapped_column(String(200), default="")
    client_version: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    __table_args__ = (Index("ix_auth_sessions_user_kind", "user_id", "client_kind"),)


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("auth_sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex; the token itself is never stored
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AgentStateRow(Base):
    """The current state of each agent (one row per agent user)."""

    __tablename__ = "agent_states"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    since: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    pending_state: Mapped[str | None] = mapped_column(String(16))
    pending_reason: Mapped[str | None] = mapped_column(String(64))
    cause: Mapped[str] = mapped_column(String(16), default="agent")
    changed_by: Mapped[int | None] = mapped_column(Integer)
    call_id: Mapped[str | None] = mapped_column(String(128))
    wrap_up_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    wrap_up_extensions: Mapped[int] = mapped_column(Integer, default=0)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen: Mapped[datetime | None] = mapped_column(UtcDateTime())
    offline_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The supervisor command (``supervisor_commands.id``) the pending state comes from, while it waits for the call.
    pending_command_id: Mapped[int | None] = mapped_column(Integer)


class AgentStateHistory(Base):
    __tablename__ = "agent_state_history"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cause: Mapped[str] = mapped_column(String(16))
    changed_by: Mapped[int | None] = mapped_column(Integer)
    call_id: Mapped[str | None] = mapped_column(String(128))
    __table_args__ = (Index("ix_agent_state_history_user_started", "user_id", "started_at"),)


class SupervisorCommandRow(Base):
    """The audit of supervisors' force commands: who forced what on whom, when, the state it met, and what became of
    it (applied at once, pending until the call ends and then applied, or superseded)."""

    __tablename__ = "supervisor_commands"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(Integer)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    agent_state: Mapped[str] = mapped_column(String(16))
    deferred: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(String(16))
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        Index("ix_supervisor_commands_team_issued", "team_id", "issued_at"),
        Index("ix_supervisor_commands_agent_issued", "agent_id", "issued_at"),
    )


class Broadcast(Base):
    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Event(Base):
    """The sequenced event log behind the WebSocket push (kept for the replay window).

    Audience: ``user_id`` (that user sees it), ``team_id`` + ``team_min_role`` (team members of at least that role:
    ``agent`` or ``supervisor``), ``everyone``. Admins see everything.
    """

    __tablename__ = "events"
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    team_min_role: Mapped[str | None] = mapped_column(String(16))
    everyone: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = ({"sqlite_autoincrement": True},)


class TicketCategoryRow(Base):
    __tablename__ = "ticket_categories"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)  # protocol.TicketCategory as JSON
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TicketRow(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    customer_name: Mapped[str] = mapped_column(String(100))
    customer_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(64), index=True)
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    sla_due: Mapped[datetime | None] = mapped_column(UtcDateTime())
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    linked_call_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    closing_template: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # jieba-segmented number, subject, description, customer and phone forms: what the full-text index sees
    # (``server.tickets.search_text``; kept in step by a mapper hook on every insert and update)
    search_seg: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_tickets_team_status_updated", "team_id", "status", "updated_at"),)


class TicketNoteRow(Base):
    __tablename__ = "ticket_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visibility: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    compliance_flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class TicketAuditRow(Base):
    __tablename__ = "ticket_audit"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Counter(Base):
    """Named counters (ticket numbers per day)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(128))
    scope: Mapped[str] = mapped_column(String(64))  # "POST /tickets", "PATCH /tickets/12"
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)


class CompliancePhrase(Base):
    __tablename__ = "compliance_phrases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phrase: Mapped[str] = mapped_column(String(100), unique=True)


class KbArticleRow(Base):
    __tablename__ = "kb_articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64), index=True)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    # jieba-segmented, space-separated, lower-cased: what the full-text index sees
    title_seg: Mapped[str] = mapped_column(Text, default="")
    body_seg: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class KbChangeRow(Base):
    __tablename__ = "kb_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    change: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AdminAuditRow(Base):
    """Administrative changes to users and teams (who, what, ``{field: [old, new]}``); never a password or hash."""

    __tablename__ = "admin_audit"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)  # None: the command line
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    __table_args__ = (Index("ix_admin_audit_target", "target_type", "target_id"),)


class HealthReportRow(Base):
    """Latest health report per agent (replaced on each submit)."""

    __tablename__ = "health_reports"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verdict: Mapped[str] = mapped_column(String(8))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)


class CallRecord(Base):
    """Calls as the agents' clients report them (ringing → answered/missed → ended), for team metrics."""

    __tablename__ = "call_records"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(Integer)
    offered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    wrap_up_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    missed: Mapped[bool] = mapped_column(Boolean, default=False)
    handle_seconds: Mapped[float | None] = mapped_column(Float)
    __table_args__ = (
        UniqueConstraint("user_id", "call_id", name="uq_call_records_user_call"),
        Index("ix_call_records_team_offered", "team_id", "offered_at"),
    )


#: Search-index objects created by raw SQL in the migrations (FTS5 tables, expression GIN index): not in the models.
SEARCH_INDEX_OBJECTS = ("kb_fts", "ix_kb_articles_fts", "ticket_fts", "ix_tickets_fts", "fts_vector")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic autogenerate filter: skip the search-index objects that the models do not describe."""
    del obj, type_, reflected, compare_to
    return not (name or "").startswith(SEARCH_INDEX_OBJECTS)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, pool_size: int = 10, read_only: bool = False) -> Engine:
    """An engine for ``url``: SQLite gets WAL, a busy timeout and foreign keys; PostgreSQL uses psycopg 3.

    ``read_only`` (SQLite): transactions start deferred and the connection refuses writes (``query_only``), so
    readers never wait for the write lock (WAL lets them read the last committed state while a writer works).
    """
    if is_sqlite(url):
        # Writers: one pooled connection. SQLite has one write lock anyway; waiting for the pool is a queue with a
        # wake-up, where waiting in SQLite's busy handler polls with sleeps of up to 100 ms (REST changes stuck
        # behind the presence flush took that long).
        pool: dict[str, Any] = {}
        if make_url(url).database not in (None, "", ":memory:"):  # a file (in-memory ones have their own pool)
            pool = {"pool_size": 5, "max_overflow": 10} if read_only else {"pool_size": 1, "max_overflow": 0}
            pool["pool_timeout"] = 30
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if read_only:
                cur.execute("PRAGMA query_only=1")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(conn: Any) -> None:
            # Take the write lock at BEGIN: no "database is locked" upgrades mid-transaction, and event sequence
            # numbers commit in order.
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(engine, expire_on_commit=False)
