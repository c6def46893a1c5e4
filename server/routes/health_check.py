"""Endpoints for the agents' pre-shift health check (issue 8): a bandwidth test in both directions.

    GET  /api/v1/health/bandwidth?bytes=N  → N zero bytes (N ≤ MAX_BYTES)
    POST /api/v1/health/bandwidth          → reads the body, {"received": N}

No sign-in needed: the gate runs before the agent signs in. Sizes are capped (the POST also by the hub's body
limit), so one request costs the hub at most ~1 MB of traffic; the liveness endpoint is ``GET /api/v1/status``.
"""

# No `from __future__ import annotations`: FastAPI must evaluate the endpoint annotations.
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from server.context import HubContext

MAX_BYTES = 1_000_000
_ZEROS = bytes(MAX_BYTES)


def build_router(_ctx: HubContext) -> APIRouter:
    """The bandwidth-test routes (stateless: the context is unused)."""
    router = APIRouter(tags=["health check"])

    @router.get("/health/bandwidth", response_class=Response, responses={422: {}})
    def download(size: Annotated[int, Query(alias="bytes", ge=0, le=MAX_BYTES)] = 65536) -> Response:
        return Response(
            content=_ZEROS[:size], media_type="application/octet-stream", headers={"Cache-Control": "no-store"}
        )

    @router.post("/health/bandwidth", responses={413: {}})
    async def upload(request: Request) -> JSONResponse:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
        return JSONResponse({"received": received}, headers={"Cache-Control": "no-store"})

    return router
