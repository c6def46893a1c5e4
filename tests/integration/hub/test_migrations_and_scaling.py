"""Schema migrations (empty database and upgrade of a seeded one) and two hub processes sharing one PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from server.migrate import head_revision
from tests.helpers.hub import ROOT, HubProcess, PostgresCluster, hub_cli

pytestmark = pytest.mark.integration


def _check_schema_matches_models(url: str) -> None:
    """Alembic's autogenerate compare finds no difference between the migrated database and the models."""
    code = (
        "import sys\n"
        "from alembic.autogenerate import compare_metadata\n"
        "from alembic.runtime.migration import MigrationContext\n"
        "from server.db import Base, include_object, make_engine\n"
        "engine = make_engine(sys.argv[1])\n"
        "with engine.connect() as conn:\n"
        "    diff = compare_metadata(MigrationContext.configure(conn, opts={'compare_type': False, 'include_object': include_object}), Base.metadata)\n"
        "print(repr(diff))\n"
        "sys.exit(1 if diff else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, url], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _seed_at_first_revision(url: str) -> None:
    """Rows written the way a hub at revision 0001 wrote them (plain SQL: the models are the newest schema)."""
    from argon2 import PasswordHasher
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    now = "2026-01-05 08:00:00"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO teams (name, policy) VALUES ('老客服组', '{}')"))
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, password_hash, role, team_id, locale, active, failed_logins, "
                "created_at) SELECT 'old.agent', '老员工', :h, 'agent', id, 'zh_CN', true, 0, :t FROM teams"
            ),
            {"h": PasswordHasher().hash("old-password"), "t": now},
        )
        conn.execute(
            text(
                "INSERT INTO tickets (number, subject, description, customer_name, customer_phone, category, "
                "priority, status, team_id, custom_fields, linked_call_ids, created_by, created_at, updated_at, "
                "version) SELECT 'T20260105-000001', '旧工单', '', '王五', '+8613800000000', 'general', 'normal', "
                "'new', team_id, '{}', '[]', id, :t, :t, 1 FROM users"
            ),
            {"t": now},
        )
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_from_empty_and_upgrade_of_a_populated_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, process_log_dir: Path
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        url = cluster.url(cluster.create_database())
    assert "0001" in hub_cli("migrate", "--database-url", url, "--revision", "0001")
    _seed_at_first_revision(url)
    with pytest.raises(RuntimeError, match="current 0001"):
        hub_cli("migrate", "--database-url", url, "--check")
    hub_cli("migrate", "--database-url", url)
    assert f"current {head_revision()}" in hub_cli("migrate", "--database-url", url, "--check")
    _check_schema_matches_models(url)
    # the old rows work with the upgraded hub; demo data can be added on top
    hub_cli("seed-demo", "--database-url", url)
    proc = HubProcess(url, process_log_dir, name=f"hub-upgraded-{backend}").start()
    try:
        old = proc.client("old.agent", "old-password")
        found = old.ok("GET", "/tickets", params={"q": "T20260105-000001"})["items"]
        assert [t["subject"] for t in found] == ["旧工单"]
        # the ticket text index was backfilled by the upgrade: words and phone forms of the old row are found
        for query in ("旧工单", "王五", "13800000000", "0000"):
            found = old.ok("GET", "/tickets", params={"q": query})["items"]
            assert "T20260105-000001" in [t["number"] for t in found], query
        assert old.set_state("not_ready", "sign_in")["state"] == "not_ready"
        assert proc.client("agent.li").user["team_name"] == "信用卡客服一组"
    finally:
        proc.close_clients()
        proc.stop()
    if backend == "sqlite":
        with sqlite3.connect(tmp_path / "old.sqlite3") as conn:
            assert (
                conn.execute("SELECT count(*) FROM kb_fts").fetchone()
                == conn.execute("SELECT count(*) FROM kb_articles").fetchone()
            )
            assert (
                conn.execute("SELECT count(*) FROM ticket_fts").fetchone()
                == conn.execute("SELECT count(*) FROM tickets").fetchone()
            )


def test_serve_refuses_an_outdated_postgresql_schema(pg_cluster: PostgresCluster, tmp_path: Path) -> None:
    url = pg_cluster.url(pg_cluster.create_database())
    proc = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--database-url", url, "--no-migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "agentdesk-hub migrate" in proc.stderr


def test_two_hub_processes_share_events_over_postgresql(
    pg_cluster: PostgresCluster, pg_template: str, process_log_dir: Path
) -> None:
    url = pg_cluster.url(pg_cluster.create_database(template=pg_template))
    a = HubProcess(url, process_log_dir, name="hub-pg-a").start()
    b = HubProcess(url, process_log_dir, name="hub-pg-b").start()
    try:
        agent = a.client("agent.li")  # the agent is connected to hub A
        sup = b.client("sup.zhang")  # the supervisor to hub B
        agent.set_state("not_ready", "sign_in")
        agent_ws = agent.ws()
        sup_ws = sup.ws()
        assert agent_ws.welcome.payload["hub_instance"] != sup_ws.welcome.payload["hub_instance"]
        # B's command reaches the agent on A; A's change reaches the supervisor on B
        sup.ok("POST", f"/agents/{agent.user['id']}/force", json={"state": "ready"})
        env = agent_ws.next_of("agent.state", predicate=lambda p: p["state"] == "ready")
        assert env.payload["changed_by_name"] == "张主管"
        agent.set_state("not_ready", "lunch")
        sup_ws.next_of("agent.state", predicate=lambda p: p["reason"] == "lunch")
        # sequence numbers are one series across both processes
        seqs = [agent_ws.last_seq, sup_ws.last_seq]
        assert min(seqs) > 0
        # a sign-in on B takes over the desktop session held through A
        b.client("agent.li")
        agent_ws.next_of("session_taken_over")
    finally:
        a.close_clients()
        b.close_clients()
        a.stop()
        b.stop()
