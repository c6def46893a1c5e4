"""Build AgentDesk's installers: the PyInstaller bundle, the Linux .deb and the Windows MSI.

    python build_scripts/build.py bundle                    # out/dist/agentdesk/ (onedir)
    python build_scripts/build.py deb [--revision 1]        # out/agentdesk_<version>-<revision>_amd64.deb
    python build_scripts/build.py msi --bundle DIR          # out/AgentDesk-<version>-x64.msi from a *Windows* bundle
    python build_scripts/build.py all                       # bundle, then .deb (and the MSI when --bundle is given)

Every step prints where its output went. See docs/deployment.md for what each package installs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_scripts import bundle as bundle_step
from build_scripts import deb as deb_step
from build_scripts import msi as msi_step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=("bundle", "deb", "msi", "all"))
    parser.add_argument("--out", type=Path, default=bundle_step.DEFAULT_OUT, help="output directory (default: out/)")
    parser.add_argument("--bundle", type=Path, help="use this already built onedir bundle instead of building one")
    parser.add_argument("--revision", default="1", help="Debian revision of the .deb (default 1)")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    bundle_dir: Path | None = args.bundle.resolve() if args.bundle else None
    if args.target in ("bundle", "all") or (args.target == "deb" and bundle_dir is None):
        bundle_dir = bundle_step.build_bundle(out)
        print(f"bundle: {bundle_dir}")
    if args.target in ("deb", "all"):
        assert bundle_dir is not None
        deb = deb_step.build_deb(bundle_dir, out, revision=args.revision)
        print(f"deb: {deb}")
    if args.target == "msi" or (args.target == "all" and args.bundle):
        if bundle_dir is None:
            parser.error("msi needs --bundle DIR: a Windows onedir bundle built by PyInstaller on Windows")
        msi = msi_step.build_msi(bundle_dir, out)
        print(f"msi: {msi}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
