"""A Kamailio SIP registrar/proxy "lab" for the demo and the integration tests.

Generates a self-contained ``kamailio.cfg`` (no database): digest passwords live in an ``htable`` filled at start-up,
``usrloc`` keeps bindings in memory (``db_mode 0``) and ``save("location", "0x04")`` keeps a single contact per user,
so a re-registering softphone never leaves a stale binding that INVITEs would fork to. It listens on UDP, TCP and TLS
on the ports it is given; :func:`make_test_pki` writes a throw-away CA and a server certificate for the TLS listener.

Requests from users not in the table (a PSTN trunk, an ACD, SIPp) may place calls without authentication when
``allow_guest_calls`` is set (the default for the lab): that models the trunk side of a contact center. REGISTER is
always authenticated; a REGISTER for a user who does not exist gets ``404 Not Found`` so the client can tell
"unknown user" from "wrong password" (a production registrar may prefer not to reveal this).

Not a Qt module; no threads. :class:`KamailioLab` runs Kamailio in the foreground as a child process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

KAMAILIO_BIN = "kamailio"
_MODULE_DIRS = (
    "/usr/lib/x86_64-linux-gnu/kamailio/modules",
    "/usr/lib/aarch64-linux-gnu/kamailio/modules",
    "/usr/lib/kamailio/modules",
    "/usr/local/lib64/kamailio/modules",
)


class KamailioError(RuntimeError):
    """Kamailio is missing, rejected its configuration, or did not start."""


@dataclass(frozen=True)
class SipUser:
    """A subscriber the registrar knows: ``username`` authenticates with ``password`` (digest, realm = domain)."""

    username: str
    password: str


@dataclass(frozen=True)
class Listeners:
    """Where Kamailio listens. A port of 0 (or ``None`` for TLS) leaves that transport off."""

    host: str = "127.0.0.1"
    udp: int = 0
    tcp: int = 0
    tls: int | None = None
    extra_hosts: tuple[str, ...] = ()  # more addresses to listen on (e.g. a veth address in a namespace test)


@dataclass(frozen=True)
class TestPki:
    """A throw-away CA and a server certificate it signed (PEM files)."""

    __test__ = False  # not a pytest test class

    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path


@dataclass
class KamailioConfig:
    """Everything the generated configuration depends on."""

    listeners: Listeners
    users: Sequence[SipUser]
    domain: str = "agentdesk.test"
    pki: TestPki | None = None
    allow_guest_calls: bool = True
    default_expires: int = 300
    min_expires: int = 10
    max_expires: int = 3600
    log_level: int = 2  # Kamailio's debug= value: 2 info, 3 debug
    sip_trace: bool = False  # xlog every request and reply (helps a failing test)
    extra_domains: tuple[str, ...] = field(default=())


def _sip_quote(value: str) -> str:
    """Quote a string for kamailio.cfg (double quotes; backslash and quote escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check_token(value: str, what: str) -> str:
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+")
    if not value or not set(value) <= allowed:
        raise ValueError(f"{what} {value!r} must be non-empty letters, digits or ._-+")
    return value


def module_dir() -> str:
    for candidate in _MODULE_DIRS:
        if Path(candidate, "tm.so").exists():
            return candidate
    raise KamailioError("Kamailio modules not found (install the Debian packages kamailio and kamailio-tls-modules)")


def render_config(cfg: KamailioConfig, tls_cfg_path: Path | None = None) -> str:
    """Return the text of ``kamailio.cfg`` for ``cfg``. ``tls_cfg_path`` is required when TLS is on."""
    lst = cfg.listeners
    _check_token(cfg.domain, "domain")
    hosts = (lst.host, *lst.extra_hosts)
    listen_lines: list[str] = []
    for host in hosts:
        ipaddress.ip_address(host)  # raises ValueError for garbage
        if lst.udp:
            listen_lines.append(f"listen=udp:{host}:{lst.udp}")
        if lst.tcp:
            listen_lines.append(f"listen=tcp:{host}:{lst.tcp}")
        if lst.tls:
            listen_lines.append(f"listen=tls:{host}:{lst.tls}")
    if not listen_lines:
        raise ValueError("no listener: give at least one of udp, tcp, tls")
    tls_on = bool(lst.tls)
    if tls_on and tls_cfg_path is None:
        raise ValueError("TLS listener needs a tls.cfg path")
    aliases = [f"alias={_check_token(d, 'domain')}" for d in (cfg.domain, *cfg.extra_domains)]
    user_lines = "\n".join(
        f"    $sht(users=>{_check_token(u.username, 'username')}) = {_sip_quote(u.password)};" for u in cfg.users
    )
    trace_req = '    xlog("L_INFO", "REQ $rm $ru from $si:$sp/$pr\\n");' if cfg.sip_trace else ""
    trace_rep = '    xlog("L_INFO", "REPLY $rs $rr from $si:$sp\\n");' if cfg.sip_trace else ""
    # Unknown callers: a trunk/ACD may call in without credentials (lab default), or be refused.
    guest_block = "        return;" if cfg.allow_guest_calls else '        sl_send_reply("403", "Forbidden");'
    tls_module = ""
    if tls_on:
        assert tls_cfg_path is not None
        tls_module = f'loadmodule "tls.so"\nmodparam("tls", "config", {_sip_quote(str(tls_cfg_path))})\n'
    return f"""#!KAMAILIO
# Generated by app/demo/kamailio.py for the AgentDesk lab. Do not edit: regenerate.
debug={cfg.log_level}
log_stderror=yes
fork=yes
children=2
tcp_children=2
auto_aliases=no
mhomed={1 if lst.extra_hosts or lst.host not in ("127.0.0.1", "::1") else 0}
{chr(10).join(listen_lines)}
{chr(10).join(aliases)}
enable_tls={"yes" if tls_on else "no"}
tcp_connection_lifetime=3605
tcp_accept_no_cl=yes
tcp_rd_buf_size=16384
server_header="Server: AgentDesk-Lab (Kamailio)"
user_agent_header="User-Agent: AgentDesk-Lab (Kamailio)"

mpath={_sip_quote(module_dir())}
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "htable.so"
loadmodule "nathelper.so"
{tls_module}
modparam("tm", "fr_timer", 30000)
modparam("tm", "fr_inv_timer", 120000)
modparam("rr", "enable_full_lr", 0)
modparam("rr", "append_fromtag", 1)
modparam("usrloc", "db_mode", 0)
modparam("registrar", "default_expires", {cfg.default_expires})
modparam("registrar", "min_expires", {cfg.min_expires})
modparam("registrar", "max_expires", {cfg.max_expires})
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("auth", "nonce_expire", 300)
modparam("htable", "htable", "users=>size=8;autoexpire=0;")

event_route[htable:mod-init] {{
{user_lines}
}}

request_route {{
{trace_req}
    if (!mf_process_maxfwd_header("10")) {{ sl_send_reply("483", "Too Many Hops"); exit; }}
    if (!sanity_check("17895", "7")) {{ xlog("L_WARN", "malformed request from $si:$sp\\n"); exit; }}

    # Keep-alive / health-check OPTIONS addressed to the server itself.
    if (is_method("OPTIONS") && uri == myself && $rU == $null) {{ sl_send_reply("200", "OK"); exit; }}

    # Requests over TCP/TLS must come back over the same connection: remember it in the Contact.
    if ((proto == TCP || proto == TLS) && !is_method("REGISTER") && is_present_hf("Contact")) {{ add_contact_alias(); }}

    if (has_totag()) {{ route(WITHINDLG); exit; }}

    if (is_method("CANCEL")) {{ if (t_check_trans()) {{ route(RELAY); }} exit; }}
    if (!is_method("ACK")) {{
        if (t_precheck_trans()) {{ t_check_trans(); exit; }}
        t_check_trans();
    }}
    remove_hf("Route");
    if (is_method("INVITE|SUBSCRIBE|REFER")) {{ record_route(); }}

    if (is_method("REGISTER")) {{ route(REGISTRAR); exit; }}
    route(AUTH);

    if ($rU == $null) {{ sl_send_reply("484", "Address Incomplete"); exit; }}
    if (!lookup("location")) {{
        if (is_method("ACK")) {{ exit; }}
        $var(rc) = $rc;
        t_newtran();
        if ($var(rc) == -1 || $var(rc) == -3) {{ t_reply("404", "Not Found"); }}
        else {{ t_reply("480", "Temporarily Unavailable"); }}
        exit;
    }}
    handle_ruri_alias();
    route(RELAY);
}}

route[RELAY] {{
    if (is_method("INVITE|BYE|UPDATE|CANCEL|ACK|REFER|INFO|NOTIFY")) {{ t_on_reply("REPLY"); }}
    if (!t_relay()) {{ sl_reply_error(); }}
    exit;
}}

route[WITHINDLG] {{
    if (loose_route()) {{
        if ($du == "") {{ handle_ruri_alias(); }}
        route(RELAY);
        exit;
    }}
    if (is_method("ACK")) {{
        if (t_check_trans()) {{ route(RELAY); }}
        exit;
    }}
    sl_send_reply("404", "Not here");
    exit;
}}

route[REGISTRAR] {{
    $vn(pw) = $sht(users=>$tU);
    if ($vn(pw) == $null) {{ sl_send_reply("404", "Not Found"); exit; }}
    pv_auth_check("$td", "$vn(pw)", "0", "1");
    $var(rc) = $rc;
    # -2: credentials present but the password is wrong: refuse at once rather than re-challenge forever.
    if ($var(rc) == -2) {{ sl_send_reply("403", "Wrong Password"); exit; }}
    if ($var(rc) < 0) {{ auth_challenge("$td", "0"); exit; }}
    consume_credentials();
    fix_nated_register();
    if (!save("location", "0x04")) {{ sl_reply_error(); }}
    exit;
}}

route[AUTH] {{
    if (is_method("ACK|CANCEL|PRACK")) {{ return; }}
    $vn(pw) = $sht(users=>$fU);
    if ($vn(pw) == $null) {{
{guest_block}
        exit;
    }}
    pv_auth_check("$fd", "$vn(pw)", "0", "1");
    $var(rc) = $rc;
    if ($var(rc) == -2) {{ sl_send_reply("403", "Wrong Password"); exit; }}
    if ($var(rc) < 0) {{ proxy_challenge("$fd", "0"); exit; }}
    consume_credentials();
}}

onreply_route[REPLY] {{
{trace_rep}
    if ((proto == TCP || proto == TLS) && is_present_hf("Contact")) {{ add_contact_alias(); }}
}}
"""


def render_tls_config(pki: TestPki) -> str:
    """``tls.cfg`` for the TLS listener: TLS 1.2+ (pjsua2's bundled OpenSSL 1.0.2 stops at 1.2), no client certs."""
    return f"""[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = {pki.server_key}
certificate = {pki.server_cert}

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
"""


def make_test_pki(directory: Path, hosts: Sequence[str] = ("127.0.0.1", "localhost"), *, name: str = "lab") -> TestPki:
    """Write a self-signed CA and a server certificate for ``hosts`` (IP addresses and DNS names) into ``directory``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)

    def _key() -> ec.EllipticCurvePrivateKey:
        return ec.generate_private_key(ec.SECP256R1())

    def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
            )
        )
        path.chmod(0o600)

    ca_key = _key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"AgentDesk {name} test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_key = _key()
    sans: list[x509.GeneralName] = []
    for host in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            sans.append(x509.DNSName(host))
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pki = TestPki(
        ca_cert=directory / f"{name}-ca.pem",
        ca_key=directory / f"{name}-ca.key",
        server_cert=directory / f"{name}-server.pem",
        server_key=directory / f"{name}-server.key",
    )
    pki.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_key(pki.ca_key, ca_key)
    pki.server_cert.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    _write_key(pki.server_key, server_key)
    return pki


class KamailioLab:
    """Writes the configuration into ``run_dir`` and runs Kamailio in the foreground.

    ``start()`` returns once the TCP (or TLS) listener accepts; ``stop()`` / ``restart()`` let tests take the
    registrar down and bring it back on the same ports. ``argv`` is public so a test fixture can run the same
    command under its own process manager.
    """

    def __init__(self, config: KamailioConfig, run_dir: Path) -> None:
        self.config = config
        self.run_dir = run_dir
        self.cfg_path = run_dir / "kamailio.cfg"
        self.tls_cfg_path = run_dir / "tls.cfg"
        self.pid_path = run_dir / "kamailio.pid"
        self.log_path = run_dir / "kamailio.log"
        self._proc: subprocess.Popen[bytes] | None = None

    # -- configuration ------------------------------------------------------------------------------
    def write_config(self) -> Path:
        if shutil.which(KAMAILIO_BIN) is None:
            raise KamailioError("kamailio is not installed (Debian package kamailio)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        tls_path: Path | None = None
        if self.config.listeners.tls:
            if self.config.pki is None:
                self.config.pki = make_test_pki(self.run_dir / "pki", (self.config.listeners.host, "localhost"))
            self.tls_cfg_path.write_text(render_tls_config(self.config.pki))
            tls_path = self.tls_cfg_path
        self.cfg_path.write_text(render_config(self.config, tls_path))
        check = subprocess.run(
            [KAMAILIO_BIN, "-c", "-f", str(self.cfg_path)], capture_output=True, text=True, timeout=30, check=False
        )
        if check.returncode != 0:
            raise KamailioError(f"kamailio rejected {self.cfg_path}:\n{check.stderr[-3000:]}")
        return self.cfg_path

    @property
    def argv(self) -> list[str]:
        # -DD: stay in the foreground but still fork the worker processes; -E: log to stderr.
        # -m/-M: small shared/private memory pools (MB) so many labs fit on one machine.
        return [
            KAMAILIO_BIN,
            "-f",
            str(self.cfg_path),
            "-DD",
            "-E",
            "-m",
            "64",
            "-M",
            "8",
            "-Y",
            str(self.run_dir),
            "-P",
            str(self.pid_path),
        ]

    def ready(self) -> bool:
        """True once the stream listener (TCP, else TLS) accepts connections."""
        lst = self.config.listeners
        port = lst.tcp or lst.tls
        if not port:
            return self.alive()
        try:
            with socket.create_connection((lst.host, port), timeout=0.2):
                return True
        except OSError:
            return False

    # -- process ------------------------------------------------------------------------------------
    def start(self, timeout: float = 15.0) -> KamailioLab:
        if not self.cfg_path.exists():
            self.write_config()
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while not self.ready():
            if not self.alive():
                raise KamailioError(f"kamailio exited at start:\n{self._log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise KamailioError(f"kamailio not ready after {timeout:.0f} s:\n{self._log_tail()}")
            time.sleep(0.05)
        return self

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def _log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def __enter__(self) -> KamailioLab:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
