"""The Kamailio lab's configuration generator (no Kamailio process; `kamailio -c` runs in the integration tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.demo.kamailio import KamailioConfig, Listeners, SipUser, make_test_pki, render_config

pytestmark = pytest.mark.unit


def _cfg(**kwargs: object) -> KamailioConfig:
    return KamailioConfig(listeners=Listeners(udp=5060, tcp=5060), users=[SipUser("1001", 'p"w\\1')], **kwargs)  # type: ignore[arg-type]


def test_listeners_users_and_single_contact_registration() -> None:
    text = render_config(_cfg())
    assert "listen=udp:127.0.0.1:5060" in text
    assert "listen=tcp:127.0.0.1:5060" in text
    assert "listen=tls" not in text
    assert '$sht(users=>1001) = "p\\"w\\\\1";' in text  # quoted and escaped
    assert 'save("location", "0x04")' in text
    assert 'modparam("usrloc", "db_mode", 0)' in text


def test_tls_needs_a_tls_config_path() -> None:
    cfg = KamailioConfig(listeners=Listeners(udp=1, tcp=2, tls=3), users=[])
    with pytest.raises(ValueError, match="tls"):
        render_config(cfg)
    assert "listen=tls:127.0.0.1:3" in render_config(cfg, Path("/x/tls.cfg"))


@pytest.mark.parametrize("name", ["", "a b", "x;y", 'q"'])
def test_unsafe_user_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="username"):
        render_config(KamailioConfig(listeners=Listeners(udp=1), users=[SipUser(name, "pw")]))


def test_guest_calls_can_be_refused() -> None:
    assert '"403", "Forbidden"' in render_config(_cfg(allow_guest_calls=False))
    assert '"403", "Forbidden"' not in render_config(_cfg(allow_guest_calls=True))


def test_test_pki_writes_a_ca_and_a_server_certificate(tmp_path: Path) -> None:
    from cryptography import x509

    pki = make_test_pki(tmp_path, ("127.0.0.1", "localhost"))
    cert = x509.load_pem_x509_certificate(pki.server_cert.read_bytes())
    ca = x509.load_pem_x509_certificate(pki.ca_cert.read_bytes())
    assert cert.issuer == ca.subject
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in sans.get_values_for_type(x509.DNSName)
    assert pki.server_key.stat().st_mode & 0o077 == 0
