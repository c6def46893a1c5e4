"""Fixtures for the audio integration tests: the private PulseAudio daemon and the Kamailio lab."""

from __future__ import annotations

from tests.helpers.kamailio import kamailio_lab
from tests.helpers.pulse import pulse, pulse_server

__all__ = ["kamailio_lab", "pulse", "pulse_server"]
