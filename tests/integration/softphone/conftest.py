"""Fixtures for the softphone integration tests (re-exported so pytest finds them)."""

from tests.helpers.kamailio import kamailio_lab

__all__ = ["kamailio_lab"]
