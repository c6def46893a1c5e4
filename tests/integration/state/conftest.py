"""Fixtures for the agent-state integration tests: the real hub (SQLite), Kamailio and baresip."""

from tests.helpers.hub import hub_sqlite, hub_template  # noqa: F401
from tests.helpers.kamailio import kamailio_lab  # noqa: F401
