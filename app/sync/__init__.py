"""Client-side connection to the hub: one network thread, a local encrypted cache and a persisted outbox.

Qt-free. ``SyncEngine`` owns a dedicated thread running an asyncio loop (``websockets`` for live push, ``requests``
through ``asyncio.to_thread`` for REST). Everything else in the client reaches the hub through it:

* ``engine.subscribe(types, callback)`` — raw hub events (e.g. agent state pushes) on the network thread;
* ``engine.add_listener(callback)`` — typed client events (``SyncEvent`` subclasses) on the network thread;
* ``engine.request(...)`` / ``engine.send(...)`` — REST calls and WebSocket commands, returning futures;
* ``engine.state`` — the connection state (``ConnectionState``).

GUI code never touches the engine's callbacks directly: ``app.sync_bridge.SyncBridge`` re-emits them as queued Qt
signals on the GUI thread.
"""

from app.sync.errors import SyncError, SyncErrorKind

__all__ = ["SyncError", "SyncErrorKind"]
