"""Fixtures for the audio integration tests: the private PulseAudio daemon and the Kamailio lab."""

from __future__ import annotations

import pytest

from sip.audio import native
from tests.helpers.kamailio import kamailio_lab
from tests.helpers.pulse import pulse, pulse_server
from tests.helpers.require import missing

__all__ = ["bridge_path", "kamailio_lab", "pulse", "pulse_server"]


@pytest.fixture(params=["native", "python"])
def bridge_path(request: pytest.FixtureRequest) -> list[str]:
    """Run a test on both OS sides of the bridge: the C one on libpulse and the pure-Python PortAudio one (the
    fallback where the extension is not built). The value is the agent's command-line option."""
    path = str(request.param)
    if path == "native" and not native.available():
        missing(f"{native.UNAVAILABLE_REASON}: run build_scripts/build_native.py (bootstrap does)")
    return ["--bridge-path", path]
