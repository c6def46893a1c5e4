"""Passwords, access tokens and refresh tokens.

- Passwords: argon2id (``argon2-cffi``), rehashed on login when the parameters change.
- Access token: ``base64url(json claims) "." base64url(HMAC-SHA256)``, short-lived, bound to an ``AuthSession``;
  every request also checks that the session is not revoked, so revocation (sign-out, takeover) is immediate.
- Refresh token: 256 random bits, stored only as a SHA-256 hash, single use: each refresh returns a new one; presenting
  a used one again means it leaked, and the whole session is revoked.

Nothing here logs a password, a hash or a token.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import secrets
import uuid
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.protocol import ClientKind, ErrorCode, Role, TokenPair, UserInfo
from server.config import HubConfig
from server.db import AuthSession, RefreshToken, Setting, Team, User, utcnow
from server.errors import ApiError, unauthenticated

_hasher = PasswordHasher()
# A hash of a random password, verified when the user does not exist so that timing does not reveal user names.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def validate_new_password(password: str) -> str | None:
    """A reason the password is unacceptable, or None."""
    if len(password) < 8:
        return "at least 8 characters"
    if len(password) > 256:
        return "at most 256 characters"
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request or WebSocket."""

    user_id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None
    session_id: str
    client_kind: ClientKind

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_secret(db: Session) -> bytes:
    """The token signing key, created on first use and shared by all hub processes through the database."""
    row = db.get(Setting, "token_secret")
    if row is None:
        row = Setting(key="token_secret", value=secrets.token_hex(32))
        db.add(row)
        db.flush()
    return bytes.fromhex(row.value)


class TokenSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def sign(self, claims: dict[str, object]) -> str:
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        mac = hmac.new(self._secret, body.encode(), hashlib.sha256).digest()
        return f"{body}.{_b64(mac)}"

    def verify(self, token: str, now: datetime) -> dict[str, object]:
        """Claims of a valid, unexpired token; raises ``ApiError`` 401 otherwise."""
        if len(token) > 2048 or token.count(".") != 1:
            raise unauthenticated("malformed access token")
        body, mac = token.split(".")
        try:
            expected = hmac.new(self._secret, body.encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(mac)):
                raise unauthenticated("invalid access token")
            claims = json.loads(_unb64(body))
        except (ValueError, UnicodeError):
            raise unauthenticated("malformed access token") from None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int | float):
            raise unauthenticated("malformed access token")
        if float(claims["exp"]) < now.timestamp():
            raise unauthenticated("access token expired")
        return claims


def _hash_refresh(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_info(db: Session, user: User) -> UserInfo:
    team = db.get(Team, user.team_id) if user.team_id is not None else None
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        team_id=user.team_id,
        team_name=team.name if team else None,
        locale=user.locale,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class LoginOutcome:
    tokens: TokenPair
    replaced_sessions: list[str]  # desktop sessions this sign-in took over (tell them over the socket)
    user_id: int


class Authenticator:
    def __init__(self, config: HubConfig, signer: TokenSigner) -> None:
        self.config = config
        self.signer = signer

    # -- login -----------------------------------------------------------------------------------------
    def login(
        self, db: Session, username: str, password: str, client_kind: ClientKind, device: str, client_version: str
    ) -> LoginOutcome:
        now = utcnow()
        user = db.scalar(select(User).where(User.username == username))
        if user is None:
            verify_password(_DUMMY_HASH, password)
            raise unauthenticated("wrong user name or password", ErrorCode.INVALID_CREDENTIALS)
        if user.locked_until is not None and user.locked_until > now:
            retry = int((user.locked_until - now).total_seconds()) + 1
            raise ApiError(
                423,
                ErrorCode.ACCOUNT_LOCKED,
                "too many failed sign-ins; try again later",
                details={"retry_after_s": retry},
                headers={"Retry-After": str(retry)},
            )
        if not verify_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= self.config.max_failed_logins:
                user.locked_until = now + timedelta(seconds=self.config.lockout_s)
                user.failed_logins = 0
            db.commit()
            raise unauthenticated("wrong user name or password", ErrorCode.INVALID_CREDENTIALS)
        if not user.active:
            raise ApiError(403, ErrorCode.ACCOUNT_DISABLED, "this account is disabled")
        user.failed_logins = 0
        user.locked_until = None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        replaced: list[str] = []
        if client_kind is ClientKind.DESKTOP:
            replaced = list(
                db.scalars(
                    select(AuthSession.id).where(
                        AuthSession.user_id == user.id,
                        AuthSession.client_kind == ClientKind.DESKTOP.value,
                        AuthSession.revoked_at.is_(None),
                    )
                )
            )
            if replaced:
                db.execute(
                    update(AuthSession)
                    .where(AuthSession.id.in_(replaced))
                    .values(revoked_at=now, revoked_reason="session_replaced")
                )
        session = AuthSession(
            id=str(uuid.uuid4()),
            user_id=user.id,
            client_kind=client_kind.value,
            device=device[:200],
            client_version=client_version[:32],
            created_at=now,
        )
        db.add(session)
        db.flush()
        tokens = self._issue(db, user, session, now)
        return LoginOutcome(tokens, replaced, user.id)

    def _issue(self, db: Session, user: User, session: AuthSession, now: datetime) -> TokenPair:
        access_exp = now + timedelta(seconds=self.config.access_token_ttl_s)
        refresh_exp = now + timedelta(seconds=self.config.refresh_token_ttl_s)
        access = self.signer.sign(
            {"sub": user.id, "sid": session.id, "exp": int(access_exp.timestamp()), "jti": secrets.token_hex(6)}
        )
        refresh = secrets.token_urlsafe(32)
        db.add(RefreshToken(session_id=session.id, token_hash=_hash_refresh(refresh), expires_at=refresh_exp))
        return TokenPair(
            access_token=access,
            access_expires_at=access_exp,
            refresh_token=refresh,
            refresh_expires_at=refresh_exp,
            session_id=session.id,
            user=user_info(db, user),
            min_client_version=self.config.min_client_version,
        )

    # -- refresh / logout --------------------------------------------------------------------------------
    def refresh(self, db: Session, refresh_token: str) -> TokenPair:
        now = utcnow()
        if not 16 <= len(refresh_token) <= 256:
            raise unauthenticated("invalid refresh token", ErrorCode.REFRESH_INVALID)
        row = db.scalar(select(RefreshToken).where(RefreshToken.token_hash == _hash_refresh(refresh_token)))
        if row is None:
            raise unauthenticated("invalid refresh token", ErrorCode.REFRESH_INVALID)
        session = db.get(AuthSession, row.session_id)
        if session is None or session.revoked_at is not None:
            code = ErrorCode.SESSION_REPLACED if session and session.revoked_reason == "session_replaced" else None
            raise unauthenticated("session ended", code or ErrorCode.REFRESH_INVALID)
        if row.used_at is not None:
            # Reuse of a rotated token: someone else has a copy. End the session.
            session.revoked_at = now
            session.revoked_reason = "refresh_reuse"
            db.commit()
            raise unauthenticated("refresh token already used; session revoked", ErrorCode.REFRESH_INVALID)
        if row.expires_at < now:
            raise unauthenticated("refresh token expired", ErrorCode.REFRESH_INVALID)
        user = db.get(User, session.user_id)
        if user is None or not user.active:
            raise unauthenticated("account disabled", ErrorCode.REFRESH_INVALID)
        row.used_at = now
        return self._issue(db, user, session, now)

    def logout(self, db: Session, session_id: str) -> None:
        session = db.get(AuthSession, session_id)
        if session is not None and session.revoked_at is None:
            session.revoked_at = utcnow()
            session.revoked_reason = "logout"

    # -- access ------------------------------------------------------------------------------------------
    def authenticate(self, db: Session, token: str) -> Principal:
        claims = self.signer.verify(token, utcnow())
        sid = claims.get("sid")
        uid = claims.get("sub")
        if not isinstance(sid, str) or not isinstance(uid, int):
            raise unauthenticated("malformed access token")
        session = db.get(AuthSession, sid)
        if session is None or session.user_id != uid:
            raise unauthenticated("unknown session")
        if session.revoked_at is not None:
            if session.revoked_reason == "session_replaced":
                raise unauthenticated("signed in elsewhere", ErrorCode.SESSION_REPLACED)
            raise unauthenticated("session ended")
        user = db.get(User, uid)
        if user is None or not user.active:
            raise unauthenticated("account disabled")
        return Principal(
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=Role(user.role),
            team_id=user.team_id,
            session_id=sid,
            client_kind=ClientKind(session.client_kind),
        )
