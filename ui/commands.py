"""Command-line modes that do their job and exit without opening the main window.

``--version``, ``--self-test [--json]`` and ``--diagnostics FILE`` are what IT and deployment tools run (over SSH, from
an Intune detection script, in CI on the built bundle). ``ui/main.py`` calls :func:`dispatch` first; it returns
``None`` when the command line asks for the normal GUI, which the composition root then builds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.version import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agentdesk", add_help=False)
    parser.add_argument("--version", action="store_true")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--diagnostics", metavar="FILE")
    return parser


def version_line() -> str:
    """``agentdesk 0.1.0``: what deployment tools compare (component versions: ``--self-test``, About)."""
    return f"agentdesk {__version__}"


def dispatch(argv: Sequence[str]) -> int | None:
    """Run a command-line-only mode and return its exit code, or ``None`` to start the GUI."""
    args, _rest = _parser().parse_known_args(list(argv))
    if args.version:
        print(version_line(), flush=True)
        return 0
    if args.self_test:
        from ui import selftest

        return selftest.run(as_json=args.json)
    if args.diagnostics:
        return write_diagnostics(Path(args.diagnostics))
    return None


def write_diagnostics(target: Path) -> int:
    """``agentdesk --diagnostics FILE``: the same bundle as Help → Save diagnostics bundle, from what is on disk.

    Used when the client will not start, or by IT over a remote shell. Includes the installation self-test (its own
    process, so the pjsua2 start/stop does not disturb a running client's endpoint).
    """
    from app import diagnostics, selftest
    from app.config import load_config
    from app.logs import default_log_dir
    from ui.about import component_versions

    loaded = load_config()
    checks = [(name, check) for name, check in selftest.core_checks() if name != "imports"]
    report = selftest.format_report(selftest.run_checks(checks))
    try:
        calls = diagnostics.read_call_history(diagnostics.default_call_history_file())
    except Exception as exc:  # a damaged history must not prevent the rest of the bundle
        calls = []
        report += f"\ncall history unreadable: {type(exc).__name__}: {exc}"
    data = diagnostics.collect_input(
        loaded=loaded,
        log_dir=default_log_dir(),
        versions=component_versions(),
        call_entries=calls,
        self_test=report + "\n",
    )
    try:
        summary = diagnostics.write_bundle(target, data)
    except OSError as exc:
        print(f"agentdesk: cannot write the diagnostics bundle {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"diagnostics bundle written: {summary.path} ({summary.size} bytes, {len(summary.files)} files)")
    return 0


def main() -> int:  # pragma: no cover - ``python -m ui.commands`` convenience for developers
    code = dispatch(sys.argv[1:])
    return 2 if code is None else code
