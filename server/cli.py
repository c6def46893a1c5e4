"""``agentdesk-hub``: serve | migrate | create-user | set-password | disable-user | enable-user | seed-demo | import-kb.

Settings come from ``--config FILE`` (TOML, a ``[hub]`` table), ``AGENTDESK_HUB_*`` environment variables and the
options below (highest precedence). ``--database-url`` defaults to a SQLite file in the current directory.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import logging
import os
import sys
from pathlib import Path
from typing import Any

from app.protocol import Role
from app.version import __version__
from server.config import ConfigError, HubConfig, load_config
from server.db import is_sqlite

log = logging.getLogger("server")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="TOML settings file ([hub] table)")
    parser.add_argument("--database-url", help="sqlite:///path.sqlite3 or postgresql://user@host:port/db")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agentdesk-hub", description="The AgentDesk hub.")
    parser.add_argument("--version", action="version", version=f"agentdesk-hub {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the hub (HTTP API and WebSocket push)")
    _common(serve)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--migrate",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="upgrade the schema at start (default: yes on SQLite, no on PostgreSQL, where `migrate` runs once)",
    )
    serve.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
    serve.add_argument("--log-level")
    serve.add_argument("--tls-cert", type=Path, help="serve HTTPS with this PEM certificate (chain) file")
    serve.add_argument("--tls-key", type=Path, help="the certificate's PEM private key (with --tls-cert)")

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    _common(migrate)
    migrate.add_argument("--revision", default="head")
    migrate.add_argument("--check", action="store_true", help="only report whether the schema is up to date")

    user = sub.add_parser("create-user", help="add a user (the password is asked, or read from AGENTDESK_HUB_PASSWORD)")
    _common(user)
    user.add_argument("username")
    user.add_argument("--display-name")
    user.add_argument("--role", choices=[r.value for r in Role], default=Role.AGENT.value)
    user.add_argument("--team", help="team name (created if missing)")
    user.add_argument("--locale", default="zh_CN")

    for name, text in (
        ("set-password", "set a user's password (asked, or read from AGENTDESK_HUB_PASSWORD); their sessions end"),
        ("disable-user", "disable an account: its sessions end, an agent is signed out"),
        ("enable-user", "enable a disabled account again"),
    ):
        account = sub.add_parser(name, help=text)
        _common(account)
        account.add_argument("username")

    seed = sub.add_parser("seed-demo", help="load the demo dataset (teams, users, categories, tickets, articles)")
    _common(seed)

    imp = sub.add_parser("import-kb", help="import knowledge-base articles from Markdown files or a CSV file")
    _common(imp)
    imp.add_argument("paths", nargs="+", type=Path, help="*.md files, directories of them, or *.csv files (UTF-8)")
    imp.add_argument("--category", default="general", help="category for articles that do not name one")
    return parser


def _config(args: argparse.Namespace, **extra: Any) -> HubConfig:
    overrides = {"database_url": args.database_url, **extra}
    return load_config(args.config, overrides=overrides)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        if args.command == "serve":
            config = _config(args, host=args.host, port=args.port, log_level=args.log_level)
            if (args.tls_cert is None) != (args.tls_key is None):
                raise ConfigError("--tls-cert and --tls-key go together")
            return _serve(config, args.migrate, args.access_log, args.tls_cert, args.tls_key)
        config = _config(args)
        if args.command == "migrate":
            return _migrate(config, args.revision, args.check)
        _ensure_schema(config)
        if args.command in ("create-user", "set-password", "disable-user", "enable-user"):
            return _account_command(config, args)
        if args.command == "seed-demo":
            from server.seed import seed_demo

            print(seed_demo(config))
            return 0
        if args.command == "import-kb":
            from server.kb import import_paths

            count = import_paths(config, args.paths, args.category)
            print(f"imported {count} articles")
            return 0
    except ConfigError as exc:
        print(f"agentdesk-hub: configuration error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:
        print(f"agentdesk-hub: {exc}", file=sys.stderr)
        return 1
    return 2


def _ensure_schema(config: HubConfig) -> None:
    from server.migrate import is_up_to_date, upgrade

    if not is_up_to_date(config.database_url):
        if not is_sqlite(config.database_url):
            raise ValueError("the database schema is not up to date; run `agentdesk-hub migrate` first")
        upgrade(config.database_url)


def _migrate(config: HubConfig, revision: str, check: bool) -> int:
    from server.migrate import current_revision, head_revision, upgrade

    if check:
        current, head = current_revision(config.database_url), head_revision()
        print(f"current {current or '(empty)'}; newest {head}", file=sys.stdout if current == head else sys.stderr)
        return 0 if current == head else 1
    upgrade(config.database_url, revision)
    print(f"database at revision {current_revision(config.database_url)}")
    return 0


def _new_password(username: str) -> str | None:
    password = os.environ.get("AGENTDESK_HUB_PASSWORD")
    if password is None:
        password = getpass.getpass(f"password for {username}: ")
        if password != getpass.getpass("again: "):
            print("passwords differ", file=sys.stderr)
            return None
    return password


def _account_command(config: HubConfig, args: argparse.Namespace) -> int:
    """User commands, through the same service (validation, password policy, audit, events) as ``/admin``."""
    from app.protocol import PasswordSet, UserCreate, UserUpdate
    from server.admin import CLI, command_line_service, describe
    from server.errors import ApiError

    password = _new_password(args.username) if args.command in ("create-user", "set-password") else ""
    if password is None:
        return 1
    try:
        with command_line_service(config) as (db, service):
            if args.command == "create-user":
                role = Role(args.role)
                if args.team is None and role is not Role.ADMIN:
                    print("agentdesk-hub: agents and supervisors need --team", file=sys.stderr)
                    return 1
                team_id = service.find_or_create_team(db, CLI, args.team).id if args.team else None
                body = UserCreate(
                    args.username, args.display_name or args.username, role, password, team_id, args.locale
                )
                created = service.create_user(db, CLI, body)
                message = f"user {created.username} created (id {created.id})"
            else:
                user = service.find_user(db, args.username)
                if args.command == "set-password":
                    service.set_password(db, CLI, user.id, PasswordSet(password))
                    message = f"password of {user.username} set; their sessions ended"
                else:
                    enable = args.command == "enable-user"
                    service.update_user(db, CLI, user.id, UserUpdate(active=enable))
                    message = f"user {user.username} {'enabled' if enable else 'disabled'}"
    except ApiError as exc:
        print(f"agentdesk-hub: {args.username}: {describe(exc)}", file=sys.stderr)
        return 1
    print(message)
    return 0


def tune_gc() -> None:
    """Garbage-collector settings for a process holding thousands of sockets.

    Each push socket keeps ~230 GC-tracked objects alive (1.2 million at 5,000 agents), and a full collection walks
    all of them on the event loop thread: with the default thresholds one ran every ~10 s while 5,000 agents
    connected, 1–4 s each on the loaded test machine, stalling every socket. What was loaded at start-up is frozen
    (never scanned again) and collections run less often; reference counting still frees almost everything at once.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)


def uvicorn_settings(
    config: HubConfig, access_log: bool, tls_cert: Path | None = None, tls_key: Path | None = None
) -> dict[str, Any]:
    """How the hub runs uvicorn; each setting is here for thousands of mostly idle push sockets.

    - No per-message deflate: frames are small JSON (a few hundred bytes), so compression saves little, while zlib
      cost the loop more CPU than anything else at 1,000 sockets and keeps a compressor per socket (~100 kB each).
    - Protocol pings every 60 s (uvicorn's default is 20 s): clients already send an application heartbeat every 20 s;
      the protocol ping only finds dead TCP peers, one timer per socket.
    - ``loop``/``http`` "auto": uvloop and httptools when installed (the hub extra installs them on Linux).
    - A deep listen backlog for reconnect storms (every agent redials after a hub restart).
    """
    return {
        "host": config.host,
        "port": config.port,
        "log_level": config.log_level,
        "access_log": access_log,
        "backlog": 8192,
        "ws": "websockets-sansio",
        "ws_max_size": 1 << 20,
        "ws_per_message_deflate": False,
        "ws_ping_interval": 60.0,
        "ws_ping_timeout": 30.0,
        "timeout_graceful_shutdown": 5,
        "server_header": False,
        "ssl_certfile": str(tls_cert) if tls_cert else None,
        "ssl_keyfile": str(tls_key) if tls_key else None,
    }


def _serve(
    config: HubConfig, migrate: bool | None, access_log: bool, tls_cert: Path | None = None, tls_key: Path | None = None
) -> int:
    import uvicorn

    from server.app import create_app
    from server.migrate import is_up_to_date, upgrade

    if migrate is None:
        migrate = is_sqlite(config.database_url)
    if not is_up_to_date(config.database_url):
        if not migrate:
            print("agentdesk-hub: the database schema is not up to date; run `agentdesk-hub migrate`", file=sys.stderr)
            return 1
        log.info("upgrading the database schema")
        upgrade(config.database_url)
    app = create_app(config)
    uv_config = uvicorn.Config(app, **uvicorn_settings(config, access_log, tls_cert, tls_key))
    tune_gc()
    # Server.run, not asyncio.run(server.serve()): it builds the loop uvicorn is configured for (uvloop when installed)
    uvicorn.Server(uv_config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
