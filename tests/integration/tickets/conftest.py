"""Fixtures for the ticket panel and knowledge pane against the real hub (shared with tests/integration/sync)."""

from tests.integration.sync.conftest import *  # noqa: F403 - fixtures (engines, hub_sqlite, ...)
