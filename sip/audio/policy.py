"""Choosing devices: explicit choice first, then the priority patterns, then the system default.

Pure functions over ``DeviceInventory``; no threads, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sip.audio.model import AudioDevice, AudioError, AudioErrorKind, AudioSettings, DeviceInventory, Role


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Compile priority patterns (case-insensitive); a bad one raises ``AudioError(BAD_PATTERN)``."""
    compiled = []
    for pattern in patterns:
        if not pattern.strip():
            continue
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise AudioError(AudioErrorKind.BAD_PATTERN, f"{pattern!r}: {exc}") from exc
    return compiled


def match_priority(devices: Sequence[AudioDevice], patterns: Sequence[str]) -> AudioDevice | None:
    """The first device matched by the earliest pattern (label or id), in the inventory's order."""
    for regex in compile_patterns(patterns):
        for device in devices:
            if regex.search(device.label) or regex.search(device.id):
                return device
    return None


def choose(inventory: DeviceInventory, settings: AudioSettings, role: Role) -> AudioDevice | None:
    """The device for ``role``: the chosen id if present, else the priority list, else the default device.

    Monitors (loopbacks of outputs) are only used when chosen explicitly.
    """
    direction = role.direction
    devices = inventory.of(direction)
    explicit = {Role.MICROPHONE: settings.microphone, Role.SPEAKER: settings.speaker, Role.RINGER: settings.ringer}[
        role
    ]
    if explicit:
        found = inventory.find(explicit, direction)
        if found is not None:
            return found
    patterns = _patterns(settings, role)
    # "Monitor of Jabra …" matches "Jabra" too, but it records what the headset plays: never pick it by pattern.
    matched = match_priority([d for d in devices if not d.is_monitor], patterns)
    if matched is not None:
        return matched
    return inventory.default(direction)


def _patterns(settings: AudioSettings, role: Role) -> tuple[str, ...]:
    if role is Role.RINGER:
        return settings.ringer_priority
    if role is Role.MICROPHONE and settings.microphone_priority:
        return settings.microphone_priority
    return settings.priority


def headset_present(inventory: DeviceInventory, settings: AudioSettings) -> bool:
    """True when the configured headset is connected: for both directions, the chosen device is present or a
    priority pattern matches a present device. The auto-answer guard: an agent must not be connected to a
    customer while the headset lies unplugged on the desk."""
    for role, explicit in ((Role.MICROPHONE, settings.microphone), (Role.SPEAKER, settings.speaker)):
        devices = inventory.of(role.direction)
        if explicit and inventory.find(explicit, role.direction) is not None:
            continue
        patterns = _patterns(settings, role)
        if not explicit and not any(p.strip() for p in patterns):
            # Nothing configured: any real device will do.
            if inventory.default(role.direction) is None:
                return False
            continue
        if match_priority([d for d in devices if not d.is_monitor], patterns) is None:
            return False
    return True


def auto_answer_allowed(inventory: DeviceInventory, settings: AudioSettings) -> bool:
    """Whether auto-answer may connect a call now (always true when the policy does not require a headset)."""
    return not settings.require_headset_for_auto_answer or headset_present(inventory, settings)


__all__ = ["auto_answer_allowed", "choose", "compile_patterns", "headset_present", "match_priority"]
