"""Indexes for the ticket queue views and for desktop-session takeover.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tickets_team_status_updated", "tickets", ["team_id", "status", "updated_at"])
    op.create_index("ix_auth_sessions_user_kind", "auth_sessions", ["user_id", "client_kind"])


def downgrade() -> None:
    op.drop_index("ix_auth_sessions_user_kind", table_name="auth_sessions")
    op.drop_index("ix_tickets_team_status_updated", table_name="tickets")
