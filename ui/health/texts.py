"""Translated text for check ids, statuses, grades and advice (the Qt side of :mod:`vpn_check.advice`).

Main thread only (``tr()``). ``tests/unit/health/test_ui_texts.py`` checks that every :class:`Advice` and
:class:`CheckId` member has an entry here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from vpn_check.advice import Advice
from vpn_check.model import CheckId, CheckResult, MosGrade, Status


class HealthTexts(QObject):
    """Translations of the health check's ids; build one per widget tree (after the translators are installed)."""

    def advice(self, advice: Advice) -> str:
        texts = {
            Advice.VPN_NOT_FOUND: self.tr("The company VPN was not found. Connect the VPN, then run the check again."),
            Advice.VPN_DOWN: self.tr("The VPN adapter is present but not connected. Reconnect the VPN."),
            Advice.SIP_BYPASSES_VPN: self.tr(
                "Traffic to the phone server does not go through the VPN. Reconnect the VPN; if it persists, "
                "ask IT about the split-tunnel settings."
            ),
            Advice.HUB_BYPASSES_VPN: self.tr(
                "Traffic to the AgentDesk server does not go through the VPN. Reconnect the VPN; if it persists, "
                "contact IT."
            ),
            Advice.NO_ROUTE: self.tr("There is no network route to this server. Check the network and the VPN."),
            Advice.DNS_FAILED: self.tr(
                "A server name could not be resolved. Check that the VPN is connected; if it persists, contact IT."
            ),
            Advice.DNS_SLOW: self.tr("Name resolution is slow, which can delay sign-in and calls."),
            Advice.HUB_UNREACHABLE: self.tr(
                "Cannot connect to the AgentDesk server. Check the network and the VPN; if it persists, contact IT."
            ),
            Advice.TLS_FAILED: self.tr("The secure (TLS) connection to the server failed. Contact IT."),
            Advice.CERT_UNTRUSTED: self.tr("The server certificate is not trusted. Do not continue; contact IT."),
            Advice.CERT_EXPIRED: self.tr(
                "The server certificate has expired (or this computer's clock is wrong). Check the clock and "
                "contact IT."
            ),
            Advice.CERT_EXPIRES_SOON: self.tr("The server certificate expires soon. Tell IT to renew it."),
            Advice.CERT_HOSTNAME_MISMATCH: self.tr(
                "The server certificate does not match the server address. Do not continue; contact IT."
            ),
            Advice.HUB_HEALTH_FAILED: self.tr("The AgentDesk server reports a problem. Try again later or contact IT."),
            Advice.CLOCK_SKEW: self.tr(
                "This computer's clock differs from the server's. Turn on automatic time synchronisation."
            ),
            Advice.SIP_UNREACHABLE: self.tr(
                "The phone server does not answer: calls will not work. Check the VPN; if it persists, contact IT."
            ),
            Advice.HIGH_LOSS: self.tr(
                "The network is losing packets, so calls will break up. Use a wired connection and pause "
                "downloads and video."
            ),
            Advice.HIGH_LATENCY: self.tr("Network delay is high, so calls will lag. Use a wired connection."),
            Advice.HIGH_JITTER: self.tr(
                "Network jitter is high, so calls may be unsteady. Use a wired connection and pause programs that "
                "use the network."
            ),
            Advice.VOICE_POOR: self.tr("Call quality is expected to be poor. Improve the network, then check again."),
            Advice.MTU_SMALL_USE_TCP: self.tr(
                "The path MTU to the phone server is small, so SIP over UDP may be lost. Ask IT to switch SIP to "
                "TCP or TLS."
            ),
            Advice.MTU_SMALL: self.tr(
                "The path MTU to the phone server is small. If calls fail to set up, contact IT."
            ),
            Advice.BANDWIDTH_LOW: self.tr(
                "Not enough bandwidth. Pause downloads and video, or use a wired connection."
            ),
            Advice.HEADSET_MISSING: self.tr(
                "The approved headset was not found. Plug it in (for a USB headset, try another port)."
            ),
            Advice.MIC_DEAD: self.tr(
                "The microphone picks up no sound. Check the headset's mute switch, the plug and the system's "
                "microphone permission."
            ),
            Advice.MIC_CONSTANT: self.tr(
                "The microphone sends a constant signal and may be faulty. Swap the headset or contact IT."
            ),
            Advice.MIC_QUIET: self.tr("The microphone level is very low. Raise the input volume."),
            Advice.SPEAKER_NOT_HEARD: self.tr(
                "The test tone was not heard. Check the headset plug, the volume and the output device."
            ),
            Advice.SPEAKER_NOT_CONFIRMED: self.tr("The speaker test was not confirmed."),
            Advice.AUDIO_UNAVAILABLE: self.tr(
                "The audio system is not available. Restart the computer; if it persists, contact IT."
            ),
            Advice.CPU_BUSY: self.tr("The CPU is very busy, so calls may stutter. Close programs you do not need."),
            Advice.MEMORY_LOW: self.tr("Free memory is low. Close programs you do not need."),
            Advice.DISK_LOW: self.tr("Disk space is low. Free some space or contact IT."),
            Advice.ON_BATTERY: self.tr("The computer is running on battery. Plug in the charger."),
            Advice.BATTERY_LOW: self.tr("The battery is low and not charging. Plug in the charger now."),
            Advice.ON_WIFI: self.tr("You are on Wi-Fi. A wired connection gives steadier calls."),
            Advice.WIFI_WEAK: self.tr("The Wi-Fi signal is weak. Move closer to the router or use a cable."),
            Advice.NOT_CONFIGURED: self.tr("This check is not configured at this site."),
            Advice.NOT_SUPPORTED: self.tr("This check is not available on this system."),
            Advice.CHECK_ERROR: self.tr("The check could not run (see the technical details)."),
        }
        return texts[advice]

    def title(self, check: CheckId) -> str:
        titles = {
            CheckId.VPN_PRESENT: self.tr("VPN connection"),
            CheckId.VPN_EGRESS_SIP: self.tr("Phone server via VPN"),
            CheckId.VPN_EGRESS_HUB: self.tr("AgentDesk server via VPN"),
            CheckId.DNS: self.tr("Name resolution (DNS)"),
            CheckId.HUB_TCP: self.tr("Server connection"),
            CheckId.HUB_TLS: self.tr("Secure connection (TLS)"),
            CheckId.HUB_CERT: self.tr("Server certificate validity"),
            CheckId.HUB_HEALTH: self.tr("Server health"),
            CheckId.HUB_CLOCK: self.tr("Clock difference"),
            CheckId.VOICE_PATH: self.tr("Voice path (delay/jitter/loss)"),
            CheckId.VOICE_MOS: self.tr("Expected call quality (MOS)"),
            CheckId.VOICE_MTU: self.tr("Path MTU"),
            CheckId.BANDWIDTH_DOWN: self.tr("Download bandwidth"),
            CheckId.BANDWIDTH_UP: self.tr("Upload bandwidth"),
            CheckId.AUDIO_HEADSET: self.tr("Headset"),
            CheckId.AUDIO_MIC: self.tr("Microphone test"),
            CheckId.AUDIO_SPEAKER: self.tr("Speaker test"),
            CheckId.SYSTEM_CPU: self.tr("CPU load"),
            CheckId.SYSTEM_MEMORY: self.tr("Free memory"),
            CheckId.SYSTEM_DISK: self.tr("Disk space"),
            CheckId.SYSTEM_POWER: self.tr("Power"),
            CheckId.SYSTEM_NETWORK: self.tr("Network type"),
            CheckId.SYSTEM_VERSION: self.tr("OS and app version"),
        }
        return titles[check]

    def status(self, status: Status) -> str:
        return {
            Status.PASS: self.tr("Pass"),
            Status.WARN: self.tr("Warning"),
            Status.FAIL: self.tr("Fail"),
            Status.SKIP: self.tr("Skipped"),
        }[status]

    def grade(self, grade: MosGrade) -> str:
        return {
            MosGrade.EXCELLENT: self.tr("excellent"),
            MosGrade.GOOD: self.tr("good"),
            MosGrade.FAIR: self.tr("fair"),
            MosGrade.POOR: self.tr("poor"),
        }[grade]

    def value(self, result: CheckResult) -> str:
        """The measured value with its unit (units are international symbols and stay untranslated)."""
        if result.value is None:
            return "—"
        if isinstance(result.value, bool):
            return self.tr("yes") if result.value else self.tr("no")
        text = f"{result.value} {result.unit}".strip()
        grade = result.details.get("grade")
        if isinstance(grade, str):
            text += f" ({self.grade(MosGrade(grade))})"
        return text
