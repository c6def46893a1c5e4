"""``agentdesk-check``: the health checks for IT, on the command line. Human output in zh or en, or ``--json``.

Exit codes: 0 all passed (or skipped), 1 some warnings, 2 some failures, 3 the check could not run (bad options or
configuration). See ``docs/health_check.md``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import logging
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from vpn_check.audio import PulseAudioProbe, SpeakerConfirm
from vpn_check.config import HealthConfig, SipTransport
from vpn_check.emodel import Codec
from vpn_check.model import CheckResult, MosGrade, Report, Status
from vpn_check.profiles import checks_for
from vpn_check.runner import Context, Profile, Progress, Runner
from vpn_check.texts import GRADE_TEXT, STATUS_TEXT, SUMMARY_TEXT, Lang, advice_text, check_title

EXIT_USAGE = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="agentdesk-check",
        description="AgentDesk VPN, network and device health check. Exit code 0/1/2 = pass/warn/fail, 3 = usage.",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--lang", choices=[x.value for x in Lang], help="output language (default: from the locale)")
    p.add_argument("--profile", choices=[x.value for x in Profile], default=Profile.FULL.value)
    p.add_argument("--config", type=Path, help="a TOML file with a [health] table (the site config)")
    p.add_argument("--sip", metavar="HOST[:PORT]", help="registrar / SBC to probe with SIP OPTIONS")
    p.add_argument("--sip-transport", choices=[x.value for x in SipTransport])
    p.add_argument("--sip-domain", help="domain for the OPTIONS Request-URI (default: the SIP host)")
    p.add_argument("--hub", metavar="URL", help="AgentDesk hub base URL, e.g. https://hub.example.com")
    p.add_argument("--ca-file", help="site CA bundle (PEM) trusted in addition to the system store")
    p.add_argument("--dns", action="append", default=[], metavar="HOST", help="extra host name to resolve")
    p.add_argument("--vpn", action="append", default=[], metavar="PATTERN", help="expected VPN interface glob")
    p.add_argument("--vpn-optional", action="store_true", help="a missing VPN warns instead of failing")
    p.add_argument("--sip-direct", action="store_true", help="split tunnel: SIP may bypass the VPN")
    p.add_argument("--hub-direct", action="store_true", help="split tunnel: the hub may bypass the VPN")
    p.add_argument("--codec", choices=[c.value for c in Codec])
    p.add_argument("--count", type=int, help="number of SIP OPTIONS in the series")
    p.add_argument("--headset", action="append", default=[], metavar="PATTERN", help="approved headset glob")
    p.add_argument("--no-audio", action="store_true", help="skip the headset, microphone and speaker checks")
    p.add_argument("--no-system", action="store_true", help="skip the system checks")
    p.add_argument(
        "--interactive",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="ask whether the speaker tone was heard (default: when stdin is a terminal)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    return p


def config_from_args(args: argparse.Namespace) -> tuple[HealthConfig, list[str]]:
    warnings: list[str] = []
    if args.config:
        cfg, warnings = HealthConfig.from_toml(args.config)
    else:
        cfg = HealthConfig()
    changes: dict[str, object] = {}
    if args.sip:
        host, _, port = args.sip.rpartition(":") if args.sip.count(":") == 1 else (args.sip, "", "")
        changes["sip_host"] = host or args.sip
        if port:
            changes["sip_port"] = int(port)
    if args.sip_transport:
        changes["sip_transport"] = SipTransport(args.sip_transport)
    if args.sip_domain:
        changes["sip_domain"] = args.sip_domain
    if args.hub:
        changes["hub_url"] = args.hub
    if args.ca_file:
        changes["ca_file"] = args.ca_file
    if args.dns:
        changes["dns_hosts"] = tuple(args.dns)
    if args.vpn:
        changes["vpn_patterns"] = tuple(args.vpn)
    if args.vpn_optional:
        changes["vpn_required"] = False
    if args.sip_direct:
        changes["sip_via_vpn"] = False
    if args.hub_direct:
        changes["hub_via_vpn"] = False
    if args.codec:
        changes["codec"] = Codec(args.codec)
    if args.count:
        changes["options_count"] = args.count
    if args.headset:
        changes["headset_patterns"] = tuple(args.headset)
    return replace(cfg, **changes), warnings  # type: ignore[arg-type]


def format_value(result: CheckResult, lang: Lang) -> str:
    if result.value is None:
        return "-"
    if isinstance(result.value, bool):
        return {True: {Lang.ZH: "是", Lang.EN: "yes"}, False: {Lang.ZH: "否", Lang.EN: "no"}}[result.value][lang]
    text = f"{result.value} {result.unit}".strip()
    grade = result.details.get("grade")
    if grade:
        text += f" ({GRADE_TEXT[MosGrade(grade)][lang]})"
    return text


def render(report: Report, lang: Lang, out: TextIO) -> None:
    title = SUMMARY_TEXT["title"][lang]
    out.write(f"{title} — {report.profile}, {report.duration_s:.1f} s\n\n")
    width = max(_columns(check_title(r.check, lang)) for r in report.results) if report.results else 0
    for result in report.results:
        status = STATUS_TEXT[result.status][lang]
        name = check_title(result.check, lang)
        line = f"[{status}] {name}{' ' * (width - _columns(name) + 2)}{format_value(result, lang)}"
        if result.threshold and result.status in (Status.WARN, Status.FAIL):
            line += f"  ({SUMMARY_TEXT['threshold'][lang]}: {result.threshold})"
        out.write(line.rstrip() + "\n")
        if result.status in (Status.WARN, Status.FAIL, Status.SKIP):
            for advice in result.advice:
                out.write(f"        → {advice_text(advice, lang)}\n")
            error = result.details.get("error")
            if error and result.status is not Status.SKIP:
                out.write(f"          ({error})\n")
    out.write(f"\n{SUMMARY_TEXT['overall'][lang]}: {STATUS_TEXT[report.status][lang]}\n")
    if report.blocking:
        out.write(SUMMARY_TEXT["blocks"][lang] + " " + ", ".join(check_title(c, lang) for c in report.blocking) + "\n")


def _columns(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _app_version() -> str:
    try:
        return importlib.metadata.version("agentdesk")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, stream=sys.stderr)
    lang = Lang(args.lang) if args.lang else Lang.from_locale()
    try:
        cfg, warnings = config_from_args(args)
    except (OSError, ValueError) as exc:
        print(f"agentdesk-check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for warning in warnings:
        print(f"agentdesk-check: {warning}", file=sys.stderr)
    interactive = sys.stdin.isatty() if args.interactive is None else args.interactive
    profile = Profile(args.profile)
    ctx = Context(
        config=cfg,
        profile=profile,
        audio=None if args.no_audio else PulseAudioProbe(),
        confirm_speaker=_ask_speaker(lang) if interactive and not args.json else None,
        app_version=_app_version(),
    )
    show_progress = not args.json and sys.stderr.isatty()

    def progress(p: Progress) -> None:
        if show_progress and p.current is not None:
            sys.stderr.write(f"\r[{p.done + 1}/{p.total}] {check_title(p.current, lang)}…\033[K")
            sys.stderr.flush()
        elif show_progress:
            sys.stderr.write("\r\033[K")

    runner = Runner(checks_for(profile, include_audio=not args.no_audio, include_system=not args.no_system), progress)
    report = runner.run(ctx)
    if args.json:
        json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        render(report, lang, sys.stdout)
    return report.exit_code


def _ask_speaker(lang: Lang) -> SpeakerConfirm:
    def ask() -> bool | None:
        try:
            answer = input(SUMMARY_TEXT["speaker_prompt"][lang])
        except EOFError:
            return None
        return answer.strip().lower() in ("y", "yes", "是", "是的", "听到了", "1")

    return ask


if __name__ == "__main__":
    sys.exit(main())
