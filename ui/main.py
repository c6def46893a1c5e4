"""Entry point placeholder for ``agentdesk``: says clearly that this part is not built yet."""

from __future__ import annotations

import sys


def main() -> int:
    from ui.commands import dispatch  # --version, --self-test, --diagnostics: answer and exit, no window

    handled = dispatch(sys.argv[1:])
    if handled is not None:
        return handled
    print("agentdesk: the desktop client is not built yet.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
