"""Layered configuration: defaults < site (+ conf.d, policy) < user < command line; locks; bad values; broken files."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import pytest

from app.config import (
    Config,
    ConfigError,
    ConfigErrorKind,
    ConfigIssueKind,
    Language,
    LoadedConfig,
    SipTransport,
    SrtpPolicy,
    WindowsRegistryPolicy,
    load_config,
    save_user_values,
    schema,
    site_config_dir,
    site_config_files,
)

pytestmark = [pytest.mark.unit, pytest.mark.allow_log_warnings]


class FakePolicy:
    """A policy source with fixed values (what the Windows registry reader returns)."""

    name = "policy registry"

    def __init__(self, data: Mapping[str, Mapping[str, object]]) -> None:
        self.data = data

    def read(self) -> Mapping[str, Mapping[str, object]]:
        return self.data


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "site"
    (site / "conf.d").mkdir(parents=True)
    return site, tmp_path / "user" / "agentdesk.toml"


def _load(dirs: tuple[Path, Path], cli: tuple[str, ...] = (), policy: FakePolicy | None = None) -> LoadedConfig:
    site, user = dirs
    return load_config(site_dir=site, user_file=user, cli_overrides=cli, policy=policy or FakePolicy({}))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_nothing_is_provisioned(dirs: tuple[Path, Path]) -> None:
    loaded = _load(dirs)
    assert loaded.config == Config()
    assert loaded.config.sip.transport is SipTransport.TLS
    assert loaded.config.ui.language is Language.ZH_CN
    assert loaded.issues == ()
    assert loaded.locked == frozenset()


def test_every_setting_has_a_description_and_a_valid_default() -> None:
    for key, info in schema().items():
        assert info.description.strip(), key
        assert info.type_name, key


def test_layers_apply_in_order(dirs: tuple[Path, Path]) -> None:
    site, user = dirs
    _write(
        site / "agentdesk.toml", '[hub]\nurl = "https://site.example:8443"\n[sip]\nserver = "pbx.site"\nport = 5061\n'
    )
    _write(site / "conf.d" / "10-branch.toml", '[sip]\nserver = "pbx.branch"\n')
    _write(site / "conf.d" / "20-later.toml", "[sip]\nregistration_expiry = 600\n")
    _write(user, '[sip]\nuser = "1001"\nregistration_expiry = 120\n[ui]\nlanguage = "en"\n')
    loaded = _load(dirs, cli=("sip.user=1002", "ui.close_to_tray=false"))
    cfg = loaded.config
    assert cfg.hub.url == "https://site.example:8443"
    assert cfg.sip.server == "pbx.branch"  # conf.d overrides agentdesk.toml
    assert cfg.sip.port == 5061
    assert cfg.sip.registration_expiry == 120  # user overrides site
    assert cfg.sip.user == "1002"  # command line overrides user
    assert cfg.ui.language is Language.EN
    assert cfg.ui.close_to_tray is False
    assert loaded.origins["sip.user"] == "command line"
    assert loaded.origins["sip.server"].endswith("20-later.toml") is False
    assert loaded.origins["sip.server"] == f"site: {site / 'conf.d' / '10-branch.toml'}"
    assert loaded.issues == ()


def test_conf_d_files_are_read_in_name_order(dirs: tuple[Path, Path]) -> None:
    site, _ = dirs
    _write(site / "conf.d" / "b.toml", '[sip]\nserver = "b"\n')
    _write(site / "conf.d" / "a.toml", '[sip]\nserver = "a"\n')
    _write(site / "conf.d" / "ignored.txt", '[sip]\nserver = "txt"\n')
    assert [p.name for p in site_config_files(site)] == ["a.toml", "b.toml"]
    assert _load(dirs).config.sip.server == "b"


def test_locked_keys_keep_the_site_value(dirs: tuple[Path, Path], caplog: pytest.LogCaptureFixture) -> None:
    site, user = dirs
    _write(site / "agentdesk.toml", 'locked = ["hub.url", "health.*"]\n[hub]\nurl = "https://hub.corp:8443"\n')
    _write(user, '[hub]\nurl = "https://evil.example"\n[health]\nmax_rtt_ms = 900\n')
    loaded = _load(dirs, cli=("hub.url=https://cli.example",))
    assert loaded.config.hub.url == "https://hub.corp:8443"
    assert loaded.config.health.max_rtt_ms == 150.0
    assert loaded.is_locked("hub.url")
    assert loaded.is_locked("health.max_rtt_ms")
    assert not loaded.is_locked("sip.server")
    kinds = [(i.kind, i.key) for i in loaded.issues]
    assert (ConfigIssueKind.LOCKED_KEY, "hub.url") in kinds
    assert (ConfigIssueKind.LOCKED_KEY, "health.max_rtt_ms") in kinds
    assert sum(1 for k in kinds if k == (ConfigIssueKind.LOCKED_KEY, "hub.url")) == 2  # user file and CLI
    assert "locked" in caplog.text


def test_a_lock_in_conf_d_applies_to_a_value_from_the_main_site_file(dirs: tuple[Path, Path]) -> None:
    site, user = dirs
    _write(site / "agentdesk.toml", '[sip]\nserver = "pbx.corp"\n')
    _write(site / "conf.d" / "locks.toml", 'locked = ["sip.server", "nosuch.key"]\n')
    _write(user, '[sip]\nserver = "other"\n')
    loaded = _load(dirs)
    assert loaded.config.sip.server == "pbx.corp"
    assert [(i.kind, i.key) for i in loaded.issues] == [
        (ConfigIssueKind.BAD_LOCK, "nosuch.key"),
        (ConfigIssueKind.LOCKED_KEY, "sip.server"),
    ]


def test_locked_key_cannot_be_saved(dirs: tuple[Path, Path]) -> None:
    site, user = dirs
    _write(site / "agentdesk.toml", 'locked = ["ui.language"]\n')
    loaded = _load(dirs)
    with pytest.raises(ConfigError) as err:
        save_user_values(loaded, {"ui.language": Language.EN})
    assert err.value.kind is ConfigErrorKind.LOCKED
    assert not user.exists()


def test_site_only_keys_are_ignored_in_the_user_file(dirs: tuple[Path, Path]) -> None:
    _, user = dirs
    _write(user, '[sip]\nsrtp = "disabled"\n')
    loaded = _load(dirs)
    assert loaded.config.sip.srtp is SrtpPolicy.OPTIONAL
    assert [(i.kind, i.key) for i in loaded.issues] == [(ConfigIssueKind.SITE_ONLY_KEY, "sip.srtp")]
    with pytest.raises(ConfigError) as err:
        save_user_values(loaded, {"sip.srtp": "disabled"})
    assert err.value.kind is ConfigErrorKind.SITE_ONLY


def test_policy_values_are_locked_and_win_over_site_files(dirs: tuple[Path, Path]) -> None:
    site, user = dirs
    _write(site / "agentdesk.toml", '[sip]\nserver = "from-file"\n')
    _write(user, '[sip]\nserver = "from-user"\n')
    policy = FakePolicy({"sip": {"server": "from-policy", "auto_answer": 1}, "ui": {"language": "en"}})
    loaded = _load(dirs, policy=policy)
    assert loaded.config.sip.server == "from-policy"
    assert loaded.config.sip.auto_answer is True  # REG_DWORD 1 is a boolean true
    assert loaded.config.ui.language is Language.EN
    assert {"sip.server", "sip.auto_answer", "ui.language"} <= loaded.locked
    assert loaded.origins["sip.server"] == "policy registry"


def test_windows_policy_reader_reads_nothing_elsewhere() -> None:
    assert WindowsRegistryPolicy(platform="linux").read() == {}


@pytest.mark.parametrize(
    ("toml", "key", "expected_in_detail"),
    [
        ('[sip]\nport = "5060"\n', "sip.port", "expected integer"),
        ("[sip]\nport = 70000\n", "sip.port", "<= 65535"),
        ('[sip]\ntransport = "sctp"\n', "sip.transport", "one of 'udp', 'tcp', 'tls'"),
        ('[ui]\nclose_to_tray = "yes"\n', "ui.close_to_tray", "expected boolean"),
        ("[audio]\ninput_priority = [1, 2]\n", "audio.input_priority", "array of strings"),
        ("[health]\nmax_rtt_ms = true\n", "health.max_rtt_ms", "expected number"),
        ("[hub]\nurl = 5\n", "hub.url", "expected string"),
    ],
)
def test_bad_value_names_file_key_and_type_and_falls_back(
    dirs: tuple[Path, Path], caplog: pytest.LogCaptureFixture, toml: str, key: str, expected_in_detail: str
) -> None:
    site, user = dirs
    _write(site / "agentdesk.toml", '[sip]\nport = 5080\ntransport = "tcp"\n')
    path = _write(user, toml)
    loaded = _load(dirs)
    site_value = {"sip.port": 5080, "sip.transport": SipTransport.TCP}
    assert loaded.value(key) == site_value.get(key, schema()[key].default)
    (issue,) = loaded.issues
    assert issue.kind is ConfigIssueKind.BAD_VALUE
    assert issue.key == key
    assert str(path) in issue.source
    assert expected_in_detail in issue.detail
    assert issue.is_error
    assert str(path) in caplog.text
    assert key in caplog.text


def test_unknown_keys_and_sections_warn_and_the_rest_applies(
    dirs: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    _, user = dirs
    _write(user, '[sip]\nserevr = "typo"\nuser = "1001"\n[nosuch]\na = 1\n')
    with caplog.at_level(logging.WARNING, logger="app.config"):
        loaded = _load(dirs)
    assert loaded.config.sip.user == "1001"
    assert [(i.kind, i.key) for i in loaded.issues] == [
        (ConfigIssueKind.UNKNOWN_KEY, "sip.serevr"),
        (ConfigIssueKind.UNKNOWN_SECTION, "nosuch"),
    ]
    assert not any(i.is_error for i in loaded.issues)
    assert "sip.serevr" in caplog.text


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"[sip\nserver = 1", ConfigIssueKind.SYNTAX_ERROR),
        (b"\xff\xfe\x00garbage", ConfigIssueKind.UNREADABLE_FILE),
        (b"sip = 5\n", ConfigIssueKind.BAD_VALUE),
    ],
)
def test_broken_site_file_is_reported_and_skipped(
    dirs: tuple[Path, Path], content: bytes, kind: ConfigIssueKind
) -> None:
    site, user = dirs
    (site / "agentdesk.toml").write_bytes(content)
    _write(site / "conf.d" / "ok.toml", '[sip]\nserver = "still-read"\n')
    _write(user, '[sip]\nuser = "1001"\n')
    loaded = _load(dirs)
    assert loaded.config.sip.server == "still-read"
    assert loaded.config.sip.user == "1001"
    assert [i.kind for i in loaded.issues] == [kind]
    assert str(site / "agentdesk.toml") in loaded.issues[0].source


def test_unreadable_user_file(dirs: tuple[Path, Path]) -> None:
    _, user = dirs
    user.mkdir(parents=True)  # a directory where the file should be: reading raises IsADirectoryError
    loaded = _load(dirs)
    assert loaded.config == Config()
    assert [i.kind for i in loaded.issues] == [ConfigIssueKind.UNREADABLE_FILE]


def test_cli_values_are_parsed_as_toml_or_strings(dirs: tuple[Path, Path]) -> None:
    loaded = _load(
        dirs,
        cli=(
            "sip.port=5062",
            "sip.server=pbx.example",  # bare string
            'sip.codecs=["PCMA/8000"]',
            "sip.auto_answer=true",
            "nonsense",
        ),
    )
    cfg = loaded.config
    assert (cfg.sip.port, cfg.sip.server, cfg.sip.codecs, cfg.sip.auto_answer) == (
        5062,
        "pbx.example",
        ("PCMA/8000",),
        True,
    )
    assert [(i.kind, i.source) for i in loaded.issues] == [(ConfigIssueKind.BAD_VALUE, "command line")]


def test_save_user_values_round_trip_keeps_other_values(dirs: tuple[Path, Path]) -> None:
    _, user = dirs
    _write(user, '# a comment\n[sip]\nuser = "1001"\n[audio]\ninput_priority = ["*Jabra*"]\n')
    loaded = _load(dirs)
    save_user_values(
        loaded, {"ui.language": Language.EN, "audio.output_priority": ("*Poly*", 'quote"d'), "sip.user": None}
    )
    again = _load(dirs)
    assert again.issues == ()
    assert again.config.ui.language is Language.EN
    assert again.config.audio.output_priority == ("*Poly*", 'quote"d')
    assert again.config.audio.input_priority == ("*Jabra*",)
    assert again.config.sip.user == ""
    with pytest.raises(ConfigError) as err:
        save_user_values(again, {"sip.port": "x"})
    assert err.value.kind is ConfigErrorKind.BAD_VALUE
    with pytest.raises(ConfigError) as err:
        save_user_values(again, {"sip.nosuch": 1})
    assert err.value.kind is ConfigErrorKind.UNKNOWN_KEY


def test_saving_over_a_broken_user_file_keeps_a_backup(dirs: tuple[Path, Path]) -> None:
    _, user = dirs
    _write(user, "[[[ not toml")
    loaded = _load(dirs)
    save_user_values(loaded, {"ui.language": "en"})
    assert user.with_suffix(".toml.broken").read_text() == "[[[ not toml"
    assert _load(dirs).config.ui.language is Language.EN


def test_site_dir_per_platform() -> None:
    assert site_config_dir({}, "linux") == Path("/etc/agentdesk")
    assert site_config_dir({"ProgramData": "D:\\PD"}, "win32") == Path("D:\\PD") / "AgentDesk"
    assert site_config_dir({}, "darwin") == Path("/Library/Application Support/AgentDesk")
    assert site_config_dir({"AGENTDESK_SITE_CONFIG_DIR": "/x"}, "linux") == Path("/x")


def test_default_locations_follow_the_environment(tmp_path: Path) -> None:
    """conftest points the site dir and XDG dirs at temporary folders; load_config() without arguments uses them."""
    site = site_config_dir()
    _write(site / "agentdesk.toml", '[sip]\nserver = "from-env-site"\n')
    loaded = load_config(policy=FakePolicy({}))
    assert loaded.config.sip.server == "from-env-site"
    assert loaded.user_file is not None
    assert str(loaded.user_file).startswith(str(Path(str(site)).parent))


def test_old_user_files_are_migrated_and_backed_up_before_rewriting(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if version 2 renamed sip.registrar to sip.server: a version-1 file still works and is kept."""
    import app.config as config_module

    def rename_registrar(doc: dict[str, object]) -> dict[str, object]:
        sip = doc.get("sip")
        if isinstance(sip, dict) and "registrar" in sip:
            sip["server"] = sip.pop("registrar")
        return doc

    monkeypatch.setattr(config_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(config_module, "MIGRATIONS", {1: rename_registrar})
    _, user = dirs
    old_text = 'schema_version = 1\n[sip]\nregistrar = "pbx.old"\n'
    _write(user, old_text)
    loaded = _load(dirs)
    assert loaded.config.sip.server == "pbx.old"
    assert loaded.issues == ()
    save_user_values(loaded, {"sip.user": "1001"})
    assert user.with_suffix(".toml.v1.bak").read_text() == old_text
    rewritten = user.read_text()
    assert "schema_version = 2" in rewritten
    assert 'server = "pbx.old"' in rewritten
    assert "registrar" not in rewritten


def test_a_newer_user_file_is_read_as_it_is(dirs: tuple[Path, Path]) -> None:
    _, user = dirs
    _write(user, 'schema_version = 7\n[sip]\nuser = "1001"\n')
    loaded = _load(dirs)
    assert loaded.config.sip.user == "1001"
    assert loaded.issues == ()
