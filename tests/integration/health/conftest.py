"""Fixtures for the health-check integration tests (re-exported so pytest finds them)."""

from tests.helpers.hub import hub_sqlite, hub_template
from tests.helpers.kamailio import kamailio_lab
from tests.helpers.pulse import pulse, pulse_server

__all__ = ["hub_sqlite", "hub_template", "kamailio_lab", "pulse", "pulse_server"]
