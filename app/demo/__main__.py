"""Entry point placeholder for ``demo``: says clearly that this part is not built yet."""

from __future__ import annotations

import sys


def main() -> int:
    print("demo: the demo is not built yet.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
