"""``SyncEngine``: the client's one connection to the hub, on its own thread with its own asyncio loop.

Thread model: every public method may be called from any thread; it schedules work on the engine's loop with
``asyncio.run_coroutine_threadsafe`` and returns a ``concurrent.futures.Future``. Listener and subscriber callbacks run
on the network thread and must not block (``app.sync_bridge.SyncBridge`` forwards them to the GUI thread). The cache
and the outbox are touched only on the network thread. REST calls run through ``requests`` in
``asyncio.to_thread`` (one ``Session`` per worker thread), the live push through ``websockets``.

Session life: ``login()`` (or ``resume()`` with the refresh token from the keyring) opens the user's cache at once, so
the panel fills before the hub answers, then keeps one WebSocket up: ``Hello(last_seq)`` → ``Welcome`` → replayed
events, or ``resync_required`` → full refetch. Heartbeat pings every ``HEARTBEAT_INTERVAL_S``; a silent connection
is dropped and redialled with jittered exponential backoff. Edits always go through the outbox (online too), so an
edit made offline and one made online take the same path and are applied exactly once (idempotency keys).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import hashlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import requests
import websockets
from websockets.asyncio.client import ClientConnection

from app import protocol as proto
from app.sync import api
from app.sync.cache import LocalCache, SealedTicketRow
from app.sync.codec import ticket_from_wire
from app.sync.crypto import CacheCipher, SecretStore
from app.sync.errors import SyncError, SyncErrorKind
from app.sync.events import (
    CacheRebuilt,
    CacheWritten,
    ConflictRaised,
    ConnectionChanged,
    ConnectionState,
    DataSource,
    HubEvent,
    KbChanged,
    MalformedSkipped,
    OpRejected,
    OutboxChanged,
    ScreenPop,
    SessionEnded,
    SessionStarted,
    SyncEvent,
    SyncProgress,
    TicketChanged,
    TicketDetailLoaded,
    TicketReplaced,
    TicketsReset,
)
from app.sync.outbox import OpKind, OpState, Outbox, OutboxOp
from app.sync.seqs import PushPosition
from app.sync.tls import SiteTLSAdapter, make_ssl_context
from app.version import __version__

log = logging.getLogger(__name__)

_T = TypeVar("_T")

Listener = Callable[[SyncEvent], None]
Subscriber = Callable[[HubEvent], None]


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """Where the hub is and how patient to be with it."""

    hub_url: str  # e.g. "https://hub.example.cn:8443"
    data_dir: Path  # the cache and outbox files live here
    ca_file: Path | None = None  # site CA bundle; None → the OS trust store (truststore)
    device: str = ""
    request_timeout_s: float = 10.0
    screen_pop_timeout_s: float = 0.8  # after this the cached screen pop stands alone
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 30.0
    heartbeat_interval_s: float = proto.HEARTBEAT_INTERVAL_S
    page_size: int = 500  # GET /tickets pages (older hubs without /sync/tickets)
    sync_page_size: int = 2000  # GET /sync/tickets keyset pages (full sync; pipelined with checking)
    client_version: str = __version__


@dataclass
class _Session:
    username: str
    account: str  # keyring account: "user@hub"
    user: proto.UserInfo | None = None
    access_token: str | None = None
    access_expires: datetime | None = None
    session_id: str = ""


class SyncEngine:
    """The network thread. Build one per application (composition root) and ``start()`` it."""

    def __init__(self, config: SyncConfig, secrets: SecretStore) -> None:
        self.config = config
        self._secrets = secrets
        self._configure_hub(config.hub_url)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_loop, name="agentdesk-sync", daemon=True)
        self._http_local = threading.local()
        self._listeners: list[Listener] = []
        self._subscribers: list[tuple[frozenset[str] | None, Subscriber]] = []
        self._lock = threading.Lock()  # guards the two lists above
        self._state = ConnectionState.SIGNED_OUT
        self._session: _Session | None = None
        self._cache: LocalCache | None = None
        self._outbox: Outbox | None = None
        self._pos = PushPosition()  # which pushes are processed (robust to out-of-order delivery)
        self._ws_task: asyncio.Task[None] | None = None
        self._ws: ClientConnection | None = None
        self._kick: asyncio.Event | None = None
        self._flush_lock: asyncio.Lock | None = None
        self._refresh_lock: asyncio.Lock | None = None
        self._local_ids = 0
        self._stopped = False
        self._tasks: set[asyncio.Task[None]] = set()

    def _configure_hub(self, hub_url: str) -> None:
        """Point the engine at ``hub_url`` (only between sessions)."""
        self._hub_url = hub_url.rstrip("/")
        self._ssl = make_ssl_context(self.config.ca_file) if self._hub_url.startswith("https") else None
        self._base = self._hub_url + proto.API_PREFIX
        ws = self._hub_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        self._ws_url = ws + proto.WS_PATH
        self._http_local = threading.local()  # sessions are bound to the old TLS context

    @property
    def hub_url(self) -> str:
        return self._hub_url

    # ============================================================================================ lifecycle
    def start(self) -> None:
        self._thread.start()

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._kick = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._refresh_lock = asyncio.Lock()
        self._loop.run_forever()
        # The worker threads of ``asyncio.to_thread`` (REST calls) end with the engine, not some time after it.
        with contextlib.suppress(RuntimeError):
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
        self._loop.close()

    def stop(self, timeout: float = 5.0) -> None:
        """Close the connection and the files, then end the thread. Safe to call twice."""
        if self._stopped or not self._thread.is_alive():
            self._stopped = True
            return
        self._stopped = True
        with contextlib.suppress(concurrent.futures.TimeoutError, RuntimeError):
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)

    async def _shutdown(self) -> None:
        await self._end_session(ConnectionState.SIGNED_OUT)
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Start a background task on the loop and keep a reference (asyncio only keeps weak ones)."""
        task = self._loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _submit(self, coro: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        if self._stopped or not self._thread.is_alive():  # stopped, or never started: the loop would never run it
            # A late timer or signal after stop() (the application is quitting): fail the request like an unreachable
            # hub instead of raising "Event loop is closed" in the caller's (GUI) thread.
            coro.close()
            failed: concurrent.futures.Future[_T] = concurrent.futures.Future()
            failed.set_exception(SyncError(SyncErrorKind.NETWORK, "the hub connection is stopped"))
            return failed
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def _signed_in(self) -> bool:
        return self._session is not None

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def user(self) -> proto.UserInfo | None:
        return self._session.user if self._session else None

    # ============================================================================================ observers
    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Receive every ``SyncEvent`` (network thread). Returns a function that removes the listener."""
        with self._lock:
            self._listeners.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return remove

    def subscribe(self, types: Iterable[str] | None, callback: Subscriber) -> Callable[[], None]:
        """Receive raw hub pushes of the given ``EventType`` values (None: all), parsed, on the network thread."""
        entry = (frozenset(str(t) for t in types) if types is not None else None, callback)
        with self._lock:
            self._subscribers.append(entry)

        def remove() -> None:
            with self._lock:
                if entry in self._subscribers:
                    self._subscribers.remove(entry)

        return remove

    def _emit(self, event: SyncEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("sync listener %r failed on %s", listener, type(event).__name__)

    def _publish(self, event: HubEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for types, callback in subscribers:
            if types is None or event.type in types:
                try:
                    callback(event)
                except Exception:
                    log.exception("hub subscriber %r failed on %s", callback, event.type)

    def _set_state(
        self, state: ConnectionState, error: SyncErrorKind | None = None, detail: str = "", retry: float | None = None
    ) -> None:
        if state is self._state and error is None and retry is None:
            return
        self._state = state
        log.info("hub connection: %s%s", state.value, f" ({error.value}: {detail})" if error else "")
        self._emit(ConnectionChanged(state, error, detail, retry))

    # ============================================================================================ HTTP
    def _http(self) -> requests.Session:
        session: requests.Session | None = getattr(self._http_local, "session", None)
        if session is None:
            session = requests.Session()
            if self._ssl is not None:
                session.mount("https://", SiteTLSAdapter(self._ssl))
            session.headers[proto.CLIENT_VERSION_HEADER] = self.config.client_version
            self._http_local.session = session
        return session

    def _blocking_request(
        self,
        method: str,
        path: str,
        body: object,
        params: dict[str, Any] | None,
        headers: dict[str, str],
        timeout: float,
        decode: Callable[[Any], Any] | None = None,
    ) -> tuple[int, Any]:
        try:
            resp = self._http().request(
                method,
                self._base + path,
                data=None if body is None else json.dumps(body, ensure_ascii=False).encode(),
                params=params,
                headers={"Content-Type": "application/json", **headers},
                timeout=timeout,
            )
        except requests.exceptions.SSLError as exc:
            raise SyncError(SyncErrorKind.TLS, f"TLS verification failed: {exc}") from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise SyncError(SyncErrorKind.NETWORK, f"{type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise SyncError(SyncErrorKind.NETWORK, str(exc)) from exc
        if not resp.content:
            return resp.status_code, None
        try:
            data = resp.json()
        except ValueError:
            if resp.status_code >= 500:
                return resp.status_code, None
            raise SyncError(  # noqa: B904 - the JSON error is noise; the status says what matters
                SyncErrorKind.MALFORMED, f"{method} {path}: answer is not JSON", status=resp.status_code
            )
        if decode is not None and resp.status_code < 400:
            data = decode(data)  # heavy checking of big answers stays off the engine's loop
        return resp.status_code, data

    async def _call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        auth: bool = True,
        timeout: float | None = None,
        decode: Callable[[Any], Any] | None = None,
    ) -> Any:
        """One REST call; refreshes the access token once on 401. Raises ``SyncError``.

        ``decode`` (if given) turns a successful answer's JSON into the result on the worker thread that made the
        request, so parsing a large answer never holds up the loop (pushes, heartbeats)."""
        for attempt in (1, 2):
            headers: dict[str, str] = {}
            if auth:
                headers["Authorization"] = f"Bearer {await self._access_token()}"
            if idempotency_key:
                headers[proto.IDEMPOTENCY_HEADER] = idempotency_key
            status, data = await asyncio.to_thread(
                self._blocking_request,
                method,
                path,
                body,
                params,
                headers,
                timeout or self.config.request_timeout_s,
                decode,
            )
            if status < 400:
                return data
            error = _error_from(status, data, f"{method} {path}")
            if auth and attempt == 1 and error.code == proto.ErrorCode.UNAUTHENTICATED.value and self._session:
                self._session.access_token = None  # expired early (clock skew, hub restart): refresh and retry
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    async def _access_token(self) -> str:
        session = self._session
        if session is None:
            raise SyncError(SyncErrorKind.AUTH, "not signed in")
        assert self._refresh_lock is not None
        async with self._refresh_lock:
            now = datetime.now(UTC)
            if session.access_token and session.access_expires and session.access_expires - now > timedelta(seconds=30):
                return session.access_token
            await self._refresh(session)
            assert session.access_token is not None
            return session.access_token

    async def _refresh(self, session: _Session) -> None:
        refresh = await asyncio.to_thread(self._secret_get, "refresh-token:" + session.account)
        if not refresh:
            raise SyncError(SyncErrorKind.AUTH, "no saved session")
        try:
            data = await self._call("POST", api.REFRESH, proto.to_wire(proto.RefreshRequest(refresh)), auth=False)
        except SyncError as exc:
            if exc.kind is SyncErrorKind.AUTH:
                await asyncio.to_thread(self._secret_delete, "refresh-token:" + session.account)
            raise
        await self._adopt_tokens(session, _parse(proto.TokenPair, data, "refresh"))

    async def _adopt_tokens(self, session: _Session, pair: proto.TokenPair) -> None:
        # The refresh token rotates on every use: save the new one before anything else can fail.
        await asyncio.to_thread(self._secret_set, "refresh-token:" + session.account, pair.refresh_token)
        session.access_token = pair.access_token  # memory only
        session.access_expires = pair.access_expires_at
        session.session_id = pair.session_id
        session.user = pair.user
        if self._cache is not None:
            self._cache.set_meta("user_info", proto.dumps(pair.user))

    def _secret_get(self, name: str) -> str | None:
        try:
            return self._secrets.get_secret(name)
        except Exception as exc:  # keyring backends raise their own types
            raise SyncError(SyncErrorKind.NO_KEYRING, type(exc).__name__) from exc

    def _secret_set(self, name: str, value: str) -> None:
        try:
            self._secrets.set_secret(name, value)
        except Exception as exc:
            raise SyncError(SyncErrorKind.NO_KEYRING, type(exc).__name__) from exc

    def _secret_delete(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self._secrets.delete_secret(name)

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> concurrent.futures.Future[Any]:
        """An authorised REST call (path relative to ``/api/v1``) for other parts of the client (e.g. agent state).

        ``body`` may be a protocol dataclass or plain JSON values. The future raises ``SyncError``."""
        return self._submit(
            self._call(method, path, proto.to_wire(body), params=params, idempotency_key=idempotency_key)
        )

    def send(self, kind: proto.ControlType, payload: object) -> concurrent.futures.Future[bool]:
        """Send a frame on the WebSocket; the future says whether it went out (False while offline)."""

        async def go() -> bool:
            ws = self._ws
            if ws is None:
                return False
            try:
                await ws.send(proto.make_envelope(kind, payload))
            except websockets.ConnectionClosed:
                return False
            return True

        return self._submit(go())

    # ============================================================================================ session
    def _account(self, username: str) -> str:
        return f"{username}@{self._hub_url}"

    def login(
        self, username: str, password: str, hub_url: str | None = None
    ) -> concurrent.futures.Future[proto.UserInfo]:
        """Sign in (to ``hub_url`` if given, else the configured hub); on success the refresh token goes to the
        keyring and the live connection starts."""
        return self._submit(self._login(username, password, hub_url))

    async def _login(self, username: str, password: str, hub_url: str | None = None) -> proto.UserInfo:
        if self._session is not None:
            await self._end_session(ConnectionState.SIGNED_OUT)
        if hub_url and hub_url.rstrip("/") != self._hub_url:
            self._configure_hub(hub_url)
        self._set_state(ConnectionState.CONNECTING)
        request = proto.LoginRequest(
            username=username, password=password, client_version=self.config.client_version, device=self.config.device
        )
        try:
            data = await self._call("POST", api.LOGIN, proto.to_wire(request), auth=False)
        except SyncError as exc:
            self._set_state(ConnectionState.SIGNED_OUT, exc.kind, str(exc))
            raise
        session = _Session(username=username, account=self._account(username))
        pair = _parse(proto.TokenPair, data, "login")
        self._session = session
        await self._open_local(session)
        await self._adopt_tokens(session, pair)
        assert session.user is not None
        self._emit(SessionStarted(session.user, offline=False))
        self._start_ws()
        return session.user

    def resume(self, username: str, hub_url: str | None = None) -> concurrent.futures.Future[proto.UserInfo | None]:
        """Continue the last session with the refresh token in the keyring, offline-first.

        The cache opens and the panel fills at once; the future resolves to the user from the cache (or None when
        there is no saved session). Reaching the hub happens in the background: if the saved session turns out to be
        revoked, a ``ConnectionChanged(AUTH_REQUIRED)`` follows."""
        return self._submit(self._resume(username, hub_url))

    async def _resume(self, username: str, hub_url: str | None = None) -> proto.UserInfo | None:
        if hub_url and hub_url.rstrip("/") != self._hub_url and self._session is None:
            self._configure_hub(hub_url)
        account = self._account(username)
        if not await asyncio.to_thread(self._secret_get, "refresh-token:" + account):
            return None
        if self._session is not None:
            await self._end_session(ConnectionState.SIGNED_OUT)
        session = _Session(username=username, account=account)
        self._session = session
        self._set_state(ConnectionState.CONNECTING)
        await self._open_local(session)
        assert self._cache is not None
        raw_user = self._cache.get_meta("user_info")
        if raw_user:
            with contextlib.suppress(proto.ProtocolError):
                session.user = proto.loads(proto.UserInfo, raw_user)
        if session.user is not None:
            self._emit(SessionStarted(session.user, offline=True))
        self._start_ws()
        return session.user

    def logout(self) -> concurrent.futures.Future[None]:
        """Sign out: revoke the refresh token on the hub (best effort) and forget it. The outbox is kept."""
        return self._submit(self._logout())

    async def _logout(self) -> None:
        session = self._session
        if session is None:
            return
        refresh = await asyncio.to_thread(self._secret_get, "refresh-token:" + session.account)
        with contextlib.suppress(SyncError):
            await self._call("POST", api.LOGOUT, proto.to_wire(proto.LogoutRequest(refresh)), timeout=3.0)
        await asyncio.to_thread(self._secret_delete, "refresh-token:" + session.account)
        await self._end_session(ConnectionState.SIGNED_OUT)

    async def _end_session(self, state: ConnectionState) -> None:
        task, self._ws_task = self._ws_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._outbox is not None:
            self._outbox.close()
            self._outbox = None
        self._session = None
        self._set_state(state)

    async def _open_local(self, session: _Session) -> None:
        """Open the user's cache and outbox (keys from the keyring) and show what the cache holds."""
        key_name = "cache-key:" + session.account
        try:
            cipher, is_new = await asyncio.to_thread(CacheCipher.from_store, self._secrets, key_name)
        except SyncError:
            raise
        stem = hashlib.sha256(session.account.encode()).hexdigest()[:16]
        cache_path = self.config.data_dir / f"cache-{stem}.sqlite3"
        outbox_path = self.config.data_dir / f"outbox-{stem}.sqlite3"
        self._cache = await asyncio.to_thread(
            LocalCache.open, cache_path, cipher, user=session.account, key_is_new=is_new
        )
        self._outbox = Outbox(outbox_path, cipher)
        self._pos = PushPosition(self._cache.last_seq, self._cache.seen_seqs)
        if self._cache.rebuilt_reason is not None:
            self._emit(CacheRebuilt(self._cache.rebuilt_reason))
        self._emit_snapshot(DataSource.CACHE)
        self._emit_outbox()

    # ============================================================================================ snapshot + overlay
    def _emit_snapshot(self, source: DataSource, tickets: dict[int, proto.Ticket] | None = None) -> None:
        """Show every ticket (``tickets``, or what the cache holds) with the queued edits on top."""
        assert self._cache is not None
        assert self._outbox is not None
        if tickets is None:
            tickets = {t.id: t for t in self._cache.tickets()}
        pending: set[int] = set()
        for op in self._outbox.all():
            if op.state is OpState.REJECTED:
                continue
            if op.kind is OpKind.CREATE_TICKET:
                local = self._local_ticket(op)
                if local is not None:
                    tickets[local.id] = local
                    pending.add(local.id)
            elif op.kind is OpKind.UPDATE_TICKET and _int_id(op.target) in tickets:
                tid = _int_id(op.target)
                tickets[tid] = _apply_update(tickets[tid], op.payload)
                pending.add(tid)
        self._emit(TicketsReset(tuple(tickets.values()), source, frozenset(pending)))

    def _local_ticket(self, op: OutboxOp) -> proto.Ticket | None:
        """A placeholder row for a ticket created while offline (negative id until the hub assigns one)."""
        try:
            create = proto.from_wire(proto.TicketCreate, op.payload)
        except proto.ProtocolError:
            return None
        user = self._session.user if self._session else None
        created = datetime.fromtimestamp(op.created_at, UTC)
        phone: str | None = None
        if create.customer_phone:
            with contextlib.suppress(proto.PhoneError):
                phone = proto.normalize_phone(create.customer_phone)
        return proto.Ticket(
            id=_int_id(op.target),
            number="",
            subject=create.subject,
            description=create.description,
            customer_name=create.customer_name,
            customer_phone=phone,
            category=create.category,
            priority=create.priority,
            status=proto.TicketStatus.NEW,
            assignee_id=user.id if user else None,
            assignee_name=user.display_name if user else None,
            team_id=(user.team_id or 0) if user else 0,
            sla_due=None,
            custom_fields=dict(create.custom_fields),
            linked_call_ids=list(create.linked_call_ids),
            created_by=user.id if user else 0,
            created_at=created,
            updated_at=created,
            version=0,
        )

    def _emit_outbox(self) -> None:
        if self._outbox is None:
            return
        ops = self._outbox.all()
        self._emit(
            OutboxChanged(
                pending=sum(op.state is OpState.PENDING for op in ops),
                conflicts=sum(op.state is OpState.CONFLICT for op in ops),
                rejected=sum(op.state is OpState.REJECTED for op in ops),
            )
        )

    # ============================================================================================ WebSocket
    def _start_ws(self) -> None:
        if self._ws_task is None or self._ws_task.done():
            self._ws_task = self._spawn(self._ws_main())

    def reconnect_now(self) -> None:
        """Skip the backoff wait (e.g. the network came back, or the agent pressed "retry")."""

        def kick() -> None:
            if self._kick is not None:
                self._kick.set()

        self._loop.call_soon_threadsafe(kick)

    async def _ws_main(self) -> None:
        attempt = 0
        assert self._kick is not None
        while self._session is not None:
            try:
                await self._ws_session()
                attempt = 0  # a clean close after a good session: come back quickly
                error: SyncError | None = None
            except SyncError as exc:
                error = exc
            except (OSError, TimeoutError, websockets.InvalidHandshake, websockets.ConnectionClosed) as exc:
                error = SyncError(SyncErrorKind.NETWORK, f"{type(exc).__name__}: {exc}")
            except proto.ProtocolError as exc:
                error = SyncError(SyncErrorKind.MALFORMED, str(exc))
            except Exception as exc:  # a bug must not end live sync for the rest of the shift: log it, reconnect
                log.exception("hub connection failed unexpectedly")
                error = SyncError(SyncErrorKind.SERVER, f"{type(exc).__name__}: {exc}")
            finally:
                self._ws = None
            if not self._signed_in():
                return
            if error is not None and error.kind in (
                SyncErrorKind.AUTH,
                SyncErrorKind.SESSION_TAKEN_OVER,
                SyncErrorKind.CLIENT_TOO_OLD,
            ):
                self._emit(SessionEnded(error.kind, str(error)))
                self._set_state(ConnectionState.AUTH_REQUIRED, error.kind, str(error))
                return
            ceiling = min(self.config.reconnect_max_s, self.config.reconnect_min_s * (2**attempt))
            delay = random.uniform(ceiling / 2, ceiling)  # equal jitter: no thundering herd after a hub restart
            attempt = min(attempt + 1, 16)
            self._set_state(ConnectionState.OFFLINE, error.kind if error else None, str(error or "closed"), retry=delay)
            self._kick.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), delay)

    async def _ws_session(self) -> None:
        token = await self._access_token()
        # A cache that has been connected before knows its position, even 0 (nothing had happened yet).
        known = self._cache is not None and self._cache.get_meta("seq_known") == "1"
        # Resume from the floor: the hub may repeat events seen above it (skipped), never leave one out.
        hello = proto.Hello(client_version=self.config.client_version, last_seq=self._pos.floor if known else None)
        async with websockets.connect(
            self._ws_url,
            ssl=self._ssl,
            additional_headers={
                "Authorization": f"Bearer {token}",
                proto.CLIENT_VERSION_HEADER: self.config.client_version,
            },
            open_timeout=self.config.request_timeout_s,
            ping_interval=None,  # the protocol's own ping/pong is the heartbeat the hub counts
            close_timeout=2,
            max_size=8 * 1024 * 1024,
        ) as ws:
            await ws.send(proto.make_envelope(proto.ControlType.HELLO, hello))
            first = await asyncio.wait_for(ws.recv(), self.config.request_timeout_s)
            env = proto.parse_envelope(first)
            if env.type == proto.ControlType.ERROR.value:
                raise _error_from_body(env.payload, 401, "websocket hello")
            if env.type != proto.ControlType.WELCOME.value:
                raise SyncError(SyncErrorKind.MALFORMED, f"expected welcome, got {env.type[:40]!r}")
            welcome = proto.from_wire(proto.Welcome, env.payload, "payload")
            self._ws = ws
            if self._session is not None:
                self._session.user = welcome.user
            assert self._cache is not None
            needs_full = self._cache.get_meta("synced") != "1" or (
                welcome.replay_from is None and welcome.head_seq < self._pos.highest  # the hub's database was replaced
            )
            if needs_full:
                # When the hub replays what we missed, the replayed events move last_seq on (subscribers such as
                # agent state need them); otherwise the snapshot stands for everything up to head_seq.
                await self._try_full_sync(None if welcome.replay_from is not None else welcome.head_seq)
            if self._cache is not None:
                if not known:
                    self._cover(welcome.head_seq)  # a fresh start: nothing before head is replayed to us
                self._cache.set_meta("seq_known", "1")
            self._set_state(ConnectionState.ONLINE)
            last_frame = time.monotonic()
            heartbeat = asyncio.create_task(self._heartbeat(ws, lambda: last_frame))
            self._spawn(self._flush_outbox())
            self._spawn(self._refresh_categories())
            try:
                async for raw in ws:
                    last_frame = time.monotonic()
                    await self._on_frame(raw)
            finally:
                heartbeat.cancel()
            code = ws.close_code
            if code == proto.WsCloseCode.SESSION_TAKEN_OVER:
                raise SyncError(SyncErrorKind.SESSION_TAKEN_OVER, "signed in elsewhere")
            if code == proto.WsCloseCode.SESSION_REVOKED:
                raise SyncError(SyncErrorKind.AUTH, "session revoked")
            if code == proto.WsCloseCode.CLIENT_TOO_OLD:
                raise SyncError(SyncErrorKind.CLIENT_TOO_OLD, "client too old")
            if code == proto.WsCloseCode.UNAUTHENTICATED and self._session is not None:
                self._session.access_token = None  # refresh before the next attempt

    async def _heartbeat(self, ws: ClientConnection, last_frame: Callable[[], float]) -> None:
        interval = self.config.heartbeat_interval_s
        while True:
            await asyncio.sleep(interval)
            if time.monotonic() - last_frame() > 2 * interval + 5:
                log.warning("hub silent for %.0f s: reconnecting", time.monotonic() - last_frame())
                await ws.close(code=1001, reason="heartbeat timeout")
                return
            with contextlib.suppress(websockets.ConnectionClosed):
                await ws.send(proto.make_envelope(proto.ControlType.PING, proto.Ping(client_time=datetime.now(UTC))))
            if self._pos.settle():
                self._save_position()

    async def _on_frame(self, raw: str | bytes) -> None:
        try:
            env = proto.parse_envelope(raw)
        except proto.ProtocolError as exc:
            self._skip("push", str(exc))
            return
        if env.seq is None:
            await self._on_control(env)
            return
        if not self._pos.is_new(env.seq):
            return  # already processed: a replay overlapping live delivery, or the hub repeating itself
        try:
            payload = proto.envelope_payload(env)
        except proto.ProtocolError as exc:
            if exc.kind is proto.ProtocolErrorKind.UNKNOWN_MESSAGE:
                log.debug("push type %r from a newer hub ignored", env.type[:40])
            else:
                self._skip(f"push {env.type[:40]} #{env.seq}", str(exc))
            self._mark(env.seq)
            return
        if isinstance(payload, proto.Ticket):
            self._apply_ticket(payload, seq=env.seq)
        else:
            self._mark(env.seq)
            if isinstance(payload, proto.TicketNote):
                self._spawn(self._refresh_detail_quietly(payload.ticket_id))
            elif isinstance(payload, proto.KbChange):
                self._emit(KbChanged(payload))
                self._spawn(self._refresh_article_quietly(payload))
        self._publish(HubEvent(env.type, env.seq, payload, env.ts))

    async def _on_control(self, env: proto.Envelope) -> None:
        try:
            payload = proto.envelope_payload(env)
        except proto.ProtocolError as exc:
            if exc.kind is not proto.ProtocolErrorKind.UNKNOWN_MESSAGE:
                self._skip(f"control {env.type[:40]}", str(exc))
            return
        if isinstance(payload, proto.ResyncRequired):
            log.info("hub asks for a full resync (%s)", payload.reason)
            await self._try_full_sync(payload.head_seq)
        elif isinstance(payload, proto.SessionTakenOver):
            raise SyncError(SyncErrorKind.SESSION_TAKEN_OVER, payload.new_session_device)

    def _skip(self, where: str, detail: str) -> None:
        log.warning("malformed %s skipped: %s", where, detail)
        self._emit(MalformedSkipped(where, detail))

    def _mark(self, seq: int) -> None:
        """Push ``seq`` is processed (nothing else to store with it)."""
        self._pos.mark(seq)
        self._save_position()

    def _cover(self, head: int) -> None:
        """Everything up to ``head`` is accounted for (a snapshot as of ``head``, or a fresh start)."""
        self._pos.cover(head)
        self._save_position()

    def _save_position(self) -> None:
        if self._cache is not None:
            self._cache.set_position(self._pos.floor, self._pos.seen)

    def _apply_ticket(self, ticket: proto.Ticket, *, seq: int | None = None) -> None:
        cache = self._cache
        if cache is None:
            return
        current = cache.ticket(ticket.id)
        if seq is not None:
            self._pos.mark(seq)
        if current is not None and current.version > ticket.version:
            if seq is not None:
                self._save_position()
            return  # stale (a replayed event older than what a full sync already gave us)
        cache.upsert_tickets([ticket], last_seq=self._pos.floor if seq is not None else None, seen=self._pos.seen)
        shown, pending = self._overlay(ticket)
        self._emit(TicketChanged(shown, pending=pending))

    def _overlay(self, ticket: proto.Ticket) -> tuple[proto.Ticket, bool]:
        """The ticket as the agent should see it: the hub's version with our queued edits on top."""
        if self._outbox is None:
            return ticket, False
        pending = False
        for op in self._outbox.all():
            if op.kind is OpKind.UPDATE_TICKET and op.state is not OpState.REJECTED and op.target == str(ticket.id):
                ticket = _apply_update(ticket, op.payload)
                pending = True
        return ticket, pending

    async def _try_full_sync(self, head_seq: int | None) -> None:
        """A full sync that does not take the live connection down with it: other subscribers (agent state)
        keep their pushes; the tickets are refetched on the next connection."""
        try:
            await self._full_sync(head_seq)
        except SyncError as exc:
            if exc.kind in (SyncErrorKind.AUTH, SyncErrorKind.SESSION_TAKEN_OVER):
                raise
            if exc.kind is SyncErrorKind.NOT_FOUND:
                log.info("this hub has no ticket service (%s)", exc)  # an older hub: agent state still works
            else:
                log.warning("full ticket sync failed (%s): the cached tickets stay on screen", exc)
            if head_seq is not None:
                self._cover(head_seq)

    async def _full_sync(self, head_seq: int | None) -> None:
        """Refetch every visible ticket; ``head_seq`` (if given) becomes the last processed sequence.

        ``GET /sync/tickets`` in keyset pages (gzip), pipelined: while the hub builds the next page, a worker thread
        checks the last one. The panel gets the tickets as soon as the last page is checked; sealing them for the
        cache happens on a worker thread afterwards and the write is one transaction. Pushes wait until the cache is
        written (they are processed after this returns), so none can be lost or overwritten by the snapshot."""
        cache = self._cache
        assert cache is not None
        self._emit(SyncProgress(0, None))
        try:
            try:
                fetched = await self._fetch_all_tickets()
            except SyncError as exc:
                if exc.kind is not SyncErrorKind.NOT_FOUND:
                    raise
                log.info("this hub has no bulk ticket sync (%s): paging through %s", exc, api.TICKETS)
                fetched = await self._fetch_ticket_pages()
        except BaseException:
            self._emit(SyncProgress(0, None, finished=True))
            raise
        if self._cache is not cache:
            self._emit(SyncProgress(len(fetched.tickets), len(fetched.tickets), finished=True))
            return  # signed out meanwhile
        for where, detail in fetched.skipped:
            self._skip(where, detail)
        if head_seq is not None:
            self._pos.cover(head_seq)  # saved with the tickets below
        tickets = {t.id: t for t in fetched.tickets}
        # An outbox answer applied while the pages were on their way may be newer than its page: keep it.
        for tid, version in cache.versions().items():
            known = tickets.get(tid)
            if known is not None and version > known.version:
                newer = cache.ticket(tid)
                if newer is not None:
                    tickets[tid] = newer
        self._emit_snapshot(DataSource.HUB, tickets)
        self._emit(SyncProgress(len(tickets), len(tickets), finished=True))
        rows = await asyncio.to_thread(_seal_all, cache, fetched)
        if self._cache is not cache:
            return
        cache.replace_all_rows(rows, last_seq=self._pos.floor, seen=self._pos.seen)
        cache.set_meta("synced", "1")
        log.info("full sync: %d tickets, seq %s", len(tickets), self._pos.highest)
        self._emit(CacheWritten(len(rows)))

    async def _fetch_all_tickets(self) -> _Fetched:
        fetched = _Fetched()
        checking: asyncio.Future[_Fetched] | None = None
        after = offset = 0
        total: int | None = None
        try:
            while True:
                page: _RawPage = await self._call(
                    "GET",
                    api.SYNC_TICKETS,
                    params={"after": after, "limit": self.config.sync_page_size},
                    timeout=max(self.config.request_timeout_s, 60.0),
                    decode=_decode_sync_page,
                )
                if checking is not None:
                    fetched.extend(await checking)
                checking = asyncio.ensure_future(asyncio.to_thread(_check_items, page.items, offset))
                offset += len(page.items)
                if page.total is not None:
                    total = page.total
                self._emit(SyncProgress(offset, max(total, offset) if total is not None else None))
                if page.next_after is None or page.next_after <= after:
                    break
                after = page.next_after
            fetched.extend(await checking)
            checking = None
        finally:
            if checking is not None:  # the next page failed: let the check finish, its result is dropped
                with contextlib.suppress(Exception):
                    await checking
        return fetched

    async def _fetch_ticket_pages(self) -> _Fetched:
        """The same from an older hub: offset pages of ``GET /tickets``."""
        fetched = _Fetched()
        offset = 0
        while True:
            page: _RawPage = await self._call(
                "GET",
                api.TICKETS,
                params={"offset": offset, "limit": self.config.page_size, "sort": "number"},
                decode=_decode_ticket_page,
            )
            fetched.extend(await asyncio.to_thread(_check_items, page.items, offset))
            offset += len(page.items)
            self._emit(SyncProgress(offset, max(page.total or 0, offset)))
            if not page.items or offset >= (page.total or 0):
                return fetched

    async def _refresh_categories(self) -> None:
        with contextlib.suppress(SyncError):
            data = await self._call("GET", api.CATEGORIES)
            cats = _parse_list(proto.TicketCategory, data, "categories")
            if self._cache is not None:
                self._cache.set_categories(cats)

    async def _refresh_detail_quietly(self, ticket_id: int) -> None:
        with contextlib.suppress(SyncError):
            await self._fetch_detail(ticket_id)

    async def _refresh_article_quietly(self, change: proto.KbChange) -> None:
        cache = self._cache
        if cache is None:
            return
        if change.change == "delete":
            cache.delete_article(change.id)
            return
        if cache.article(change.id) is None:
            return  # only favourites/recent/viewed articles are cached
        with contextlib.suppress(SyncError):
            data = await self._call("GET", api.article(change.id))
            article = _parse(proto.KbArticle, data, "article")
            if self._cache is not None:
                self._cache.upsert_articles([article])

    # ============================================================================================ outbox
    def create_ticket(self, create: proto.TicketCreate) -> concurrent.futures.Future[int]:
        """Queue a new ticket; the future gives its local (negative) id. It reaches the hub as soon as it can."""
        return self._submit(self._queue_create(create))

    async def _queue_create(self, create: proto.TicketCreate) -> int:
        outbox = self._need_outbox()
        self._local_ids += 1
        local_id = -int(time.time() * 1000) * 100 - self._local_ids % 100
        op = outbox.add(OpKind.CREATE_TICKET, str(local_id), proto.to_wire(create))
        local = self._local_ticket(op)
        if local is not None:
            self._emit(TicketChanged(local, pending=True))
        self._emit_outbox()
        self._spawn(self._flush_outbox())
        return local_id

    def update_ticket(self, ticket_id: int, update: proto.TicketUpdate) -> concurrent.futures.Future[str]:
        """Queue a change to a ticket (``update.version`` = the version the agent edited). Returns the op id."""
        return self._submit(self._queue_update(ticket_id, update))

    async def _queue_update(self, ticket_id: int, update: proto.TicketUpdate) -> str:
        outbox = self._need_outbox()
        op = outbox.add(OpKind.UPDATE_TICKET, str(ticket_id), proto.to_wire(update), base_version=update.version)
        if self._cache is not None:
            base = self._cache.ticket(ticket_id)
            if base is not None:
                shown, _ = self._overlay(base)
                self._emit(TicketChanged(shown, pending=True))
        self._emit_outbox()
        self._spawn(self._flush_outbox())
        return op.id

    def add_note(self, ticket_id: int, note: proto.NoteCreate) -> concurrent.futures.Future[str]:
        return self._submit(self._queue_note(ticket_id, note))

    async def _queue_note(self, ticket_id: int, note: proto.NoteCreate) -> str:
        outbox = self._need_outbox()
        op = outbox.add(OpKind.ADD_NOTE, str(ticket_id), proto.to_wire(note))
        self._emit_outbox()
        self._spawn(self._flush_outbox())
        return op.id

    def resolve_conflict(self, op_id: str, keep_mine: bool) -> concurrent.futures.Future[None]:
        """The agent's choice after a 409: re-apply their change on top of the hub's version, or drop it."""
        return self._submit(self._resolve(op_id, keep_mine))

    async def _resolve(self, op_id: str, keep_mine: bool) -> None:
        outbox = self._need_outbox()
        op = outbox.get(op_id)
        if op is None or op.state is not OpState.CONFLICT or op.server_copy is None:
            return
        theirs = _parse(proto.Ticket, op.server_copy, "conflict copy")
        if keep_mine:
            outbox.rebase(op_id, theirs.version)
        else:
            outbox.done(op_id)
        self._apply_ticket(theirs)
        self._emit_outbox()
        self._spawn(self._flush_outbox())

    def dismiss_rejected(self, op_id: str) -> concurrent.futures.Future[None]:
        async def go() -> None:
            outbox = self._need_outbox()
            op = outbox.get(op_id)
            if op is not None and op.state is OpState.REJECTED:
                outbox.done(op_id)
                if op.kind is OpKind.UPDATE_TICKET and self._cache is not None:
                    current = self._cache.ticket(_int_id(op.target))
                    if current is not None:
                        self._apply_ticket(current)
                self._emit_outbox()
                self._emit_snapshot(DataSource.CACHE)

        return self._submit(go())

    def flush(self) -> concurrent.futures.Future[None]:
        """Send what the outbox holds now (it also happens by itself on every reconnect and every edit)."""
        return self._submit(self._flush_outbox())

    def outbox_ops(self) -> concurrent.futures.Future[list[OutboxOp]]:
        async def go() -> list[OutboxOp]:
            return self._need_outbox().all()

        return self._submit(go())

    def _need_outbox(self) -> Outbox:
        if self._outbox is None:
            raise SyncError(SyncErrorKind.AUTH, "not signed in")
        return self._outbox

    async def _flush_outbox(self) -> None:
        if self._state is not ConnectionState.ONLINE or self._outbox is None:
            return
        assert self._flush_lock is not None
        async with self._flush_lock:
            blocked: set[str] = set()  # targets with an unresolved conflict: later edits on them wait
            outbox = self._outbox
            for op in outbox.all():
                if op.state is not OpState.PENDING:
                    blocked.add(op.target)
                    continue
                if op.target in blocked:
                    continue
                if not self._signed_in() or self._outbox is not outbox:
                    return  # signed out meanwhile
                outbox.mark_attempt(op.id)
                try:
                    await self._send_op(outbox, op)
                except SyncError as exc:
                    if exc.kind in (SyncErrorKind.NETWORK, SyncErrorKind.SERVER, SyncErrorKind.AUTH, SyncErrorKind.TLS):
                        outbox.mark_error(op.id, str(exc))
                        log.info("outbox: %s stays queued (%s)", op.id, exc.kind.value)
                        break  # the hub is not there (or not ours right now): keep the order, retry later
                    if exc.kind is SyncErrorKind.CONFLICT:
                        self._conflict(outbox, op, exc)
                    else:
                        outbox.mark_rejected(op.id, str(exc))
                        self._emit(
                            OpRejected(op.id, _int_id(op.target), exc.kind, exc.fields, str(exc)),
                        )
                    blocked.add(op.target)
                self._emit_outbox()

    async def _send_op(self, outbox: Outbox, op: OutboxOp) -> None:
        if op.kind is OpKind.CREATE_TICKET:
            data = await self._call("POST", api.TICKETS, op.payload, idempotency_key=op.id)
            ticket = _parse_ticket_answer(data)
            outbox.done_create(op.id, op.target, str(ticket.id))
            if self._cache is not None:
                self._cache.upsert_tickets([ticket])
            self._emit(TicketReplaced(_int_id(op.target), ticket))
        elif op.kind is OpKind.UPDATE_TICKET:
            ticket_id = _int_id(op.target)
            body = dict(op.payload)
            body["version"] = outbox.effective_version(op.target, op.base_version or 0)
            data = await self._call("PATCH", api.ticket(ticket_id), body, idempotency_key=op.id)
            ticket = _parse_ticket_answer(data)
            outbox.done_update(op.id, op.target, body["version"], ticket.version)
            self._apply_ticket(ticket)
        else:
            ticket_id = _int_id(op.target)
            known = self._cache.ticket(ticket_id) if self._cache else None
            await self._call("POST", api.ticket_notes(ticket_id), op.payload, idempotency_key=op.id)
            outbox.done(op.id)
            # A note bumps the ticket's version. When exactly one bump happened since the version we knew, it was
            # ours: later queued edits based on the older version are chained over it instead of conflicting.
            try:
                detail = await self._fetch_detail(ticket_id)
            except SyncError:
                return  # the next queued edit may then meet a 409 and go through the conflict flow: safe
            if known is not None and detail.ticket.version == known.version + 1:
                outbox.record_chain(op.target, known.version, detail.ticket.version)
            self._apply_ticket(detail.ticket)

    def _conflict(self, outbox: Outbox, op: OutboxOp, exc: SyncError) -> None:
        current = exc.details.get("current")
        try:
            theirs = proto.from_wire(proto.Ticket, current, "details.current")
        except proto.ProtocolError as perr:
            outbox.mark_rejected(op.id, f"conflict without a readable current version: {perr}")
            self._emit(OpRejected(op.id, _int_id(op.target), SyncErrorKind.MALFORMED, {}, str(perr)))
            return
        outbox.mark_conflict(op.id, proto.to_wire(theirs))
        base = self._cache.ticket(theirs.id) if self._cache else None
        if self._cache is not None and (base is None or base.version <= theirs.version):
            self._cache.upsert_tickets([theirs])
        self._emit(ConflictRaised(op.id, theirs.id, dict(op.payload), base, theirs))

    # ============================================================================================ tickets: reads
    def fetch_detail(self, ticket_id: int) -> concurrent.futures.Future[proto.TicketDetail]:
        """History and notes: the cached copy at once (``TicketDetailLoaded``), then the hub's."""
        return self._submit(self._fetch_detail(ticket_id))

    async def _fetch_detail(self, ticket_id: int) -> proto.TicketDetail:
        cache = self._cache
        pending_notes = self._pending_notes(ticket_id)
        cached = cache.detail(ticket_id) if cache else None
        if cached is not None:
            self._emit(TicketDetailLoaded(cached, DataSource.CACHE, pending_notes))
        try:
            data = await self._call("GET", api.ticket(ticket_id))
        except SyncError as exc:
            if cached is not None and exc.kind in (SyncErrorKind.NETWORK, SyncErrorKind.SERVER):
                return cached
            raise
        detail = _parse(proto.TicketDetail, data, "ticket detail")
        if self._cache is not None:
            self._cache.put_detail(detail)
        self._emit(TicketDetailLoaded(detail, DataSource.HUB, self._pending_notes(ticket_id)))
        return detail

    def _pending_notes(self, ticket_id: int) -> tuple[proto.NoteCreate, ...]:
        if self._outbox is None:
            return ()
        notes = []
        for op in self._outbox.all():
            if op.kind is OpKind.ADD_NOTE and op.target == str(ticket_id):
                with contextlib.suppress(proto.ProtocolError):
                    notes.append(proto.from_wire(proto.NoteCreate, op.payload))
        return tuple(notes)

    def categories(self) -> concurrent.futures.Future[list[proto.TicketCategory]]:
        """Ticket categories with their templates (hub, or the cached copy offline)."""

        async def go() -> list[proto.TicketCategory]:
            try:
                data = await self._call("GET", api.CATEGORIES)
            except SyncError as exc:
                if self._cache is not None and exc.kind in (SyncErrorKind.NETWORK, SyncErrorKind.SERVER):
                    return self._cache.categories()
                raise
            cats = _parse_list(proto.TicketCategory, data, "categories")
            if self._cache is not None:
                self._cache.set_categories(cats)
            return cats

        return self._submit(go())

    def check_duplicates(self, phone: str, category: str) -> concurrent.futures.Future[list[proto.Ticket]]:
        """Open tickets of the same customer and category (hub; offline: from the cache)."""

        async def go() -> list[proto.Ticket]:
            try:
                data = await self._call(
                    "GET", api.DUPLICATES, params={"phone": phone, "category": category}, timeout=3.0
                )
                return _parse(proto.DuplicateCheckResult, data, "duplicates").duplicates
            except SyncError as exc:
                if exc.kind not in (SyncErrorKind.NETWORK, SyncErrorKind.SERVER) or self._cache is None:
                    raise
                try:
                    e164 = proto.normalize_phone(phone)
                except proto.PhoneError:
                    return []
                return [
                    t
                    for t in self._cache.tickets_for_phone(e164)
                    if t.category == category and t.status in proto.OPEN_TICKET_STATUSES
                ]

        return self._submit(go())

    def suggest_category(self, text: str) -> concurrent.futures.Future[list[proto.CategorySuggestion]]:
        async def go() -> list[proto.CategorySuggestion]:
            data = await self._call(
                "POST", api.SUGGEST_CATEGORY, proto.to_wire(proto.CategorySuggestionRequest(text)), timeout=3.0
            )
            return _parse_list(proto.CategorySuggestion, data, "category suggestions")

        return self._submit(go())

    def check_compliance(self, text: str) -> concurrent.futures.Future[proto.ComplianceResult]:
        async def go() -> proto.ComplianceResult:
            data = await self._call(
                "POST", api.COMPLIANCE, proto.to_wire(proto.ComplianceCheckRequest(text)), timeout=3.0
            )
            return _parse(proto.ComplianceResult, data, "compliance")

        return self._submit(go())

    # ============================================================================================ screen pop
    def screen_pop(self, call_id: str, raw_number: str, started_at: datetime) -> concurrent.futures.Future[None]:
        """Look up an incoming caller: a ``ScreenPop`` from the cache at once, then one from the hub if it answers
        within ``screen_pop_timeout_s`` (a slow hub never delays the cached answer)."""
        return self._submit(self._screen_pop(call_id, raw_number, started_at))

    async def _screen_pop(self, call_id: str, raw_number: str, started_at: datetime) -> None:
        phone = caller_phone(raw_number)
        cache = self._cache
        if phone is None or cache is None:
            self._emit(ScreenPop(call_id, raw_number, phone, started_at, None, DataSource.CACHE))
            return
        lookup: asyncio.Task[Any] | None = None
        if self._state is ConnectionState.ONLINE:
            # Ask the hub first and read the cache while the request is on its way (a worker thread makes it).
            lookup = asyncio.ensure_future(
                asyncio.wait_for(
                    self._call("GET", api.CUSTOMER_LOOKUP, params={"phone": phone}, timeout=5.0),
                    self.config.screen_pop_timeout_s + 5.0,
                )
            )
            await asyncio.sleep(0)  # let the request start
        try:
            tickets = cache.tickets_for_phone(phone)
            tickets.sort(key=lambda t: t.updated_at, reverse=True)
            name = tickets[0].customer_name if tickets else None
            cached = proto.CustomerTickets(
                phone=phone,
                customer_name=name,
                open_tickets=[t for t in tickets if t.status in proto.OPEN_TICKET_STATUSES],
                recent_tickets=[t for t in tickets if t.status not in proto.OPEN_TICKET_STATUSES][:10],
            )
            self._emit(ScreenPop(call_id, raw_number, phone, started_at, cached, DataSource.CACHE))
        except BaseException:
            if lookup is not None:
                lookup.cancel()
            raise
        if lookup is None:
            return
        try:
            result = _parse(proto.CustomerTickets, await lookup, "customer lookup")
        except (SyncError, TimeoutError) as exc:
            log.info("screen pop: hub lookup failed (%s); the cached answer stands", exc)
            return
        self._emit(ScreenPop(call_id, raw_number, phone, started_at, result, DataSource.HUB))  # on screen first
        if self._cache is not None:
            self._cache.upsert_tickets([*result.open_tickets, *result.recent_tickets])

    # ============================================================================================ knowledge
    def search_kb(self, query: str, limit: int = 20) -> concurrent.futures.Future[proto.KbSearchResult]:
        """Full-text search on the hub; offline, a simple search over cached articles (favourites, recent)."""

        async def go() -> proto.KbSearchResult:
            try:
                # Generous timeout: the hub's first Chinese query after a start loads its segmenter (~1 s).
                data = await self._call("GET", api.KB_SEARCH, params={"q": query, "limit": limit}, timeout=10.0)
                return _parse(proto.KbSearchResult, data, "kb search")
            except SyncError as exc:
                if exc.kind not in (SyncErrorKind.NETWORK, SyncErrorKind.SERVER) or self._cache is None:
                    raise
                log.info("knowledge search offline (%s): searching the saved articles", exc)
                return offline_search(self._cache, query, limit)

        return self._submit(go())

    def suggest_kb(
        self, category: str | None, text: str, limit: int = 5
    ) -> concurrent.futures.Future[proto.KbSearchResult]:
        async def go() -> proto.KbSearchResult:
            params: dict[str, Any] = {"text": text[:500], "limit": limit}
            if category:
                params["category"] = category
            try:
                data = await self._call("GET", api.KB_SUGGEST, params=params, timeout=3.0)
                hits = _parse_list(proto.KbHit, data, "kb suggestions")
                return proto.KbSearchResult(query=text[:100], terms=[], hits=hits, total=len(hits))
            except SyncError as exc:
                if exc.kind not in (SyncErrorKind.NETWORK, SyncErrorKind.SERVER) or self._cache is None:
                    raise
                return offline_search(self._cache, category or text[:20], limit)

        return self._submit(go())

    def article(self, article_id: int) -> concurrent.futures.Future[proto.KbArticle]:
        """An article (hub first; the cached copy offline). Viewing it adds it to "recently viewed"."""

        async def go() -> proto.KbArticle:
            cache = self._cache
            try:
                data = await self._call("GET", api.article(article_id), timeout=5.0)
                article = _parse(proto.KbArticle, data, "article")
            except SyncError as exc:
                cached = cache.article(article_id) if cache else None
                if cached is None or exc.kind not in (SyncErrorKind.NETWORK, SyncErrorKind.SERVER):
                    if exc.kind is SyncErrorKind.NETWORK:
                        raise SyncError(SyncErrorKind.OFFLINE, str(exc)) from exc
                    raise
                article = cached
            if self._cache is not None:
                self._cache.upsert_articles([article])
                self._cache.touch_recent(article_id)
            return article

        return self._submit(go())

    def set_favourite(self, article_id: int, on: bool) -> concurrent.futures.Future[None]:
        async def go() -> None:
            cache = self._cache
            if cache is None:
                raise SyncError(SyncErrorKind.AUTH, "not signed in")
            if on and cache.article(article_id) is None:
                data = await self._call("GET", api.article(article_id), timeout=5.0)
                cache.upsert_articles([_parse(proto.KbArticle, data, "article")])
            cache.set_favourite(article_id, on)

        return self._submit(go())

    def favourites_and_recent(self) -> concurrent.futures.Future[tuple[list[proto.KbArticle], list[proto.KbArticle]]]:
        """Favourite and recently viewed articles, from the cache (available offline)."""

        async def go() -> tuple[list[proto.KbArticle], list[proto.KbArticle]]:
            cache = self._cache
            if cache is None:
                return [], []
            return cache.articles(cache.favourite_ids()), cache.articles(cache.recent_ids())

        return self._submit(go())

    # ============================================================================================ test support
    def run(self, coro: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        """Run a coroutine on the engine's loop (diagnostics and tests)."""
        return self._submit(coro)

    @property
    def last_seq(self) -> int:
        """The highest push processed (or covered by a full sync)."""
        return self._pos.highest


# ================================================================================================ helpers
def caller_phone(raw: str) -> str | None:
    """The E.164 number of a SIP caller id (``"Name" <sip:13800138000@host>``, ``tel:+86...``), or None."""
    text = raw.strip()
    if "<" in text and ">" in text:
        text = text[text.index("<") + 1 : text.index(">")]
    for prefix in ("sips:", "sip:", "tel:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    text = text.split("@", 1)[0].split(";", 1)[0]
    try:
        return proto.normalize_phone(text)
    except proto.PhoneError:
        return None


def offline_search(cache: LocalCache, query: str, limit: int) -> proto.KbSearchResult:
    """Search the cached articles when the hub is unreachable: every whitespace-separated term must match."""
    terms = [t for t in query.split() if t]
    hits = []
    for article in cache.search_articles(terms, limit):
        body = article.body
        pos = min((body.find(t) for t in terms if t in body), default=-1)
        start = max(pos - 30, 0) if pos >= 0 else 0
        snippet = body[start : start + 120].replace("\n", " ")
        title = article.title
        for t in terms:
            snippet = snippet.replace(t, proto.HIGHLIGHT_START + t + proto.HIGHLIGHT_END)
            title = title.replace(t, proto.HIGHLIGHT_START + t + proto.HIGHLIGHT_END)
        hits.append(
            proto.KbHit(
                id=article.id,
                title=article.title,
                category=article.category,
                tags=list(article.tags),
                updated_at=article.updated_at,
                score=0.0,
                snippet=snippet,
                title_highlighted=title,
            )
        )
    return proto.KbSearchResult(query=query, terms=terms, hits=hits, total=len(hits))


def _int_id(target: str) -> int:
    try:
        return int(target)
    except ValueError:
        return 0


def _apply_update(ticket: proto.Ticket, payload: dict[str, Any]) -> proto.Ticket:
    """Show a queued ``TicketUpdate`` on a ticket (display only; the hub computes the real result)."""
    try:
        update = proto.from_wire(proto.TicketUpdate, payload)
    except proto.ProtocolError:
        return ticket
    changes: dict[str, Any] = {}
    for name in ("subject", "description", "customer_name", "category", "priority", "status", "closing_template"):
        value = getattr(update, name)
        if value is not None:
            changes[name] = value
    if update.custom_fields:
        changes["custom_fields"] = {**ticket.custom_fields, **update.custom_fields}
    if update.add_call_ids:
        changes["linked_call_ids"] = [*ticket.linked_call_ids, *update.add_call_ids]
    return dataclasses.replace(ticket, **changes) if changes else ticket


def _parse(cls: type[_T], data: object, what: str) -> _T:
    try:
        return proto.from_wire(cls, data)
    except proto.ProtocolError as exc:
        raise SyncError(SyncErrorKind.MALFORMED, f"{what}: {exc}") from exc


def _parse_list(cls: type[_T], data: object, what: str) -> list[_T]:
    if isinstance(data, dict):  # tolerate {"items": [...]}
        data = data.get("items", data.get(next(iter(data), ""), []))
    if not isinstance(data, list):
        raise SyncError(SyncErrorKind.MALFORMED, f"{what}: expected a list")
    result = []
    for i, item in enumerate(data):
        try:
            result.append(proto.from_wire(cls, item, f"[{i}]"))
        except proto.ProtocolError as exc:
            log.warning("%s: item %d malformed, skipped: %s", what, i, exc)
    return result


@dataclass
class _RawPage:
    """One page of a full sync as received (items not checked yet)."""

    items: list[Any]
    next_after: int | None = None
    total: int | None = None


@dataclass
class _Fetched:
    """Tickets of a full sync, checked, with the wire form each was read from; and the malformed ones skipped."""

    tickets: list[proto.Ticket] = dataclasses.field(default_factory=list)
    wires: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    skipped: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def extend(self, other: _Fetched) -> None:
        self.tickets.extend(other.tickets)
        self.wires.extend(other.wires)
        self.skipped.extend(other.skipped)


def _check_items(items: list[Any], offset: int) -> _Fetched:
    """Check each ticket strictly (``ticket_from_wire``); a malformed one is skipped, never stored. Any thread."""
    out = _Fetched()
    for i, item in enumerate(items):
        try:
            ticket = ticket_from_wire(item, f"items[{offset + i}]")
        except proto.ProtocolError as exc:
            out.skipped.append(("ticket in the full sync", str(exc)))
            continue
        out.tickets.append(ticket)
        out.wires.append(item)
    return out


def _seal_all(cache: LocalCache, fetched: _Fetched) -> list[SealedTicketRow]:
    """Seal every fetched ticket for the cache (worker thread: only the thread-safe cipher is used)."""
    return [cache.seal_ticket(t, w) for t, w in zip(fetched.tickets, fetched.wires, strict=True)]


def _decode_sync_page(data: object) -> _RawPage:
    """A ``TicketSyncPage``'s shape (the tickets are checked by ``_check_items``)."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise SyncError(SyncErrorKind.MALFORMED, "ticket sync page: expected an object with items")
    next_after = data.get("next_after")
    if next_after is not None and type(next_after) is not int:
        raise SyncError(SyncErrorKind.MALFORMED, "ticket sync page: next_after is not an integer")
    total = data.get("total")  # older hubs do not send it: progress without a total
    if total is not None and (type(total) is not int or total < 0):
        raise SyncError(SyncErrorKind.MALFORMED, "ticket sync page: total is not a count")
    return _RawPage(data["items"], next_after, total)


def _decode_ticket_page(data: object) -> _RawPage:
    items, total = _ticket_page(data)
    return _RawPage(items, None, total)


def _ticket_page(data: object) -> tuple[list[Any], int]:
    """A ``TicketPage``'s items (checked one by one later) and total."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise SyncError(SyncErrorKind.MALFORMED, "ticket page: expected an object with items")
    total = data.get("total")
    if type(total) is not int:
        raise SyncError(SyncErrorKind.MALFORMED, "ticket page: total is not an integer")
    return data["items"], total


def _parse_ticket_answer(data: object) -> proto.Ticket:
    """Create/update answers carry a ``Ticket`` (or a ``TicketDetail`` wrapping one)."""
    if isinstance(data, dict) and isinstance(data.get("ticket"), dict):
        data = data["ticket"]
    return _parse(proto.Ticket, data, "ticket")


def _error_from(status: int, data: object, what: str) -> SyncError:
    return _error_from_body(data, status, what)


def _error_from_body(data: object, status: int, what: str) -> SyncError:
    try:
        body = proto.from_wire(proto.ErrorBody, data)
    except proto.ProtocolError:
        kind = SyncErrorKind.SERVER if status >= 500 else SyncErrorKind.VALIDATION
        if status == 401:
            kind = SyncErrorKind.AUTH
        return SyncError(kind, f"{what}: HTTP {status}", status=status)
    code = body.code
    kinds = {
        proto.ErrorCode.VALIDATION: SyncErrorKind.VALIDATION,
        proto.ErrorCode.MALFORMED: SyncErrorKind.VALIDATION,
        proto.ErrorCode.BODY_TOO_LARGE: SyncErrorKind.VALIDATION,
        proto.ErrorCode.IDEMPOTENCY_MISMATCH: SyncErrorKind.VALIDATION,
        proto.ErrorCode.UNSUPPORTED_MEDIA: SyncErrorKind.VALIDATION,
        proto.ErrorCode.UNAUTHENTICATED: SyncErrorKind.AUTH,
        proto.ErrorCode.INVALID_CREDENTIALS: SyncErrorKind.AUTH,
        proto.ErrorCode.REFRESH_INVALID: SyncErrorKind.AUTH,
        proto.ErrorCode.ACCOUNT_DISABLED: SyncErrorKind.AUTH,
        proto.ErrorCode.ACCOUNT_LOCKED: SyncErrorKind.LOCKED,
        proto.ErrorCode.SESSION_REPLACED: SyncErrorKind.SESSION_TAKEN_OVER,
        proto.ErrorCode.FORBIDDEN: SyncErrorKind.FORBIDDEN,
        proto.ErrorCode.NOT_FOUND: SyncErrorKind.NOT_FOUND,
        proto.ErrorCode.METHOD_NOT_ALLOWED: SyncErrorKind.VALIDATION,
        proto.ErrorCode.CONFLICT: SyncErrorKind.CONFLICT,
        proto.ErrorCode.INVALID_TRANSITION: SyncErrorKind.VALIDATION,
        proto.ErrorCode.DUPLICATE: SyncErrorKind.DUPLICATE,
        proto.ErrorCode.CLIENT_TOO_OLD: SyncErrorKind.CLIENT_TOO_OLD,
        proto.ErrorCode.RATE_LIMITED: SyncErrorKind.SERVER,
        proto.ErrorCode.INTERNAL: SyncErrorKind.SERVER,
    }
    return SyncError(
        kinds.get(code, SyncErrorKind.SERVER),
        f"{what}: {body.message}",
        status=status,
        code=code.value,
        fields={f.field: f.code for f in body.fields},
        details=body.details,
    )
