"""Layered, typed configuration: built-in defaults < site (IT) < user file < command line.

Responsibility: read every configuration source, validate each value against a typed schema, apply locks set by IT,
and produce one immutable :class:`Config` plus a list of :class:`ConfigIssue` describing anything that was ignored.
Qt-free; pure functions and immutable objects, so any thread may read a :class:`Config`. Loading does file I/O and is
done once at start-up by the composition root (``ui/main.py``); saving the user file is quick and atomic.

Sources, lowest precedence first:

1. Defaults: the field defaults of the section dataclasses below.
2. Site settings provisioned by IT (read-only for the user): ``agentdesk.toml`` then ``conf.d/*.toml`` (sorted) in the
   site directory (Linux ``/etc/agentdesk``, Windows ``%ProgramData%\\AgentDesk``, macOS
   ``/Library/Application Support/AgentDesk``; the environment variable ``AGENTDESK_SITE_CONFIG_DIR`` overrides it),
   then, on Windows, the Group Policy registry key (through the injectable :class:`PolicySource`).
3. The user file ``agentdesk.toml`` in ``platformdirs.user_config_dir("AgentDesk")``.
4. The command line: ``--set section.key=value`` (the value is parsed as TOML, else taken as a string).

A site file locks keys with a top-level array ``locked = ["hub.url", "sip.*"]``; a locked key keeps its site value,
the user file and command line cannot change it, and the UI shows it disabled. Policy-registry values are always locked.
Keys marked ``user=False`` in the schema can only be set by site sources.

Unknown sections and keys produce a warning; a value of the wrong type produces an error naming the file, the key and
the expected type, and the key falls back to the value of the layer below; an unreadable or malformed file is reported
and skipped. Nothing here raises for bad input except :func:`save_user_values` (a :class:`ConfigError`).

Adding a section: write a frozen dataclass whose fields have defaults and ``_setting(...)`` metadata, and add it as a
field of :class:`Config`. Supported field types: ``str``, ``int``, ``float``, ``bool``, ``tuple[str, ...]`` and
``enum.StrEnum`` subclasses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import importlib
import logging
import math
import os
import sys
import tempfile
import tomllib
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

APP_NAME = "AgentDesk"
CONFIG_FILE_NAME = "agentdesk.toml"
SITE_DIR_ENV = "AGENTDESK_SITE_CONFIG_DIR"
SCHEMA_VERSION = 1

# Migrations of configuration files written by older versions: MIGRATIONS[n] turns a version-n document into a
# version-(n + 1) one (rename or move keys). They run when a file is read, and before the user file is rewritten a
# copy of the old one is kept (``agentdesk.toml.v<n>.bak``). Add one whenever a key changes name or meaning, and bump
# SCHEMA_VERSION.
Migration = typing.Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}


def _setting(
    default: Any,
    description: str,
    *,
    user: bool = True,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Any:
    """A schema field: its default, a description for IT and the settings UI, and optional bounds.

    ``user=False`` makes the key site-only (the user file and command line cannot set it).
    """
    metadata = {"description": description, "user": user, "minimum": minimum, "maximum": maximum}
    if isinstance(default, list | dict):
        raise TypeError("mutable defaults are not allowed; use a tuple")
    return field(default=default, metadata=metadata)


# ---------------------------------------------------------------------------------------------- enumerations
class SipTransport(enum.StrEnum):
    """SIP signalling transport. TLS (and TCP) notice a lost registrar at once; UDP only at the next refresh."""

    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class SrtpPolicy(enum.StrEnum):
    """Media encryption policy (SDES-SRTP)."""

    DISABLED = "disabled"
    OPTIONAL = "optional"
    MANDATORY = "mandatory"


class DtmfMethod(enum.StrEnum):
    """How key presses are sent during a call."""

    RFC2833 = "rfc2833"
    SIP_INFO = "info"


class Language(enum.StrEnum):
    """User interface language. ``system`` follows the operating system locale (falling back to zh_CN)."""

    SYSTEM = "system"
    ZH_CN = "zh_CN"
    EN = "en"


class LogLevel(enum.StrEnum):
    """Minimum level written to the log file."""

    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


# ---------------------------------------------------------------------------------------------- sections
@dataclass(frozen=True)
class HubSettings:
    """The central hub (agent state, tickets, knowledge base)."""

    url: str = _setting("https://127.0.0.1:8443", "Base URL of the AgentDesk hub (https://host:port).")
    ca_file: str = _setting(
        "", "PEM file of the CA that signed the hub's certificate; empty: the operating system trust store."
    )
    connect_timeout: float = _setting(10.0, "Seconds to wait when connecting to the hub.", minimum=1, maximum=120)
    heartbeat_interval: float = _setting(
        15.0, "Seconds between heartbeats on the live connection.", minimum=2, maximum=300
    )
    reconnect_max_delay: float = _setting(
        30.0, "Longest wait, in seconds, between reconnection attempts.", minimum=1, maximum=600
    )


@dataclass(frozen=True)
class SipSettings:
    """The softphone's SIP account and media policy."""

    server: str = _setting("", "SIP registrar host name or address (empty: not configured).")
    port: int = _setting(
        0, "Registrar port; 0 uses the transport's default (5060, or 5061 for TLS).", minimum=0, maximum=65535
    )
    transport: SipTransport = _setting(SipTransport.TLS, "Signalling transport: udp, tcp or tls.")
    user: str = _setting("", "SIP user name (usually the agent's extension).")
    domain: str = _setting("", "SIP domain (realm); empty: the server's host name.")
    outbound_proxy: str = _setting("", "Outbound proxy URI (sip:host:port;transport=tls); empty: none.")
    registration_expiry: int = _setting(
        300, "Registration lifetime in seconds requested from the registrar.", minimum=30, maximum=3600
    )
    srtp: SrtpPolicy = _setting(
        SrtpPolicy.OPTIONAL, "Media encryption: disabled, optional or mandatory (SDES-SRTP).", user=False
    )
    ca_file: str = _setting(
        "", "PEM file of the CA for the registrar's TLS certificate; empty: the bundled/system CAs.", user=False
    )
    auto_answer: bool = _setting(False, "Answer incoming calls automatically after auto_answer_delay.")
    auto_answer_delay: float = _setting(2.0, "Seconds of ringing before an automatic answer.", minimum=0, maximum=30)
    codecs: tuple[str, ...] = _setting(
        ("G722/16000", "PCMA/8000", "PCMU/8000"), "Audio codecs in order of preference; others are disabled."
    )
    dtmf: DtmfMethod = _setting(DtmfMethod.RFC2833, "DTMF method: rfc2833 or info.")
    pump_interval_ms: int = _setting(
        20, "Interval of the SIP event pump on the GUI thread, in milliseconds.", minimum=5, maximum=100
    )


@dataclass(frozen=True)
class AudioSettings:
    """Headset selection and audio bridge tuning."""

    input_priority: tuple[str, ...] = _setting(
        ("*Jabra*", "*Plantronics*", "*Poly*", "*EPOS*", "*Sennheiser*", "*Logitech*", "*[Hh]eadset*", "*USB*"),
        "Glob patterns of preferred microphones, best first; the first present device is used.",
    )
    output_priority: tuple[str, ...] = _setting(
        ("*Jabra*", "*Plantronics*", "*Poly*", "*EPOS*", "*Sennheiser*", "*Logitech*", "*[Hh]eadset*", "*USB*"),
        "Glob patterns of preferred speakers/headphones, best first.",
    )
    ringer_device: str = _setting("", "Device that plays the ring tone; empty: the system's default output.")
    ring_on_speaker_too: bool = _setting(True, "Also ring on the default speaker so a removed headset is not missed.")
    output_latency: float = _setting(
        0.02,
        "Output device buffer in seconds (measured: 0.02 with real-time audio threads; see docs/audio.md).",
        minimum=0.02,
        maximum=0.5,
    )
    microphone: str = _setting("", "Microphone chosen by name (device id); empty: the priority list decides.")
    speaker: str = _setting("", "Speaker/headphones chosen by name (device id); empty: the priority list decides.")
    require_headset_for_auto_answer: bool = _setting(
        True,
        "Refuse automatic answer while no device of the priority list (or the chosen one) is connected.",
        user=False,
    )


@dataclass(frozen=True)
class HealthSettings:
    """Thresholds of the VPN and device health check."""

    require_vpn: bool = _setting(True, "Report an error when no VPN tunnel is up.", user=False)
    vpn_interface_patterns: tuple[str, ...] = _setting(
        ("tun*", "wg*", "ppp*", "utun*", "ipsec*", "gpd*", "cscotun*"),
        "Glob patterns of network interface names that count as a VPN tunnel.",
        user=False,
    )
    max_rtt_ms: float = _setting(
        150.0, "Highest acceptable round-trip time to the servers, ms.", minimum=1, maximum=5000
    )
    max_jitter_ms: float = _setting(30.0, "Highest acceptable jitter, ms.", minimum=0, maximum=1000)
    max_loss_percent: float = _setting(2.0, "Highest acceptable packet loss, percent.", minimum=0, maximum=100)
    min_free_disk_mb: int = _setting(500, "Lowest acceptable free disk space, MB.", minimum=0)
    max_cpu_percent: float = _setting(90.0, "Highest acceptable CPU load, percent.", minimum=1, maximum=100)
    interval: float = _setting(60.0, "Seconds between background health checks.", minimum=5, maximum=3600)
    # Site policy of the pre-shift gate (issue 8; check ids as in docs/health_check.md).
    block_sign_in_on: tuple[str, ...] = _setting(
        ("vpn.present", "vpn.egress_sip", "hub.tls", "hub.cert", "voice.path", "audio.headset", "audio.mic"),
        "Health checks whose failure blocks sign-in.",
        user=False,
    )
    block_sign_in_on_warning: tuple[str, ...] = _setting(
        (), "Health checks whose warning already blocks sign-in.", user=False
    )
    sip_via_vpn: bool = _setting(True, "SIP traffic must leave through the VPN (false: split tunnel).", user=False)
    hub_via_vpn: bool = _setting(True, "Hub traffic must leave through the VPN (false: split tunnel).", user=False)


@dataclass(frozen=True)
class UiSettings:
    """Window, language and notification behaviour."""

    language: Language = _setting(Language.ZH_CN, "Interface language: zh_CN, en or system.")
    close_to_tray: bool = _setting(True, "Closing the window keeps AgentDesk running in the tray.")
    start_minimized: bool = _setting(False, "Start hidden in the tray.")
    notifications: bool = _setting(True, "Show desktop notifications (incoming calls, supervisor changes).")


@dataclass(frozen=True)
class LoggingSettings:
    """Log file and diagnostics."""

    level: LogLevel = _setting(LogLevel.INFO, "Minimum level written to the log file.")
    sip_trace: bool = _setting(False, "Log full SIP messages (credentials are redacted).")
    file_max_bytes: int = _setting(5_000_000, "Size at which the log file rotates, bytes.", minimum=10_000)
    file_backups: int = _setting(5, "Rotated log files kept.", minimum=0, maximum=100)


@dataclass(frozen=True)
class Config:
    """The effective configuration: one immutable section per area. Read-only from any thread."""

    hub: HubSettings = field(default_factory=HubSettings)
    sip: SipSettings = field(default_factory=SipSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)


# ---------------------------------------------------------------------------------------------- schema introspection
@dataclass(frozen=True)
class SettingInfo:
    """Describes one key of the schema (for documentation, the settings UI and validation)."""

    key: str  # "section.name"
    section: str
    name: str
    type: Any
    default: Any
    description: str
    user: bool
    minimum: float | None
    maximum: float | None

    @property
    def type_name(self) -> str:
        """Human-readable expected type, used in error messages."""
        return _type_name(self.type)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _type_name(tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in tp)
    if typing.get_origin(tp) is tuple:
        return "array of strings"
    return {str: "string", int: "integer", float: "number", bool: "boolean (true/false)"}.get(tp, str(tp))


def _section_types() -> dict[str, type]:
    hints = typing.get_type_hints(Config)
    return {f.name: hints[f.name] for f in dataclasses.fields(Config)}


def schema() -> dict[str, SettingInfo]:
    """Every key of the schema by ``"section.name"``, in declaration order."""
    result: dict[str, SettingInfo] = {}
    for section, cls in _section_types().items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            key = f"{section}.{f.name}"
            result[key] = SettingInfo(
                key=key,
                section=section,
                name=f.name,
                type=hints[f.name],
                default=f.default,
                description=f.metadata["description"],
                user=f.metadata["user"],
                minimum=f.metadata["minimum"],
                maximum=f.metadata["maximum"],
            )
    return result


# ---------------------------------------------------------------------------------------------- issues and errors
class ConfigIssueKind(enum.Enum):
    """Why part of a configuration source was ignored. ``ui/`` maps these to translated messages."""

    UNREADABLE_FILE = "unreadable-file"  # permissions, encoding, I/O error
    SYNTAX_ERROR = "syntax-error"  # not valid TOML
    UNKNOWN_SECTION = "unknown-section"
    UNKNOWN_KEY = "unknown-key"
    BAD_VALUE = "bad-value"  # wrong type or out of range; the layer below's value is kept
    LOCKED_KEY = "locked-key"  # a user/CLI value for a key IT locked
    SITE_ONLY_KEY = "site-only-key"  # a user/CLI value for a key only IT may set
    BAD_LOCK = "bad-lock"  # a ``locked`` entry that names no key


@dataclass(frozen=True)
class ConfigIssue:
    """Something in a configuration source that was ignored, and why."""

    kind: ConfigIssueKind
    source: str  # file path, "command line" or "policy registry"
    key: str  # "section.name", a section, or "" for a whole file
    detail: str  # English detail for the log (expected type, parser message)

    @property
    def is_error(self) -> bool:
        """Errors lose a value the author meant to set; the rest are warnings."""
        return self.kind in {ConfigIssueKind.UNREADABLE_FILE, ConfigIssueKind.SYNTAX_ERROR, ConfigIssueKind.BAD_VALUE}

    def __str__(self) -> str:
        where = f"{self.source}: {self.key}" if self.key else self.source
        return f"{where}: {self.kind.value}: {self.detail}"


class ConfigErrorKind(enum.Enum):
    """Why a configuration change was refused."""

    LOCKED = "locked"
    SITE_ONLY = "site-only"
    UNKNOWN_KEY = "unknown-key"
    BAD_VALUE = "bad-value"
    WRITE_FAILED = "write-failed"


class ConfigError(Exception):
    """A configuration change that was refused; ``kind`` says why and ``key`` which setting."""

    def __init__(self, kind: ConfigErrorKind, key: str, detail: str) -> None:
        super().__init__(f"{key}: {kind.value}: {detail}")
        self.kind = kind
        self.key = key
        self.detail = detail


# ---------------------------------------------------------------------------------------------- value validation
class _BadValueError(Exception):
    pass


def _coerce(info: SettingInfo, value: object) -> object:
    """Return ``value`` converted to the setting's type, or raise :class:`_BadValueError` with the reason."""
    tp = info.type
    expected = f"expected {info.type_name}, got {type(value).__name__} {value!r}"
    result: object
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        if not isinstance(value, str):
            raise _BadValueError(expected)
        try:
            result = tp(value)
        except ValueError:
            raise _BadValueError(expected) from None
    elif tp is bool:
        if not isinstance(value, bool):
            raise _BadValueError(expected)
        result = value
    elif tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _BadValueError(expected)
        result = value
    elif tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _BadValueError(expected)
        result = float(value)
    elif tp is str:
        if not isinstance(value, str):
            raise _BadValueError(expected)
        result = value
    elif typing.get_origin(tp) is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise _BadValueError(expected)
        result = tuple(value)
    else:  # pragma: no cover - a schema author used an unsupported type
        raise TypeError(f"unsupported setting type {tp!r} for {info.key}")
    if isinstance(result, int | float) and not isinstance(result, bool):
        if info.minimum is not None and result < info.minimum:
            raise _BadValueError(f"expected {info.type_name} >= {info.minimum:g}, got {result!r}")
        if info.maximum is not None and result > info.maximum:
            raise _BadValueError(f"expected {info.type_name} <= {info.maximum:g}, got {result!r}")
    return result


# ---------------------------------------------------------------------------------------------- sources
class PolicySource(Protocol):
    """A source of administrator policy (e.g. the Windows Group Policy registry key). Its values are always locked.

    ``read()`` returns ``{section: {name: value}}`` with TOML-like values (str, int, float, bool, list of str), plus
    optionally ``"locked": [keys]`` like a site file, and must not raise for missing keys (return ``{}``).
    """

    name: str

    def read(self) -> Mapping[str, object]: ...


class NoPolicy:
    """The policy source on platforms without one."""

    name = "policy registry"

    def read(self) -> Mapping[str, object]:
        return {}


class WindowsRegistryPolicy:
    """Reads ``HKLM\\SOFTWARE\\Policies\\AgentDesk\\<section>`` values (REG_SZ, REG_DWORD, REG_MULTI_SZ).

    A REG_DWORD maps to an integer (or a boolean when the schema says boolean, handled by the caller), REG_MULTI_SZ to
    an array of strings. The value ``locked`` directly under the key (REG_SZ ``"sip.transport, audio.*"`` or
    REG_MULTI_SZ; the MSI's ``LOCKED_KEYS`` property) locks further keys, e.g. ones set by the site file in
    ``%ProgramData%``. Only usable on Windows; elsewhere it reads nothing. ``registry`` is a ``winreg``-compatible
    module (tests pass a fake one: the registry is an OS boundary).
    """

    name = "policy registry"
    KEY = r"SOFTWARE\Policies\AgentDesk"

    def __init__(self, platform: str = sys.platform, registry: Any = None) -> None:
        self.platform = platform
        self._registry = registry

    def read(self) -> Mapping[str, object]:
        if self.platform != "win32":
            return {}
        # importlib keeps mypy (checking on Linux, where typeshed hides winreg) from calling this unreachable.
        winreg: Any = self._registry or importlib.import_module("winreg")

        result: dict[str, Any] = {}
        try:
            root = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, self.KEY)
        except OSError:
            return {}
        with root:
            locked = self._values(winreg, root).get("locked")
            if isinstance(locked, str):
                locked = [k for k in locked.replace(";", ",").replace(" ", ",").split(",") if k]
            if isinstance(locked, list):
                result["locked"] = [str(k).strip() for k in locked if str(k).strip()]
            index = 0
            while True:
                try:
                    section = winreg.EnumKey(root, index)
                except OSError:
                    break
                index += 1
                with winreg.OpenKey(root, section) as sub:
                    result[section] = self._values(winreg, sub)
        return result

    @staticmethod
    def _values(winreg: Any, key: Any) -> dict[str, object]:
        values: dict[str, object] = {}
        index = 0
        while True:
            try:
                name, value, _kind = winreg.EnumValue(key, index)
            except OSError:
                return values
            index += 1
            values[name] = value


def default_policy_source() -> PolicySource:
    """The platform's policy source."""
    return WindowsRegistryPolicy() if sys.platform == "win32" else NoPolicy()


def site_config_dir(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Where IT provisions site settings (``AGENTDESK_SITE_CONFIG_DIR`` overrides the platform default)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get(SITE_DIR_ENV):
        return Path(env[SITE_DIR_ENV])
    if platform == "win32":
        return Path(env.get("ProgramData", r"C:\ProgramData")) / APP_NAME
    if platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME
    return Path("/etc/agentdesk")


def site_config_files(site_dir: Path) -> list[Path]:
    """The site files in precedence order: ``agentdesk.toml`` then ``conf.d/*.toml`` sorted by name."""
    files = []
    main = site_dir / CONFIG_FILE_NAME
    if main.is_file():
        files.append(main)
    conf_d = site_dir / "conf.d"
    if conf_d.is_dir():
        files += sorted(p for p in conf_d.glob("*.toml") if p.is_file())
    return files


def user_config_file() -> Path:
    """The user's own settings file."""
    import platformdirs  # lazily: keeps start-up lean

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILE_NAME


# ---------------------------------------------------------------------------------------------- loading
@dataclass(frozen=True)
class LoadedConfig:
    """The result of :func:`load_config`: the effective values and what to tell the user about them.

    ``origins`` says which source set each key that is not at its default ("site: /etc/...", "user: ...",
    "command line", "policy registry"); ``locked`` lists keys the user cannot change.
    """

    config: Config
    locked: frozenset[str]
    origins: Mapping[str, str]
    issues: tuple[ConfigIssue, ...]
    user_file: Path | None
    site_files: tuple[Path, ...]

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def value(self, key: str) -> object:
        """The effective value of ``"section.name"``."""
        section, name = key.split(".", 1)
        return getattr(getattr(self.config, section), name)


class _Layering:
    """Accumulates values source by source (mutable; used only inside :func:`load_config`)."""

    def __init__(self) -> None:
        self.schema = schema()
        self.values: dict[str, object] = {}
        self.origins: dict[str, str] = {}
        self.locked: set[str] = set()
        self.issues: list[ConfigIssue] = []

    def issue(self, kind: ConfigIssueKind, source: str, key: str, detail: str) -> None:
        found = ConfigIssue(kind, source, key, detail)
        self.issues.append(found)
        (log.error if found.is_error else log.warning)("configuration: %s", found)

    def apply(self, data: Mapping[str, object], source: str, *, site: bool, lock_all: bool = False) -> None:
        """Apply one parsed source; ``site`` sources may set site-only keys and declare locks."""
        locks = data.get("locked") if site else None
        sections = {i.section for i in self.schema.values()}
        for top, body in data.items():
            if top == "schema_version" or (site and top == "locked"):
                continue
            if top not in sections:
                self.issue(ConfigIssueKind.UNKNOWN_SECTION, source, top, "no such section")
                continue
            if not isinstance(body, Mapping):
                self.issue(ConfigIssueKind.BAD_VALUE, source, top, f"expected a [{top}] table")
                continue
            for name, raw in body.items():
                key = f"{top}.{name}"
                info = self.schema.get(key)
                if info is None:
                    self.issue(ConfigIssueKind.UNKNOWN_KEY, source, key, "no such setting")
                    continue
                if not site and key in self.locked:
                    self.issue(ConfigIssueKind.LOCKED_KEY, source, key, f"locked by {self.origins.get(key, 'IT')}")
                    continue
                if not site and not info.user:
                    self.issue(ConfigIssueKind.SITE_ONLY_KEY, source, key, "only site settings may set this key")
                    continue
                if info.type is bool and isinstance(raw, int) and not isinstance(raw, bool) and raw in (0, 1):
                    raw = bool(raw)  # registry REG_DWORD
                try:
                    value = _coerce(info, raw)
                except _BadValueError as exc:
                    self.issue(ConfigIssueKind.BAD_VALUE, source, key, str(exc))
                    continue
                self.values[key] = value
                self.origins[key] = source
                if lock_all:
                    self.locked.add(key)
        if locks is not None:
            self._add_locks(locks, source)

    def _add_locks(self, locks: object, source: str) -> None:
        if not isinstance(locks, list) or not all(isinstance(x, str) for x in locks):
            self.issue(ConfigIssueKind.BAD_LOCK, source, "locked", "expected an array of strings")
            return
        for pattern in locks:
            if pattern.endswith(".*"):
                keys = [k for k, i in self.schema.items() if i.section == pattern[:-2]]
            else:
                keys = [pattern] if pattern in self.schema else []
            if not keys:
                self.issue(ConfigIssueKind.BAD_LOCK, source, pattern, "names no setting")
            self.locked.update(keys)

    def build(self) -> Config:
        sections: dict[str, Any] = {}
        for section, cls in _section_types().items():
            kwargs = {
                i.name: self.values[k] for k, i in self.schema.items() if i.section == section and k in self.values
            }
            sections[section] = cls(**kwargs)
        return Config(**sections)


def _read_toml(path: Path, layering: _Layering) -> dict[str, Any] | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        layering.issue(ConfigIssueKind.UNREADABLE_FILE, str(path), "", exc.strerror or str(exc))
        return None
    try:
        return migrate(tomllib.loads(data.decode("utf-8-sig")))
    except UnicodeDecodeError as exc:
        layering.issue(ConfigIssueKind.UNREADABLE_FILE, str(path), "", f"not UTF-8: {exc.reason}")
    except tomllib.TOMLDecodeError as exc:
        layering.issue(ConfigIssueKind.SYNTAX_ERROR, str(path), "", str(exc))
    return None


def _file_version(data: Mapping[str, Any]) -> int:
    version = data.get("schema_version", 1)
    return version if isinstance(version, int) and not isinstance(version, bool) and version >= 1 else 1


def migrate(data: dict[str, Any], migrations: Mapping[int, Migration] | None = None) -> dict[str, Any]:
    """Bring a parsed configuration document up to :data:`SCHEMA_VERSION` (a newer document is read as it is)."""
    migrations = MIGRATIONS if migrations is None else migrations
    version = _file_version(data)
    while version < SCHEMA_VERSION and version in migrations:
        data = migrations[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data


def parse_cli_overrides(items: Iterable[str]) -> tuple[dict[str, dict[str, object]], list[ConfigIssue]]:
    """Parse ``section.key=value`` strings; the value is TOML (``true``, ``5``, ``["a"]``, ``"x"``) or a bare string."""
    result: dict[str, dict[str, object]] = {}
    issues: list[ConfigIssue] = []
    infos = schema()
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or "." not in key:
            issues.append(ConfigIssue(ConfigIssueKind.BAD_VALUE, "command line", item, "expected section.key=value"))
            continue
        text = text.strip()
        try:
            value: object = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            value = text
        info = infos.get(key)
        if info is not None and not isinstance(value, str) and (info.type is str or _is_enum(info.type)):
            value = text  # sip.user=1002 is the string "1002", not an integer
        section, name = key.split(".", 1)
        result.setdefault(section, {})[name] = value
    return result, issues


def load_config(
    *,
    site_dir: Path | None = None,
    user_file: Path | None = None,
    cli_overrides: Sequence[str] = (),
    policy: PolicySource | None = None,
) -> LoadedConfig:
    """Read every layer and return the effective configuration. Never raises for bad files or values.

    Arguments default to the platform's locations (``site_config_dir()``, ``user_config_file()``,
    ``default_policy_source()``); tests pass explicit ones.
    """
    layering = _Layering()
    site_dir = site_config_dir() if site_dir is None else site_dir
    user_file = user_config_file() if user_file is None else user_file
    policy = default_policy_source() if policy is None else policy

    site_files = site_config_files(site_dir)
    for path in site_files:
        data = _read_toml(path, layering)
        if data is not None:
            layering.apply(data, f"site: {path}", site=True)
    try:
        policy_data = policy.read()
    except OSError as exc:
        layering.issue(ConfigIssueKind.UNREADABLE_FILE, policy.name, "", str(exc))
        policy_data = {}
    if policy_data:
        layering.apply(policy_data, policy.name, site=True, lock_all=True)

    data = _read_toml(user_file, layering)
    if data is not None:
        layering.apply(data, f"user: {user_file}", site=False)

    cli, cli_issues = parse_cli_overrides(cli_overrides)
    for found in cli_issues:
        layering.issue(found.kind, found.source, found.key, found.detail)
    layering.apply(cli, "command line", site=False)

    return LoadedConfig(
        config=layering.build(),
        locked=frozenset(layering.locked),
        origins=dict(layering.origins),
        issues=tuple(layering.issues),
        user_file=user_file,
        site_files=tuple(site_files),
    )


# ---------------------------------------------------------------------------------------------- saving
def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dump_toml(data: Mapping[str, Mapping[str, object]]) -> str:
    """Serialise ``{section: {name: value}}`` (the value types of the schema) as TOML."""
    lines = [f"schema_version = {SCHEMA_VERSION}", ""]
    for section in sorted(data):
        if not data[section]:
            continue
        lines.append(f"[{section}]")
        lines += [f"{name} = {_toml_value(v)}" for name, v in sorted(data[section].items())]
        lines.append("")
    return "\n".join(lines)


def save_user_values(loaded: LoadedConfig, changes: Mapping[str, object]) -> None:
    """Write ``{"section.name": value}`` into the user file (atomically), keeping its other user values.

    ``None`` as a value removes the key (back to the site/default value). Raises :class:`ConfigError` for a locked,
    site-only or unknown key, a bad value, or a failed write; nothing is written then. Call :func:`load_config` again
    to get the new effective configuration. Main thread; quick.
    """
    if loaded.user_file is None:
        raise ConfigError(ConfigErrorKind.WRITE_FAILED, "", "no user configuration file")
    info_by_key = schema()
    validated: dict[str, object | None] = {}
    for key, value in changes.items():
        info = info_by_key.get(key)
        if info is None:
            raise ConfigError(ConfigErrorKind.UNKNOWN_KEY, key, "no such setting")
        if key in loaded.locked:
            raise ConfigError(ConfigErrorKind.LOCKED, key, "locked by site settings")
        if not info.user:
            raise ConfigError(ConfigErrorKind.SITE_ONLY, key, "only site settings may set this key")
        if value is None:
            validated[key] = None
            continue
        try:
            validated[key] = _coerce(info, value.value if isinstance(value, enum.Enum) else value)
        except _BadValueError as exc:
            raise ConfigError(ConfigErrorKind.BAD_VALUE, key, str(exc)) from None

    current: dict[str, dict[str, object]] = {}
    try:
        text = loaded.user_file.read_text(encoding="utf-8-sig")
        raw = tomllib.loads(text)
        if _file_version(raw) < SCHEMA_VERSION:
            # Keep what the older version wrote before it is rewritten in the new schema.
            backup = loaded.user_file.with_suffix(f".toml.v{_file_version(raw)}.bak")
            with contextlib.suppress(OSError):
                backup.write_text(text, encoding="utf-8")
            raw = migrate(raw)
    except FileNotFoundError:
        raw = {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # A broken user file: keep a copy for the user, then start afresh with only valid values.
        backup = loaded.user_file.with_suffix(".toml.broken")
        with contextlib.suppress(OSError):
            os.replace(loaded.user_file, backup)
            log.warning("configuration: broken user file moved to %s", backup)
        raw = {}
    for section, body in raw.items():
        if isinstance(body, dict):
            for name, v in body.items():
                key = f"{section}.{name}"
                if key in info_by_key and info_by_key[key].user:
                    current.setdefault(section, {})[name] = v
    for key, value in validated.items():
        section, name = key.split(".", 1)
        if value is None:
            current.get(section, {}).pop(name, None)
        else:
            current.setdefault(section, {})[name] = value

    text = dump_toml(current)
    path = loaded.user_file
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".agentdesk-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise ConfigError(ConfigErrorKind.WRITE_FAILED, str(path), exc.strerror or str(exc)) from exc
    log.info("configuration: saved %s to %s", ", ".join(sorted(changes)), path)


# ---------------------------------------------------------------------------------------------- live store
class ConfigStore:
    """Holds the current :class:`LoadedConfig`, saves user changes and tells subscribers about the new one.

    The composition root creates one and passes it to whoever shows or changes settings (settings pages, the
    language menu). Main thread only: subscribers run synchronously in :meth:`save`.
    """

    def __init__(
        self,
        *,
        site_dir: Path | None = None,
        user_file: Path | None = None,
        cli_overrides: Sequence[str] = (),
        policy: PolicySource | None = None,
    ) -> None:
        self._args: dict[str, Any] = {
            "site_dir": site_dir,
            "user_file": user_file,
            "cli_overrides": tuple(cli_overrides),
            "policy": policy,
        }
        self._loaded = load_config(**self._args)
        self._subscribers: list[typing.Callable[[LoadedConfig], None]] = []

    @property
    def loaded(self) -> LoadedConfig:
        return self._loaded

    @property
    def config(self) -> Config:
        return self._loaded.config

    def subscribe(self, callback: typing.Callable[[LoadedConfig], None]) -> None:
        """Call ``callback(loaded)`` after every successful :meth:`save`."""
        self._subscribers.append(callback)

    def save(self, changes: Mapping[str, object]) -> LoadedConfig:
        """Write ``changes`` to the user file (see :func:`save_user_values`), reload, and notify subscribers.

        A change the user makes now supersedes a command-line override of the same key for the rest of the session.
        """
        save_user_values(self._loaded, changes)
        self._args["cli_overrides"] = tuple(
            item for item in self._args["cli_overrides"] if item.partition("=")[0].strip() not in changes
        )
        self._loaded = load_config(**self._args)
        for callback in list(self._subscribers):
            callback(self._loaded)
        return self._loaded
