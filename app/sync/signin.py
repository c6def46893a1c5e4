"""The shell's ``SignInService`` backed by the sync engine (``app.signin`` describes the interface).

Called on a worker thread by the shell (it blocks on the engine's future); the engine does the network work on its
own thread. Errors become ``SignInError`` kinds the login dialog already knows how to show.
"""

from __future__ import annotations

import concurrent.futures

from app.signin import SignedIn, SignInError, SignInErrorKind, SignInRequest
from app.sync.engine import SyncEngine
from app.sync.errors import SyncError, SyncErrorKind

_KINDS = {
    SyncErrorKind.AUTH: SignInErrorKind.BAD_CREDENTIALS,
    SyncErrorKind.LOCKED: SignInErrorKind.BAD_CREDENTIALS,
    SyncErrorKind.NETWORK: SignInErrorKind.HUB_UNREACHABLE,
    SyncErrorKind.OFFLINE: SignInErrorKind.HUB_UNREACHABLE,
    SyncErrorKind.TLS: SignInErrorKind.TLS_FAILURE,
    SyncErrorKind.VALIDATION: SignInErrorKind.INVALID_INPUT,
}


class SyncSignIn:
    """Signs in through ``SyncEngine.login`` (which also starts the live connection and opens the cache)."""

    def __init__(self, engine: SyncEngine, timeout_s: float = 30.0) -> None:
        self._engine = engine
        self._timeout = timeout_s

    def sign_in(self, request: SignInRequest) -> SignedIn:
        future = self._engine.login(request.user, request.password, request.hub_url)
        try:
            user = future.result(self._timeout)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise SignInError(SignInErrorKind.HUB_UNREACHABLE, "no answer from the hub") from exc
        except SyncError as exc:
            raise SignInError(_KINDS.get(exc.kind, SignInErrorKind.HUB_ERROR), str(exc)) from exc
        return SignedIn(hub_url=request.hub_url, user=user.username, display_name=user.display_name)
