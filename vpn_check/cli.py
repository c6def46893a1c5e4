"""Entry point placeholder for ``agentdesk-check``: says clearly that this part is not built yet."""

from __future__ import annotations

import sys


def main() -> int:
    print("agentdesk-check: the health check is not built yet.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
