"""Package a Linux onedir bundle as a Debian package with ``dpkg-deb --root-owner-group``.

Layout of the package:

    /opt/agentdesk/                                   the PyInstaller bundle (agentdesk + _internal/)
    /usr/bin/agentdesk -> ../../opt/agentdesk/agentdesk
    /usr/share/applications/agentdesk.desktop         menu entry
    /usr/share/icons/hicolor/scalable/apps/agentdesk.svg
    /etc/agentdesk/agentdesk.toml                     site configuration, a dpkg *conffile*: upgrades keep IT's edits
    /etc/agentdesk/conf.d/                            drop-in site files (config management writes these)
    /usr/share/doc/agentdesk/copyright

``Depends`` is derived, not hand-written: every ELF file of the bundle is run through ``ldd`` (with the bundle's own
library directories first, as at run time), libraries resolved outside the bundle are mapped to their Debian packages
with ``dpkg -S``, and the minimum versions come from those packages' ``shlibs`` files. Libraries that the
bundle loads with ``dlopen``/``ctypes`` (invisible to ``ldd``) are listed in :data:`DLOPENED`. There are no maintainer
scripts: desktop and icon caches are refreshed by their packages' dpkg triggers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.version import __version__

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "agentdesk"
MAINTAINER = "AgentDesk packaging <packaging@agentdesk.invalid>"
INSTALL_DIR = "opt/agentdesk"
SITE_CONFIG = "etc/agentdesk/agentdesk.toml"

# Loaded at run time with dlopen()/ctypes, so ldd cannot see them: (package, soname, why). A Depends is added only
# when the bundle does not carry the library itself (PyInstaller's hooks bundle some, e.g. PortAudio).
DLOPENED: tuple[tuple[str, str, str], ...] = (
    ("libportaudio2", "libportaudio.so.2", "sounddevice loads PortAudio through ctypes (the headset audio bridge)"),
    ("libpulse0", "libpulse.so.0", "pulsectl loads libpulse through ctypes (headset hot-plug events)"),
    ("libdbus-1-3", "libdbus-1.so.3", "Qt loads libdbus at run time (tray icon, notifications, input methods)"),
)
# Chinese text needs a CJK font; either of Debian's common ones will do.
FONT_DEPENDS = "fonts-noto-cjk | fonts-wqy-microhei"
RECOMMENDS = ("gnome-keyring | kwalletmanager", "pulseaudio | pipewire-pulse")

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Name=AgentDesk
Name[zh_CN]=AgentDesk 坐席工作台
GenericName=Contact center agent desktop
GenericName[zh_CN]=客服坐席工作台
Comment=Softphone, agent state, tickets and knowledge base for contact-center agents
Comment[zh_CN]=居家客服的软电话、坐席状态、工单与知识库
Exec=agentdesk %U
Icon=agentdesk
Terminal=false
Categories=Network;Telephony;Office;
Keywords=SIP;softphone;call center;客服;工单;
StartupWMClass=agentdesk
"""

SITE_CONFIG_TEMPLATE = """\
# AgentDesk site configuration (provisioned by IT; read-only for agents).
#
# This file is a dpkg conffile: package upgrades keep your edits. Drop-in files in /etc/agentdesk/conf.d/*.toml are
# read after this one, in name order, and override it (config management tools should write those).
# Every key, its type and default: docs/deployment.md ("Configuration keys").
#
# Keys listed in `locked` cannot be changed by agents; the settings UI shows them disabled.
#
# locked = ["hub.url", "sip.server", "sip.domain", "sip.transport"]
#
# [hub]
# url = "https://hub.example.com:8443"
# ca_file = "/etc/agentdesk/site-ca.pem"
#
# [sip]
# server = "sip.example.com"
# domain = "example.com"
# transport = "tls"
"""

COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: AgentDesk

Files: *
License: LicenseRef-Proprietary
 AgentDesk. The bundle under /opt/agentdesk also contains Qt (LGPLv3), PySide6 (LGPLv3), pjproject (GPLv2),
 CPython (PSF) and the Python packages listed by `agentdesk --version`, under their own licences.
"""


class DebError(RuntimeError):
    """The package could not be built (a library with no Debian package, a missing tool, ...)."""


@dataclass(frozen=True)
class LibraryScan:
    """What the bundle's ELF files need from the system."""

    system_libraries: dict[str, Path]  # soname -> path outside the bundle
    unresolved: list[str]  # "file: soname" that neither the bundle nor the system provides


def debian_version(version: str = __version__, revision: str = "1") -> str:
    """``0.1.0`` → ``0.1.0-1``; PEP 440 pre-releases sort before the release (``0.2.0rc1`` → ``0.2.0~rc1-1``)."""
    upstream = re.sub(r"(\d)(a|b|rc|dev)(\d*)$", r"\1~\2\3", version)
    return f"{upstream}-{revision}"


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and _is_elf(p))


_LDD_LINE = re.compile(r"^\s*(?P<soname>\S+)\s+=>\s+(?P<target>not found|\S+)")


def scan_libraries(bundle: Path) -> LibraryScan:
    """Run ldd over every ELF file, the bundle's library directories first (as PyInstaller's bootloader arranges)."""
    bundle = bundle.resolve()
    elves = elf_files(bundle)
    lib_dirs = sorted({str(p.parent) for p in elves if ".so" in p.name})
    bundled = {p.name for p in elves}
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(lib_dirs)}
    system: dict[str, Path] = {}
    unresolved: list[str] = []
    for elf in elves:
        result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:  # "not a dynamic executable" (static helper), nothing to add
            continue
        for line in result.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if not match:
                continue
            soname, target = match["soname"], match["target"]
            if target == "not found":
                if soname not in bundled:
                    unresolved.append(f"{elf.relative_to(bundle)}: {soname}")
                continue
            path = Path(target)
            if not path.resolve().is_relative_to(bundle):
                system[soname] = path
    # The dynamic loader itself appears without "=>"; libc6 provides it and every package depends on libc6 anyway.
    return LibraryScan(system_libraries=dict(sorted(system.items())), unresolved=sorted(set(unresolved)))


def _dpkg_owner(path: Path) -> str | None:
    candidates = [str(path), str(path.resolve())]
    for cand in list(candidates):  # merged /usr: packages may ship /lib/... or /usr/lib/...
        if cand.startswith("/usr/lib/"):
            candidates.append(cand.removeprefix("/usr"))
        elif cand.startswith("/lib/"):
            candidates.append("/usr" + cand)
    for cand in candidates:
        result = subprocess.run(["dpkg", "-S", cand], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def library_packages(scan: LibraryScan) -> dict[str, list[str]]:
    """Debian package -> the sonames it provides to the bundle."""
    owners: dict[str, list[str]] = {}
    orphans = []
    for soname, path in scan.system_libraries.items():
        owner = _dpkg_owner(path)
        if owner is None:
            orphans.append(f"{soname} ({path})")
            continue
        owners.setdefault(owner, []).append(soname)
    if orphans:
        raise DebError("system libraries that no Debian package provides: " + ", ".join(orphans))
    return dict(sorted(owners.items()))


def shlibs_dependency(package: str, soname: str) -> str:
    """The dependency a package's ``shlibs`` control file declares for ``soname`` (``libc6 (>= 2.36)``).

    These are the same minimum versions ``dpkg-shlibdeps`` falls back to; reading them directly avoids running it
    over the whole bundle, where it also attributes the *bundled* copies of libraries to system packages.
    """
    result = subprocess.run(
        ["dpkg-query", "--control-show", package, "shlibs"], capture_output=True, text=True, check=False
    )
    match = re.match(r"^(?P<name>.+?)\.so\.(?P<major>[\d.]+)$", soname)
    if result.returncode == 0 and match:
        for line in result.stdout.splitlines():
            parts = line.split(None, 2)
            if parts[:1] in (["udeb:"],) or len(parts) < 3:
                continue
            if parts[0] == match["name"] and parts[1] == match["major"]:
                return parts[2].strip()
    return package


def _strongest(package: str, deps: list[str]) -> str:
    """Of ``libc6``, ``libc6 (>= 2.34)``, ``libc6 (>= 2.36)`` keep the highest minimum version."""

    def key(dep: str) -> list[int]:
        match = re.search(r"\(>=\s*([^)]+)\)", dep)
        return [int(x) for x in re.findall(r"\d+", match[1])] if match else []

    simple = [d for d in deps if d.split()[0] == package and "|" not in d]
    return max(simple, key=key) if simple else (deps[0] if deps else package)


def compute_depends(bundle: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The ``Depends`` list and, for the record, which sonames each library package provides."""
    scan = scan_libraries(bundle)
    if scan.unresolved:
        raise DebError("libraries found neither in the bundle nor on this system: " + "; ".join(scan.unresolved))
    owners = library_packages(scan)
    depends = [
        _strongest(pkg, [shlibs_dependency(pkg, soname) for soname in sonames]) for pkg, sonames in owners.items()
    ]
    bundled = {p.name for p in elf_files(bundle)}
    depends += [pkg for pkg, soname, _why in DLOPENED if soname not in bundled and pkg not in owners]
    depends.append(FONT_DEPENDS)
    return sorted(set(depends)), owners


def _installed_size_kib(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir()) // 1024 + 1


def _md5sums(root: Path, files: Iterable[Path]) -> str:
    import hashlib

    lines = []
    for path in sorted(files):
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


def build_deb(
    bundle: Path, out: Path, revision: str = "1", depends: list[str] | None = None, compression: str = "xz"
) -> Path:
    """Stage the package tree next to ``out`` and build ``agentdesk_<version>_<arch>.deb`` with dpkg-deb.

    ``compression`` is dpkg-deb's ``-Z``: ``xz`` for releases (56 MB), ``none`` for the test suite (xz takes two CPU
    minutes on 200 MB; the package is otherwise identical).
    """
    for tool in ("dpkg-deb", "dpkg-query", "ldd"):
        if shutil.which(tool) is None:
            raise DebError(f"{tool} not found (Debian packages dpkg and libc-bin)")
    bundle = bundle.resolve()
    if depends is None:
        depends, _owners = compute_depends(bundle)
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    version = debian_version(revision=revision)

    with tempfile.TemporaryDirectory(prefix="agentdesk-deb-", dir=out) as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
        (root / "usr/bin").mkdir(parents=True)
        (root / "usr/bin/agentdesk").symlink_to("../../opt/agentdesk/agentdesk")
        apps = root / "usr/share/applications"
        apps.mkdir(parents=True)
        (apps / "agentdesk.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
        icons = root / "usr/share/icons/hicolor/scalable/apps"
        icons.mkdir(parents=True)
        shutil.copy2(ROOT / "resources/icons/agentdesk.svg", icons / "agentdesk.svg")
        doc = root / "usr/share/doc/agentdesk"
        doc.mkdir(parents=True)
        (doc / "copyright").write_text(COPYRIGHT, encoding="utf-8")
        site = root / SITE_CONFIG
        (site.parent / "conf.d").mkdir(parents=True)
        site.write_text(SITE_CONFIG_TEMPLATE, encoding="utf-8")

        payload = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
        control_dir = root / "DEBIAN"
        control_dir.mkdir()
        control = {
            "Package": PACKAGE,
            "Version": version,
            "Architecture": arch,
            "Maintainer": MAINTAINER,
            "Installed-Size": str(_installed_size_kib(root)),
            "Depends": ", ".join(depends),
            "Recommends": ", ".join(RECOMMENDS),
            "Section": "comm",
            "Priority": "optional",
            "Homepage": "https://agentdesk.invalid/",
            "Description": "Contact-center agent desktop: softphone, agent state, tickets, knowledge base\n"
            " AgentDesk is the desktop program a home contact-center agent runs: a SIP softphone,\n"
            " a VPN and device health check, agent state controls, a live ticket panel with\n"
            " screen pop and a Chinese-first knowledge-base search, in one window.",
        }
        (control_dir / "control").write_text("".join(f"{k}: {v}\n" for k, v in control.items()), encoding="utf-8")
        (control_dir / "conffiles").write_text(f"/{SITE_CONFIG}\n", encoding="utf-8")
        (control_dir / "md5sums").write_text(_md5sums(root, payload), encoding="utf-8")
        for path in [root, *root.rglob("*")]:  # deterministic modes whatever the umask of the build machine
            if path.is_symlink():
                continue
            if path.is_dir():
                path.chmod(0o755)
            else:
                path.chmod(0o755 if os.access(path, os.X_OK) and _is_elf(path) else 0o644)

        target = out / f"{PACKAGE}_{version}_{arch}.deb"
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(target)],
            check=True,
            capture_output=True,
        )
    return target
