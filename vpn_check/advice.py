"""Advice message ids returned by the checks.

Design: a check never returns prose. It returns :class:`Advice` ids; the Qt UI (``ui/health/texts.py``) translates
them with ``tr()`` like every other UI string, and the command line, which must work without Qt, uses the zh/en tables
in :mod:`vpn_check.texts`. A unit test keeps the three in step (every id has zh and en CLI text and a UI mapping).
"""

from __future__ import annotations

import enum


class Advice(enum.StrEnum):
    """What the agent or IT should do about a result. The value is stable (it goes into JSON reports)."""

    # VPN
    VPN_NOT_FOUND = "vpn_not_found"
    VPN_DOWN = "vpn_down"
    SIP_BYPASSES_VPN = "sip_bypasses_vpn"
    HUB_BYPASSES_VPN = "hub_bypasses_vpn"
    NO_ROUTE = "no_route"
    # DNS
    DNS_FAILED = "dns_failed"
    DNS_SLOW = "dns_slow"
    # Hub
    HUB_UNREACHABLE = "hub_unreachable"
    TLS_FAILED = "tls_failed"
    CERT_UNTRUSTED = "cert_untrusted"
    CERT_EXPIRED = "cert_expired"
    CERT_EXPIRES_SOON = "cert_expires_soon"
    CERT_HOSTNAME_MISMATCH = "cert_hostname_mismatch"
    HUB_HEALTH_FAILED = "hub_health_failed"
    CLOCK_SKEW = "clock_skew"
    # Voice path
    SIP_UNREACHABLE = "sip_unreachable"
    HIGH_LOSS = "high_loss"
    HIGH_LATENCY = "high_latency"
    HIGH_JITTER = "high_jitter"
    VOICE_POOR = "voice_poor"
    MTU_SMALL_USE_TCP = "mtu_small_use_tcp"
    MTU_SMALL = "mtu_small"
    # Bandwidth
    BANDWIDTH_LOW = "bandwidth_low"
    # Audio
    HEADSET_MISSING = "headset_missing"
    MIC_DEAD = "mic_dead"
    MIC_CONSTANT = "mic_constant"
    MIC_QUIET = "mic_quiet"
    SPEAKER_NOT_HEARD = "speaker_not_heard"
    SPEAKER_NOT_CONFIRMED = "speaker_not_confirmed"
    AUDIO_UNAVAILABLE = "audio_unavailable"
    # System
    CPU_BUSY = "cpu_busy"
    MEMORY_LOW = "memory_low"
    DISK_LOW = "disk_low"
    ON_BATTERY = "on_battery"
    BATTERY_LOW = "battery_low"
    ON_WIFI = "on_wifi"
    WIFI_WEAK = "wifi_weak"
    # Generic
    NOT_CONFIGURED = "not_configured"
    NOT_SUPPORTED = "not_supported"
    CHECK_ERROR = "check_error"
