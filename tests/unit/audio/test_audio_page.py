"""The audio settings page: device pickers filled from the engine and updated on hot-plug, the priority list saved
and applied, bad patterns refused with a clear message, test sound and record/playback, the level meter, and both
languages. The engine runs on a fake backend (the real devices are in tests/integration/audio)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication, QTranslator

from app.audio import AudioEvents, audio_settings, pattern_to_regex
from app.bridge import BackgroundRunner
from app.config import AudioSettings as AudioConfig
from app.config import ConfigStore
from sip.audio import AudioEngine, Role
from sip.audio.model import FRAME_BYTES
from tests.helpers.fake_audio import J_IN, J_OUT, MIC, SPK, FakeBackend
from tests.helpers.require import missing
from ui.audio.page import AudioPage

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def store(tmp_path: Path) -> ConfigStore:
    (tmp_path / "site").mkdir()
    return ConfigStore(site_dir=tmp_path / "site", user_file=tmp_path / "user.toml")


@pytest.fixture
def parts(qtbot: QtBot, store: ConfigStore) -> Iterator[tuple[AudioPage, AudioEngine, FakeBackend, AudioEvents]]:
    backend = FakeBackend(SPK, MIC)
    events = AudioEvents()
    engine = AudioEngine(backend, audio_settings(store.config.audio), events.post, realtime=False)
    engine.start().result(5)
    runner = BackgroundRunner()
    page = AudioPage(engine, events, store, runner)
    qtbot.addWidget(page)
    yield page, engine, backend, events
    page.hide()
    engine.shutdown()
    runner.shutdown()


def test_glob_and_regex_patterns() -> None:
    assert pattern_to_regex("Jabra|Plantronics") == "Jabra|Plantronics"
    regex = pattern_to_regex("*[Hh]eadset*")
    import re

    assert re.match(regex, "USB Headset")
    settings = audio_settings(AudioConfig())
    assert settings.priority  # the shipped defaults become regular expressions
    assert settings.require_headset_for_auto_answer


def test_pickers_follow_hotplug(parts: tuple[AudioPage, AudioEngine, FakeBackend, AudioEvents], qtbot: QtBot) -> None:
    page, _engine, backend, events = parts
    speaker = page.combos[Role.SPEAKER]
    assert [speaker.itemData(i) for i in range(speaker.count())] == ["", SPK.id]
    backend.devices = [SPK, MIC, J_OUT, J_IN]
    with qtbot.waitSignal(events.devices_changed, timeout=5000):
        assert backend.watcher is not None
        backend.watcher.on_change()
    assert J_OUT.id in [speaker.itemData(i) for i in range(speaker.count())]
    assert J_IN.id in [page.combos[Role.MICROPHONE].itemData(i) for i in range(page.combos[Role.MICROPHONE].count())]


def test_apply_saves_choice_and_switches(
    parts: tuple[AudioPage, AudioEngine, FakeBackend, AudioEvents], store: ConfigStore
) -> None:
    page, engine, backend, _ = parts
    backend.devices = [SPK, MIC, J_OUT, J_IN]
    engine.refresh().result(5)
    page.load()
    page.priority_edit.setPlainText("*Jabra*\nPlantronics|Poly")
    page.combos[Role.RINGER].setCurrentIndex(page.combos[Role.RINGER].findData(J_OUT.id))
    page.apply()
    assert store.config.audio.output_priority == ("*Jabra*", "Plantronics|Poly")
    assert store.config.audio.ringer_device == J_OUT.id
    engine.trim_stale().result(5)  # the control thread has applied the new settings
    assert engine.selected(Role.SPEAKER) == J_OUT
    assert engine.selected(Role.RINGER) == J_OUT


def test_bad_pattern_is_refused_with_a_message(
    parts: tuple[AudioPage, AudioEngine, FakeBackend, AudioEvents], store: ConfigStore
) -> None:
    page, _, _, _ = parts
    page.priority_edit.setPlainText("Jabra(")
    page.apply()
    assert "Jabra(" in page.status_label.text()
    assert store.config.audio.output_priority != ("Jabra(",)  # nothing saved, nothing lost


def test_play_test_sound_and_record_playback(
    parts: tuple[AudioPage, AudioEngine, FakeBackend, AudioEvents], qtbot: QtBot
) -> None:
    page, _, backend, _ = parts
    page.play_button.click()
    qtbot.waitUntil(lambda: len(backend.live("output", role="event")) == 1, timeout=5000)
    (stream,) = backend.live("output", role="event")
    buf = bytearray(FRAME_BYTES)
    for _ in range(200):  # the whole test sound and beyond
        stream.callback(buf, 320, None, 0)
    qtbot.waitUntil(lambda: page.play_button.isEnabled(), timeout=5000)

    page.record_button.click()
    assert not page.record_button.isEnabled()
    qtbot.waitUntil(lambda: len(backend.live("input")) >= 1, timeout=5000)
    recorder = next(s for s in backend.live("input") if s.callback.__name__ == "on_input")

    def talk() -> None:
        for _ in range(160):
            recorder.callback(b"\x00\x20" * 320, 320, None, 0)

    threading.Thread(target=talk).start()
    qtbot.waitUntil(lambda: len(backend.live("output", role="event")) == 1, timeout=5000)
    (playback,) = backend.live("output", role="event")
    out = bytearray(FRAME_BYTES)
    playback.callback(out, 320, None, 0)
    assert bytes(out) == b"\x00\x20" * 320  # what was recorded is what plays back
    for _ in range(200):
        playback.callback(out, 320, None, 0)
    qtbot.waitUntil(lambda: page.record_button.isEnabled(), timeout=5000)


def test_level_meter_runs_while_visible(
    parts: tuple[AudioPage, AudioEngine, FakeBackend, AudioEvents], qtbot: QtBot
) -> None:
    page, _, backend, _ = parts
    page.show()
    qtbot.waitUntil(lambda: len(backend.live("input")) == 1, timeout=5000)
    (meter,) = backend.live("input")
    meter.callback(b"\x00\x40" * 320, 320, None, 0)
    qtbot.waitUntil(lambda: page.meter.value() > 40, timeout=5000)
    page.hide()
    qtbot.waitUntil(lambda: backend.live("input") == [], timeout=5000)


def test_chinese_translation_is_complete(parts: tuple[AudioPage, AudioEngine, FakeBackend, AudioEvents]) -> None:
    page, _, _, _ = parts
    translator = QTranslator()
    qm = ROOT / "resources" / "i18n" / "audio_zh_CN.qm"
    if not qm.exists():
        missing("translations not compiled (build_scripts/i18n.py compile)")
    assert translator.load(str(qm))
    app = QCoreApplication.instance()
    assert app is not None
    app.installTranslator(translator)
    try:
        page.retranslate_ui()
        assert page.windowTitle() == "音频"
        assert page.play_button.text() == "播放测试音"
    finally:
        app.removeTranslator(translator)
        page.retranslate_ui()
    assert page.windowTitle() == "Audio"
