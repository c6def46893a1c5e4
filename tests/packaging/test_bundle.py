"""The PyInstaller bundle: trimmed, complete, and its --version/--self-test answer from the frozen build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.version import __version__
from build_scripts import bundle as bundle_step
from build_scripts.bundle_filter import keep_binary, keep_data
from tests.packaging.conftest import run_bundle

pytestmark = pytest.mark.integration


def test_bundle_obeys_its_trim_rules(bundle_dir: Path) -> None:
    assert bundle_step.verify_bundle(bundle_dir) == []
    files = bundle_step.bundle_files(bundle_dir)
    joined = "\n".join(files)
    for banned in ("QtWebEngine", "libQt6Qml", "libQt6Quick", "libQt6Pdf", "qtvirtualkeyboard", "/qml/", "libgtk-3"):
        assert banned not in joined
    qt_translations = sorted(Path(f).name for f in files if "/Qt/translations/" in f)
    assert qt_translations == ["qt_en.qm", "qt_zh_CN.qm", "qtbase_en.qm", "qtbase_zh_CN.qm"]
    # The rules themselves bite on what a hook would collect.
    assert not keep_binary("PySide6/Qt/lib/libQt6Quick.so.6")
    assert not keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert keep_data("PySide6/Qt/translations/qtbase_zh_CN.qm")


def test_version_comes_from_the_package(bundle_dir: Path) -> None:
    result = run_bundle(bundle_dir / bundle_step.executable_name(), "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"agentdesk {__version__}"


def test_self_test_passes_in_the_frozen_bundle(bundle_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "conf.d").mkdir(parents=True)
    (site / "agentdesk.toml").write_text('[hub]\nurl = "https://hub.example.com:8443"\n', encoding="utf-8")
    result = run_bundle(
        bundle_dir / bundle_step.executable_name(),
        "--self-test",
        "--json",
        env={"AGENTDESK_SITE_CONFIG_DIR": str(site)},
    )
    report = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["installation"].startswith("bundle ")
    assert {"imports", "pjsua2", "keyring", "config", "resources", "qt", "ui", "translations"} <= checks.keys()
    for name in ("imports", "pjsua2", "config", "resources", "sounds", "qt", "ui", "translations"):
        assert checks[name]["status"] == "ok", checks[name]
    assert "pjsip 2.15.1" in checks["pjsua2"]["detail"]
    # The native audio bridge (sip/audio/_pulsebridge, built by bootstrap) travels in the bundle.
    assert checks["audio_bridge"]["status"] == "ok", checks["audio_bridge"]
    assert "native" in checks["audio_bridge"]["detail"]
    assert str(site / "agentdesk.toml") in checks["config"]["detail"]
    # Headless CI has no Secret Service: the keyring check says so instead of failing the installation.
    assert checks["keyring"]["status"] in ("ok", "warn")


def test_self_test_fails_on_a_broken_site_file(bundle_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "agentdesk.toml").write_text("[hub\nurl = ", encoding="utf-8")
    result = run_bundle(
        bundle_dir / bundle_step.executable_name(), "--self-test", env={"AGENTDESK_SITE_CONFIG_DIR": str(site)}
    )
    assert result.returncode == 1
    assert "FAIL  config" in result.stdout
    assert "result: FAIL" in result.stdout


def test_frozen_client_paints_its_window_on_xcb(bundle_dir: Path) -> None:
    """The real GUI from the bundle: xcb platform plugin, icons, style sheet, translations, fonts, under Xvfb."""
    result = run_bundle(
        Path("/usr/bin/xvfb-run"),
        "-a",
        "-s",
        "-screen 0 1366x800x24 -nolisten tcp",
        str(bundle_dir / bundle_step.executable_name()),
        "--report-startup",
        "--exit-after-paint",
        env={"QT_QPA_PLATFORM": "xcb"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    events = [json.loads(line)["event"] for line in result.stdout.splitlines() if line.startswith("{")]
    assert "painted" in events
    assert "Traceback" not in result.stderr


def test_frozen_diagnostics_bundle_from_the_command_line(bundle_dir: Path, tmp_path: Path) -> None:
    """``agentdesk --diagnostics FILE`` from the bundle, with a log that holds a password and a caller's number."""
    import zipfile

    state, config = tmp_path / "state", tmp_path / "config"
    log_dir = state / "AgentDesk" / "log"
    log_dir.mkdir(parents=True)
    (log_dir / "agentdesk.log").write_text(
        "2026-11-23 10:00:00.000 INFO    [MainThread] app.x: sign-in password=Sup3rS3cret! from 13912345678\n",
        encoding="utf-8",
    )
    target = tmp_path / "diag.zip"
    env = {
        "XDG_STATE_HOME": str(state),
        "XDG_CONFIG_HOME": str(config),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "AGENTDESK_SITE_CONFIG_DIR": str(tmp_path / "site"),
    }
    result = run_bundle(bundle_dir / bundle_step.executable_name(), "--diagnostics", str(target), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(target) as zf:
        texts = {n.split("/", 1)[1]: zf.read(n).decode("utf-8") for n in zf.namelist()}
    assert {"README.txt", "versions.txt", "config-effective.toml", "self-test.txt", "log/agentdesk.log"} <= set(texts)
    assert "pjsip: 2.15.1" in texts["versions.txt"]
    assert "OK    pjsua2" in texts["self-test.txt"]
    assert "139******78" in texts["log/agentdesk.log"]
    assert not any("Sup3rS3cret!" in t or "13912345678" in t for t in texts.values())
