"""The hub's objects for one process, built once by ``server.app.create_app`` and passed to the routers."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from server.auth import Authenticator, TokenSigner, load_secret
from server.config import HubConfig
from server.db import is_sqlite, make_engine, make_sessionmaker
from server.push import EventBus
from server.states import StateService
from server.ticket_sync import WireCache


@dataclasses.dataclass
class HubContext:
    config: HubConfig
    engine: Engine
    sessions: sessionmaker[Session]
    bus: EventBus
    #: Read-only sessions (SQLite: never wait for the write lock); the same database as ``sessions``.
    read_sessions: sessionmaker[Session]
    auth: Authenticator
    states: StateService
    instance_id: str
    #: user id → last heartbeat (loop thread writes; flushed to the database in batches)
    seen: dict[int, Any] = dataclasses.field(default_factory=dict)
    #: every ticket's wire JSON, ready for full syncs (``server/ticket_sync.py``; warmed at start-up)
    wire_cache: WireCache = dataclasses.field(default_factory=WireCache)

    def db(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session


def build_context(config: HubConfig) -> HubContext:
    engine = make_engine(config.database_url)
    sessions = make_sessionmaker(engine)
    read_sessions = (
        make_sessionmaker(make_engine(config.database_url, read_only=True))
        if is_sqlite(config.database_url)
        else sessions
    )
    instance_id = uuid.uuid4().hex[:12]
    bus = EventBus(engine, sessions, instance_id, read_sessions=read_sessions, listen_retry_s=config.listen_retry_s)
    with sessions() as db:
        secret = load_secret(db)
        db.commit()
    auth = Authenticator(config, TokenSigner(secret))
    states = StateService(bus, config.offline_grace_s, config.offline_after_s)
    return HubContext(config, engine, sessions, bus, read_sessions, auth, states, instance_id)
