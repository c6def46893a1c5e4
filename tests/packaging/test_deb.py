"""The .deb, installed for real with dpkg into a private root: Depends resolve against this machine's packages, the
bundle's self-test passes from /opt/agentdesk, an upgrade keeps the site's edits, removal and purge clean up.

``dpkg --root`` (no chroot: the package has no maintainer scripts) keeps the test off the shared machine's real
/opt and /etc and its dpkg lock, so it can run while other test sessions install packages. The host's dpkg status file
is copied in, so dpkg checks ``Depends`` against exactly what ``apt-get install ./agentdesk.deb`` would see here.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication

from app.config import ConfigStore
from build_scripts import deb as deb_step
from tests.packaging.conftest import run_bundle
from ui.settings import GeneralPage

pytestmark = pytest.mark.integration


def _dpkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["dpkg", f"--root={root}", f"--log={root}/var/log/dpkg.log", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,  # a conffile prompt would fail the test instead of hanging it
        timeout=300,
        check=False,
    )


@pytest.fixture
def dpkg_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    admin = root / "var/lib/dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True)
    (root / "var/log").mkdir(parents=True)
    shutil.copy2("/var/lib/dpkg/status", admin / "status")
    (admin / "available").touch()
    return root


def _installed_version(root: Path) -> str:
    result = subprocess.run(
        ["dpkg-query", f"--admindir={root}/var/lib/dpkg", "-W", "-f", "${Status} ${Version}", "agentdesk"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()


def test_control_fields(deb_packages: tuple[Path, Path], bundle_dir: Path) -> None:
    first, _second = deb_packages
    info = subprocess.run(["dpkg-deb", "-f", str(first)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line and not line.startswith(" "))
    assert fields["Package"] == "agentdesk"
    assert fields["Version"] == deb_step.debian_version(revision="1")
    depends = [d.strip() for d in fields["Depends"].split(",")]
    names = {d.split()[0] for d in depends}
    # Exactly the libraries ldd resolves outside the bundle, plus the dlopen()ed ones the bundle lacks, plus a font.
    _deps, owners = deb_step.compute_depends(bundle_dir)
    bundled = {p.name for p in deb_step.elf_files(bundle_dir)}
    expected = set(owners) | {pkg for pkg, so, _why in deb_step.DLOPENED if so not in bundled} | {"fonts-noto-cjk"}
    assert names == expected
    assert {"libc6", "libxcb1", "libgl1"} <= names
    assert "fonts-noto-cjk | fonts-wqy-microhei" in depends
    # Libraries the bundle carries itself are not dependencies.
    assert not names & {"libqt6core6", "libssl3", "libglib2.0-0", "libfontconfig1"}
    conffiles = subprocess.run(
        ["dpkg-deb", "--ctrl-tarfile", str(first)], capture_output=True, check=True
    ).stdout  # a tar stream; the conffiles list is small text inside it
    assert b"/etc/agentdesk/agentdesk.toml" in conffiles


def test_install_self_test_upgrade_keeps_site_edits_then_remove(
    deb_packages: tuple[Path, Path], dpkg_root: Path, tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    first, second = deb_packages
    root = dpkg_root

    result = _dpkg(root, "-i", str(first))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _installed_version(root) == f"install ok installed {deb_step.debian_version(revision='1')}"
    assert (root / "usr/bin/agentdesk").resolve() == (root / "opt/agentdesk/agentdesk").resolve()
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(root / "usr/share/applications/agentdesk.desktop", encoding="utf-8")
    assert desktop["Desktop Entry"]["Exec"].split()[0] == "agentdesk"
    assert (root / "usr/share/icons/hicolor/scalable/apps/agentdesk.svg").is_file()
    assert (root / "etc/agentdesk/conf.d").is_dir()

    site = {"AGENTDESK_SITE_CONFIG_DIR": str(root / "etc/agentdesk")}
    check = run_bundle(root / "usr/bin/agentdesk", "--self-test", env=site)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "bundle " + str(root / "opt/agentdesk") in check.stdout

    # IT edits the conffile and drops a file into conf.d, then the fleet is upgraded.
    conffile = root / "etc/agentdesk/agentdesk.toml"
    edited = conffile.read_text(encoding="utf-8") + (
        '\nlocked = ["hub.url", "ui.language"]\n[hub]\nurl = "https://hub.site.example:8443"\n[ui]\nlanguage = "en"\n'
    )
    conffile.write_text(edited, encoding="utf-8")
    dropin = root / "etc/agentdesk/conf.d/50-sip.toml"
    dropin.write_text('[sip]\nserver = "sip.site.example"\n', encoding="utf-8")

    result = _dpkg(root, "-i", str(second))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _installed_version(root) == f"install ok installed {deb_step.debian_version(revision='2')}"
    assert conffile.read_text(encoding="utf-8") == edited
    assert dropin.is_file()
    check = run_bundle(root / "usr/bin/agentdesk", "--self-test", env=site)
    assert check.returncode == 0, check.stdout + check.stderr
    assert str(conffile) in check.stdout
    assert str(dropin) in check.stdout

    # Provisioning reached the client: the installed site files set and lock keys, and the settings UI greys them out.
    store = ConfigStore(site_dir=root / "etc/agentdesk", user_file=tmp_path / "user.toml")
    assert store.config.hub.url == "https://hub.site.example:8443"
    assert store.config.sip.server == "sip.site.example"
    page = GeneralPage(store)
    qtbot.addWidget(page)
    assert not page.language_combo.isEnabled()
    assert page.language_combo.toolTip() == "Set by your IT department"
    assert page.notifications_box.isEnabled()

    result = _dpkg(root, "-r", "agentdesk")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (root / "opt/agentdesk").exists()
    assert not (root / "usr/bin/agentdesk").exists()
    assert conffile.read_text(encoding="utf-8") == edited  # remove keeps configuration, like apt-get remove

    result = _dpkg(root, "--purge", "agentdesk")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not conffile.exists()
    assert dropin.is_file()  # files IT added are never deleted by the package
    assert _installed_version(root) == ""
