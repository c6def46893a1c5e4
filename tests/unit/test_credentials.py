"""Credentials go only into an acceptable keyring; insecure or missing backends are refused with a typed reason."""

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from app.credentials import (
    CredentialError,
    CredentialErrorKind,
    CredentialStore,
    SecretKind,
    classify_backend,
)
from tests.helpers.keyrings import MemoryKeyring, PlaintextKeyring, fail_keyring, null_keyring

pytestmark = [pytest.mark.unit, pytest.mark.allow_log_warnings]


class FixedChain(ChainerBackend):
    """keyring's chainer with a given member list (normally computed from installed entry points)."""

    def __init__(self, members: list[KeyringBackend]) -> None:
        self._members = members

    @property
    def backends(self) -> list[KeyringBackend]:
        return self._members


def test_store_load_delete_round_trip(caplog: pytest.LogCaptureFixture) -> None:
    backend = MemoryKeyring()
    store = CredentialStore(backend)
    assert store.status().usable
    store.store(SecretKind.SIP_PASSWORD, "1001@pbx.example", "s3cret-Passw0rd")
    assert store.load(SecretKind.SIP_PASSWORD, "1001@pbx.example") == "s3cret-Passw0rd"
    assert store.load(SecretKind.HUB_PASSWORD, "1001@pbx.example") is None  # kinds are separate services
    assert ("AgentDesk/sip-password", "1001@pbx.example") in backend.items
    store.delete(SecretKind.SIP_PASSWORD, "1001@pbx.example")
    store.delete(SecretKind.SIP_PASSWORD, "1001@pbx.example")  # deleting nothing is fine
    assert store.load(SecretKind.SIP_PASSWORD, "1001@pbx.example") is None
    assert "s3cret-Passw0rd" not in caplog.text


@pytest.mark.parametrize(
    ("backend", "kind"),
    [
        (fail_keyring(), CredentialErrorKind.NO_BACKEND),
        (null_keyring(), CredentialErrorKind.NO_BACKEND),
        (PlaintextKeyring(), CredentialErrorKind.INSECURE_BACKEND),
    ],
)
def test_insecure_or_missing_backends_are_refused(backend: KeyringBackend, kind: CredentialErrorKind) -> None:
    store = CredentialStore(backend)
    status = store.status()
    assert not status.usable
    assert status.problem is kind
    assert status.backend in status.detail
    with pytest.raises(CredentialError) as err:
        store.store(SecretKind.HUB_REFRESH_TOKEN, "alice", "tok-123456")
    assert err.value.kind is kind
    assert "tok-123456" not in str(err.value)
    with pytest.raises(CredentialError) as err:
        store.load(SecretKind.HUB_REFRESH_TOKEN, "alice")
    assert err.value.kind is kind
    with pytest.raises(CredentialError) as err:
        store.delete(SecretKind.HUB_REFRESH_TOKEN, "alice")
    assert err.value.kind is kind
    if isinstance(backend, PlaintextKeyring):
        assert backend.items == {}  # nothing reached the plaintext store


def test_plaintext_fallback_in_a_chain_never_receives_a_secret() -> None:
    secure, plaintext = MemoryKeyring(), PlaintextKeyring()
    store = CredentialStore(FixedChain([plaintext, secure]))
    store.store(SecretKind.HUB_PASSWORD, "alice", "pw-abcdef")
    assert secure.items
    assert not plaintext.items


def test_a_chain_of_only_insecure_backends_is_refused_as_insecure() -> None:
    chain = FixedChain([fail_keyring(), PlaintextKeyring()])
    assert CredentialStore(chain).status().problem is CredentialErrorKind.INSECURE_BACKEND


class Broken(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"D-Bus said no to {password}")


def test_backend_failures_are_typed_and_never_echo_the_secret() -> None:
    with pytest.raises(CredentialError) as err:
        CredentialStore(Broken()).store(SecretKind.SIP_PASSWORD, "1001", "hunter2-secret")
    assert err.value.kind is CredentialErrorKind.BACKEND_FAILURE
    assert "hunter2-secret" not in str(err.value)
    assert "<redacted>" in str(err.value)


def test_locked_keyring_is_its_own_kind() -> None:
    from keyring.errors import KeyringLocked

    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("user dismissed the prompt")

    with pytest.raises(CredentialError) as err:
        CredentialStore(Locked()).load(SecretKind.SIP_PASSWORD, "1001")
    assert err.value.kind is CredentialErrorKind.LOCKED


def test_classify_real_backends() -> None:
    assert classify_backend(MemoryKeyring()).usable
    assert classify_backend(fail_keyring()).problem is CredentialErrorKind.NO_BACKEND
