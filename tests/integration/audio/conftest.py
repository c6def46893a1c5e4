"""Fixtures for integration tests that start real programs."""

from __future__ import annotations

from tests.helpers.pulse import pulse, pulse_server

__all__ = ["pulse", "pulse_server"]
