"""Build the per-machine Windows MSI on Linux with ``wixl`` (Debian ``wixl``, from msitools).

    python build_scripts/build.py msi --bundle path/to/windows/dist/agentdesk

PyInstaller cannot cross-compile, so the input is the onedir bundle built *on Windows* by the same spec
(``agentdesk.exe`` + ``_internal``); this step turns it into an MSI that IT deploys with ``msiexec /qn``, GPO or Intune.

What the MSI does:

* installs per machine into ``%ProgramFiles%\\AgentDesk`` (``ALLUSERS=1``, 64-bit) with a Start-menu shortcut;
* ``MajorUpgrade``: a newer MSI replaces an older one in place (same ``UpgradeCode``); a downgrade is refused;
* writes the public properties given on the command line to ``HKLM\\SOFTWARE\\Policies\\AgentDesk\\<section>``
  (the Group Policy key the client reads through ``app.config.WindowsRegistryPolicy``; policy values are locked for
  agents). A property left empty writes nothing. On upgrade, properties not given again are taken from the values
  the previous version wrote (AppSearch), so ``msiexec /i new.msi /qn`` keeps the site's settings.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from app.version import __version__

ROOT = Path(__file__).resolve().parent.parent
WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"
# Never change: Windows Installer recognises every AgentDesk MSI as the same product line through it.
UPGRADE_CODE = "{6F1D2C8E-3B7A-4E52-9C1F-8A4D2E6B7C31}"
MANUFACTURER = "AgentDesk"
POLICY_KEY = r"SOFTWARE\Policies\AgentDesk"


@dataclass(frozen=True)
class PolicyProperty:
    """A public MSI property written to the policy key (``section`` subkey, ``name`` value)."""

    property: str
    section: str
    name: str
    kind: str  # "string" or "integer" (REG_SZ / REG_DWORD)
    description: str


POLICY_PROPERTIES: tuple[PolicyProperty, ...] = (
    PolicyProperty("HUB_URL", "hub", "url", "string", "Base URL of the AgentDesk hub, e.g. https://hub.corp:8443"),
    PolicyProperty("HUB_CA_FILE", "hub", "ca_file", "string", "PEM file of the CA that signed the hub certificate"),
    PolicyProperty("SIP_SERVER", "sip", "server", "string", "SIP registrar host name or address"),
    PolicyProperty("SIP_PORT", "sip", "port", "integer", "Registrar port (0: the transport's default)"),
    PolicyProperty("SIP_DOMAIN", "sip", "domain", "string", "SIP domain (realm)"),
    PolicyProperty("SIP_TRANSPORT", "sip", "transport", "string", "udp, tcp or tls"),
    PolicyProperty("SIP_OUTBOUND_PROXY", "sip", "outbound_proxy", "string", "Outbound proxy URI"),
    PolicyProperty("SIP_SRTP", "sip", "srtp", "string", "disabled, optional or mandatory"),
    PolicyProperty("UI_LANGUAGE", "ui", "language", "string", "zh_CN, en or system"),
    PolicyProperty("LOG_SIP_TRACE", "logging", "sip_trace", "integer", "1: log full SIP messages (redacted)"),
)
# Keys to lock although the policy key does not set them (their values come from the site file in
# %ProgramData%\AgentDesk or the defaults), comma separated: LOCKED_KEYS="sip.transport,audio.*".
LOCKED_KEYS = PolicyProperty("LOCKED_KEYS", "", "locked", "string", "Extra keys agents cannot change")
ALL_PROPERTIES = (*POLICY_PROPERTIES, LOCKED_KEYS)


class MsiError(RuntimeError):
    """The MSI could not be built."""


def msi_version(version: str = __version__) -> str:
    """Windows Installer versions are ``major.minor.build`` with numbers only (``0.2.0rc1`` → ``0.2.0``)."""
    match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if match is None:
        raise MsiError(f"not a version: {version!r}")
    return ".".join(str(int(g or 0)) for g in match.groups())


def _id(prefix: str, text: str) -> str:
    return prefix + hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:24].upper()


def _guid(text: str) -> str:
    """A stable component GUID per installed path (the component rules need stable GUIDs across versions)."""
    return "{" + str(uuid.uuid5(uuid.UUID(UPGRADE_CODE.strip("{}")), text)).upper() + "}"


def _policy_key(prop: PolicyProperty) -> str:
    return POLICY_KEY + (f"\\{prop.section}" if prop.section else "")


def _e(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{WIX_NS}}}{tag}", attrs)


def generate_wxs(bundle: Path, version: str = __version__, source_prefix: str = "bundle") -> ET.ElementTree:
    """The WiX source for ``bundle`` (a Windows onedir: ``agentdesk.exe`` and ``_internal``).

    File sources are written relative (``<source_prefix>/_internal/...``, ``agentdesk.ico``): wixl only resolves
    relative names, against its working directory, which :func:`build_msi` prepares.
    """
    ET.register_namespace("", WIX_NS)
    wix = ET.Element(f"{{{WIX_NS}}}Wix")
    product = _e(
        wix,
        "Product",
        Id="*",
        Name="AgentDesk",
        Language="1033",
        Codepage="65001",
        Version=msi_version(version),
        Manufacturer=MANUFACTURER,
        UpgradeCode=UPGRADE_CODE,
    )
    _e(
        product,
        "Package",
        InstallerVersion="500",
        Compressed="yes",
        InstallScope="perMachine",
        Description=f"AgentDesk {version}",
        Comments="Contact-center agent desktop: softphone, agent state, tickets, knowledge base",
        Manufacturer=MANUFACTURER,
    )
    _e(product, "MajorUpgrade", DowngradeErrorMessage="A newer version of AgentDesk is already installed.")
    _e(product, "Media", Id="1", Cabinet="agentdesk.cab", EmbedCab="yes")
    _e(product, "Property", Id="ARPPRODUCTICON", Value="AgentDeskIcon")
    _e(product, "Property", Id="ARPNOMODIFY", Value="1")
    _e(product, "Icon", Id="AgentDeskIcon", SourceFile="agentdesk.ico")

    # Each public property P reaches the registry through P_REG, set after AppSearch either from the command line
    # (``#`` prefixed for REG_DWORD) or, when P is not given again, from the raw value the previous install wrote.
    execute = _e(product, "InstallExecuteSequence")
    ui = _e(product, "InstallUISequence")
    for prop in ALL_PROPERTIES:
        previous = f"PREV_{prop.property}"
        found = _e(product, "Property", Id=previous)
        _e(found, "RegistrySearch", Id=f"Find{prop.property}", Root="HKLM", Key=_policy_key(prop), Name=prop.name,
           Type="raw", Win64="yes")  # fmt: skip
        prefix = "#" if prop.kind == "integer" else ""
        actions = (
            (f"Set{prop.property}", f"{prefix}[{prop.property}]", prop.property),
            (f"Remember{prop.property}", f"[{previous}]", f"NOT {prop.property} AND {previous}"),
        )
        for action, value, condition in actions:
            _e(product, "CustomAction", Id=action, Property=f"{prop.property}_REG", Value=value)
            for sequence in (execute, ui):
                _e(sequence, "Custom", Action=action, After="AppSearch").text = condition

    target = _e(product, "Directory", Id="TARGETDIR", Name="SourceDir")
    program_files = _e(target, "Directory", Id="ProgramFiles64Folder")
    install_dir = _e(program_files, "Directory", Id="INSTALLDIR", Name="AgentDesk")
    menu = _e(target, "Directory", Id="ProgramMenuFolder")

    feature = _e(product, "Feature", Id="AgentDesk", Title="AgentDesk", Level="1", Absent="disallow")
    dirs: dict[Path, ET.Element] = {Path(): install_dir}
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = path.relative_to(bundle)
        parent_rel = Path()
        for part in rel.parent.parts:
            child_rel = parent_rel / part
            if child_rel not in dirs:
                dirs[child_rel] = _e(dirs[parent_rel], "Directory", Id=_id("d", child_rel.as_posix()), Name=part)
            parent_rel = child_rel
        comp_id = _id("c", rel.as_posix())
        comp = _e(dirs[parent_rel], "Component", Id=comp_id, Guid=_guid(rel.as_posix()), Win64="yes")
        file_attrs = {
            "Id": _id("f", rel.as_posix()),
            "Source": f"{source_prefix}/{rel.as_posix()}",
            "KeyPath": "yes",
            "Name": rel.name,
        }
        if rel.as_posix() == "agentdesk.exe":
            file_attrs["Id"] = "AgentDeskExe"
        _e(comp, "File", **file_attrs)
        _e(feature, "ComponentRef", Id=comp_id)

    shortcut_comp = _e(menu, "Component", Id="StartMenuShortcut", Guid=_guid("start-menu-shortcut"), Win64="yes")
    _e(
        shortcut_comp,
        "Shortcut",
        Id="AgentDeskShortcut",
        Name="AgentDesk",
        Description="Contact-center agent desktop",
        Target="[INSTALLDIR]agentdesk.exe",
        WorkingDirectory="INSTALLDIR",
        Icon="AgentDeskIcon",
    )
    _e(shortcut_comp, "RegistryValue", Root="HKLM", Key=r"SOFTWARE\AgentDesk", Name="StartMenuShortcut",
       Type="integer", Value="1", KeyPath="yes")  # fmt: skip
    _e(feature, "ComponentRef", Id="StartMenuShortcut")

    # One component per policy value, installed only when its property has a value.
    for prop in ALL_PROPERTIES:
        comp = _e(install_dir, "Component", Id=f"Policy{prop.property}", Guid=_guid(f"policy:{prop.property}"),
                  Win64="yes")  # fmt: skip
        _e(comp, "RegistryValue", Root="HKLM", Key=_policy_key(prop), Name=prop.name, Type="string",
           Value=f"[{prop.property}_REG]", KeyPath="yes")  # fmt: skip
        _e(feature, "ComponentRef", Id=f"Policy{prop.property}")
    return ET.ElementTree(wix)


def build_msi(bundle: Path, out: Path, version: str = __version__) -> Path:
    """Write ``AgentDesk-<version>-x64.msi`` into ``out`` with wixl."""
    if shutil.which("wixl") is None:
        raise MsiError("wixl not found (Debian package wixl)")
    bundle = bundle.resolve()
    if not (bundle / "agentdesk.exe").is_file():
        raise MsiError(f"{bundle} is not a Windows bundle: no agentdesk.exe (build it with PyInstaller on Windows)")
    target = out.resolve() / f"AgentDesk-{version}-x64.msi"
    with tempfile.TemporaryDirectory(prefix="agentdesk-msi-") as tmp:
        work = Path(tmp)
        (work / "bundle").symlink_to(bundle, target_is_directory=True)
        shutil.copy2(ROOT / "resources/icons/agentdesk.ico", work / "agentdesk.ico")
        tree = generate_wxs(bundle, version)
        ET.indent(tree)
        tree.write(work / "agentdesk.wxs", encoding="utf-8", xml_declaration=True)
        result = subprocess.run(
            ["wixl", "--arch", "x64", "-o", str(target), "agentdesk.wxs"],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise MsiError(f"wixl failed: {result.stderr.strip()[-3000:]}")
    _post_process(target)
    return target


def _post_process(msi: Path) -> None:
    """What wixl 0.101 cannot express, added with msibuild's SQL (msitools).

    * ``Component.Condition``: a policy value component installs only when its property is set (wixl rejects
      ``<Condition>`` inside ``<Component>``); an unset property then writes nothing instead of an empty value
      that would lock the key to "".
    * the sequence numbers of the property actions (see below);
    * ``SecureCustomProperties``: public properties allowed to pass from the client to the elevated server side
      (wixl does not support ``Property/@Secure``).
    """
    queries = [
        f"UPDATE `Component` SET `Condition` = '{prop.property}_REG' WHERE `Component` = 'Policy{prop.property}'"
        for prop in ALL_PROPERTIES
    ]
    # wixl spreads many "After=AppSearch" actions over free slots far later in the sequence (past CostFinalize, where
    # component conditions are evaluated); pin them right after AppSearch (50), before LaunchConditions (100).
    sequence = 51
    for prop in ALL_PROPERTIES:
        for action in (f"Set{prop.property}", f"Remember{prop.property}"):
            for table in ("InstallExecuteSequence", "InstallUISequence"):
                queries.append(f"UPDATE `{table}` SET `Sequence` = {sequence} WHERE `Action` = '{action}'")
            sequence += 1
    secure = ";".join(["WIX_DOWNGRADE_DETECTED", "WIX_UPGRADE_DETECTED", *(p.property for p in ALL_PROPERTIES)])
    queries.append(f"UPDATE `Property` SET `Value` = '{secure}' WHERE `Property` = 'SecureCustomProperties'")
    for query in queries:
        result = subprocess.run(["msibuild", str(msi), "-q", query], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise MsiError(f"msibuild failed on {query!r}: {result.stderr.strip()}")
