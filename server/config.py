"""Hub configuration: defaults < TOML file (``--config``) < environment (``AGENTDESK_HUB_*``) < command line.

Every hub process pointed at the same database must use the same settings; the token signing secret is not
configured here but generated once into the database (``hub_settings``), so processes share it automatically.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.protocol import HEARTBEAT_INTERVAL_S, HEARTBEAT_MISSES, MIN_CLIENT_VERSION, MIN_OFFLINE_GRACE_S


class ConfigError(ValueError):
    """A setting has a bad value; the message names it."""


@dataclasses.dataclass(frozen=True, slots=True)
class HubConfig:
    database_url: str = "sqlite:///agentdesk-hub.sqlite3"
    host: str = "127.0.0.1"
    port: int = 8740
    access_token_ttl_s: int = 900  # 15 minutes
    refresh_token_ttl_s: int = 7 * 24 * 3600
    max_failed_logins: int = 5
    lockout_s: int = 300
    replay_window_s: int = 3600  # events kept for resume-from-seq
    max_body_bytes: int = 1_048_576
    heartbeat_interval_s: float = HEARTBEAT_INTERVAL_S
    heartbeat_misses: int = HEARTBEAT_MISSES
    offline_grace_s: float = 120.0  # default per team; forced sign-out no earlier than this after going offline
    sweep_interval_s: float = 5.0
    #: PostgreSQL: first wait before re-establishing a lost LISTEN connection (doubles up to 30 s).
    listen_retry_s: float = 1.0
    #: Knowledge search: terms found in more articles than this are ranked from the in-memory index
    #: (``server.kb_index``); 0 turns the index off (every search ranks in the database).
    kb_index_min_df: int = 1500
    min_client_version: str = MIN_CLIENT_VERSION
    #: Where the site publishes the current client (shown by clients older than ``min_client_version``).
    update_url: str = ""
    log_level: str = "info"
    #: Development/test only: allows heartbeat and grace below the production minimums.
    allow_short_timers: bool = False

    def validate(self) -> HubConfig:
        if not self.allow_short_timers:
            if self.offline_grace_s < MIN_OFFLINE_GRACE_S:
                raise ConfigError(f"offline_grace_s must be at least {MIN_OFFLINE_GRACE_S:.0f}")
            if self.heartbeat_interval_s < 5:
                raise ConfigError("heartbeat_interval_s must be at least 5")
        if not 0.05 <= self.listen_retry_s <= 60:
            raise ConfigError("listen_retry_s must be 0.05..60")
        if self.kb_index_min_df < 0:
            raise ConfigError("kb_index_min_df must be 0 (off) or more")
        if self.max_body_bytes < 1024:
            raise ConfigError("max_body_bytes must be at least 1024")
        if not 1 <= self.port <= 65535 and self.port != 0:
            raise ConfigError("port must be 0..65535")
        if self.access_token_ttl_s < 10 or self.refresh_token_ttl_s < self.access_token_ttl_s:
            raise ConfigError("token lifetimes: access ≥ 10 s and refresh ≥ access")
        return self

    @property
    def offline_after_s(self) -> float:
        return self.heartbeat_interval_s * self.heartbeat_misses


_ENV_PREFIX = "AGENTDESK_HUB_"


def _coerce(field: dataclasses.Field[Any], raw: Any) -> Any:
    kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", str(field.type))
    try:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{field.name}: cannot read {raw!r} as {kind}") from None


def load_config(
    file: Path | None = None, env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> HubConfig:
    env = os.environ if env is None else env
    fields = {f.name: f for f in dataclasses.fields(HubConfig)}
    values: dict[str, Any] = {}
    if file is not None:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {file}: {exc}") from None
        section = data.get("hub", data)
        for key, raw in section.items():
            if key not in fields:
                raise ConfigError(f"unknown setting {key!r} in {file}")
            values[key] = _coerce(fields[key], raw)
    for name, field in fields.items():
        raw_env = env.get(_ENV_PREFIX + name.upper())
        if raw_env is not None:
            values[name] = _coerce(field, raw_env)
    for key, raw in (overrides or {}).items():
        if raw is not None:
            values[key] = _coerce(fields[key], raw)
    return HubConfig(**values).validate()
