"""The health UI with fake check runs (offscreen Qt): gate progress, speaker confirmation, policy blocking,
monitor drop/recovery and network-change triggers, and that every id has a translation entry."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.health.gate import PreShiftGateDialog
from ui.health.monitor import HealthIndicator, HealthMonitor
from ui.health.panel import HealthPanel
from ui.health.texts import HealthTexts
from vpn_check.advice import Advice
from vpn_check.audio import SpeakerConfirm
from vpn_check.model import CheckId, CheckResult, Report, Status
from vpn_check.runner import Progress, ProgressCallback

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]


def test_every_advice_and_check_has_a_ui_translation_entry() -> None:
    tree = ast.parse((ROOT / "ui" / "health" / "texts.py").read_text(encoding="utf-8"))

    def members(enum_name: str) -> set[str]:
        return {
            n.attr
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == enum_name
        }

    assert members("Advice") == {a.name for a in Advice}
    assert members("CheckId") == {c.name for c in CheckId}


def test_texts_cover_everything_at_runtime(qtbot: QtBot) -> None:
    texts = HealthTexts()
    assert all(texts.advice(a) for a in Advice)
    assert all(texts.title(c) for c in CheckId)


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="health-test")
    yield pool
    pool.shutdown(wait=True, cancel_futures=True)


def _report(*results: tuple[CheckId, Status], blocking: tuple[CheckId, ...] = ()) -> Report:
    return Report(tuple(CheckResult(c, s, 1.0, "ms") for c, s in results), "full", blocking=blocking)


def test_gate_runs_with_progress_and_asks_about_the_speaker(qtbot: QtBot, executor: ThreadPoolExecutor) -> None:
    release = threading.Event()

    def run(progress: ProgressCallback, cancel: threading.Event, confirm: SpeakerConfirm) -> Report:
        progress(Progress(0, 2, CheckId.VPN_PRESENT, ()))
        release.wait(5)  # the GUI must stay live while a check runs
        progress(Progress(1, 2, CheckId.AUDIO_SPEAKER, ()))
        heard = confirm()
        status = Status.PASS if heard else Status.FAIL
        return _report((CheckId.VPN_PRESENT, Status.PASS), (CheckId.AUDIO_SPEAKER, status))

    gate = PreShiftGateDialog(run, executor)
    qtbot.addWidget(gate)
    gate.show()
    with qtbot.waitSignal(gate.report_ready, timeout=10000) as finished:
        gate.start()
        qtbot.waitUntil(lambda: gate.progress_bar.maximum() == 2)
        assert not gate.continue_button.isEnabled()
        release.set()
        qtbot.waitUntil(gate.speaker_frame.isVisible)
        gate.heard_button.click()
    report = finished.args[0]
    assert report.get(CheckId.AUDIO_SPEAKER).status is Status.PASS
    assert gate.continue_button.isEnabled()
    assert gate.results.topLevelItemCount() == 2
    assert not gate.speaker_frame.isVisible()
    gate.continue_button.click()
    assert gate.result() == PreShiftGateDialog.DialogCode.Accepted


def test_gate_blocks_sign_in_per_policy(qtbot: QtBot, executor: ThreadPoolExecutor) -> None:
    blocked = Report(
        (CheckResult(CheckId.VPN_PRESENT, Status.FAIL, "none", advice=(Advice.VPN_NOT_FOUND,)),),
        "full",
        blocking=(CheckId.VPN_PRESENT,),
    )
    gate = PreShiftGateDialog(lambda progress, cancel, confirm: blocked, executor)
    qtbot.addWidget(gate)
    with qtbot.waitSignal(gate.report_ready, timeout=10000):
        gate.start()
    assert not gate.continue_button.isEnabled()
    gate.accept()  # e.g. Enter: still refused
    assert gate.result() != PreShiftGateDialog.DialogCode.Accepted
    item = gate.results.topLevelItem(0)
    assert item is not None
    assert item.childCount() == 1
    assert item.isExpanded()
    # The same report from the in-shift menu (non-blocking): informative only.
    info = PreShiftGateDialog(lambda progress, cancel, confirm: blocked, executor, blocking=False)
    qtbot.addWidget(info)
    with qtbot.waitSignal(info.report_ready, timeout=10000):
        info.start()
    assert info.continue_button.isEnabled()


def test_gate_reports_a_crashed_run(
    qtbot: QtBot, executor: ThreadPoolExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    def run(progress: ProgressCallback, cancel: threading.Event, confirm: SpeakerConfirm) -> Report:
        raise RuntimeError("boom")

    gate = PreShiftGateDialog(run, executor)
    qtbot.addWidget(gate)
    with qtbot.waitSignal(gate._job.failed, timeout=10000):
        gate.start()
    assert "boom" in gate.summary.text()
    assert gate.rerun_button.isEnabled()
    assert not gate.continue_button.isEnabled()


class _FakeNetwork:
    def __init__(self) -> None:
        self.vpn_up = True
        self.generation = 0
        self.light_runs = 0

    def run_light(self) -> Report:
        self.light_runs += 1
        status = Status.PASS if self.vpn_up else Status.FAIL
        return _report((CheckId.VPN_PRESENT, status), (CheckId.VPN_EGRESS_SIP, status))

    def fingerprint(self) -> str:
        return f"net-{self.generation}"

    def change(self, vpn_up: bool) -> None:
        self.vpn_up = vpn_up
        self.generation += 1


def test_monitor_banner_on_drop_and_recovery(qtbot: QtBot, executor: ThreadPoolExecutor) -> None:
    net = _FakeNetwork()
    monitor = HealthMonitor(net.run_light, net.fingerprint, executor, interval_s=600, poll_s=0.05)
    indicator, panel = HealthIndicator(), HealthPanel()
    for widget in (indicator, panel):
        qtbot.addWidget(widget)
    banner = panel.banner  # inside the panel (a top-level banner would be a window of its own)
    banner._restored_visible_ms = 100
    monitor.vpn_dropped.connect(banner.on_vpn_dropped)
    monitor.vpn_restored.connect(banner.on_vpn_restored)
    monitor.report_updated.connect(indicator.on_report_updated)
    monitor.report_updated.connect(panel.on_report_updated)
    with qtbot.waitSignal(monitor.report_updated, timeout=10000):
        monitor.start()
    assert banner.isHidden()
    # The network changes (the VPN drops): noticed by the fingerprint poll, not the 10-minute interval.
    with qtbot.waitSignals([monitor.network_changed, monitor.vpn_dropped], timeout=10000, order="strict"):
        net.change(vpn_up=False)
    assert not banner.isHidden()
    assert banner.down
    assert panel.problems.count() == 2
    with qtbot.waitSignal(monitor.vpn_restored, timeout=10000):
        net.change(vpn_up=True)
    assert banner.recheck_button.isHidden()  # the green "restored" state
    qtbot.waitUntil(banner.isHidden, timeout=5000)
    assert net.light_runs == 3
    monitor.stop()
    assert not monitor.is_running()


def test_monitor_rechecks_often_while_down(qtbot: QtBot, executor: ThreadPoolExecutor) -> None:
    # A recovery that changes no interface (the VPN server comes back) is still noticed: while down, re-check.
    net = _FakeNetwork()
    net.vpn_up = False
    monitor = HealthMonitor(net.run_light, net.fingerprint, executor, interval_s=600, poll_s=600, down_recheck_s=0.05)
    with qtbot.waitSignal(monitor.vpn_dropped, timeout=10000):
        monitor.start()
    net.vpn_up = True  # same fingerprint
    with qtbot.waitSignal(monitor.vpn_restored, timeout=10000):
        pass
    monitor.stop()


def test_monitor_seed_from_the_gate(qtbot: QtBot, executor: ThreadPoolExecutor) -> None:
    net = _FakeNetwork()
    monitor = HealthMonitor(net.run_light, net.fingerprint, executor)
    with qtbot.waitSignal(monitor.vpn_dropped, timeout=1000):
        monitor.seed(_report((CheckId.VPN_PRESENT, Status.FAIL)))
    assert net.light_runs == 0


def test_chinese_translation_loads(qtbot: QtBot, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from PySide6.QtCore import QCoreApplication, QTranslator

    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    tool = str(lrelease) if lrelease.exists() else shutil.which("pyside6-lrelease")
    assert tool, "pyside6-lrelease is part of pyside6-essentials"
    qm = tmp_path / "health_zh_CN.qm"
    subprocess.run([tool, "-silent", str(ROOT / "resources/i18n/health_zh_CN.ts"), "-qm", str(qm)], check=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        texts = HealthTexts()
        assert texts.title(CheckId.VOICE_MOS) == "预计通话质量（MOS）"
        assert texts.advice(Advice.VPN_DOWN) == "VPN 网卡存在但未连接。请重新连接 VPN。"
        panel = HealthPanel()
        qtbot.addWidget(panel)
        panel.on_report_updated(_report((CheckId.VPN_PRESENT, Status.FAIL), (CheckId.DNS, Status.WARN)))
        assert "发现 2 个问题" in panel.summary.text()
    finally:
        QCoreApplication.removeTranslator(translator)
