"""The Windows policy registry (what the MSI's properties and GPO write) read through a fake ``winreg``.

The registry is an OS boundary: the fake implements exactly the ``winreg`` calls the reader makes (OpenKey as a
context manager, EnumKey, EnumValue, OSError at the end), with the value types the MSI writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication

from app.config import ConfigStore, SipTransport, WindowsRegistryPolicy, load_config, schema
from build_scripts import msi
from ui.settings import GeneralPage

pytestmark = pytest.mark.unit

REG_SZ, REG_DWORD, REG_MULTI_SZ = 1, 4, 7


class FakeKey:
    """Like ``winreg.PyHKEY``: a handle that is also its own context manager."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> FakeKey:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class FakeWinreg:
    """``HKEY_LOCAL_MACHINE`` only; keys are backslash paths, values ``{name: (value, type)}``."""

    HKEY_LOCAL_MACHINE = "HKLM"

    def __init__(self, keys: dict[str, dict[str, tuple[object, int]]]) -> None:
        self.keys = keys
        self.opened: list[str] = []

    def OpenKey(self, parent: str | FakeKey, sub: str) -> FakeKey:
        path = sub if parent == self.HKEY_LOCAL_MACHINE else f"{_path(parent)}\\{sub}"
        if path not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        self.opened.append(path)
        return FakeKey(path)

    def EnumKey(self, handle: FakeKey, index: int) -> str:
        key = handle.path
        children = sorted(
            {k[len(key) + 1 :].split("\\")[0] for k in self.keys if k.startswith(key + "\\") and k != key}
        )
        if index >= len(children):
            raise OSError(259, "No more data is available")
        return children[index]

    def EnumValue(self, handle: FakeKey, index: int) -> tuple[str, object, int]:
        items = list(self.keys[handle.path].items())
        if index >= len(items):
            raise OSError(259, "No more data is available")
        name, (value, kind) = items[index]
        return name, value, kind


def _path(key: str | FakeKey) -> str:
    return key.path if isinstance(key, FakeKey) else key


ROOT = r"SOFTWARE\Policies\AgentDesk"


def _msi_like_registry() -> FakeWinreg:
    """What ``msiexec /i AgentDesk.msi HUB_URL=... SIP_PORT=5061 LOG_SIP_TRACE=1 LOCKED_KEYS=...`` writes."""
    return FakeWinreg(
        {
            ROOT: {"locked": ("sip.outbound_proxy, audio.*", REG_SZ)},
            ROOT + r"\hub": {"url": ("https://hub.corp.example:8443", REG_SZ)},
            ROOT + r"\sip": {
                "server": ("sip.corp.example", REG_SZ),
                "port": (5061, REG_DWORD),
                "transport": ("tls", REG_SZ),
            },
            ROOT + r"\logging": {"sip_trace": (1, REG_DWORD)},
            ROOT + r"\ui": {"language": ("en", REG_SZ)},
        }
    )


def test_policy_values_apply_and_are_locked(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    site = tmp_path / "ProgramData" / "AgentDesk"
    site.mkdir(parents=True)
    (site / "agentdesk.toml").write_text('[sip]\noutbound_proxy = "sip:edge.corp.example;transport=tls"\n', "utf-8")
    user = tmp_path / "user.toml"
    user.write_text('[hub]\nurl = "https://elsewhere"\n[sip]\noutbound_proxy = "sip:mine"\n', encoding="utf-8")
    policy = WindowsRegistryPolicy(platform="win32", registry=_msi_like_registry())
    loaded = load_config(site_dir=site, user_file=user, policy=policy)
    config = loaded.config
    assert config.hub.url == "https://hub.corp.example:8443"
    assert config.sip.server == "sip.corp.example"
    assert config.sip.port == 5061
    assert config.sip.transport is SipTransport.TLS
    assert config.logging.sip_trace is True
    assert loaded.origins["hub.url"] == "policy registry"
    # Policy values are locked, and LOCKED_KEYS locks what the site file set (and a whole section).
    assert {"hub.url", "sip.server", "sip.port", "sip.transport", "logging.sip_trace", "ui.language"} <= loaded.locked
    assert loaded.is_locked("sip.outbound_proxy")
    assert loaded.is_locked("audio.output_latency")
    assert config.sip.outbound_proxy == "sip:edge.corp.example;transport=tls"  # the user file could not change it
    assert {i.key for i in loaded.issues} >= {"hub.url", "sip.outbound_proxy"}  # both reported as locked
    assert "locked-key" in caplog.text


def test_no_policy_key_reads_nothing() -> None:
    assert WindowsRegistryPolicy(platform="win32", registry=FakeWinreg({})).read() == {}
    assert WindowsRegistryPolicy(platform="linux", registry=_msi_like_registry()).read() == {}


def test_locked_as_multi_string() -> None:
    fake = FakeWinreg({ROOT: {"locked": (["hub.url", "sip.*"], REG_MULTI_SZ)}})
    assert WindowsRegistryPolicy(platform="win32", registry=fake).read() == {"locked": ["hub.url", "sip.*"]}


@pytest.mark.parametrize("prop", msi.POLICY_PROPERTIES, ids=lambda p: p.property)
def test_every_msi_property_names_a_setting(prop: msi.PolicyProperty) -> None:
    """The MSI and the client agree: each public property writes a key the configuration schema knows."""
    info = schema()[f"{prop.section}.{prop.name}"]
    assert (prop.kind == "integer") == (info.type in (int, bool))


def test_msi_properties_grey_out_the_settings_ui(qapp: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    """UI_LANGUAGE=en from the MSI: the language is set and the settings page shows it disabled."""
    policy = WindowsRegistryPolicy(platform="win32", registry=_msi_like_registry())
    store = ConfigStore(site_dir=tmp_path / "none", user_file=tmp_path / "user.toml", policy=policy)
    page = GeneralPage(store)
    qtbot.addWidget(page)
    assert page.language_combo.currentData() == "en"
    assert not page.language_combo.isEnabled()
    assert page.close_to_tray_box.isEnabled()
