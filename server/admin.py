"""Accounts and teams administration, shared by the admin REST API (``/admin``) and the ``agentdesk-hub`` command line.

Every change runs inside the caller's transaction, is validated with field details (``ApiError`` 422), written to the
admin audit trail (``admin_audit``, never a password or hash) and announced where other parts care:

- a disabled account's sessions are revoked at once (REST calls get 401, its WebSockets get an ``account_disabled``
  error frame and close with 4003) and an agent who was signed in is signed out (reason ``account_disabled``);
- a new password ends the user's sessions (all of them, or all but the caller's own when admins change theirs);
- a change of role or team closes the user's WebSockets with 4009 (``PERMISSIONS_CHANGED``) so that they reconnect
  with the new rights, and the agent's status is pushed to the supervisors of the old and the new team;
- a renamed team or a new team policy is pushed to the team as ``policy.updated``.

Guard rails: administrators cannot disable themselves, change their own role, or leave the hub without an active
administrator.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.protocol import (
    AdminAuditEntry,
    AdminUser,
    AdminUserPage,
    AgentState,
    ControlType,
    ErrorBody,
    ErrorCode,
    EventType,
    FieldError,
    PasswordSet,
    ReasonCategory,
    Role,
    SystemReason,
    TeamCreate,
    TeamInfo,
    TeamPolicy,
    TeamPolicySpec,
    TeamUpdate,
    UserCreate,
    UserUpdate,
    WrapUpPolicy,
    WsCloseCode,
    to_wire,
)
from server.auth import hash_password, user_info, validate_new_password
from server.config import HubConfig
from server.db import AdminAuditRow, AuthSession, Team, User, make_engine, make_sessionmaker, utcnow
from server.errors import ApiError, not_found, validation_error
from server.push import Audience, EventBus, control_frame
from server.states import DEFAULT_REASONS, StateService, policy_json, team_policy

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")
LOCALES = ("zh_CN", "en")
REASON_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_REASONS = 30
MAX_PAGE = 500
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


@dataclasses.dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change: a signed-in administrator (``user_id``, ``session_id``) or the command line (both None)."""

    user_id: int | None = None
    session_id: str | None = None


CLI = Actor()


class AdminService:
    def __init__(self, bus: EventBus | None, states: StateService | None, default_grace_s: float) -> None:
        self.bus = bus
        self.states = states
        self.default_grace_s = default_grace_s

    # ============================================================================================== users
    def to_user(self, db: Session, user: User) -> AdminUser:
        return AdminUser(
            **dataclasses.asdict(user_info(db, user)),
            active=user.active,
            locked_until=user.locked_until if user.locked_until and user.locked_until > utcnow() else None,
            created_at=user.created_at,
        )

    def _user(self, db: Session, user_id: int) -> User:
        user = db.get(User, user_id)
        if user is None:
            raise not_found("user")
        return user

    def get_user(self, db: Session, user_id: int) -> AdminUser:
        return self.to_user(db, self._user(db, user_id))

    def find_user(self, db: Session, username: str) -> User:
        user = db.scalar(select(User).where(User.username == username))
        if user is None:
            raise not_found("user")
        return user

    def list_users(
        self,
        db: Session,
        *,
        team_id: int | None = None,
        role: Role | None = None,
        active: bool | None = None,
        q: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> AdminUserPage:
        query = select(User)
        if team_id is not None:
            query = query.where(User.team_id == team_id)
        if role is not None:
            query = query.where(User.role == role.value)
        if active is not None:
            query = query.where(User.active.is_(active))
        if q and q.strip():
            like = (
                "%"
                + q.replace("\x00", "").strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            query = query.where(
                func.lower(User.username).like(like, escape="\\")
                | func.lower(User.display_name).like(like, escape="\\")
            )
        total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = db.scalars(query.order_by(User.username).offset(offset).limit(min(limit, MAX_PAGE)))
        return AdminUserPage([self.to_user(db, u) for u in rows], total, offset, limit)

    def _check_team(self, db: Session, team_id: int | None, role: Role, errors: list[FieldError]) -> None:
        if team_id is None:
            if role is not Role.ADMIN:
                errors.append(FieldError("team_id", "required", "agents and supervisors belong to a team"))
        elif not 1 <= team_id <= MAX_ID or db.get(Team, team_id) is None:
            errors.append(FieldError("team_id", "not_found", "no such team"))

    @staticmethod
    def _check_display_name(value: str, errors: list[FieldError]) -> str:
        value = value.strip()
        if not 1 <= len(value) <= 100 or any(ord(c) < 32 for c in value):
            errors.append(FieldError("display_name", "invalid", "1..100 printable characters"))
        return value

    @staticmethod
    def _check_locale(value: str, errors: list[FieldError]) -> None:
        if value not in LOCALES:
            errors.append(FieldError("locale", "invalid_choice", "zh_CN or en"))

    def create_user(self, db: Session, actor: Actor, body: UserCreate) -> AdminUser:
        errors: list[FieldError] = []
        username = body.username.strip()
        if not USERNAME.fullmatch(username):
            errors.append(
                FieldError(
                    "username",
                    "invalid",
                    "2..64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit",
                )
            )
        elif db.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
            errors.append(FieldError("username", "taken", "a user with this name exists already"))
        display_name = self._check_display_name(body.display_name, errors)
        self._check_team(db, body.team_id, body.role, errors)
        self._check_locale(body.locale, errors)
        problem = validate_new_password(body.password)
        if problem:
            errors.append(FieldError("password", "weak_password", problem))
        if errors:
            raise validation_error(errors)
        user = User(
            username=username,
            display_name=display_name,
            password_hash=hash_password(body.password),
            role=body.role.value,
            team_id=body.team_id,
            locale=body.locale,
            active=True,
            failed_logins=0,
            created_at=utcnow(),
        )
        db.add(user)
        db.flush()
        created = self.to_user(db, user)
        self._audit(db, actor, "user.created", "user", user.id, {"user": [None, to_wire(created)]})
        return created

    def update_user(self, db: Session, actor: Actor, user_id: int, body: UserUpdate) -> AdminUser:
        user = self._user(db, user_id)
        errors: list[FieldError] = []
        changes: dict[str, list[Any]] = {}
        myself = actor.user_id == user.id
        role = body.role or Role(user.role)
        team_id = user.team_id
        display_name = user.display_name
        if body.clear_team:
            if body.team_id is not None:
                errors.append(FieldError("clear_team", "conflict", "give team_id or clear_team, not both"))
            team_id = None
        elif body.team_id is not None:
            team_id = body.team_id
        if body.role is not None and myself and body.role is not Role(user.role):
            errors.append(FieldError("role", "own_account", "administrators cannot change their own role"))
        if body.active is False and myself:
            errors.append(FieldError("active", "own_account", "administrators cannot disable themselves"))
        if body.role is not None or body.team_id is not None or body.clear_team:
            self._check_team(db, team_id, role, errors)
        if body.display_name is not None:
            display_name = self._check_display_name(body.display_name, errors)
        if body.locale is not None:
            self._check_locale(body.locale, errors)
        losing_admin = (
            user.role == Role.ADMIN.value and user.active and (role is not Role.ADMIN or body.active is False)
        )
        if losing_admin and not myself and self._active_admins(db) <= 1:
            errors.append(
                FieldError(
                    "role" if role is not Role.ADMIN else "active",
                    "last_admin",
                    "the hub needs an active administrator",
                )
            )
        if errors:
            raise validation_error(errors)

        def change(name: str, new: Any) -> None:
            old = getattr(user, name)
            if new != old:
                changes[name] = [to_wire(old), to_wire(new)]
                setattr(user, name, new)

        if body.display_name is not None:
            change("display_name", display_name)
        if body.locale is not None:
            change("locale", body.locale)
        old_team = user.team_id
        change("role", role.value)
        change("team_id", team_id)
        if body.active is not None:
            change("active", body.active)
        if body.unlock and (user.locked_until is not None or user.failed_logins):
            changes["locked_until"] = [to_wire(user.locked_until), None]
            user.locked_until = None
            user.failed_logins = 0
        if not changes:
            return self.to_user(db, user)
        db.flush()
        self._audit(db, actor, "user.updated", "user", user.id, changes)
        if changes.get("active") == [True, False]:
            self._disabled(db, user)
        elif "role" in changes or "team_id" in changes:
            self._permissions_changed(db, user, old_team)
        elif "display_name" in changes:
            self._push_status(db, user, old_team)
        return self.to_user(db, user)

    def set_password(self, db: Session, actor: Actor, user_id: int, body: PasswordSet) -> None:
        user = self._user(db, user_id)
        problem = validate_new_password(body.password)
        if problem:
            raise validation_error([FieldError("password", "weak_password", problem)])
        user.password_hash = hash_password(body.password)
        user.failed_logins = 0
        user.locked_until = None
        keep = actor.session_id if actor.user_id == user.id else None
        ended = self._end_sessions(db, user, "password_reset", keep=keep)
        self._audit(db, actor, "user.password_set", "user", user.id, {"sessions_ended": [None, ended]})

    def _active_admins(self, db: Session) -> int:
        return int(db.scalar(select(func.count()).where(User.role == Role.ADMIN.value, User.active.is_(True))) or 0)

    def _sessions(self, db: Session, user: User) -> list[str]:
        return list(
            db.scalars(select(AuthSession.id).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)))
        )

    def _end_sessions(self, db: Session, user: User, reason: str, *, keep: str | None = None) -> int:
        """Revoke the user's sessions (REST answers 401 at once) and close their sockets with an explanation."""
        sids = [sid for sid in self._sessions(db, user) if sid != keep]
        if not sids:
            return 0
        db.execute(
            update(AuthSession).where(AuthSession.id.in_(sids)).values(revoked_at=utcnow(), revoked_reason=reason)
        )
        code = ErrorCode.ACCOUNT_DISABLED if reason == "account_disabled" else ErrorCode.UNAUTHENTICATED
        message = "this account was disabled" if reason == "account_disabled" else "the password was changed"
        frame = control_frame(ControlType.ERROR, ErrorBody(code, message))
        if self.bus is not None:
            for sid in sids:
                self.bus.end_session(db, sid, frame, WsCloseCode.SESSION_REVOKED)
        return len(sids)

    def _disabled(self, db: Session, user: User) -> None:
        self._end_sessions(db, user, "account_disabled")
        if self.states is not None and user.role == Role.AGENT.value:
            # pending_if_busy=False: the account is gone now, even mid-call (its client can no longer report)
            self.states.system_change(
                db, user, AgentState.SIGNED_OUT, SystemReason.ACCOUNT_DISABLED.value, pending_if_busy=False
            )

    def _permissions_changed(self, db: Session, user: User, old_team: int | None) -> None:
        if self.bus is not None:
            for sid in self._sessions(db, user):
                self.bus.end_session(db, sid, "", WsCloseCode.PERMISSIONS_CHANGED)
        self._push_status(db, user, old_team)

    def _push_status(self, db: Session, user: User, old_team: int | None) -> None:
        """The agent's status (display name, team) to the agent and the supervisors of its old and new team."""
        if self.bus is None or self.states is None or user.role != Role.AGENT.value:
            return
        row = self.states.row(db, user)
        row.version += 1  # a changed status: clients and boards drop a version they have already seen
        db.flush()
        status = self.states.status(db, user, row)
        self.bus.emit(
            db,
            EventType.AGENT_STATE,
            status,
            Audience(user_id=user.id, team_id=user.team_id, team_min_role=Role.SUPERVISOR),
        )
        if old_team is not None and old_team != user.team_id:
            self.bus.emit(db, EventType.AGENT_STATE, status, Audience(team_id=old_team, team_min_role=Role.SUPERVISOR))

    # ============================================================================================== teams
    def to_team(self, db: Session, team: Team) -> TeamInfo:
        members = db.scalar(select(func.count()).where(User.team_id == team.id, User.active.is_(True)))
        return TeamInfo(team.id, team.name, int(members or 0), team_policy(team, self.default_grace_s))

    def _team(self, db: Session, team_id: int) -> Team:
        team = db.get(Team, team_id)
        if team is None:
            raise not_found("team")
        return team

    def get_team(self, db: Session, team_id: int) -> TeamInfo:
        return self.to_team(db, self._team(db, team_id))

    def find_or_create_team(self, db: Session, actor: Actor, name: str) -> Team:
        team = db.scalar(select(Team).where(Team.name == name.strip()))
        if team is not None:
            return team
        return self._team(db, self.create_team(db, actor, TeamCreate(name=name)).id)

    def list_teams(self, db: Session) -> list[TeamInfo]:
        return [self.to_team(db, t) for t in db.scalars(select(Team).order_by(Team.name))]

    def _check_team_name(self, db: Session, name: str, errors: list[FieldError], *, exclude: int | None = None) -> str:
        name = name.strip()
        if not 1 <= len(name) <= 100 or any(ord(c) < 32 for c in name):
            errors.append(FieldError("name", "invalid", "1..100 printable characters"))
            return name
        other = db.scalar(select(Team.id).where(func.lower(Team.name) == name.lower()))
        if other is not None and other != exclude:
            errors.append(FieldError("name", "taken", "a team with this name exists already"))
        return name

    def check_policy(self, spec: TeamPolicySpec, errors: list[FieldError], *, allow_short_timers: bool) -> None:
        """Validate a team policy: reason codes, labels, wrap-up timers, grace and ring timeouts."""
        if not 1 <= len(spec.reasons) <= MAX_REASONS:
            errors.append(FieldError("policy.reasons", "invalid", f"1..{MAX_REASONS} reason codes"))
        system = {r.value for r in SystemReason}
        seen: set[str] = set()
        for i, reason in enumerate(spec.reasons):
            path = f"policy.reasons[{i}]"
            if not REASON_CODE.fullmatch(reason.code):
                errors.append(FieldError(f"{path}.code", "invalid", "lower-case letters, digits and _ (1..32)"))
            elif reason.code in system:
                errors.append(FieldError(f"{path}.code", "reserved", "system reason codes cannot be configured"))
            elif reason.code in seen:
                errors.append(FieldError(f"{path}.code", "duplicate", "reason codes must be unique"))
            seen.add(reason.code)
            if reason.category is ReasonCategory.SYSTEM:
                errors.append(FieldError(f"{path}.category", "invalid_choice", "busy or break"))
            for name in ("label_zh", "label_en"):
                label = getattr(reason, name)
                if not 1 <= len(label.strip()) <= 40 or any(ord(c) < 32 for c in label):
                    errors.append(FieldError(f"{path}.{name}", "invalid", "1..40 characters"))
            if reason.max_minutes is not None and not 1 <= reason.max_minutes <= 480:
                errors.append(FieldError(f"{path}.max_minutes", "out_of_range", "1..480"))
        wrap = spec.wrap_up
        if not 0 <= wrap.seconds <= 3600:
            errors.append(FieldError("policy.wrap_up.seconds", "out_of_range", "0..3600"))
        if not 0 <= wrap.max_extensions <= 10:
            errors.append(FieldError("policy.wrap_up.max_extensions", "out_of_range", "0..10"))
        if not 0 <= wrap.extension_seconds <= 3600:
            errors.append(FieldError("policy.wrap_up.extension_seconds", "out_of_range", "0..3600"))
        if (
            spec.offline_grace_s > 86_400
            or (spec.offline_grace_s < 60 and not allow_short_timers)
            or spec.offline_grace_s < 1
        ):
            errors.append(FieldError("policy.offline_grace_s", "out_of_range", "60..86400 seconds"))
        if not 5 <= spec.ring_timeout_s <= 300:
            errors.append(FieldError("policy.ring_timeout_s", "out_of_range", "5..300 seconds"))
        if spec.auto_answer_delay_s is not None and not 0 <= spec.auto_answer_delay_s <= 60:
            errors.append(FieldError("policy.auto_answer_delay_s", "out_of_range", "0..60 seconds, or null"))

    @staticmethod
    def _policy_json(spec: TeamPolicySpec) -> dict[str, Any]:
        return policy_json(
            TeamPolicy(
                0, "", spec.reasons, spec.wrap_up, spec.offline_grace_s, spec.ring_timeout_s, spec.auto_answer_delay_s
            )
        )

    def default_policy(self) -> TeamPolicySpec:
        return TeamPolicySpec(list(DEFAULT_REASONS), WrapUpPolicy(), int(self.default_grace_s))

    def create_team(self, db: Session, actor: Actor, body: TeamCreate, *, allow_short_timers: bool = False) -> TeamInfo:
        errors: list[FieldError] = []
        name = self._check_team_name(db, body.name, errors)
        spec = body.policy or self.default_policy()
        self.check_policy(spec, errors, allow_short_timers=allow_short_timers)
        if errors:
            raise validation_error(errors)
        team = Team(name=name, policy=self._policy_json(spec))
        db.add(team)
        db.flush()
        info = self.to_team(db, team)
        self._audit(db, actor, "team.created", "team", team.id, {"team": [None, to_wire(info)]})
        return info

    def update_team(
        self, db: Session, actor: Actor, team_id: int, body: TeamUpdate, *, allow_short_timers: bool = False
    ) -> TeamInfo:
        team = self._team(db, team_id)
        errors: list[FieldError] = []
        name = self._check_team_name(db, body.name, errors, exclude=team.id) if body.name is not None else team.name
        if body.policy is not None:
            self.check_policy(body.policy, errors, allow_short_timers=allow_short_timers)
        if errors:
            raise validation_error(errors)
        changes: dict[str, list[Any]] = {}
        if name != team.name:
            changes["name"] = [team.name, name]
            team.name = name
        if body.policy is not None:
            new_policy = self._policy_json(body.policy)
            if new_policy != dict(team.policy or {}):
                changes["policy"] = [to_wire(team.policy), new_policy]
                team.policy = new_policy
        if changes:
            db.flush()
            self._audit(db, actor, "team.updated", "team", team.id, changes)
            if self.bus is not None:
                policy = team_policy(team, self.default_grace_s)
                self.bus.emit(db, EventType.POLICY_UPDATED, policy, Audience(team_id=team.id, team_min_role=Role.AGENT))
        return self.to_team(db, team)

    # ============================================================================================== audit
    def _audit(
        self, db: Session, actor: Actor, action: str, target_type: str, target_id: int, changes: dict[str, Any]
    ) -> None:
        db.add(
            AdminAuditRow(
                at=utcnow(),
                actor_id=actor.user_id,
                action=action,
                target_type=target_type,
                target_id=target_id,
                changes=to_wire(changes),
            )
        )

    def audit(
        self,
        db: Session,
        *,
        target_type: str | None = None,
        target_id: int | None = None,
        before: int | None = None,
        limit: int = 100,
    ) -> list[AdminAuditEntry]:
        query = select(AdminAuditRow)
        if target_type is not None:
            query = query.where(AdminAuditRow.target_type == target_type)
        if target_id is not None:
            query = query.where(AdminAuditRow.target_id == target_id)
        if before is not None:
            query = query.where(AdminAuditRow.id < before)
        rows = list(db.scalars(query.order_by(AdminAuditRow.id.desc()).limit(min(limit, MAX_PAGE))))
        names: dict[int, str] = {}
        for uid in {r.actor_id for r in rows if r.actor_id is not None}:
            actor = db.get(User, uid)
            names[uid] = actor.display_name if actor else ""
        return [
            AdminAuditEntry(
                r.id,
                r.at,
                r.actor_id,
                names.get(r.actor_id) if r.actor_id is not None else None,
                r.action,
                r.target_type,
                r.target_id,
                dict(r.changes or {}),
            )
            for r in rows
        ]


# ================================================================================================== command line
@contextlib.contextmanager
def command_line_service(config: HubConfig) -> Iterator[tuple[Session, AdminService]]:
    """A session and a service for one ``agentdesk-hub`` command, committed when the block succeeds.

    Events are written like the API's; on PostgreSQL running hubs are notified at once (sockets of a disabled user
    close), on SQLite a running hub refuses the user's REST calls at once and its sockets at their next reconnect.
    """
    engine = make_engine(config.database_url)
    sessions = make_sessionmaker(engine)
    bus = EventBus(engine, sessions, "agentdesk-hub-cli")
    states = StateService(bus, config.offline_grace_s, config.offline_after_s)
    try:
        with sessions() as db:
            yield db, AdminService(bus, states, config.offline_grace_s)
            db.commit()
    finally:
        engine.dispose()


def describe(error: ApiError) -> str:
    """An API error as one line for the command line (``field (code): message`` for each field)."""
    if not error.fields:
        return error.message
    return "; ".join(f"{f.field} ({f.code}): {f.message}" for f in error.fields)
