"""Size and cold start of the PyInstaller bundle, next to the client run from source.

Prints the onedir bundle's size on disk, compressed (``tar.gz`` as a rough upper bound, ``tar.xz`` as in the .deb)
against the target of 70 MB, and the cold start (process launch → main window painted, median of N, offscreen) of the
bundled ``agentdesk`` and of ``python -m ui.main`` from this checkout, plus the headless ``--version`` round trip.

    .venv/bin/python bench/bundle.py                         # builds the bundle first (~1 CPU minute)
    .venv/bin/python bench/bundle.py --bundle out/dist/agentdesk --runs 5 --json

Figures taken on a shared, loaded machine vary by tens of percent: compare runs made back to back.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_scripts import bundle as bundle_step  # noqa: E402 - after the path set-up above

TARGET_MB = 70.0


def _size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def compressed_sizes(bundle: Path, work: Path) -> dict[str, int]:
    sizes = {}
    for mode, suffix in (("w:gz", "tar.gz"), ("w:xz", "tar.xz")):
        target = work / f"agentdesk.{suffix}"
        with tarfile.open(target, mode) as tar:  # type: ignore[call-overload]  # mode is a literal per iteration
            tar.add(bundle, arcname="agentdesk")
        sizes[suffix] = target.stat().st_size
        target.unlink()
    return sizes


def _env(home: Path, warm: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(warm),
        "AGENTDESK_SITE_CONFIG_DIR": str(home / "site"),
        "DBUS_SESSION_BUS_ADDRESS": "disabled:",
    }


def time_paint(command: list[str], extra_env: dict[str, str], warm: Path) -> float:
    """Seconds from just before launch to the client's first paint (it reports the wall-clock time of the paint)."""
    with tempfile.TemporaryDirectory(prefix="agentdesk-bench-") as tmp:
        env = {**_env(Path(tmp), warm), **extra_env}
        start = time.time()
        proc = subprocess.run(
            [*command, "--report-startup", "--exit-after-paint"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(f"{command[0]} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        events = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
        painted = next(e for e in events if e.get("event") == "painted")
        return float(painted["time"]) - start


def time_version(command: list[str], extra_env: dict[str, str], warm: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="agentdesk-bench-") as tmp:
        start = time.perf_counter()
        subprocess.run(
            [*command, "--version"],
            cwd=ROOT,
            env={**_env(Path(tmp), warm), **extra_env},
            capture_output=True,
            check=True,
        )
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, help="an already built onedir bundle (default: build one into out/)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    bundle = args.bundle.resolve() if args.bundle else bundle_step.build_bundle()
    exe = bundle / bundle_step.executable_name()
    with tempfile.TemporaryDirectory(prefix="agentdesk-bench-") as tmp:
        work = Path(tmp)
        sizes = {"on_disk": _size(bundle), **compressed_sizes(bundle, work)}
        warm = work / "cache"
        frozen_cmd, frozen_env = [str(exe)], dict[str, str]()
        source_cmd, source_env = [sys.executable, "-m", "ui.main"], {"PYTHONPATH": str(ROOT)}
        time_paint(frozen_cmd, frozen_env, warm)  # warm the font cache once for both (an agent's usual start)
        frozen = [time_paint(frozen_cmd, frozen_env, warm) for _ in range(args.runs)]
        source = [time_paint(source_cmd, source_env, warm) for _ in range(args.runs)]
        frozen_version = [time_version(frozen_cmd, frozen_env, warm) for _ in range(args.runs)]
        source_version = [time_version(source_cmd, source_env, warm) for _ in range(args.runs)]

    mb = {k: round(v / 1e6, 1) for k, v in sizes.items()}
    cs = {
        "bundle_median": round(statistics.median(frozen), 3),
        "source_median": round(statistics.median(source), 3),
    }
    vr = {
        "bundle_median": round(statistics.median(frozen_version), 3),
        "source_median": round(statistics.median(source_version), 3),
    }
    if args.json:
        result = {
            "bundle": str(bundle),
            "size_mb": mb,
            "target_compressed_mb": TARGET_MB,
            "cold_start_paint_s": {**cs, "bundle_runs": frozen, "source_runs": source},
            "version_roundtrip_s": vr,
        }
        print(json.dumps(result, indent=2))
        return 0
    xz_ok = "meets" if mb["tar.xz"] <= TARGET_MB else "MISSES"
    print(f"bundle: {bundle}")
    print(
        f"  on disk {mb['on_disk']} MB, tar.gz {mb['tar.gz']} MB, tar.xz {mb['tar.xz']} MB ({xz_ok} ≤ {TARGET_MB} MB)"
    )
    print(f"cold start to painted window (median of {args.runs}, offscreen):")
    print(f"  bundle {cs['bundle_median']:.3f} s   runs {[round(x, 3) for x in frozen]}")
    print(f"  source {cs['source_median']:.3f} s   runs {[round(x, 3) for x in source]}")
    print(f"--version round trip: bundle {vr['bundle_median']:.3f} s, source {vr['source_median']:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
