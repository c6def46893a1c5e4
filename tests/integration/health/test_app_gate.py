"""The health area inside the real application shell: with a SIP server configured, "Sign in" first runs the
pre-shift gate (real checks, off the GUI thread); the site policy decides whether the login dialog follows; once
signed in, the in-shift monitor runs and the gate's report goes to the hub."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.credentials import CredentialStore
from app.diagnostics import default_state_dir, read_health_report
from app.signin import SignedIn, SignInRequest
from tests.helpers.health_hub import HubStub, make_certs
from tests.helpers.hub import DEMO_PASSWORD, HubProcess
from tests.helpers.keyrings import MemoryKeyring
from tests.helpers.ports import free_port
from ui.main import Application, parse_args

pytestmark = pytest.mark.integration
HEALTH_LOGGERS = ("vpn_check", "ui.health", "app.health")


class _Hub:
    def sign_in(self, request: SignInRequest) -> SignedIn:
        return SignedIn(request.hub_url, request.user, "Agent One")


@pytest.fixture
def hub_stub(tmp_path: Path) -> Iterator[HubStub]:
    stub = HubStub(make_certs(tmp_path / "certs", ("127.0.0.1",))).start()
    yield stub
    stub.stop()


def _site(policy: str, hub: HubStub, tmp_path: Path) -> None:
    site = Path(os.environ["AGENTDESK_SITE_CONFIG_DIR"])
    site.mkdir(parents=True, exist_ok=True)
    ca = tmp_path / "certs" / "hub-ca.pem"
    (site / "agentdesk.toml").write_text(
        f'[hub]\nurl = "{hub.url()}"\nca_file = "{ca}"\n'
        f'[sip]\nserver = "127.0.0.1"\nport = {free_port("both")}\ntransport = "udp"\n'
        f"[health]\nrequire_vpn = false\nsip_via_vpn = false\nhub_via_vpn = false\n{policy}\n",
        encoding="utf-8",
    )


@pytest.fixture
def make_root(qapp: QApplication) -> Iterator[Callable[[], Application]]:
    made: list[Application] = []

    def make() -> Application:
        application = Application(
            parse_args(["--lang", "en"]), sign_in_service=_Hub(), credentials=CredentialStore(MemoryKeyring())
        )
        made.append(application)
        return application

    yield make
    for application in made:
        application.dispose()  # shutdown, then its Qt objects deleted now


def test_gate_blocks_sign_in_when_the_phone_server_is_down(
    make_root: Callable[[], Application], qtbot: QtBot, hub_stub: HubStub, tmp_path: Path
) -> None:
    _site('block_sign_in_on = ["voice.path"]', hub_stub, tmp_path)
    root = make_root()
    assert root.health.gate_required
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    root.window.action_sign_in.trigger()
    gate = root.health.gate
    assert gate is not None
    assert root.login_dialog is None  # the gate comes first
    with qtbot.waitSignal(gate.report_ready, timeout=60000) as done:
        pass
    timer.stop()
    assert ticks, "the GUI thread kept running timers while the checks ran"
    report = done.args[0]
    assert [c.value for c in report.blocking] == ["voice.path"]
    assert not gate.continue_button.isEnabled()
    assert root.login_dialog is None
    # The latest report is kept for the diagnostics bundle (written off the GUI thread).
    qtbot.waitUntil(lambda: read_health_report(default_state_dir()) is not None, timeout=10000)
    kept = read_health_report(default_state_dir())
    assert kept is not None
    assert kept["blocking"] == ["voice.path"]
    gate.reject()
    assert not root.health.gate_passed


def test_gate_passes_then_login_then_monitor_and_upload(
    qapp: QApplication, qtbot: QtBot, hub_sqlite: HubProcess, caplog: pytest.LogCaptureFixture
) -> None:
    """Against the real hub: gate → sign-in (a real hub session over app/sync) → monitor → the gate's report on the
    hub's health API. caplog: signing in also starts the softphone, whose REGISTER to the closed test SIP port logs
    errors of its own; the health area itself must log nothing at WARNING or above."""
    site = Path(os.environ["AGENTDESK_SITE_CONFIG_DIR"])
    site.mkdir(parents=True, exist_ok=True)
    (site / "agentdesk.toml").write_text(
        f'[hub]\nurl = "{hub_sqlite.url}"\n'
        f'[sip]\nserver = "127.0.0.1"\nport = {free_port("both")}\ntransport = "udp"\n'
        "[health]\nrequire_vpn = false\nsip_via_vpn = false\nhub_via_vpn = false\nblock_sign_in_on = []\n",
        encoding="utf-8",
    )
    root = Application(parse_args(["--lang", "en"]), credentials=CredentialStore(MemoryKeyring()))
    try:
        root.window.action_sign_in.trigger()
        gate = root.health.gate
        assert gate is not None
        with qtbot.waitSignal(gate.report_ready, timeout=60000):
            pass
        assert gate.continue_button.isEnabled()
        gate.continue_button.click()
        assert root.health.gate_passed
        qtbot.waitUntil(lambda: root.login_dialog is not None, timeout=5000)
        # The hub session through app/sync (the login dialog's own flow is the shell's tests' business).
        root.sync_engine.login("agent.li", DEMO_PASSWORD, hub_sqlite.url).result(timeout=30)
        request = SignInRequest(hub_sqlite.url, "agent.li", DEMO_PASSWORD)
        root._on_signed_in(request, SignedIn(hub_sqlite.url, "agent.li", "李娜"))
        qtbot.waitUntil(root.health.monitor.is_running, timeout=30000)
        supervisor = hub_sqlite.client("agent.li")

        def stored() -> bool:
            return supervisor.http.get(f"/agents/{supervisor.user['id']}/health").status_code == 200

        qtbot.waitUntil(stored, timeout=30000)
        body = supervisor.http.get(f"/agents/{supervisor.user['id']}/health").json()
        assert body["agent_name"] == "李娜"
        assert "voice.path" in {c["name"] for c in body["checks"]}
        with qtbot.waitSignal(root.health.monitor.report_updated, timeout=30000) as light:
            root.health.monitor.check_now()
        assert light.args[0].profile == "light"
        root._on_window_sign_out_requested()
        assert not root.health.monitor.is_running()
    finally:
        root.dispose()  # shutdown, then its Qt objects deleted now
    ours = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR") and r.name.startswith(HEALTH_LOGGERS)]
    assert ours == []
