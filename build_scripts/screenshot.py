"""Take the documentation screenshots of the client under Xvfb (a real X server and Qt's xcb platform).

    .venv/bin/python build_scripts/screenshot.py            # docs/images/shell-zh_CN.png and shell-en.png

Each language runs the client in a fresh, empty profile (no site or user settings) on a private Xvfb display; the
client saves its main window once painted (``--screenshot``) and exits.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.demo.orchestrator import DemoContext, VirtualDisplay  # noqa: E402 - after the sys.path line above


def shoot(language: str, out: Path, display_env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="agentdesk-shot-") as tmp:
        home = Path(tmp)
        env = {
            **os.environ,
            **display_env,
            "PYTHONPATH": str(ROOT),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "AGENTDESK_SITE_CONFIG_DIR": str(home / "site"),
            "DBUS_SESSION_BUS_ADDRESS": "disabled:",
        }
        subprocess.run(
            [sys.executable, "-m", "ui.main", "--lang", language, "--screenshot", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
        )
    print(f"saved {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--languages", nargs="+", default=["zh_CN", "en"])
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    display = VirtualDisplay("1280x800x24")
    with tempfile.TemporaryDirectory(prefix="agentdesk-xvfb-") as tmp:
        ctx = DemoContext(work_dir=Path(tmp), site_dir=Path(tmp) / "site", quiet=True)
        display.start(ctx)
        try:
            for language in args.languages:
                shoot(language, (args.out_dir / f"shell-{language}.png").resolve(), ctx.client_env)
        finally:
            display.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
