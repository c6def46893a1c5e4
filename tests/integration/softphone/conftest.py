"""Fixtures for the softphone integration tests: the Kamailio lab and an agent softphone process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.agent import AgentProcess
from tests.helpers.kamailio import kamailio_lab

__all__ = ["agent", "kamailio_lab"]


@pytest.fixture
def agent(process_log_dir: Path, tmp_path: Path) -> Iterator[AgentProcess]:
    """The agent's softphone (``SipEngine`` in its own process), playing a 700 Hz tone into calls."""
    proc = AgentProcess.start(process_log_dir / tmp_path.name, tmp_path / "agent", tone_hz=700)
    try:
        yield proc
    finally:
        code = proc.quit()
        assert code == 0, f"the agent process exited with {code}:\n{proc.log_tail()}"
