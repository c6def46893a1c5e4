"""The real hub for sync and ticket-panel tests (SQLite; the hub's own tests cover PostgreSQL)."""

from __future__ import annotations

import hashlib
import queue
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.sync.crypto import MemorySecretStore
from app.sync.engine import SyncConfig, SyncEngine
from tests.helpers.hub import *  # noqa: F403 - fixtures
from tests.helpers.hub import HubProcess


class Recorder:
    """Collects the engine's events (network thread) for a test to wait on."""

    def __init__(self) -> None:
        self.events: queue.Queue[Any] = queue.Queue()
        self.seen: list[Any] = []

    def __call__(self, event: Any) -> None:
        self.events.put(event)

    def wait_for(self, kind: type[Any], timeout: float = 20.0, predicate: Callable[[Any], bool] | None = None) -> Any:
        for event in self.seen:
            if isinstance(event, kind) and (predicate is None or predicate(event)):
                self.seen.remove(event)
                return event
        while True:
            event = self.events.get(timeout=timeout)
            if isinstance(event, kind) and (predicate is None or predicate(event)):
                return event
            self.seen.append(event)

    def drain(self) -> None:
        self.seen.clear()
        while not self.events.empty():
            self.events.get_nowait()


class EngineFactory:
    def __init__(self, hub: HubProcess, base: Path) -> None:
        self.hub = hub
        self.base = base
        self.secrets = MemorySecretStore()
        self.engines: list[SyncEngine] = []

    def __call__(
        self, data: str = "client", secrets: MemorySecretStore | None = None, *, sync_page_size: int = 2000
    ) -> tuple[SyncEngine, Recorder]:
        config = SyncConfig(
            sync_page_size=sync_page_size,
            hub_url=self.hub.url,
            data_dir=self.base / data,
            reconnect_min_s=0.2,
            reconnect_max_s=1.0,
            heartbeat_interval_s=2.0,
            screen_pop_timeout_s=0.8,
        )
        engine = SyncEngine(config, secrets or self.secrets)
        recorder = Recorder()
        engine.add_listener(recorder)
        engine.subscribe(None, recorder)
        engine.start()
        self.engines.append(engine)
        return engine, recorder

    def cache_path(self, username: str, data: str = "client") -> Path:
        account = f"{username}@{self.hub.url}"
        return self.base / data / f"cache-{hashlib.sha256(account.encode()).hexdigest()[:16]}.sqlite3"

    def close(self) -> None:
        for engine in self.engines:
            engine.stop()


@pytest.fixture
def engines(hub_sqlite: HubProcess, tmp_path: Path) -> Iterator[EngineFactory]:
    factory = EngineFactory(hub_sqlite, tmp_path)
    yield factory
    factory.close()
