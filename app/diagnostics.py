"""The diagnostics bundle: one zip an agent sends to IT when "it doesn't work" (Help → Collect diagnostics, or
``agentdesk --diagnostics FILE``).

Contents (``README.txt`` inside lists them too): versions, the effective configuration with where each value came
from and which keys are locked, the recent log (ring buffer) and the log files, the SIP trace when it is enabled, the
last health report, the call-quality history, the installation self-test, and native crash reports.

Nothing secret or personal leaves the machine: every text goes through the logging :class:`~app.logs.Redactor`
(passwords, tokens, ``Authorization`` headers, Digest responses, URL passwords, literal secrets registered at run
time) and then through :class:`PiiMasker` (phone numbers, SIP display names, name fields, and the literal names of the
signed-in agent and of callers in the call history). Structured data (call history, health report) is masked field by
field, so the numbers keep only enough digits for IT to correlate with the PBX (``138******78``).

Qt-free. Collecting reads files and may take a second: callers on the GUI thread run :func:`write_bundle` through the
background runner.
"""

from __future__ import annotations

import json
import os
import platform
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.logs import LOG_FILE_NAME, REDACTED, Redactor
from app.version import __version__

HEALTH_REPORT_FILE = "last-health-report.json"
"""Where the health area keeps its latest report (in the user state directory) for offline diagnostics."""
MAX_LOG_BYTES = 5_000_000  # per log file copied; the newest part is kept
NAME_MASK = "<name>"
SIP_TRACE_LOGGER = "sip.trace"

# Chinese mobiles (with optional +86 and separators), landlines with area code, and any other long digit run.
_PHONE = re.compile(
    r"(?<![\w.])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\w)"  # mobile: 138 1234 5678, +86-13812345678
    r"|(?<![\w.])0\d{2,3}[- ]\d{7,8}(?!\w)"  # landline: 010-12345678, 0571 8888 7777 is two runs: caught below
    r"|(?<![\w.:])\+?\d{7,}(?![\w.])"  # E.164 and extensions of 7+ digits (not timestamps like 12:00:00.123)
)
# JSON Web Tokens wherever they appear, even without a "token=" or "Bearer" in front (e.g. "using token eyJ...").
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
# SIP name-addr display names: From: "张伟" <sip:...>, To: Zhang Wei <sip:...>
_DISPLAY_NAME = re.compile(
    r"(?im)^(?P<h>(?:From|To|Contact|P-Asserted-Identity|P-Preferred-Identity|Remote-Party-ID|Referred-By|f|t|m)"
    r'[ \t]*:[ \t]*)(?:"(?:[^"\\]|\\.)*"|[^<"\r\n;]+?)[ \t]*(?=<)'
)
_QUOTED_DISPLAY_NAME = re.compile(r'"(?:[^"\\]|\\.)*"(?=\s*<(?:sips?|tel):)')
# "name": "x", display_name='x', caller_name=x ... (JSON, reprs, key=value log text)
_NAME_FIELD = re.compile(
    r"(?i)(?P<h>['\"]?\b(?:[a-z0-9_]*_)?(?:name|display_?name|caller|callee|customer|contact|full_?name)\b['\"]?"
    r"\s*[:=]\s*)(?P<q>['\"])?(?P<v>(?(q)(?:\\.|(?!(?P=q)).)*|[^\s&,;}\]\)'\"]+))"
)


def mask_number(number: str) -> str:
    """Keep the first three and last two digits: ``13812345678`` → ``138******78`` (short ones: all masked)."""
    digits = [c for c in number if c.isdigit()]
    if len(digits) < 7:
        return "*" * len(number)
    keep_head = 3 + (2 if number.lstrip().startswith(("+86", "86")) and len(digits) > 11 else 0)
    out, seen = [], 0
    for char in number:
        if char.isdigit():
            out.append(char if seen < keep_head or seen >= len(digits) - 2 else "*")
            seen += 1
        else:
            out.append(char)
    return "".join(out)


class PiiMasker:
    """Masks personal data in free text: phone numbers, SIP display names, name fields and known names."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names: set[str] = set()
        for name in names:
            self.add_name(name)

    def add_name(self, name: str) -> None:
        """Mask this literal name everywhere (ignored when shorter than 2 characters: too many false hits)."""
        name = name.strip()
        if len(name) >= 2:
            self._names.add(name)

    def mask_text(self, text: str) -> str:
        for name in sorted(self._names, key=len, reverse=True):
            text = text.replace(name, NAME_MASK)
        text = _DISPLAY_NAME.sub(lambda m: m["h"] + f'"{NAME_MASK}" ', text)
        text = _QUOTED_DISPLAY_NAME.sub(f'"{NAME_MASK}"', text)
        text = _NAME_FIELD.sub(
            lambda m: m[0] if m["v"] in (NAME_MASK, "") else m["h"] + (m["q"] or "") + NAME_MASK, text
        )
        return _PHONE.sub(lambda m: mask_number(m[0]), text)


@dataclass(frozen=True)
class CallRecord:
    """One call of the quality history, as the bundle shows it (numbers and names are masked when written)."""

    number: str
    name: str
    direction: str
    started_at: float
    duration_s: float
    outcome: str
    code: int
    mos_avg: float | None
    mos_min: float | None
    quality: Sequence[Mapping[str, Any]] = ()


@dataclass
class DiagnosticsInput:
    """Everything the bundle may contain; the composition root (or the offline collector) fills what it has."""

    versions: Sequence[tuple[str, str]] = ()
    config_lines: Sequence[str] = ()  # the effective configuration, one "key = value  # origin" line each
    log_lines: Sequence[str] = ()  # the in-memory ring buffer (already redacted by the log formatter)
    log_files: Sequence[Path] = ()
    sip_trace_enabled: bool = False
    health_report: Mapping[str, Any] | None = None
    calls: Sequence[CallRecord] = ()
    self_test: str = ""
    crash_files: Sequence[Path] = ()
    names: Sequence[str] = ()  # the signed-in agent's user and display names, to be masked wherever they appear
    secrets: Sequence[str] = ()  # literal secrets to redact on top of the log redactor's patterns
    extra: Mapping[str, str] = field(default_factory=dict)  # more text files: name -> content (masked too)


@dataclass(frozen=True)
class BundleSummary:
    path: Path
    files: tuple[str, ...]
    size: int


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"


def _tail(path: Path, limit: int = MAX_LOG_BYTES) -> str:
    with path.open("rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - limit))
        data = fh.read()
    text = data.decode("utf-8", errors="replace")
    return text if size <= limit else "[... older part cut ...]\n" + text.split("\n", 1)[-1]


def _masked_calls(calls: Sequence[CallRecord], masker: PiiMasker) -> list[dict[str, Any]]:
    out = []
    for call in calls:
        out.append(
            {
                "number": mask_number(call.number) if call.number else "",
                "name": NAME_MASK if call.name else "",
                "direction": call.direction,
                "started_at": datetime.fromtimestamp(call.started_at, tz=UTC).isoformat(timespec="seconds"),
                "duration_s": round(call.duration_s, 1),
                "outcome": call.outcome,
                "code": call.code,
                "mos_avg": call.mos_avg,
                "mos_min": call.mos_min,
                "quality": [
                    json.loads(masker.mask_text(json.dumps(dict(q), ensure_ascii=False))) for q in call.quality
                ],
            }
        )
    return out


def _mask_structure(value: Any, masker: PiiMasker, redact: Callable[[str], str]) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _mask_structure(v, masker, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_structure(v, masker, redact) for v in value]
    if isinstance(value, str):
        return masker.mask_text(redact(value))
    return value


def sip_trace_lines(lines: Iterable[str]) -> list[str]:
    """The log lines (and their continuation lines: a SIP message spans many) written by the SIP trace logger."""
    out: list[str] = []
    in_trace = False
    for line in lines:
        header = re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +[A-Z]+ +\[[^\]]*\] (\S+):", line)
        if header:
            in_trace = header[1] == SIP_TRACE_LOGGER or header[1].startswith(SIP_TRACE_LOGGER + ".")
        if in_trace:
            out.append(line)
    return out


def write_bundle(target: Path, data: DiagnosticsInput, redactor: Redactor | None = None) -> BundleSummary:
    """Write the zip to ``target`` atomically (a half-written bundle never appears under the final name)."""
    redactor = redactor or Redactor()
    for secret in data.secrets:
        redactor.add_secret(secret)
    masker = PiiMasker(data.names)
    for call in data.calls:
        if call.name:
            masker.add_name(call.name)

    def clean(text: str) -> str:
        return masker.mask_text(_JWT.sub(REDACTED, redactor.redact(text)))

    stamp = datetime.now(tz=UTC).strftime("%Y%m%d-%H%M%S")
    root = f"agentdesk-diagnostics-{stamp}"
    files: dict[str, str] = {}
    versions = list(data.versions) or [("AgentDesk", __version__), ("Python", platform.python_version())]
    versions += [("Platform", platform.platform()), ("Created", datetime.now(tz=UTC).isoformat(timespec="seconds"))]
    files["versions.txt"] = "".join(f"{k}: {v}\n" for k, v in versions)
    if data.config_lines:
        files["config-effective.toml"] = "\n".join(data.config_lines) + "\n"
    if data.self_test:
        files["self-test.txt"] = data.self_test
    if data.log_lines:
        files["log/recent.log"] = "\n".join(data.log_lines) + "\n"
    all_log_text: list[str] = list(data.log_lines)
    for path in data.log_files:
        try:
            text = _tail(path)
        except OSError as exc:
            files[f"log/{path.name}.error.txt"] = f"could not read {path}: {exc}\n"
            continue
        files[f"log/{path.name}"] = text
        all_log_text.extend(text.splitlines())
    if data.sip_trace_enabled:
        trace = sip_trace_lines(all_log_text)
        files["sip-trace.log"] = "\n".join(trace) + "\n" if trace else "(SIP trace enabled; no SIP messages logged)\n"
    if data.health_report is not None:
        files["health-report.json"] = _json(_mask_structure(data.health_report, masker, redactor.redact))
    if data.calls:
        files["call-quality.json"] = _json(_masked_calls(data.calls, masker))
    for path in data.crash_files:
        try:
            files[f"crash/{path.name}"] = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            files[f"crash/{path.name}.error.txt"] = f"could not read {path}: {exc}\n"
    for name, text in data.extra.items():
        files[name] = text

    cleaned = {name: clean(text) for name, text in files.items()}
    cleaned["README.txt"] = _readme(sorted(cleaned), data.sip_trace_enabled)

    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".agentdesk-diagnostics-", suffix=".zip", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(cleaned):
                zf.writestr(f"{root}/{name}", cleaned[name])
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BundleSummary(target, tuple(sorted(cleaned)), target.stat().st_size)


def _readme(names: Sequence[str], sip_trace: bool) -> str:
    return (
        "AgentDesk diagnostics bundle\n"
        "============================\n\n"
        "Made for the IT service desk. Removed before writing: passwords, tokens, Authorization headers,\n"
        "Digest responses and other credentials; phone numbers (first 3 and last 2 digits kept), SIP display\n"
        "names, name fields and the names of the agent and of callers.\n\n"
        f"SIP trace: {'included (sip-trace.log)' if sip_trace else 'off (enable logging.sip_trace to include it)'}\n\n"
        "Files:\n" + "".join(f"  {n}\n" for n in [*names, "README.txt"])
    )


# ---------------------------------------------------------------------------------------------- collectors
def config_lines(loaded: Any) -> list[str]:
    """The effective configuration as commented TOML-ish lines: value, origin and lock (``app.config.LoadedConfig``)."""
    from app import config as config_mod

    lines = ["# effective configuration: key = value  # origin[, locked]"]
    for key in sorted(config_mod.schema()):
        value = loaded.value(key)
        if hasattr(value, "value"):
            value = value.value
        origin = loaded.origins.get(key, "default")
        lock = ", locked" if loaded.is_locked(key) else ""
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False, default=str)}  # {origin}{lock}")
    for issue in loaded.issues:
        lines.append(f"# ignored: {issue}")
    return lines


def log_files(log_dir: Path) -> list[Path]:
    """The log file and its rotated backups, newest first."""
    if not log_dir.is_dir():
        return []
    files = [log_dir / LOG_FILE_NAME] if (log_dir / LOG_FILE_NAME).is_file() else []
    backups = sorted(
        log_dir.glob(f"{LOG_FILE_NAME}.*"), key=lambda p: int(p.suffix[1:]) if p.suffix[1:].isdigit() else 0
    )
    return files + backups


def call_records(entries: Iterable[Any]) -> list[CallRecord]:
    """Convert ``sip.history.HistoryEntry`` objects (duck-typed: app must not depend on their internals)."""
    from dataclasses import asdict, is_dataclass

    records = []
    for entry in entries:
        quality = [asdict(q) if is_dataclass(q) and not isinstance(q, type) else dict(q) for q in entry.quality]
        records.append(
            CallRecord(
                number=str(entry.number),
                name=str(entry.name),
                direction=str(getattr(entry.direction, "value", entry.direction)),
                started_at=float(entry.started_at),
                duration_s=float(entry.duration_s),
                outcome=str(getattr(entry.outcome, "value", entry.outcome)),
                code=int(entry.code),
                mos_avg=entry.mos_avg,
                mos_min=entry.mos_min,
                quality=quality,
            )
        )
    return records


def read_health_report(state_dir: Path) -> Mapping[str, Any] | None:
    path = state_dir / HEALTH_REPORT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save_health_report(state_dir: Path, report: Mapping[str, Any]) -> None:
    """Keep the latest health report for offline diagnostics (atomic replace; the health area calls this)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    # A temporary file of its own per call: the health area saves from a pool of worker threads, and two saves
    # sharing one temporary name raced (the second replace found the file already renamed).
    fd, name = tempfile.mkstemp(prefix=HEALTH_REPORT_FILE + ".", suffix=".tmp", dir=state_dir)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_json(report))
        os.replace(tmp, state_dir / HEALTH_REPORT_FILE)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def default_state_dir() -> Path:
    """Where the client keeps state worth collecting (the last health report)."""
    import platformdirs  # lazily: keeps start-up lean

    return Path(platformdirs.user_state_dir("AgentDesk", appauthor=False))


def collect_input(
    *,
    loaded: Any,
    log_dir: Path | None,
    ring_lines: Sequence[str] = (),
    state_dir: Path | None = None,
    call_entries: Iterable[Any] = (),
    health_report: Mapping[str, Any] | None = None,
    versions: Sequence[tuple[str, str]] = (),
    names: Sequence[str] = (),
    self_test: str = "",
) -> DiagnosticsInput:
    """Gather what exists on this machine into a :class:`DiagnosticsInput` (used by the app and by the CLI).

    ``loaded`` is the ``app.config.LoadedConfig`` in force; its SIP user is masked as a name wherever it appears.
    ``health_report`` falls back to the last one saved in ``state_dir``.
    """
    state_dir = default_state_dir() if state_dir is None else state_dir
    crash = [p for p in sorted(log_dir.glob("native-crash*")) if p.is_file()] if log_dir and log_dir.is_dir() else []
    sip_user = str(loaded.value("sip.user") or "")
    return DiagnosticsInput(
        versions=versions,
        config_lines=config_lines(loaded),
        log_lines=ring_lines,
        log_files=log_files(log_dir) if log_dir else [],
        sip_trace_enabled=bool(loaded.value("logging.sip_trace")),
        health_report=health_report if health_report is not None else read_health_report(state_dir),
        calls=call_records(call_entries),
        self_test=self_test,
        crash_files=crash,
        names=[*names, *([sip_user] if sip_user else [])],
    )


CALL_HISTORY_FILE = "call-history.sqlite3"


def default_call_history_file() -> Path:
    """Where the softphone keeps its call history (``sip.history.CallHistory``) in the user data directory."""
    import platformdirs  # lazily: keeps start-up lean

    return Path(platformdirs.user_data_dir("AgentDesk", appauthor=False)) / CALL_HISTORY_FILE


def read_call_history(path: Path, limit: int = 500) -> list[Any]:
    """The newest ``limit`` calls of an existing history file (none when there is no file yet)."""
    if not path.is_file():
        return []
    from sip.history import CallHistory

    return list(CallHistory(path).entries(limit))
