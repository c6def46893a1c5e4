"""Headless installation self-test (``agentdesk --self-test``): does this installation have everything it needs?

IT runs it after a silent install (and CI runs it on every built bundle): it imports the client's modules, starts and
stops the SIP stack, names the keyring backend, loads the configuration and checks the bundled resources. Each check
is a plain function returning a one-line detail or raising; :func:`run_checks` times them and never lets one failure
stop the others. The Qt-dependent checks (platform plugins, translations) live in ``ui/selftest.py`` and are added to
the list there. Qt-free; main thread only (the pjsua2 check must run on the thread that created the endpoint).
"""

from __future__ import annotations

import enum
import importlib
import importlib.resources
import json
import pkgutil
import platform
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib.resources.abc import Traversable

from app.version import __version__


class Status(enum.Enum):
    OK = "ok"
    WARN = "warn"  # works, but something IT should know (e.g. no secure keyring: passwords cannot be remembered)
    FAIL = "fail"


class CheckCaveatError(Exception):
    """Raised by a check that passed with a caveat; the message is the detail shown."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str
    seconds: float


Check = Callable[[], str]
"""A check returns its detail line, raises :class:`CheckCaveatError` for a caveat or any other exception for a failure."""

# Packages whose every module must import from an installation. ``app.demo`` is left out: it drives the hub and SIP
# servers for the demo and is not part of an installed client.
CLIENT_PACKAGES = ("app", "sip", "vpn_check")
EXCLUDED_PREFIXES = ("app.demo",)
THIRD_PARTY = (
    "keyring",
    "requests",
    "websockets",
    "platformdirs",
    "psutil",
    "truststore",
    "cryptography",
    "sounddevice",  # loads PortAudio (a system library on Linux: libportaudio2) at import
    "numpy",
    *(["pulsectl"] if sys.platform.startswith("linux") else []),  # loads libpulse at import
)


def iter_modules(package: str, excluded: Sequence[str] = EXCLUDED_PREFIXES) -> Iterator[str]:
    """Every module name in ``package`` (recursively), from source or from a frozen bundle alike."""
    pkg = importlib.import_module(package)
    yield package
    for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
        if not info.name.startswith(tuple(excluded)) and ".tests" not in info.name:
            yield info.name


def check_imports(packages: Sequence[str] = CLIENT_PACKAGES, third_party: Sequence[str] = THIRD_PARTY) -> str:
    names = [*third_party]
    for package in packages:
        names.extend(iter_modules(package))
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a missing hidden import shows up as any kind of import-time error
            failed.append(f"{name} ({type(exc).__name__}: {exc})")
    if failed:
        raise RuntimeError("cannot import " + "; ".join(failed))
    return f"{len(names)} modules"


def check_pjsua2() -> str:
    from sip.selfcheck import start_stop

    probe = start_stop()
    return f"pjsip {probe.pjsip_version}, endpoint started and stopped (UDP {probe.transport})"


def check_keyring() -> str:
    import keyring
    from keyring.backend import KeyringBackend

    backend = keyring.get_keyring()
    chain: list[KeyringBackend] = list(getattr(backend, "backends", [backend]))
    names = ", ".join(f"{type(b).__module__}.{type(b).__name__}" for b in chain) or type(backend).__name__
    secure = [b for b in chain if not _insecure_backend(b)]
    if not secure:
        raise CheckCaveatError(f"no secure keyring backend ({names}): passwords cannot be remembered on this machine")
    return names


def _insecure_backend(backend: object) -> bool:
    module = type(backend).__module__
    return module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")) or (
        "plaintext" in type(backend).__name__.lower()
    )


def check_config() -> str:
    """Load the layered configuration exactly as the client does (site files, policy registry, user file).

    A value the client had to ignore (unreadable file, TOML syntax error, wrong type) fails the check: the client
    still starts, on defaults, but not with what IT meant. Unknown keys and the like are warnings.
    """
    from app import config

    loaded = config.load_config()
    errors = [str(i) for i in loaded.issues if i.is_error]
    if errors:
        raise RuntimeError("; ".join(errors[:5]))
    files = ", ".join(map(str, loaded.site_files)) or "no site files"
    detail = f"{files}; {len(loaded.locked)} locked key(s)"
    warnings = [str(i) for i in loaded.issues if not i.is_error]
    if warnings:
        raise CheckCaveatError(f"{detail}; ignored: " + "; ".join(warnings[:5]))
    return detail


def _walk(node: Traversable, prefix: str = "") -> Iterator[str]:
    for child in node.iterdir():
        name = f"{prefix}{child.name}"
        if child.is_dir():
            if child.name != "__pycache__":
                yield from _walk(child, f"{name}/")
        elif not child.name.endswith((".py", ".pyc", ".ts")):
            yield name


REQUIRED_RESOURCES = ("icons/agentdesk.svg",)


def check_resources() -> str:
    root = importlib.resources.files("resources")
    files = sorted(_walk(root))
    missing = [r for r in REQUIRED_RESOURCES if r not in files]
    if missing:
        raise RuntimeError("missing " + ", ".join(missing))
    for name in files:  # read every one: a packaging mistake shows up here, not when the agent opens a dialog
        node = root
        for part in name.split("/"):
            node = node.joinpath(part)
        node.read_bytes()
    kinds: dict[str, int] = {}
    for name in files:
        kinds[name.rsplit(".", 1)[-1]] = kinds.get(name.rsplit(".", 1)[-1], 0) + 1
    return f"{len(files)} files (" + ", ".join(f"{n} .{k}" for k, n in sorted(kinds.items())) + ")"


def check_sounds() -> str:
    """Every bundled sound (ring tone, call waiting, test tone) loads and is in the format the audio engine plays."""
    from sip.audio import sounds

    total = sum(len(sounds.load(name)) for name in sounds.NAMES)
    return f"{len(sounds.NAMES)} sounds, {total // 1024} KiB of PCM"


def check_audio_bridge() -> str:
    """Which OS side the headset bridge will use: the native one (C on libpulse, Linux) or the pure-Python
    fallback (PortAudio callbacks; what Windows and macOS use until the extension is built there)."""
    from sip.audio import native

    if native.available():
        return "native (C on libpulse)"
    built_here = sys.platform.startswith("linux")  # where bootstrap builds it (a variable: mypy checks all platforms)
    if built_here:
        raise CheckCaveatError(f"pure-Python fallback: {native.UNAVAILABLE_REASON}")
    return "pure-Python (PortAudio)"


def core_checks() -> list[tuple[str, Check]]:
    return [
        ("imports", check_imports),
        ("pjsua2", check_pjsua2),
        ("keyring", check_keyring),
        ("config", check_config),
        ("resources", check_resources),
        ("sounds", check_sounds),
        ("audio_bridge", check_audio_bridge),
    ]


def run_checks(checks: Sequence[tuple[str, Check]]) -> list[CheckResult]:
    results = []
    for name, check in checks:
        start = time.perf_counter()
        try:
            detail, status = check(), Status.OK
        except CheckCaveatError as exc:
            detail, status = str(exc), Status.WARN
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            detail, status = f"{type(exc).__name__}: {exc}", Status.FAIL
        results.append(CheckResult(name, status, detail, time.perf_counter() - start))
    return results


def exit_code(results: Sequence[CheckResult]) -> int:
    """0 when nothing failed (warnings allowed), 1 otherwise."""
    return 1 if any(r.status is Status.FAIL for r in results) else 0


def installation() -> str:
    """Where this client runs from: the bundle directory when frozen, else the source tree."""
    if getattr(sys, "frozen", False):
        return f"bundle {getattr(sys, '_MEIPASS', sys.executable)}"
    return f"source {sys.prefix}"


def format_report(results: Sequence[CheckResult]) -> str:
    lines = [f"AgentDesk {__version__} self-test ({installation()}, Python {platform.python_version()})"]
    width = max((len(r.name) for r in results), default=0)
    for r in results:
        lines.append(f"  {r.status.value.upper():<5} {r.name:<{width}}  {r.detail}  [{r.seconds:.2f}s]")
    failed = sum(r.status is Status.FAIL for r in results)
    warned = sum(r.status is Status.WARN for r in results)
    verdict = "FAIL" if failed else "OK"
    lines.append(f"result: {verdict} ({failed} failed, {warned} warning(s), {len(results)} checks)")
    return "\n".join(lines)


def format_json(results: Sequence[CheckResult]) -> str:
    return json.dumps(
        {
            "version": __version__,
            "installation": installation(),
            "ok": exit_code(results) == 0,
            "checks": [{**asdict(r), "status": r.status.value} for r in results],
        },
        ensure_ascii=False,
        indent=2,
    )
