"""The Windows MSI, built on Linux with wixl and read back with msiinfo.

PyInstaller cannot cross-compile, so the payload here is this machine's onedir bundle with its launcher named
``agentdesk.exe`` (a Windows build of the same spec has the same layout); the tables under test (per-machine install,
Start-menu shortcut, MajorUpgrade, the policy properties and their registry values) do not depend on the payload.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app.version import __version__
from build_scripts import msi as msi_step

pytestmark = pytest.mark.integration


def _table(msi: Path, name: str) -> list[dict[str, str]]:
    text = subprocess.run(["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:]]


@pytest.fixture(scope="module")
def built_msi(bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    payload = tmp_path_factory.mktemp("windows-layout") / "agentdesk"
    for path in bundle_dir.rglob("*"):  # hard links: no 200 MB copy
        target = payload / path.relative_to(bundle_dir)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    (payload / "agentdesk").rename(payload / "agentdesk.exe")
    return msi_step.build_msi(payload, tmp_path_factory.mktemp("msi"))


def test_summary_and_product(built_msi: Path) -> None:
    assert built_msi.name == f"AgentDesk-{__version__}-x64.msi"
    props = {r["Property"]: r["Value"] for r in _table(built_msi, "Property")}
    assert props["ProductName"] == "AgentDesk"
    assert props["ProductVersion"] == msi_step.msi_version()
    assert props["UpgradeCode"] == msi_step.UPGRADE_CODE
    assert props["ALLUSERS"] == "1"  # per machine
    secure = props["SecureCustomProperties"].split(";")
    assert {p.property for p in msi_step.ALL_PROPERTIES} <= set(secure)
    info = subprocess.run(["msiinfo", "suminfo", str(built_msi)], capture_output=True, text=True, check=True).stdout
    assert "x64" in info


def test_major_upgrade(built_msi: Path) -> None:
    upgrade = _table(built_msi, "Upgrade")
    assert {r["ActionProperty"] for r in upgrade} == {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"}
    assert all(r["UpgradeCode"] == msi_step.UPGRADE_CODE for r in upgrade)
    execute = {r["Action"]: r for r in _table(built_msi, "InstallExecuteSequence")}
    assert "RemoveExistingProducts" in execute
    launch = {r["Condition"]: r["Description"] for r in _table(built_msi, "LaunchCondition")}
    assert launch["NOT WIX_DOWNGRADE_DETECTED"] == "A newer version of AgentDesk is already installed."


def test_files_and_start_menu_shortcut(built_msi: Path, bundle_dir: Path) -> None:
    files = _table(built_msi, "File")
    assert len(files) == sum(1 for p in bundle_dir.rglob("*") if p.is_file())
    assert any(r["File"] == "AgentDeskExe" and r["FileName"].endswith("agentdesk.exe") for r in files)
    directories = {r["Directory"]: r for r in _table(built_msi, "Directory")}
    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    shortcut = _table(built_msi, "Shortcut")[0]
    assert shortcut["Directory_"] == "ProgramMenuFolder"
    assert shortcut["Target"] == "[INSTALLDIR]agentdesk.exe"


def test_policy_properties_write_the_policy_key_only_when_given(built_msi: Path) -> None:
    registry = {r["Component_"]: r for r in _table(built_msi, "Registry")}
    components = {r["Component"]: r for r in _table(built_msi, "Component")}
    actions = {r["Action"]: r for r in _table(built_msi, "CustomAction")}
    execute = {r["Action"]: r for r in _table(built_msi, "InstallExecuteSequence")}
    searches = {r["Signature_"]: r for r in _table(built_msi, "RegLocator")}
    hklm = "2"
    for prop in msi_step.ALL_PROPERTIES:
        comp = f"Policy{prop.property}"
        key = "SOFTWARE\\Policies\\AgentDesk" + (f"\\{prop.section}" if prop.section else "")
        assert registry[comp]["Root"] == hklm
        assert registry[comp]["Key"] == key
        assert registry[comp]["Name"] == prop.name
        assert registry[comp]["Value"] == f"[{prop.property}_REG]"
        # Installed only when the property (or the remembered value) is set: no empty value locking a key to "".
        assert components[comp]["Condition"] == f"{prop.property}_REG"
        prefix = "#" if prop.kind == "integer" else ""  # REG_DWORD
        assert actions[f"Set{prop.property}"]["Target"] == f"{prefix}[{prop.property}]"
        assert actions[f"Remember{prop.property}"]["Target"] == f"[PREV_{prop.property}]"
        assert searches[f"Find{prop.property}"]["Key"] == key
        # Resolved after AppSearch and before costing evaluates the component conditions.
        for action in (f"Set{prop.property}", f"Remember{prop.property}"):
            assert 50 < int(execute[action]["Sequence"]) < int(execute["CostFinalize"]["Sequence"])
    assert execute[f"Remember{msi_step.LOCKED_KEYS.property}"]["Condition"] == "NOT LOCKED_KEYS AND PREV_LOCKED_KEYS"


def test_msi_refuses_a_non_windows_bundle(bundle_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(msi_step.MsiError, match=r"agentdesk\.exe"):
        msi_step.build_msi(bundle_dir, tmp_path)
