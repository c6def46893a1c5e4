"""Fixtures for the ticket panel and knowledge pane against the real hub (shared with tests/integration/sync)."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.hub import HubProcess
from tests.helpers.require import missing
from tests.integration.sync.conftest import *  # noqa: F403 - fixtures (engines, hub_sqlite, ...)


@pytest.fixture(autouse=True)
def _hub_has_tickets(hub_sqlite: HubProcess) -> None:
    """These tests need the hub's ticket and knowledge service; a hub build without it is reported as a skip."""
    status = httpx.get(f"{hub_sqlite.api}/ticket-categories", timeout=10).status_code
    if status == 404:
        missing("this hub build has no ticket service (GET /ticket-categories → 404)")
