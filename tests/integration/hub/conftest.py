"""Hub fixtures (real hub processes on SQLite and PostgreSQL)."""

from tests.helpers.hub import hub, hub_pg, hub_sqlite, hub_template, pg_cluster, pg_template  # noqa: F401
