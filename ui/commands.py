"""Command-line modes that do their job and exit without opening the main window.

``--version``, ``--self-test [--json]`` and ``--diagnostics FILE`` are what IT and deployment tools run (over SSH, from
an Intune detection script, in CI on the built bundle). ``ui/main.py`` calls :func:`dispatch` first; it returns
``None`` when the command line asks for the normal GUI, which the composition root then builds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
    return None


def main() -> int:  # pragma: no cover - ``python -m ui.commands`` convenience for developers
    code = dispatch(sys.argv[1:])
    return 2 if code is None else code
