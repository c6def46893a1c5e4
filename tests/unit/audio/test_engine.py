"""AudioEngine with a fake backend: selection, hot-plug re-apply, switching and fallback of open streams,
the data path, the ringer and test sounds. The real PortAudio/PulseAudio path is in tests/integration/audio."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from sip.audio.engine import AudioEngine
from sip.audio.model import (
    FRAME_BYTES,
    SILENCE,
    ActiveDeviceChanged,
    AudioError,
    AudioErrorKind,
    AudioEvent,
    AudioProblem,
    AudioSettings,
    ChangeReason,
    DeviceInventory,
    Role,
)
from tests.helpers.fake_audio import J_IN, J_OUT, MIC, SPK, FakeBackend

pytestmark = pytest.mark.unit


@pytest.fixture
def setup() -> Any:
    backend = FakeBackend(SPK, MIC, J_OUT, J_IN)
    events: list[AudioEvent] = []
    engine = AudioEngine(
        backend,
        AudioSettings(priority=("Jabra",)),
        events.append,
        blocks_per_frame=1,
        speaker_target=2,
        mic_target=2,
        realtime=False,
    )
    engine.start().result(5)
    yield backend, engine, events
    engine.shutdown()


def sync(engine: AudioEngine) -> None:
    """Wait until the control thread has run everything queued so far."""
    engine.trim_stale().result(5)


def test_startup_selects_by_priority_and_ringer_on_laptop(setup: Any) -> None:
    _backend, engine, events = setup
    assert engine.selected(Role.SPEAKER) == J_OUT
    assert engine.selected(Role.MICROPHONE) == J_IN
    assert engine.selected(Role.RINGER) == SPK
    assert ActiveDeviceChanged(Role.SPEAKER, J_OUT, ChangeReason.STARTUP) in events
    assert engine.auto_answer_allowed()


def test_talk_streams_open_on_chosen_devices_and_close(setup: Any) -> None:
    backend, engine, _ = setup
    engine.open_call_audio().result(5)
    assert [s.device for s in backend.live("output")] == [J_OUT]
    assert [s.device for s in backend.live("input")] == [J_IN]
    assert engine.streams_open
    engine.close_call_audio().result(5)
    assert backend.live("output") == []
    assert backend.live("input") == []


def test_data_path_mic_to_call_and_call_to_speaker(setup: Any) -> None:
    backend, engine, _ = setup
    engine.open_call_audio().result(5)
    (inp,) = backend.live("input")
    (out,) = backend.live("output")
    tone = bytes(range(256)) * 2 + bytes(128)
    inp.callback(tone, 320, None, 0)
    assert engine.read_mic_frame() == SILENCE  # buffering to the floor first: silence, never blocks
    inp.callback(tone, 320, None, 0)
    assert engine.read_mic_frame() == tone
    engine.write_speaker_frame(tone)
    engine.write_speaker_frame(tone)
    buf = bytearray(FRAME_BYTES)
    out.callback(buf, 320, None, 0)
    assert bytes(buf) == tone
    assert engine.mic_level() > 0.0


def test_hotplug_unplug_falls_back_mid_call_and_replug_returns(setup: Any) -> None:
    backend, engine, events = setup
    engine.open_call_audio().result(5)
    backend.devices = [SPK, MIC]
    backend.watcher.on_change()  # what the libpulse watcher does on its thread
    sync(engine)
    assert engine.selected(Role.SPEAKER) == SPK
    assert [s.device for s in backend.live("output")] == [SPK]
    assert [s.device for s in backend.live("input")] == [MIC]
    assert ActiveDeviceChanged(Role.SPEAKER, SPK, ChangeReason.FALLBACK) in events
    assert any(
        isinstance(e, AudioProblem) and e.error.kind is AudioErrorKind.DEVICE_GONE and e.role is Role.SPEAKER
        for e in events
    )
    assert not engine.auto_answer_allowed()
    backend.devices = [SPK, MIC, J_OUT, J_IN]
    backend.watcher.on_change()
    sync(engine)
    assert [s.device for s in backend.live("output")] == [J_OUT]
    assert ActiveDeviceChanged(Role.SPEAKER, J_OUT, ChangeReason.PLUGGED) in events
    assert engine.auto_answer_allowed()


def test_switch_by_settings_keeps_the_other_direction(setup: Any) -> None:
    backend, engine, _ = setup
    engine.open_call_audio().result(5)
    (mic_stream,) = backend.live("input")
    engine.set_settings(AudioSettings(priority=("Jabra",), speaker=SPK.id)).result(5)
    assert [s.device for s in backend.live("output")] == [SPK]
    assert backend.live("input") == [mic_stream]  # untouched


def test_device_that_refuses_falls_back_to_default(setup: Any) -> None:
    backend, engine, events = setup
    backend.refuse.add(J_OUT.id)
    engine.open_call_audio().result(5)
    assert [s.device for s in backend.live("output")] == [None]  # the system default
    assert any(isinstance(e, AudioProblem) and e.error.kind is AudioErrorKind.OPEN_FAILED for e in events)


def test_no_devices_at_all_is_reported(setup: Any) -> None:
    backend, engine, events = setup
    backend.devices = []
    engine.refresh().result(5)
    kinds = {e.error.kind for e in events if isinstance(e, AudioProblem)}
    assert {AudioErrorKind.NO_OUTPUT_DEVICE, AudioErrorKind.NO_INPUT_DEVICE} <= kinds


def test_bad_pattern_rejected_in_callers_thread(setup: Any) -> None:
    _, engine, _ = setup
    with pytest.raises(AudioError) as info:
        engine.set_settings(AudioSettings(priority=("[",)))
    assert info.value.kind is AudioErrorKind.BAD_PATTERN


def test_ringer_loops_on_ring_device(setup: Any) -> None:
    backend, engine, _ = setup
    engine.start_ringing(b"\x00\x10" * 320 * 3).result(5)
    (ring,) = backend.live("output", role="event")
    assert ring.device == SPK
    buf = bytearray(FRAME_BYTES)
    for _ in range(10):  # loops forever
        ring.callback(buf, 320, None, 0)
    assert bytes(buf) != SILENCE
    engine.stop_ringing().result(5)
    assert backend.live("output", role="event") == []


def test_play_sound_resolves_when_played(setup: Any) -> None:
    backend, engine, _ = setup
    done = engine.play_sound(b"\x01\x00" * 320 * 2)
    sync(engine)
    (stream,) = backend.live("output", role="event")
    buf = bytearray(FRAME_BYTES)
    for _ in range(3):
        stream.callback(buf, 320, None, 0)
    done.result(5)
    assert stream.closed


def test_record_collects_seconds_from_microphone(setup: Any) -> None:
    backend, engine, _ = setup
    result = engine.record(0.1)
    sync(engine)
    (stream,) = backend.live("input")
    assert stream.device == J_IN

    def feed() -> None:
        for i in range(10):
            stream.callback(bytes([i]) * FRAME_BYTES, 320, None, 0)

    threading.Thread(target=feed).start()
    data = result.result(5)
    assert len(data) == 5 * FRAME_BYTES


def test_call_waiting_cue_is_mixed_into_the_headset(setup: Any) -> None:
    backend, engine, _ = setup
    engine.open_call_audio().result(5)
    (out,) = backend.live("output")
    engine.call_waiting_tone()
    buf = bytearray(FRAME_BYTES)
    out.callback(buf, 320, None, 0)
    assert bytes(buf) != SILENCE


def test_shutdown_stops_watcher_and_streams(setup: Any) -> None:
    backend, engine, _ = setup
    engine.open_call_audio().result(5)
    engine.start_ringing().result(5)
    engine.shutdown()
    assert backend.watcher.stopped
    assert all(s.closed for s in backend.streams)


def test_half_frame_blocks_assemble_and_split_frames() -> None:
    """With 10 ms PortAudio blocks (the default, for 20 ms less device latency) frames are still 20 ms."""
    backend = FakeBackend(SPK, MIC)
    engine = AudioEngine(backend, AudioSettings(), blocks_per_frame=2, speaker_target=1, mic_target=1, realtime=False)
    try:
        engine.start().result(5)
        engine.open_call_audio().result(5)
        assert set(backend.blocksizes) == {160}
        (inp,) = backend.live("input")
        (out,) = backend.live("output")
        first, second = bytes([1]) * 320, bytes([2]) * 320
        inp.callback(first, 160, None, 0)
        inp.callback(second, 160, None, 0)
        assert engine.read_mic_frame() == first + second
        engine.write_speaker_frame(second + first)
        halves = []
        for _ in range(2):
            buf = bytearray(320)
            out.callback(buf, 160, None, 0)
            halves.append(bytes(buf))
        assert halves == [second, first]
    finally:
        engine.shutdown()


def test_meter_stream_follows_the_microphone_choice(setup: Any) -> None:
    backend, engine, _ = setup
    engine.monitor_microphone(True).result(5)
    (meter,) = backend.live("input")
    assert meter.device == J_IN
    meter.callback(b"\x00\x40" * 320, 320, None, 0)
    assert engine.mic_level() > 0.4
    engine.set_settings(AudioSettings(priority=("Jabra",), microphone=MIC.id)).result(5)
    (meter,) = backend.live("input")
    assert meter.device == MIC
    engine.monitor_microphone(False).result(5)
    assert backend.live("input") == []
    assert engine.mic_level() == 0.0


def test_separate_microphone_priority() -> None:
    from sip.audio.policy import choose

    inv = DeviceInventory((MIC, J_IN), (SPK, J_OUT))
    settings = AudioSettings(priority=("Jabra",), microphone_priority=("Built-in",))
    assert choose(inv, settings, Role.MICROPHONE) == MIC
    assert choose(inv, settings, Role.SPEAKER) == J_OUT


def test_repeated_device_underruns_reopen_the_output_with_more_buffer(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A machine too loaded for 20 ms: after XRUN_LIMIT device xruns the output is reopened with 20 ms more, once
    per step, on the same device, and the call's other direction is left alone."""
    import sip.audio.engine as engine_module

    monkeypatch.setattr(engine_module, "WARMUP_S", 0.0)
    backend = FakeBackend(SPK, MIC)
    engine = AudioEngine(backend, AudioSettings(), realtime=False)
    try:
        engine.start().result(5)
        engine.open_call_audio().result(5)
        (out,) = backend.live("output")
        (inp,) = backend.live("input")
        assert out.latency == engine_module.OUTPUT_LATENCY
        buf = bytearray(320)
        for _ in range(engine_module.XRUN_LIMIT):
            out.callback(buf, 160, None, 1)  # paOutputUnderflow
        sync(engine)
        (reopened,) = backend.live("output")
        assert reopened is not out
        assert out.closed
        assert reopened.latency == pytest.approx(engine_module.OUTPUT_LATENCY + engine_module.XRUN_STEP)
        assert reopened.device == out.device
        assert backend.live("input") == [inp]
        reopened.callback(buf, 160, None, 1)  # the count starts again on the new stream
        sync(engine)
        assert backend.live("output") == [reopened]
    finally:
        engine.shutdown()
    assert any("underran" in r.getMessage() for r in caplog.records)
    caplog.clear()
