"""Device choice: explicit id, then priority patterns, then the default; the auto-answer guard."""

from __future__ import annotations

import pytest

from sip.audio.model import AudioDevice, AudioError, AudioErrorKind, AudioSettings, DeviceInventory, Direction, Role
from sip.audio.policy import auto_answer_allowed, choose, headset_present

pytestmark = pytest.mark.unit

LAPTOP_OUT = AudioDevice("alsa_output.pci-0000_00_1f.3.analog-stereo", "Built-in Audio", Direction.OUTPUT, True)
LAPTOP_IN = AudioDevice("alsa_input.pci-0000_00_1f.3.analog-stereo", "Built-in Audio", Direction.INPUT, True)
JABRA_OUT = AudioDevice("alsa_output.usb-GN_Netcom_Jabra_EVOLVE_LINK", "Jabra EVOLVE LINK", Direction.OUTPUT)
JABRA_IN = AudioDevice("alsa_input.usb-GN_Netcom_Jabra_EVOLVE_LINK", "Jabra EVOLVE LINK", Direction.INPUT)
JABRA_MON = AudioDevice(
    "alsa_output.usb-GN_Netcom_Jabra_EVOLVE_LINK.monitor",
    "Monitor of Jabra EVOLVE LINK",
    Direction.INPUT,
    is_monitor=True,
)
POLY_OUT = AudioDevice("alsa_output.usb-Plantronics_Blackwire_5220", "Poly Blackwire 5220", Direction.OUTPUT)
POLY_IN = AudioDevice("alsa_input.usb-Plantronics_Blackwire_5220", "Poly Blackwire 5220", Direction.INPUT)


def inventory(*devices: AudioDevice) -> DeviceInventory:
    return DeviceInventory(
        tuple(d for d in devices if d.direction is Direction.INPUT),
        tuple(d for d in devices if d.direction is Direction.OUTPUT),
    )


def test_priority_patterns_in_order() -> None:
    inv = inventory(LAPTOP_OUT, LAPTOP_IN, JABRA_MON, JABRA_OUT, JABRA_IN, POLY_OUT, POLY_IN)
    settings = AudioSettings(priority=("Plantronics|Poly", "Jabra"))
    assert choose(inv, settings, Role.SPEAKER) == POLY_OUT
    assert choose(inv, settings, Role.MICROPHONE) == POLY_IN
    settings = AudioSettings(priority=("jabra",))  # case-insensitive
    assert choose(inv, settings, Role.SPEAKER) == JABRA_OUT
    assert choose(inv, settings, Role.MICROPHONE) == JABRA_IN  # never the monitor


def test_explicit_choice_wins_when_present_and_falls_back_when_not() -> None:
    settings = AudioSettings(priority=("Jabra",), speaker=POLY_OUT.id)
    assert choose(inventory(LAPTOP_OUT, JABRA_OUT, POLY_OUT), settings, Role.SPEAKER) == POLY_OUT
    assert choose(inventory(LAPTOP_OUT, JABRA_OUT), settings, Role.SPEAKER) == JABRA_OUT
    assert choose(inventory(LAPTOP_OUT), settings, Role.SPEAKER) == LAPTOP_OUT
    assert choose(inventory(), settings, Role.SPEAKER) is None


def test_ringer_defaults_to_the_system_output_not_the_headset() -> None:
    inv = inventory(LAPTOP_OUT, JABRA_OUT)
    settings = AudioSettings(priority=("Jabra",))
    assert choose(inv, settings, Role.RINGER) == LAPTOP_OUT
    assert choose(inv, AudioSettings(ringer_priority=("Jabra",)), Role.RINGER) == JABRA_OUT


def test_monitor_only_when_chosen_explicitly() -> None:
    inv = inventory(JABRA_MON)
    assert choose(inv, AudioSettings(priority=("Jabra",)), Role.MICROPHONE) is None
    assert choose(inv, AudioSettings(microphone=JABRA_MON.id), Role.MICROPHONE) == JABRA_MON


def test_headset_guard() -> None:
    settings = AudioSettings(priority=("Jabra|Plantronics|Poly|Headset",))
    assert headset_present(inventory(LAPTOP_OUT, LAPTOP_IN, JABRA_OUT, JABRA_IN), settings)
    assert not headset_present(inventory(LAPTOP_OUT, LAPTOP_IN, JABRA_OUT), settings)  # mic missing
    assert not headset_present(inventory(LAPTOP_OUT, LAPTOP_IN, JABRA_MON), settings)
    assert not auto_answer_allowed(inventory(LAPTOP_OUT, LAPTOP_IN), settings)
    relaxed = AudioSettings(priority=settings.priority, require_headset_for_auto_answer=False)
    assert auto_answer_allowed(inventory(LAPTOP_OUT, LAPTOP_IN), relaxed)
    explicit = AudioSettings(priority=(), microphone=POLY_IN.id, speaker=POLY_OUT.id)
    assert headset_present(inventory(POLY_IN, POLY_OUT), explicit)
    assert not headset_present(inventory(LAPTOP_IN, LAPTOP_OUT), explicit)


def test_bad_pattern_is_a_typed_error() -> None:
    with pytest.raises(AudioError) as info:
        choose(inventory(LAPTOP_OUT), AudioSettings(priority=("Jabra(",)), Role.SPEAKER)
    assert info.value.kind is AudioErrorKind.BAD_PATTERN
