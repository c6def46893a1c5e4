"""Version policy against the real hub: it announces a minimum version and the site's update URL; an older client
learns both from the status endpoint and from the 426 answer to its sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app import version_policy
from app.version import __version__
from tests.helpers.hub import HubProcess, sqlite_copy

pytestmark = pytest.mark.integration
UPDATE_URL = "https://it.example.com/agentdesk/download"


@pytest.fixture
def strict_hub(hub_template: Path, tmp_path: Path, process_log_dir: Path) -> Iterator[HubProcess]:
    hub = HubProcess(
        sqlite_copy(hub_template, tmp_path),
        process_log_dir,
        name="hub-min-version",
        env={"AGENTDESK_HUB_MIN_CLIENT_VERSION": "99.0.0", "AGENTDESK_HUB_UPDATE_URL": UPDATE_URL},
    ).start()
    yield hub
    hub.stop()


def test_status_endpoint_tells_an_old_client_to_update(strict_hub: HubProcess) -> None:
    required = version_policy.fetch(strict_hub.url)
    assert required == version_policy.UpdateRequired(current=__version__, minimum="99.0.0", update_url=UPDATE_URL)


def test_sign_in_is_refused_with_the_update_url(strict_hub: HubProcess) -> None:
    response = httpx.post(
        f"{strict_hub.api}/auth/login",
        json={"username": "agent1", "password": "x", "client_kind": "desktop", "client_version": __version__},
        timeout=30,
    )
    required = version_policy.from_error_response(response.status_code, response.json())
    assert required == version_policy.UpdateRequired(current=__version__, minimum="99.0.0", update_url=UPDATE_URL)


def test_current_client_is_accepted(hub_sqlite: HubProcess) -> None:
    assert version_policy.fetch(hub_sqlite.url) is None


def test_unreachable_hub_is_a_typed_error() -> None:
    from tests.helpers.ports import free_port

    with pytest.raises(version_policy.VersionCheckError) as info:
        version_policy.fetch(f"http://127.0.0.1:{free_port()}", timeout=2)
    assert info.value.kind is version_policy.VersionCheckErrorKind.HUB_UNREACHABLE
