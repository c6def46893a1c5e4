"""zh_CN and en text for the command line (``agentdesk-check``), which runs without Qt.

The Qt UI does not use these tables: it translates the same ids through ``tr()`` in ``ui/health/texts.py`` and the
``resources/i18n/health_*.ts`` files. ``tests/unit/test_health_texts.py`` checks that both cover every id.
"""

from __future__ import annotations

import enum
import locale
import os

from vpn_check.advice import Advice
from vpn_check.model import CheckId, MosGrade, Status


class Lang(enum.StrEnum):
    ZH = "zh"
    EN = "en"

    @classmethod
    def from_locale(cls, env: dict[str, str] | None = None) -> Lang:
        """zh for any Chinese locale (LC_ALL, LC_MESSAGES, LANG, then the OS locale), else en."""
        env = dict(os.environ) if env is None else env
        for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
            value = env.get(var, "")
            if value:
                return cls.ZH if value.lower().startswith("zh") else cls.EN
        try:
            loc = locale.getlocale()[0] or ""
        except ValueError:
            loc = ""
        return cls.ZH if loc.lower().startswith(("zh", "chinese")) else cls.EN


ADVICE_TEXT: dict[Advice, dict[Lang, str]] = {
    Advice.VPN_NOT_FOUND: {
        Lang.ZH: "未检测到公司 VPN。请先连接 VPN，再重新检测。",
        Lang.EN: "The company VPN was not found. Connect the VPN, then run the check again.",
    },
    Advice.VPN_DOWN: {
        Lang.ZH: "VPN 网卡存在但未连接。请重新连接 VPN。",
        Lang.EN: "The VPN adapter is present but not connected. Reconnect the VPN.",
    },
    Advice.SIP_BYPASSES_VPN: {
        Lang.ZH: "到话务服务器的流量没有经过 VPN。请重新连接 VPN；如仍有问题请联系 IT（分流设置）。",
        Lang.EN: "Traffic to the phone server does not go through the VPN. Reconnect the VPN; if it persists, "
        "ask IT about the split-tunnel settings.",
    },
    Advice.HUB_BYPASSES_VPN: {
        Lang.ZH: "到 AgentDesk 服务器的流量没有经过 VPN。请重新连接 VPN；如仍有问题请联系 IT。",
        Lang.EN: "Traffic to the AgentDesk server does not go through the VPN. Reconnect the VPN; if it persists, "
        "contact IT.",
    },
    Advice.NO_ROUTE: {
        Lang.ZH: "没有到该服务器的网络路由。请检查网络和 VPN 连接。",
        Lang.EN: "There is no network route to this server. Check the network and the VPN connection.",
    },
    Advice.DNS_FAILED: {
        Lang.ZH: "服务器域名无法解析。请检查 VPN 是否已连接；如仍失败请联系 IT（DNS 设置）。",
        Lang.EN: "A server name could not be resolved. Check that the VPN is connected; if it persists, contact IT "
        "(DNS settings).",
    },
    Advice.DNS_SLOW: {
        Lang.ZH: "域名解析较慢，可能影响登录和呼叫建立。如持续出现请联系 IT。",
        Lang.EN: "Name resolution is slow, which can delay sign-in and call set-up. Contact IT if it persists.",
    },
    Advice.HUB_UNREACHABLE: {
        Lang.ZH: "无法连接 AgentDesk 服务器。请检查网络和 VPN；如仍失败请联系 IT。",
        Lang.EN: "Cannot connect to the AgentDesk server. Check the network and the VPN; if it persists, contact IT.",
    },
    Advice.TLS_FAILED: {
        Lang.ZH: "与服务器的安全连接（TLS）建立失败。请联系 IT。",
        Lang.EN: "The secure (TLS) connection to the server failed. Contact IT.",
    },
    Advice.CERT_UNTRUSTED: {
        Lang.ZH: "服务器证书不受信任。请勿继续，并立即联系 IT。",
        Lang.EN: "The server certificate is not trusted. Do not continue; contact IT at once.",
    },
    Advice.CERT_EXPIRED: {
        Lang.ZH: "服务器证书已过期（或电脑时间不正确）。请检查系统时间，并联系 IT。",
        Lang.EN: "The server certificate has expired (or this computer's clock is wrong). Check the clock and "
        "contact IT.",
    },
    Advice.CERT_EXPIRES_SOON: {
        Lang.ZH: "服务器证书即将过期。请通知 IT 及时续期。",
        Lang.EN: "The server certificate expires soon. Tell IT to renew it.",
    },
    Advice.CERT_HOSTNAME_MISMATCH: {
        Lang.ZH: "服务器证书与服务器地址不符。请勿继续，并联系 IT。",
        Lang.EN: "The server certificate does not match the server address. Do not continue; contact IT.",
    },
    Advice.HUB_HEALTH_FAILED: {
        Lang.ZH: "AgentDesk 服务器报告异常。请稍后重试，或联系 IT。",
        Lang.EN: "The AgentDesk server reports a problem. Try again later or contact IT.",
    },
    Advice.CLOCK_SKEW: {
        Lang.ZH: "电脑时间与服务器相差过大。请开启系统的自动校时。",
        Lang.EN: "This computer's clock differs from the server's. Turn on automatic time synchronisation.",
    },
    Advice.SIP_UNREACHABLE: {
        Lang.ZH: "话务服务器无响应，无法接打电话。请检查 VPN；如仍失败请联系 IT。",
        Lang.EN: "The phone server does not answer: calls will not work. Check the VPN; if it persists, contact IT.",
    },
    Advice.HIGH_LOSS: {
        Lang.ZH: "网络丢包较多，通话会断续。请尽量使用有线网络，并暂停下载、视频等占用网络的程序。",
        Lang.EN: "The network is losing packets, so calls will break up. Use a wired connection if you can and pause "
        "downloads and video streaming.",
    },
    Advice.HIGH_LATENCY: {
        Lang.ZH: "网络延迟较高，通话会有明显延迟。请使用有线网络，或联系网络服务商。",
        Lang.EN: "Network delay is high, so calls will lag. Use a wired connection or contact your internet provider.",
    },
    Advice.HIGH_JITTER: {
        Lang.ZH: "网络抖动较大，通话可能不稳定。请使用有线网络，并暂停占用网络的程序。",
        Lang.EN: "Network jitter is high, so calls may be unsteady. Use a wired connection and pause programs that "
        "use the network.",
    },
    Advice.VOICE_POOR: {
        Lang.ZH: "预计通话质量较差。请按以上建议改善网络后重新检测。",
        Lang.EN: "Call quality is expected to be poor. Improve the network as advised, then run the check again.",
    },
    Advice.MTU_SMALL_USE_TCP: {
        Lang.ZH: "到话务服务器的路径 MTU 较小，UDP 信令可能被分片丢弃。请 IT 将 SIP 改用 TCP 或 TLS。",
        Lang.EN: "The path MTU to the phone server is small, so SIP over UDP may be fragmented and lost. Ask IT to "
        "switch SIP to TCP or TLS.",
    },
    Advice.MTU_SMALL: {
        Lang.ZH: "到话务服务器的路径 MTU 较小。如遇呼叫建立失败，请联系 IT。",
        Lang.EN: "The path MTU to the phone server is small. If calls fail to set up, contact IT.",
    },
    Advice.BANDWIDTH_LOW: {
        Lang.ZH: "可用带宽不足。请暂停下载、视频等程序，或改用有线网络。",
        Lang.EN: "Not enough bandwidth. Pause downloads and video, or use a wired connection.",
    },
    Advice.HEADSET_MISSING: {
        Lang.ZH: "未检测到公司指定的耳机。请插好耳机（USB 耳机请换一个接口试试）。",
        Lang.EN: "The approved headset was not found. Plug it in (for a USB headset, try another port).",
    },
    Advice.MIC_DEAD: {
        Lang.ZH: "麦克风没有声音。请检查耳机上的静音键、插头，以及系统的麦克风权限。",
        Lang.EN: "The microphone picks up no sound. Check the headset's mute switch, the plug and the system's "
        "microphone permission.",
    },
    Advice.MIC_CONSTANT: {
        Lang.ZH: "麦克风输出为固定信号，可能已损坏。请更换耳机或联系 IT。",
        Lang.EN: "The microphone sends a constant signal and may be faulty. Swap the headset or contact IT.",
    },
    Advice.MIC_QUIET: {
        Lang.ZH: "麦克风音量很低。请调高输入音量，或把麦克风靠近嘴边。",
        Lang.EN: "The microphone level is very low. Raise the input volume or move the microphone closer.",
    },
    Advice.SPEAKER_NOT_HEARD: {
        Lang.ZH: "没有听到测试音。请检查耳机是否插好、音量和输出设备设置。",
        Lang.EN: "The test tone was not heard. Check the headset plug, the volume and the output device.",
    },
    Advice.SPEAKER_NOT_CONFIRMED: {
        Lang.ZH: "未确认听筒测试（非交互运行）。",
        Lang.EN: "The speaker test was not confirmed (non-interactive run).",
    },
    Advice.AUDIO_UNAVAILABLE: {
        Lang.ZH: "无法访问音频系统。请重启电脑；如仍失败请联系 IT。",
        Lang.EN: "The audio system is not available. Restart the computer; if it persists, contact IT.",
    },
    Advice.CPU_BUSY: {
        Lang.ZH: "电脑 CPU 占用过高，通话可能卡顿。请关闭不需要的程序。",
        Lang.EN: "The CPU is very busy, so calls may stutter. Close programs you do not need.",
    },
    Advice.MEMORY_LOW: {
        Lang.ZH: "可用内存不足。请关闭不需要的程序。",
        Lang.EN: "Free memory is low. Close programs you do not need.",
    },
    Advice.DISK_LOW: {
        Lang.ZH: "磁盘空间不足。请清理文件或联系 IT。",
        Lang.EN: "Disk space is low. Free some space or contact IT.",
    },
    Advice.ON_BATTERY: {
        Lang.ZH: "电脑正在使用电池供电。请接上电源适配器。",
        Lang.EN: "The computer is running on battery. Plug in the charger.",
    },
    Advice.BATTERY_LOW: {
        Lang.ZH: "电池电量低且未接电源，请立即接上电源适配器。",
        Lang.EN: "The battery is low and not charging. Plug in the charger now.",
    },
    Advice.ON_WIFI: {
        Lang.ZH: "正在使用 Wi-Fi。条件允许时请改用有线网络，通话更稳定。",
        Lang.EN: "You are on Wi-Fi. A wired connection gives steadier calls when you can use one.",
    },
    Advice.WIFI_WEAK: {
        Lang.ZH: "Wi-Fi 信号弱。请靠近路由器或改用有线网络。",
        Lang.EN: "The Wi-Fi signal is weak. Move closer to the router or use a wired connection.",
    },
    Advice.NOT_CONFIGURED: {
        Lang.ZH: "本站点未配置此项检测。",
        Lang.EN: "This check is not configured at this site.",
    },
    Advice.NOT_SUPPORTED: {
        Lang.ZH: "此项检测在本系统上不可用。",
        Lang.EN: "This check is not available on this system.",
    },
    Advice.CHECK_ERROR: {
        Lang.ZH: "检测未能完成（详见技术信息）。",
        Lang.EN: "The check could not run (see the technical details).",
    },
}

CHECK_TITLE: dict[CheckId, dict[Lang, str]] = {
    CheckId.VPN_PRESENT: {Lang.ZH: "VPN 连接", Lang.EN: "VPN connection"},
    CheckId.VPN_EGRESS_SIP: {Lang.ZH: "话务服务器走 VPN", Lang.EN: "Phone server via VPN"},
    CheckId.VPN_EGRESS_HUB: {Lang.ZH: "AgentDesk 服务器走 VPN", Lang.EN: "AgentDesk server via VPN"},
    CheckId.DNS: {Lang.ZH: "域名解析", Lang.EN: "Name resolution (DNS)"},
    CheckId.HUB_TCP: {Lang.ZH: "服务器连接", Lang.EN: "Server connection"},
    CheckId.HUB_TLS: {Lang.ZH: "安全连接（TLS）", Lang.EN: "Secure connection (TLS)"},
    CheckId.HUB_CERT: {Lang.ZH: "服务器证书有效期", Lang.EN: "Server certificate validity"},
    CheckId.HUB_HEALTH: {Lang.ZH: "服务器状态", Lang.EN: "Server health"},
    CheckId.HUB_CLOCK: {Lang.ZH: "时钟偏差", Lang.EN: "Clock difference"},
    CheckId.VOICE_PATH: {Lang.ZH: "话务链路（延迟/抖动/丢包）", Lang.EN: "Voice path (delay/jitter/loss)"},
    CheckId.VOICE_MOS: {Lang.ZH: "预计通话质量（MOS）", Lang.EN: "Expected call quality (MOS)"},
    CheckId.VOICE_MTU: {Lang.ZH: "路径 MTU", Lang.EN: "Path MTU"},
    CheckId.BANDWIDTH_DOWN: {Lang.ZH: "下行带宽", Lang.EN: "Download bandwidth"},
    CheckId.BANDWIDTH_UP: {Lang.ZH: "上行带宽", Lang.EN: "Upload bandwidth"},
    CheckId.AUDIO_HEADSET: {Lang.ZH: "耳机", Lang.EN: "Headset"},
    CheckId.AUDIO_MIC: {Lang.ZH: "麦克风测试", Lang.EN: "Microphone test"},
    CheckId.AUDIO_SPEAKER: {Lang.ZH: "听筒测试", Lang.EN: "Speaker test"},
    CheckId.SYSTEM_CPU: {Lang.ZH: "CPU 负载", Lang.EN: "CPU load"},
    CheckId.SYSTEM_MEMORY: {Lang.ZH: "可用内存", Lang.EN: "Free memory"},
    CheckId.SYSTEM_DISK: {Lang.ZH: "磁盘空间", Lang.EN: "Disk space"},
    CheckId.SYSTEM_POWER: {Lang.ZH: "电源", Lang.EN: "Power"},
    CheckId.SYSTEM_NETWORK: {Lang.ZH: "网络类型", Lang.EN: "Network type"},
    CheckId.SYSTEM_VERSION: {Lang.ZH: "系统与软件版本", Lang.EN: "OS and app version"},
}

STATUS_TEXT: dict[Status, dict[Lang, str]] = {
    Status.PASS: {Lang.ZH: "通过", Lang.EN: "PASS"},
    Status.WARN: {Lang.ZH: "警告", Lang.EN: "WARN"},
    Status.FAIL: {Lang.ZH: "失败", Lang.EN: "FAIL"},
    Status.SKIP: {Lang.ZH: "跳过", Lang.EN: "SKIP"},
}

GRADE_TEXT: dict[MosGrade, dict[Lang, str]] = {
    MosGrade.EXCELLENT: {Lang.ZH: "优", Lang.EN: "excellent"},
    MosGrade.GOOD: {Lang.ZH: "良", Lang.EN: "good"},
    MosGrade.FAIR: {Lang.ZH: "中", Lang.EN: "fair"},
    MosGrade.POOR: {Lang.ZH: "差", Lang.EN: "poor"},
}

SUMMARY_TEXT: dict[str, dict[Lang, str]] = {
    "title": {Lang.ZH: "AgentDesk 健康检测", Lang.EN: "AgentDesk health check"},
    "overall": {Lang.ZH: "总体结果", Lang.EN: "Overall"},
    "blocks": {Lang.ZH: "按站点策略，以下问题会阻止签入：", Lang.EN: "Under the site policy these block sign-in:"},
    "threshold": {Lang.ZH: "阈值", Lang.EN: "threshold"},
    "speaker_prompt": {
        Lang.ZH: "正在播放测试音，您听到了吗？[y/n] ",
        Lang.EN: "A test tone is playing. Did you hear it? [y/n] ",
    },
}


def advice_text(advice: Advice, lang: Lang) -> str:
    return ADVICE_TEXT[advice][lang]


def check_title(check: CheckId, lang: Lang) -> str:
    return CHECK_TITLE[check][lang]
