"""Fast first paint: before the main window is painted only the shell exists; the heavy libraries and the areas'
services (SIP engine, audio engine, hub connection) come after it, off the GUI thread where they can.

The client runs in a fresh interpreter (this pytest process has imported everything already), which reports what it
has imported and which threads run at the moment of the first paint, then once every area is built. Behaviour only:
no timing is asserted (bench/startup.py measures the times).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.ports import free_port

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]

# The deferred start exactly as ``main()`` runs it (areas after the first paint), seen from inside the process.
CHILD = r"""
import json, sys, threading
from PySide6.QtCore import QEvent, QObject, QTimer
from ui.main import Application, parse_args
from ui.main_window import Panel

application = Application(parse_args(["--lang", "en"]), defer_areas=True)  # the OS keyring: not used until sign-in
seen = {}


def snapshot():
    return {
        "modules": sorted(sys.modules),
        "threads": sorted(t.name for t in threading.enumerate() if t is not threading.main_thread()),
        "phone": type(application.window.panel(Panel.PHONE)).__name__,
    }


class PaintWatch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "painted" not in seen:
            seen["painted"] = snapshot()
        return False


def on_ready():
    seen["ready"] = snapshot()
    application.qapp.quit()


watch = PaintWatch()
application.window.installEventFilter(watch)
application.areas_ready.connect(on_ready)
QTimer.singleShot(60_000, application.qapp.quit)  # a bound, should the areas never be ready
application.window.show()
application.qapp.exec()
application.shutdown()
print(json.dumps(seen))
"""

# Never imported before the first paint: numerics, HTTP/WebSocket stacks, crypto, the SIP stack, audio and system
# probes, the keyring, the server's search and database libraries, and the areas' own cores.
HEAVY = (
    "numpy",
    "psutil",
    "requests",
    "urllib3",
    "websockets",
    "cryptography",
    "jieba",
    "sqlalchemy",
    "pjsua2",
    "pulsectl",
    "sounddevice",
    "keyring",
    "app.protocol",
    "app.sync",
    "app.diagnostics",
    "sip",
    "vpn_check",
)
SERVICE_THREADS = ("agentdesk-sync", "sip-engine", "audio-control", "audio-hotplug")


@pytest.fixture
def sip_site() -> None:
    """A SIP server in the site file, so the softphone (pjsua2, its thread) is among the areas built."""
    site = Path(os.environ["AGENTDESK_SITE_CONFIG_DIR"])
    site.mkdir(parents=True, exist_ok=True)
    (site / "agentdesk.toml").write_text(
        f'[sip]\nserver = "127.0.0.1"\nport = {free_port("both")}\ntransport = "udp"\n', encoding="utf-8"
    )


def _run_child() -> dict[str, dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen: dict[str, dict[str, object]] = json.loads(result.stdout.strip().splitlines()[-1])
    return seen


def _names(value: object) -> set[str]:
    assert isinstance(value, list)
    return {str(item) for item in value}


def _loaded(modules: object, name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in _names(modules))


@pytest.mark.usefixtures("sip_site")
def test_first_paint_has_only_the_shell_and_the_areas_follow() -> None:
    seen = _run_child()
    painted, ready = seen["painted"], seen["ready"]

    early = [name for name in HEAVY if _loaded(painted["modules"], name)]
    assert early == [], f"imported before the first paint: {early}"
    assert not set(SERVICE_THREADS) & _names(painted["threads"]), painted["threads"]
    assert painted["phone"] == "EmptyPanel"  # the places show "Loading…"

    # After the paint every area is built and its services run: the softphone, the audio engine, the hub connection.
    assert ready["phone"] != "EmptyPanel"
    for name in ("app.protocol", "app.sync", "sip", "vpn_check", "pjsua2"):
        assert _loaded(ready["modules"], name), name
    assert {"agentdesk-sync", "sip-engine", "audio-control"} <= _names(ready["threads"])
    # Numerics and system probes wait for a check that needs them (the health area is built without them).
    assert not _loaded(ready["modules"], "psutil")
    assert not _loaded(ready["modules"], "jieba")
    assert not _loaded(ready["modules"], "sqlalchemy")
